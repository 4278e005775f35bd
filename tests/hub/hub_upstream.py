"""What tests/hub share: the hub's tools (hub/ is not a package: imported here, once it is on the
path, and re-exported), the skip rule, an upstream course repository."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "hub"))

import bench_room  # noqa: E402, F401
from hub_client import Hub, Kernel, decode, learner_pids, missing_hub  # noqa: E402, F401
from room import clone_folder, nbgitpuller_link, notebook_path  # noqa: E402, F401

BRANCH = "main"
CHAPTER = "chapters/en/01_gradient_tape.ipynb"
EXERCISE = "exercises/en/01_gradient_tape.ipynb"


def hub_or_skip(workdir: Path) -> Hub:
    """A started hub; without `make hub-env`, a skip (a failure under `make test-hub`, which
    sets HUB_TESTS=1: there the hub must run)."""
    reason = missing_hub()
    if reason:
        if os.environ.get("HUB_TESTS") == "1":
            pytest.fail(f"HUB_TESTS=1 and the hub cannot start: {reason}")
        pytest.skip(reason)
    return Hub(workdir).start()


def git(repo: Path, *args: str) -> str:
    command = [
        "git",
        "-C",
        str(repo),
        "-c",
        "user.name=Instructor",
        "-c",
        "user.email=instructor@example.org",
        *args,
    ]
    return subprocess.run(command, check=True, capture_output=True, text=True).stdout


def upstream(path: Path) -> Path:
    """A git repository standing in for the course's: chapter 01 and its exercises."""
    for name in (CHAPTER, EXERCISE):
        (path / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(ROOT / name, path / name)
    git(path, "init", "-q", "-b", BRANCH)
    git(path, "add", ".")
    git(path, "commit", "-q", "-m", "the course")
    return path
