"""The generated Colab setup cell, executed with a fake Colab, a fake pip and a fake package."""

from __future__ import annotations

import subprocess
import sys
import types

import pytest

from course_tools import repo
from course_tools.setup_cell import PIP_LINES, failure_message, package_spec, setup_cell

PIP_ERROR = [f"pip line {i}" for i in range(1, 21)] + [
    "ERROR: Could not find a version that satisfies the requirement autodiff-course",
]


@pytest.fixture
def colab(monkeypatch):
    """Run a setup cell as Colab would; returns (pip calls, setup_notebook calls)."""
    monkeypatch.setitem(sys.modules, "google.colab", types.ModuleType("google.colab"))
    package = types.ModuleType("autodiff_course")
    setups = []
    package.setup_notebook = setups.append
    monkeypatch.setitem(sys.modules, "autodiff_course", package)
    pip_calls = []
    result = {"returncode": 0, "stderr": ""}

    def fake_run(cmd, **kwargs):
        pip_calls.append((cmd, kwargs))
        return subprocess.CompletedProcess(cmd, result["returncode"], "", result["stderr"])

    monkeypatch.setattr(subprocess, "run", fake_run)
    return types.SimpleNamespace(pip_calls=pip_calls, setups=setups, result=result)


def run(lang: str) -> None:
    exec(compile(setup_cell(lang), f"<setup cell {lang}>", "exec"), {"__name__": "__main__"})


@pytest.mark.parametrize("lang", repo.LANGS)
def test_a_failed_install_shows_pips_last_lines_and_what_to_do(colab, capsys, lang):
    colab.result.update(returncode=1, stderr="\n".join(PIP_ERROR) + "\n")
    with pytest.raises(SystemExit) as stop:
        run(lang)
    assert str(stop.value) == failure_message(lang)
    assert capsys.readouterr().out.splitlines() == PIP_ERROR[-PIP_LINES:]
    assert colab.setups == [], "the notebook went on without its package"


def test_the_failure_sentence_is_in_the_notebooks_language():
    assert "internet" in failure_message("en") and "run this cell again" in failure_message("en")
    assert "互联网" in failure_message("zh") and "重新运行本单元格" in failure_message("zh")


@pytest.mark.parametrize("lang", repo.LANGS)
def test_colab_installs_the_release_tag_then_sets_up(colab, capsys, lang):
    run(lang)
    [(cmd, kwargs)] = colab.pip_calls
    release = repo.config()["release"]
    assert cmd[-1] == package_spec() and cmd[-1].endswith(f"@{release}")
    assert cmd[1:5] == ["-m", "pip", "install", "-q"] and "--no-deps" in cmd
    assert not kwargs.get("check"), "check=True would show CalledProcessError, not pip's lines"
    assert colab.setups == [lang] and capsys.readouterr().out == ""


def test_outside_colab_nothing_is_installed(colab, monkeypatch):
    monkeypatch.delitem(sys.modules, "google.colab")
    run("en")
    assert colab.pip_calls == [] and colab.setups == ["en"]


def test_the_release_is_the_packages_version():
    import tomllib

    from conftest import ROOT

    version = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
    assert repo.config()["release"] == f"v{version}"
    assert f'version: "{version}"' in (ROOT / "CITATION.cff").read_text()
