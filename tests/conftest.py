"""Shared by every test folder: the repository root, notebook JSON helpers, quiet TensorFlow.

Test modules import the helpers with `from conftest import ROOT, load, ...` (pytest puts this
folder on sys.path). The authoring tools (`course_tools`, on the path through pyproject.toml's
`pythonpath`) find the repository from the working directory, so the tests run from its root.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

# Before any test imports TensorFlow: keep its C++ log lines out of the test output.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

ROOT = Path(__file__).resolve().parents[1]


def skip_or_fail(reason: str, test: str) -> None:
    """A test that needs what this machine lacks (Chromium, a built site): skip on a laptop,
    fail under CI=true, where it must run."""
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"CI=true and the {test} test cannot run: {reason}")
    pytest.skip(reason)


def pytest_configure(config) -> None:
    # `pytest /path/to/repo/tests` from elsewhere: the tools look for course.toml from the cwd.
    os.chdir(ROOT)


def rel(path: Path) -> str:
    return Path(path).resolve().relative_to(ROOT).as_posix()


def load(path: Path) -> dict:
    """A notebook as plain JSON (no nbformat: the content tests need only the standard library)."""
    return json.loads(Path(path).read_text(encoding="utf-8"))


def source(cell: dict) -> str:
    src = cell["source"]
    return "".join(src) if isinstance(src, list) else src


def code_cells(path: Path) -> list[dict]:
    return [c for c in load(path)["cells"] if c["cell_type"] == "code"]


def output_text(cell: dict) -> str:
    """Everything a code cell shows: streams and every mime type of its results."""
    parts = []
    for out in cell.get("outputs", []):
        parts.append("".join(out.get("text", "")))
        for value in out.get("data", {}).values():
            parts.append("".join(value) if isinstance(value, list) else str(value))
    return "".join(parts)


# What the authoring tools read besides the notebooks; a fake repository gets copies of them.
REPO_FILES = (
    "course.toml",
    "jupytext.toml",
    "pyproject.toml",
    "CITATION.cff",
    "README.md",
    "README.zh-CN.md",
    "requirements/dev.txt",
    "requirements/learner.txt",
    "requirements/site.txt",
    "requirements/nbgrader.txt",
)


@pytest.fixture
def fake_repo(tmp_path, monkeypatch):
    """A copy of the repository's configuration (no notebooks) as the working directory."""
    for name in REPO_FILES:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(ROOT / name, tmp_path / name)
    monkeypatch.chdir(tmp_path)
    return tmp_path
