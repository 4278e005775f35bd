"""The lockfiles: what `verify` checks against pyproject.toml, and the venv the tests run in."""

from __future__ import annotations

from importlib import metadata

import pytest
from packaging.markers import Marker
from packaging.requirements import Requirement

from conftest import ROOT
from course_tools import lock


def test_a_pin_changed_without_make_lock_is_noticed(fake_repo):
    assert lock.stale_locks() == []
    pyproject = fake_repo / "pyproject.toml"
    pyproject.write_text(pyproject.read_text().replace('"keras==3.15.1"', '"keras==3.16.0"'))
    problems = lock.stale_locks()
    assert any("requirements/dev.txt: keras is 3.15.1" in p for p in problems)
    assert any("requirements/learner.txt: keras is 3.15.1" in p for p in problems)


def test_test_tools_in_the_learners_lock_are_noticed(fake_repo):
    learner = fake_repo / "requirements" / "learner.txt"
    learner.write_text(learner.read_text() + "pytest==9.2.0 \\\n    --hash=sha256:00\n")
    assert lock.stale_locks() == [
        "requirements/learner.txt: pytest is a test tool, not for learners"
    ]


def test_environment_yml_installs_the_learners_lock_and_pins_nothing_itself():
    text = (ROOT / "environment.yml").read_text()
    assert "- -r requirements/learner.txt" in text
    assert "==" not in text and "python=3.11" in text


def locked(path) -> list[Requirement]:
    """Every `name==version ; marker` line of a lockfile, as requirements."""
    found = []
    for line in path.read_text().splitlines():
        if line[:1].isalnum() and "==" in line:
            found.append(Requirement(line.rstrip(" \\")))
    return found


def test_the_venv_has_exactly_the_locked_versions():
    """A venv older than the lock gives outputs that differ for no visible reason: `make env`."""
    wrong = {}
    for req in locked(ROOT / "requirements" / "dev.txt"):
        if req.marker and not Marker(str(req.marker)).evaluate():
            continue
        want = next(iter(req.specifier)).version
        try:
            have = metadata.version(req.name)
        except metadata.PackageNotFoundError:
            have = None
        if have != want:
            wrong[req.name] = (have, want)
    assert wrong == {}, "installed versions differ from requirements/dev.txt: run `make env`"


@pytest.mark.parametrize("name", ["requirements/dev.txt", "requirements/learner.txt"])
def test_every_locked_package_has_hashes(name):
    blocks, current = [], None
    for line in (ROOT / name).read_text().splitlines():
        if line[:1].isalnum():
            current = [line]
            blocks.append(current)
        elif current is not None:
            current.append(line)
    assert len(blocks) > 100
    unhashed = [b[0] for b in blocks if not any("--hash=sha256:" in line for line in b[1:])]
    assert unhashed == [], "pip install --require-hashes would refuse these"
