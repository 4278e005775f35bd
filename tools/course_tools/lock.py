"""The lockfiles requirements/{dev,learner,site}.txt against pyproject.toml's dependency groups.

`make lock` writes them (uv pip compile, hashes, one universal file per group); this module
only reads them, so that `verify` notices a pin changed in pyproject.toml without a new lock, and
a learner lock that carries test tools.
"""

from __future__ import annotations

import re
import tomllib

from . import repo
from .readme import locked_versions, normalize

LOCKS = {
    "test": "requirements/dev.txt",
    "learner": "requirements/learner.txt",
    "site": "requirements/site.txt",  # the website's own venv (make site)
    "nbgrader": "requirements/nbgrader.txt",  # the nbgrader route's own venv (make nbgrader)
}
NOT_FOR_LEARNERS = ("pytest", "ruff", "playwright", "nbval", "uv")
_EXACT = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;]+)$")


def group_pins(group: str) -> dict[str, str]:
    """{name: version} of the exact pins a dependency group asks for, included groups too."""
    with open(repo.root() / "pyproject.toml", "rb") as fh:
        groups = tomllib.load(fh)["dependency-groups"]
    pins = {}
    for item in groups[group]:
        if isinstance(item, dict):
            pins.update(group_pins(item["include-group"]))
        elif match := _EXACT.match(item.strip()):
            pins[normalize(match.group(1))] = match.group(2)
    return pins


def stale_locks() -> list[str]:
    problems = []
    locked = {}
    for group, path in LOCKS.items():
        file = repo.root() / path
        if not file.exists():
            problems.append(f"{path}: missing (run `make lock`)")
            continue
        locked[group] = locked_versions(file)
        for name, version in group_pins(group).items():
            have = locked[group].get(name)
            if have != version:
                problems.append(
                    f"{path}: {name} is {have or 'missing'}, pyproject.toml pins {version} "
                    "(run `make lock`)"
                )
    if {"learner", "test"} <= locked.keys():
        for name, version in locked["learner"].items():
            if locked["test"].get(name, version) != version:
                problems.append(f"{LOCKS['learner']}: {name} {version} differs from the dev lock")
        problems += [
            f"{LOCKS['learner']}: {name} is a test tool, not for learners"
            for name in NOT_FOR_LEARNERS
            if name in locked["learner"]
        ]
    return problems
