"""`make release`: the version in three files, and no release from a tree with changes."""

from __future__ import annotations

import datetime
import subprocess
import tomllib

import pytest

from course_tools import release, repo


def test_set_versions_writes_pyproject_course_toml_and_citation(fake_repo):
    release.set_versions("1.2.3", today=datetime.date(2027, 1, 2))
    project = tomllib.loads((fake_repo / "pyproject.toml").read_text())["project"]
    assert project["version"] == "1.2.3"
    assert repo.config()["release"] == "v1.2.3"
    citation = (fake_repo / "CITATION.cff").read_text()
    assert 'version: "1.2.3"' in citation and 'date-released: "2027-01-02"' in citation


def test_no_release_from_a_tree_with_changes(fake_repo):
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.org"]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "."], check=True)
    subprocess.run([*git, "commit", "-qm", "start"], check=True)
    (fake_repo / "README.md").write_text("changed\n")
    with pytest.raises(SystemExit, match="working tree has changes"):
        release.release("1.2.3")
    assert repo.config()["release"] != "v1.2.3"


def test_a_version_must_look_like_one(fake_repo):
    with pytest.raises(SystemExit, match="VERSION must look like 1.2.3"):
        release.release("v1.2")
