"""setup_notebook: quiet, predictable, and the same in both languages."""

import os
import subprocess
import sys
from unittest import mock

import pytest

from autodiff_course import device_summary, in_colab
from autodiff_course.plotting import find_cjk_font, use_course_style

# The child interpreter imports the package from the same place as this test does.
PYTHONPATH = {"PYTHONPATH": os.environ["PYTHONPATH"]} if "PYTHONPATH" in os.environ else {}

SETUP_AND_COMPUTE = """
from autodiff_course import setup_notebook
setup_notebook("zh")
import tensorflow as tf
x = tf.Variable(3.0)
with tf.GradientTape() as tape:
    y = x * x
print(float(tape.gradient(y, x)))
setup_notebook("en")
"""


def test_setup_prints_versions_and_nothing_on_stderr():
    # A fresh interpreter, as a kernel is: TensorFlow's import-time lines must not get through.
    # One interpreter for both languages: the import (the slow part) happens once.
    done = subprocess.run(
        [sys.executable, "-c", SETUP_AND_COMPUTE],
        capture_output=True,
        text=True,
        timeout=300,
        env={"PATH": "/usr/bin:/bin", "HOME": "/tmp", **PYTHONPATH},
    )
    assert done.returncode == 0, done.stderr
    import keras
    import tensorflow as tf

    versions = f"TensorFlow {tf.__version__} · Keras {keras.__version__}\n"
    assert done.stdout == f"{versions}6.0\n{versions}"
    assert done.stderr == ""


def test_not_colab_here():
    assert in_colab() is False


def test_device_summary_names_the_gpus_in_the_notebooks_language():
    import tensorflow as tf

    def devices(*names):
        found = [mock.Mock() for _ in names]
        for device, name in zip(found, names, strict=True):
            device.name = name
        return mock.patch.object(tf.config, "list_physical_devices", return_value=found)

    with devices():
        assert device_summary("en").startswith("No GPU found: everything runs on the CPU")
        assert device_summary("zh").startswith("未检测到 GPU：所有运算都在 CPU 上进行")
    with devices("/physical_device:GPU:0", "/physical_device:GPU:1"):
        assert device_summary("en") == (
            "2 GPU(s) found: /physical_device:GPU:0, /physical_device:GPU:1"
        )
        assert device_summary("zh") == (
            "检测到 2 块 GPU：/physical_device:GPU:0，/physical_device:GPU:1"
        )
    with pytest.raises(ValueError, match="lang must be one of"):
        device_summary("fr")


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


@pytest.fixture(params=[True, False], ids=["cjk-font", "no-cjk-font"])
def cjk_font(request, monkeypatch):
    """The installed fonts, mocked: with or without one that draws Chinese."""
    from matplotlib import font_manager

    from autodiff_course import plotting

    fonts = [font_manager.FontEntry(name="DejaVu Sans")]
    if request.param:
        fonts.append(font_manager.FontEntry(name="Noto Sans CJK SC"))
    monkeypatch.setattr(font_manager.fontManager, "ttflist", fonts)
    yield request.param
    plotting.use_course_style("en")


def test_chinese_figure_labels_turn_english_only_without_a_font(cjk_font):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from autodiff_course.plotting import can_draw_chinese, use_course_style

    assert can_draw_chinese() is cjk_font
    use_course_style("zh")
    fig, ax = plt.subplots()
    ax.plot([0, 1], [0, 1], label="数据")
    ax.set(title="x = 2.5 处的切线：斜率 3.0", xlabel="x")
    legend = ax.legend()
    fig.canvas.draw()
    plt.close(fig)
    shown = [ax.get_title(), legend.get_texts()[0].get_text(), ax.get_xlabel()]
    if cjk_font:
        assert shown == ["x = 2.5 处的切线：斜率 3.0", "数据", "x"]
    else:
        assert shown == ["tangent at x = 2.5: slope 3.0", "data", "x"]


def test_every_chinese_figure_label_of_the_chapters_has_its_english():
    import re
    from pathlib import Path

    from autodiff_course.plotting import has_chinese, in_english

    root = Path(__file__).resolve().parents[2]
    labels = []
    for md in sorted(root.glob("chapters/zh/*.md")) + sorted(root.glob("solutions/zh/*.md")):
        for line in md.read_text(encoding="utf-8").splitlines():
            if re.search(r"\b(label|title|xlabel|ylabel|suptitle|set_title|text)\b", line):
                for literal in re.findall(r'f?"([^"]*)"', line):
                    filled = re.sub(r"\{[^}]*\}", "1", literal)  # an f-string's fields
                    if has_chinese(filled) and "print" not in line:
                        labels.append(filled)
    assert len(labels) >= 9
    untranslated = [label for label in labels if has_chinese(in_english(label))]
    assert not untranslated, f"add these to plotting.ENGLISH_LABELS: {untranslated}"


def test_chinese_setup_says_once_why_figures_are_in_english(cjk_font, monkeypatch, capsys):
    from autodiff_course import environment

    monkeypatch.setattr(environment, "import_tensorflow_quietly", mock.MagicMock)
    environment.setup_notebook("zh", show_versions=False)
    environment.setup_notebook("en", show_versions=False)
    out = capsys.readouterr().out
    # With a font nothing is printed, so the recorded outputs stay as they are.
    expected = (
        "本机没有安装中文字体，所以图中的文字用英文显示"
        "（Debian/Ubuntu 上可以运行 sudo apt install fonts-noto-cjk 安装）。\n"
    )
    assert out == ("" if cjk_font else expected)
