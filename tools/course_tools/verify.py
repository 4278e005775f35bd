"""`make verify`: everything generated is up to date (exit 1 and a list of what is not)."""

from __future__ import annotations

from . import repo
from .exercises import stale_exercises
from .lock import stale_locks
from .nbgrader_course import stale_nbgrader
from .notebooks import stale_pair, stale_recording, stale_setup_cell
from .readme import stale_readmes


def verify() -> list[str]:
    checks = (stale_setup_cell, stale_pair, stale_recording)
    problems = [p for pair in repo.pairs() for check in checks if (p := check(pair))]
    return problems + stale_exercises() + stale_nbgrader() + stale_readmes() + stale_locks()
