"""The hub's locks: what hub/*.in pins is what requirements/hub*.txt holds, and a learner on the
hub runs exactly the learners' versions (`make lock` writes all of them)."""

from __future__ import annotations

import re

import pytest
from hub_upstream import ROOT

PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)", re.MULTILINE)


def pins(path) -> dict[str, str]:
    text = (ROOT / path).read_text()
    return {name.lower().replace("_", "-"): version for name, version in PIN.findall(text)}


@pytest.mark.parametrize(
    ("source", "lock"),
    [("hub/hub.in", "requirements/hub.txt"), ("hub/user.in", "requirements/hub-user.txt")],
)
def test_each_pin_is_in_its_lock_with_hashes(source, lock):
    locked = pins(lock)
    assert {n: locked.get(n) for n in pins(source)} == pins(source), "run `make lock`"
    blocks = re.split(r"\n(?=[A-Za-z0-9])", (ROOT / lock).read_text())
    assert all("--hash=sha256:" in b for b in blocks if PIN.match(b))


def test_learners_on_the_hub_run_the_learners_versions():
    learner, hub_user = pins("requirements/learner.txt"), pins("requirements/hub-user.txt")
    assert {n: hub_user.get(n) for n in learner} == learner
    assert {"jupyterhub", "nbgitpuller", "nbgrader"} <= hub_user.keys()


def test_the_learners_own_environment_has_no_hub():
    assert not {"jupyterhub", "nbgitpuller"} & pins("requirements/learner.txt").keys()
