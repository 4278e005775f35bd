"""`make verify`: everything generated is up to date (exit 1 and a list of what is not)."""

from __future__ import annotations

from . import repo
from .exercises import stale_exercises
from .lock import stale_locks
from .notebooks import stale_pair, stale_setup_cell
from .readme import stale_readmes


def verify() -> list[str]:
    problems = [p for pair in repo.pairs() for p in (stale_setup_cell(pair), stale_pair(pair)) if p]
    return problems + stale_exercises() + stale_readmes() + stale_locks()
