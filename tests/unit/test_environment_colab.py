"""setup_notebook on Colab, simulated: a fake `google.colab` module and a mocked apt-get."""

from __future__ import annotations

import subprocess
import sys
import types
import warnings
from unittest import mock

import pytest

from autodiff_course import environment, plotting


class FakeColab:
    """What the course uses of Colab: `google.colab.output.enable_custom_widget_manager()`."""

    def __init__(self):
        self.widget_manager_enabled = 0
        self.module = types.ModuleType("google.colab")
        self.module.output = types.SimpleNamespace(enable_custom_widget_manager=self.enable)

    def enable(self):
        self.widget_manager_enabled += 1


class FakeApt:
    """subprocess.run stand-in: records commands, answers with the return codes it is given."""

    def __init__(self, codes=None):
        self.commands = []
        self.codes = dict(codes or {})

    def __call__(self, command, **kwargs):
        self.commands.append(" ".join(command))
        assert kwargs.get("capture_output") is True, "apt-get output must not reach the notebook"
        code = self.codes.get(command[2] if len(command) > 2 else "", 0)
        return subprocess.CompletedProcess(command, code, stdout="noise", stderr="noise")


@pytest.fixture
def colab(monkeypatch):
    fake = FakeColab()
    monkeypatch.setitem(sys.modules, "google.colab", fake.module)
    return fake


@pytest.fixture
def fonts(monkeypatch, tmp_path):
    """No CJK font until apt-get "installs" one; matplotlib's font list is not touched."""
    state = {"installed": False, "added": []}
    for name in ("NotoSansCJK-Bold.ttc", "NotoSansCJK-Regular.ttc"):
        (tmp_path / name).write_bytes(b"")
    monkeypatch.setattr(environment, "NOTO_CJK_FILES", str(tmp_path / "NotoSansCJK-*.ttc"))

    def find():
        return "Noto Sans CJK JP" if state["added"] else None

    def addfont(path):
        state["added"].append(str(path).rsplit("/", 1)[-1])

    monkeypatch.setattr(plotting, "find_cjk_font", find)
    from matplotlib import font_manager

    monkeypatch.setattr(font_manager.fontManager, "addfont", addfont)
    return state


@pytest.fixture
def apt(monkeypatch):
    fake = FakeApt()
    monkeypatch.setattr(subprocess, "run", fake)
    return fake


@pytest.fixture
def fast_setup(monkeypatch):
    """setup_notebook without TensorFlow or a style change: records the style's language."""
    calls = []
    monkeypatch.setattr(environment, "import_tensorflow_quietly", mock.MagicMock)
    monkeypatch.setattr(
        plotting, "use_course_style", lambda lang: calls.append((lang, plotting.find_cjk_font()))
    )
    with warnings.catch_warnings():
        yield calls


def test_colab_is_detected_from_sys_modules(colab):
    assert environment.in_colab() is True


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_setup_on_colab_enables_the_widget_manager(colab, apt, fonts, fast_setup, lang, capfd):
    environment.setup_notebook(lang, show_versions=False)
    assert colab.widget_manager_enabled == 1
    assert capfd.readouterr() == ("", "")


def test_setup_on_colab_installs_a_cjk_font_for_chinese_before_styling(
    colab, apt, fonts, fast_setup, capfd
):
    environment.setup_notebook("zh", show_versions=False)
    assert apt.commands == [
        "apt-get -qq install -y --no-install-recommends fonts-noto-cjk",
    ]
    assert fonts["added"] == ["NotoSansCJK-Bold.ttc", "NotoSansCJK-Regular.ttc"]
    # The style is applied after the font is registered, so it picks the font up.
    assert fast_setup == [("zh", "Noto Sans CJK JP")]
    assert capfd.readouterr() == ("", "")


def test_english_on_colab_installs_nothing(colab, apt, fonts, fast_setup):
    environment.setup_notebook("en", show_versions=False)
    assert apt.commands == []
    assert fonts["added"] == []


def test_no_apt_get_when_a_cjk_font_is_already_there(colab, apt, fonts):
    fonts["added"].append("already.ttc")
    assert environment.install_cjk_font_on_colab() == "Noto Sans CJK JP"
    assert apt.commands == []


def test_a_missing_package_index_is_fetched_once(colab, apt, fonts):
    apt.codes = {"install": 100}  # "Unable to locate package": the index was never fetched

    def install_after_update(command, **kwargs):
        if command[2] == "update":
            apt.codes = {}
        return FakeApt.__call__(apt, command, **kwargs)

    with mock.patch.object(subprocess, "run", install_after_update):
        assert environment.install_cjk_font_on_colab() == "Noto Sans CJK JP"
    assert [c.split()[2] for c in apt.commands] == ["install", "update", "install"]


def test_offline_colab_gives_up_quietly(colab, apt, fonts, monkeypatch, tmp_path, capfd):
    apt.codes = {"install": 100, "update": 100}
    monkeypatch.setattr(environment, "NOTO_CJK_FILES", str(tmp_path / "nothing-*.ttc"))
    assert environment.install_cjk_font_on_colab() is None
    assert [c.split()[2] for c in apt.commands] == ["install", "update"]
    assert capfd.readouterr() == ("", "")


def test_apt_get_missing_is_not_an_error(colab, fonts, monkeypatch, tmp_path):
    monkeypatch.setattr(subprocess, "run", mock.Mock(side_effect=FileNotFoundError("apt-get")))
    monkeypatch.setattr(environment, "NOTO_CJK_FILES", str(tmp_path / "nothing-*.ttc"))
    assert environment.install_cjk_font_on_colab() is None


def test_outside_colab_nothing_is_installed(apt, fonts, fast_setup):
    assert "google.colab" not in sys.modules
    assert environment.install_cjk_font_on_colab() is None
    environment.setup_notebook("zh", show_versions=False)
    assert apt.commands == []
    assert fast_setup == [("zh", None)]
