"""The tools find the repository from the working directory, not from where they are installed."""

from __future__ import annotations

import pytest

from conftest import ROOT
from course_tools import repo


def test_the_root_is_found_from_a_subfolder(monkeypatch):
    monkeypatch.chdir(ROOT / "chapters" / "en")
    assert repo.root() == ROOT
    assert repo.rel(ROOT / "chapters/en/01_gradient_tape.md") == "chapters/en/01_gradient_tape.md"


def test_outside_a_course_the_tools_say_so(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SystemExit, match="no course.toml in .* or above"):
        repo.root()


def test_select_takes_files_and_folders(monkeypatch):
    monkeypatch.chdir(ROOT)
    one = repo.select(["chapters/zh/01_gradient_tape.ipynb"])
    assert [(p.folder, p.lang, p.md.name) for p in one] == [
        ("chapters", "zh", "01_gradient_tape.md")
    ]
    folder = repo.select(["exercises/en"])
    assert folder and {(p.folder, p.lang) for p in folder} == {("exercises", "en")}
    assert len(repo.select([])) == len(repo.pairs()) > len(folder)


def test_links_use_the_configured_repository(fake_repo):
    (fake_repo / "course.toml").write_text(
        'repository = "https://github.com/someone/fork"\nbranch = "dev"\nrelease = "v9.9.9"\n'
    )
    assert repo.colab_url("chapters/en/x.ipynb") == (
        "https://colab.research.google.com/github/someone/fork/blob/dev/chapters/en/x.ipynb"
    )
    assert repo.binder_url() == "https://mybinder.org/v2/gh/someone/fork/dev"


@pytest.mark.parametrize("kind", ["folder", "symlink"])
def test_the_venv_is_ignored_as_a_folder_or_a_symlink(tmp_path, kind):
    import shutil
    import subprocess

    shutil.copy(ROOT / ".gitignore", tmp_path / ".gitignore")
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    if kind == "folder":
        (tmp_path / ".venv").mkdir()
    else:  # a checkout that shares another one's environment
        (tmp_path / ".venv").symlink_to(tmp_path / "elsewhere", target_is_directory=True)
    done = subprocess.run(["git", "check-ignore", "-q", ".venv"], cwd=tmp_path)
    assert done.returncode == 0, f"git does not ignore a .venv {kind}"
