"""setup_notebook: quiet, predictable, and the same in both languages."""

import subprocess
import sys

import pytest

from autodiff_course import device_summary, in_colab
from autodiff_course.plotting import find_cjk_font, use_course_style

SETUP_AND_COMPUTE = """
from autodiff_course import setup_notebook
setup_notebook("{lang}")
import tensorflow as tf
x = tf.Variable(3.0)
with tf.GradientTape() as tape:
    y = x * x
print(float(tape.gradient(y, x)))
"""


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_setup_prints_versions_and_nothing_on_stderr(lang):
    # A fresh interpreter, as a kernel is: TensorFlow's import-time lines must not get through.
    done = subprocess.run(
        [sys.executable, "-c", SETUP_AND_COMPUTE.format(lang=lang)],
        capture_output=True,
        text=True,
        timeout=300,
        env={"PATH": "/usr/bin:/bin", "HOME": "/tmp"},
    )
    assert done.returncode == 0, done.stderr
    import keras
    import tensorflow as tf

    assert done.stdout == f"TensorFlow {tf.__version__} · Keras {keras.__version__}\n6.0\n"
    assert done.stderr == ""


def test_setup_rejects_an_unknown_language():
    from autodiff_course import setup_notebook

    with pytest.raises(ValueError, match="lang must be one of"):
        setup_notebook("fr")


def test_not_colab_here():
    assert in_colab() is False


@pytest.mark.parametrize(("lang", "word"), [("en", "CPU"), ("zh", "CPU")])
def test_device_summary_says_where_it_runs(lang, word):
    line = device_summary(lang)
    assert word in line or "GPU" in line


def test_chinese_style_uses_a_cjk_font_when_installed():
    import matplotlib as mpl

    font = use_course_style("zh")
    assert font == find_cjk_font()
    if font:
        # In font.family, so that glyphs the CJK font lacks (₀, ⁻) fall back to DejaVu Sans.
        assert mpl.rcParams["font.family"] == [font, "DejaVu Sans"]
    use_course_style("en")
    assert mpl.rcParams["font.family"] == ["sans-serif"]


def test_chinese_figure_draws_without_warnings(recwarn):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    use_course_style("zh")
    fig, ax = plt.subplots()
    ax.set_title("梯度下降的路径：x₀ → xₖ, 10⁻⁶ −1")
    fig.canvas.draw()
    plt.close(fig)
    assert not [w for w in recwarn if "Glyph" in str(w.message)]
