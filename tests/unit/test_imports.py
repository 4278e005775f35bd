"""The learner package needs only TensorFlow, NumPy, matplotlib and ipywidgets.

Colab and Binder install the package for learners; whatever it imports must come with those
four (and their own dependencies: Keras with TensorFlow, Pillow with matplotlib, IPython and
traitlets with ipywidgets). Every `import` in every module is checked, at the top or inside a
function.
"""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import autodiff_course

PACKAGE = Path(autodiff_course.__file__).parent
ALLOWED = {
    "autodiff_course",
    "tensorflow",
    "keras",  # installed with tensorflow
    "numpy",
    "matplotlib",
    "PIL",  # Pillow, a dependency of matplotlib
    "ipywidgets",
    "IPython",  # a dependency of ipywidgets
    "traitlets",  # a dependency of ipywidgets 7 and 8 (a typed size is validated with it)
    "google",  # google.colab, imported only inside Colab
}
# Modules of the package that notebooks never import (the authoring tools are in tools/):
# server.py is imported by the JupyterLab server of `make lab` and Binder, which has jupyter_server.
NOT_LEARNER_CODE = {"server.py"}


def imported_modules(path: Path) -> set[str]:
    """The top-level names of every module `path` imports, absolute imports only."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


def learner_modules() -> list[Path]:
    return [
        path
        for path in sorted(PACKAGE.rglob("*.py"))
        if path.relative_to(PACKAGE).as_posix() not in NOT_LEARNER_CODE
    ]


def test_the_learner_package_imports_only_the_four_dependencies():
    found = {}
    for path in learner_modules():
        other = imported_modules(path) - ALLOWED - set(sys.stdlib_module_names)
        if other:
            found[path.relative_to(PACKAGE).as_posix()] = sorted(other)
    assert found == {}


def test_the_check_sees_imports_inside_functions(tmp_path):
    module = tmp_path / "m.py"
    module.write_text("import os\n\ndef f():\n    import jupytext\n    from nbformat import v4\n")
    assert imported_modules(module) == {"os", "jupytext", "nbformat"}
    assert any(p.name == "base.py" for p in learner_modules())  # explorers/ is walked


ROOT = Path(__file__).resolve().parents[2]
FOUR = ("tensorflow", "numpy", "matplotlib", "ipywidgets")
IN_A_BARE_VENV = """
import autodiff_course, autodiff_course.checks
from autodiff_course.explorers import descent_explorer, descent_report, tangent_explorer
print(autodiff_course.__version__)
print(descent_report(steps=1000, lang="en").splitlines()[0])
descent_explorer("zh"), tangent_explorer("en", show_curvature=True)
"""


def pinned(names) -> list[str]:
    """`name==version` from the learners' lock where it pins one, else the bare name."""
    pins = {}
    requirements = ROOT / "requirements" / "learner.txt"
    if requirements.exists():
        for line in requirements.read_text(encoding="utf-8").splitlines():
            spec = line.split("#")[0].strip()
            if "==" in spec:
                pins[spec.split("==")[0].strip().lower()] = spec.split()[0]
    return [pins.get(name, name) for name in names]


@pytest.mark.slow
def test_the_learner_package_works_in_a_venv_with_only_the_four(tmp_path):
    """A fresh venv, the four packages (and their dependencies), then this package alone."""
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    python = str(venv / "bin" / "python")
    done = subprocess.run(
        [python, "-m", "pip", "install", "-q", *pinned(FOUR)],
        capture_output=True, text=True, timeout=900,
    )  # fmt: skip
    if done.returncode != 0:
        pytest.skip(f"cannot install {', '.join(FOUR)} (offline?): {done.stderr[-500:]}")
    # Build from a copy, so that the checkout gets no build/ or .egg-info folders.
    source = tmp_path / "source"
    shutil.copytree(ROOT / "src", source / "src", ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "README.md", "LICENSE"):  # LICENSE: pyproject license-files
        shutil.copy(ROOT / name, source / name)
    subprocess.run(
        [python, "-m", "pip", "install", "-q", "--no-deps", str(source)],
        check=True, capture_output=True, timeout=600,
    )  # fmt: skip
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "TF_CPP_MIN_LOG_LEVEL": "3"}
    run = subprocess.run(
        [python, "-c", IN_A_BARE_VENV],
        capture_output=True, text=True, timeout=600, cwd=tmp_path, env=env,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr[-3000:]
    version, first = run.stdout.splitlines()
    assert version == metadata_version()
    assert first == "x after 1000 steps (float32): 0.99999857"


def metadata_version() -> str:
    """The version pyproject.toml declares: what importlib.metadata must report."""
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return project["version"]
