"""Notebook set-up shared by every chapter (introduced in chapter 01).

`setup_notebook` is what each notebook's first cell calls. It keeps TensorFlow's C++ log lines
out of cell outputs, applies the course's plot style (with a CJK font for Chinese figures when
one is installed) and, on Colab, turns on the widget manager the sliders need.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sys
import warnings

SUPPORTED_LANGUAGES = ("en", "zh")


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
    with _stderr_fd_muted():
        import tensorflow as tf

        tf.config.list_physical_devices()  # device discovery logs too (cuInit on CPU machines)
    tf.get_logger().setLevel(logging.ERROR)
    return tf


def setup_notebook(lang: str = "en", *, show_versions: bool = True) -> None:
    """Prepare a course notebook; prints one line with the versions it runs on."""
    if lang not in SUPPORTED_LANGUAGES:
        raise ValueError(f"lang must be one of {SUPPORTED_LANGUAGES}, not {lang!r}")
    tf = import_tensorflow_quietly()
    # Keras 3 warns about things the course does on purpose (e.g. apply_gradients in a loop).
    warnings.filterwarnings("ignore", module="keras")

    from autodiff_course.plotting import use_course_style

    use_course_style(lang)
    if in_colab():  # pragma: no cover - only on Colab
        from google.colab import output

        output.enable_custom_widget_manager()
    if show_versions:
        import keras

        print(f"TensorFlow {tf.__version__} · Keras {keras.__version__}")


def device_summary(lang: str = "en") -> str:
    """One line naming the devices TensorFlow will use, in the notebook's language."""
    import tensorflow as tf

    gpus = tf.config.list_physical_devices("GPU")
    if lang == "zh":
        if not gpus:
            return "未检测到 GPU：所有运算都在 CPU 上进行，本课程的每个笔记本都能照常运行。"
        return f"检测到 {len(gpus)} 块 GPU：{', '.join(g.name for g in gpus)}"
    if not gpus:
        return "No GPU found: everything runs on the CPU, and every notebook in this course works."
    return f"{len(gpus)} GPU(s) found: {', '.join(g.name for g in gpus)}"
