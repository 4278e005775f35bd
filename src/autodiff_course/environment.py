"""Notebook set-up shared by every chapter (introduced in chapter 01).

`setup_notebook` is what each notebook's first cell calls. It keeps TensorFlow's C++ log lines
out of cell outputs, applies the course's plot style (with a CJK font for Chinese figures when
one is installed) and, on Colab, turns on the widget manager the sliders need and installs a CJK
font for the Chinese notebooks. On a GPU it keeps float32 arithmetic as on a CPU.
"""

from __future__ import annotations

import contextlib
import glob
import logging
import os
import subprocess
import sys
import warnings

from autodiff_course import i18n

TEXT = i18n.strings(
    __name__,
    {
        "no_gpu": {
            "en": "No GPU found: everything runs on the CPU, "
            "and every notebook in this course works.",
            "zh": "未检测到 GPU：所有运算都在 CPU 上进行，本课程的每个笔记本都能照常运行。",
        },
        "gpus": {"en": "{n} GPU(s) found: {names}", "zh": "检测到 {n} 块 GPU：{names}"},
        # Between the GPUs' names: Chinese uses the full-width comma.
        "list_sep": {"en": ", ", "zh": "，"},
        # Printed only by a Chinese notebook, and only where no CJK font is installed.
        "no_cjk_font": {
            "en": "No Chinese font is installed, so the figures use English labels "
            "(Debian/Ubuntu: sudo apt install fonts-noto-cjk).",
            "zh": "本机没有安装中文字体，所以图中的文字用英文显示"
            "（Debian/Ubuntu 上可以运行 sudo apt install fonts-noto-cjk 安装）。",
        },
    },
)
# Where Debian/Ubuntu's fonts-noto-cjk package puts its fonts (Colab runs Ubuntu).
NOTO_CJK_FILES = "/usr/share/fonts/opentype/noto/NotoSansCJK-*.ttc"


def in_colab() -> bool:
    """True inside Google Colab (its runtime imports `google.colab` before any user code)."""
    return "google.colab" in sys.modules


def quiet_tensorflow_logs() -> None:
    """Silence TensorFlow's import-time log lines ("oneDNN custom operations are on", ...).

    ipykernel forwards C++ output to the cell as stderr, so these lines would land in recorded
    outputs. The variable only works if it is set before TensorFlow is first imported.
    """
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    if "tensorflow" in sys.modules:
        sys.modules["tensorflow"].get_logger().setLevel(logging.ERROR)


@contextlib.contextmanager
def _stderr_fd_muted():
    """Send file descriptor 2 to /dev/null for a moment.

    Some of TensorFlow's import-time lines ("Could not find cuda drivers ...") are written before
    its logging is set up, so TF_CPP_MIN_LOG_LEVEL cannot stop them. Python exceptions still
    reach the notebook: they go through sys.stderr, not straight to the descriptor.
    """
    try:
        saved = os.dup(2)
    except OSError:  # no descriptor 2 (some embedded interpreters): nothing to mute
        yield
        return
    with open(os.devnull, "w") as devnull:
        os.dup2(devnull.fileno(), 2)
        try:
            yield
        finally:
            os.dup2(saved, 2)
            os.close(saved)


def import_tensorflow_quietly():
    """`import tensorflow`, without its log lines; returns the module."""
    quiet_tensorflow_logs()
    # On a GPU, take memory as needed rather than all of it, so that several notebooks (or test
    # workers) can share one GPU. Read when the GPU is first used; no effect on a CPU.
    os.environ.setdefault("TF_FORCE_GPU_ALLOW_GROWTH", "true")
    with _stderr_fd_muted():
        import tensorflow as tf

        # Device discovery and creation log too ("cuInit" on a CPU machine; "Created device
        # /GPU:0 with ... MB memory" on a GPU), so create the devices now, while muted, rather
        # than at the notebook's first operation. Afterwards device settings (visible devices,
        # memory growth, thread counts) are fixed: the course changes none of them.
        tf.config.list_logical_devices()
    tf.get_logger().setLevel(logging.ERROR)
    return tf


def setup_notebook(lang: str = "en", *, show_versions: bool = True) -> None:
    """Prepare a course notebook; prints one line with the versions it runs on."""
    lang = i18n.language(lang)
    from autodiff_course.plotting import show_dark_theme_style

    # The (invisible) style first: a display flushes what was printed before it, so after the
    # line it would cut the line in two and the recorded output would change from run to run.
    show_dark_theme_style()
    if show_versions:
        # The import takes 3 to 7 s: the line starts at once and ends with the versions.
        print("TensorFlow", end=" ", flush=True)
    tf = import_tensorflow_quietly()
    # Recent GPUs multiply float32 matrices in TensorFloat-32 (10-bit mantissa) by default, which
    # would print other digits than the recorded CPU outputs. No effect on a CPU.
    tf.config.experimental.enable_tensor_float_32_execution(False)
    # Keras 3 warns about things the course does on purpose (e.g. apply_gradients in a loop).
    warnings.filterwarnings("ignore", module="keras")

    from autodiff_course.plotting import can_draw_chinese, use_course_style

    if in_colab():
        _setup_colab(lang)
    use_course_style(lang)
    if show_versions:
        import keras

        print(f"{tf.__version__} · Keras {keras.__version__}")
    if lang == "zh" and not can_draw_chinese():  # say why the figures are in English
        print(i18n.text(TEXT, "no_cjk_font", lang))


def _setup_colab(lang: str) -> None:
    """Colab only: the widget manager the sliders need and, for Chinese, a CJK font."""
    from google.colab import output

    output.enable_custom_widget_manager()
    if lang == "zh":
        install_cjk_font_on_colab()


def _quietly(command: list[str]) -> bool:
    """Run a command with its output captured; True when it succeeded."""
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    try:
        done = subprocess.run(
            command, capture_output=True, text=True, env=env, check=False, timeout=300
        )
    except (OSError, subprocess.SubprocessError):
        return False
    return done.returncode == 0


def install_cjk_font_on_colab() -> str | None:
    """On Colab, install Noto Sans CJK so that Chinese figures show their labels; no output.

    Colab's image has no CJK font. apt-get installs Debian's fonts-noto-cjk once per runtime
    (about 10 to 30 seconds; `apt-get update` first only if the package index is missing), then
    the fonts are registered with matplotlib, which has already built its font list. Returns the
    font's name, or None if it could not be installed (offline runtime): figures then fall back
    to English labels, as anywhere without a CJK font. Elsewhere it installs nothing.
    """
    from autodiff_course.plotting import find_cjk_font

    font = find_cjk_font()
    if font or not in_colab():
        return font
    install = ["apt-get", "-qq", "install", "-y", "--no-install-recommends", "fonts-noto-cjk"]
    if not _quietly(install) and _quietly(["apt-get", "-qq", "update"]):
        _quietly(install)
    from matplotlib import font_manager

    for path in sorted(glob.glob(NOTO_CJK_FILES)):
        try:
            font_manager.fontManager.addfont(path)
        except (OSError, RuntimeError, ValueError):  # an unreadable file: skip it
            continue
    return find_cjk_font()


def device_summary(lang: str = "en") -> str:
    """One line naming the devices TensorFlow will use, in the notebook's language."""
    import tensorflow as tf

    lang = i18n.language(lang)
    gpus = tf.config.list_physical_devices("GPU")
    if not gpus:
        return i18n.text(TEXT, "no_gpu", lang)
    names = i18n.text(TEXT, "list_sep", lang).join(g.name for g in gpus)
    return i18n.text(TEXT, "gpus", lang, n=len(gpus), names=names)
