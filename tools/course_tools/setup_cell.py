"""The first code cell of every notebook, generated from course.toml (`sync` writes it).

On Colab it installs the course's helper package from the tagged release in course.toml; if pip
fails it prints pip's own last lines and a sentence in the notebook's language, and stops there
(the rest of the notebook needs the package). Everywhere it then calls `setup_notebook(lang)`.
"""

from __future__ import annotations

from . import repo

PIP_LINES = 15  # pip's last lines shown when the install fails

TEXT = {
    "en": {
        "setup": (
            "# Setup, the same in every notebook. On Colab it first installs the course package;\n"
            "# everywhere it quiets TensorFlow's log lines and sets the plot style."
        ),
        "colab": "# Colab has TensorFlow, not the course package",
        "failed": (  # one string per line of the cell, so ruff's line length holds
            "pip could not install the course package (its last lines are above). ",
            "Check that this runtime is connected to the internet, then run this cell again.",
        ),
    },
    "zh": {
        "setup": (
            "# 环境设置，每个笔记本都一样。在 Colab 上会先安装课程的辅助包；\n"
            "# 在任何环境中都会屏蔽 TensorFlow 的日志并设置绘图风格。"
        ),
        "colab": "# Colab 自带 TensorFlow，但没有课程辅助包",
        "failed": (
            "pip 未能安装课程辅助包（上面是 pip 最后输出的几行）。",
            "请确认运行时已连接互联网，然后重新运行本单元格。",
        ),
    },
}


def package_spec() -> str:
    """`autodiff-course @ git+<repository>@<release tag>`: what Colab installs."""
    cfg = repo.config()
    return f"autodiff-course @ git+{cfg['repository']}@{cfg['release']}"


def failure_message(lang: str) -> str:
    """The sentence the setup cell ends with when pip fails."""
    return "".join(TEXT[lang]["failed"])


def setup_cell(lang: str) -> str:
    """Source of the first code cell of a notebook in `lang`."""
    text = TEXT[lang]
    return "\n".join(
        [
            text["setup"],
            "import sys",
            "",
            f'if "google.colab" in sys.modules:  {text["colab"]}',
            "    import subprocess",
            "",
            f'    package = "{package_spec()}"',
            '    pip = [sys.executable, "-m", "pip", "install", "-q", "--no-deps", package]',
            "    done = subprocess.run(pip, capture_output=True, text=True)",
            "    if done.returncode != 0:",
            f'        print(*(done.stdout + done.stderr).splitlines()[-{PIP_LINES}:], sep="\\n")',
            "        raise SystemExit(",
            *(f'            "{part}"' for part in text["failed"]),
            "        )",
            "",
            "from autodiff_course import setup_notebook",
            "",
            f'setup_notebook("{lang}")',
        ]
    )
