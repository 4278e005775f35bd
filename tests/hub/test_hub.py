"""The workshop hub for real: hub/jupyterhub_config.py started with its proxy, culler and learners.

Two learners log in through the proxy, get their copies with nbgitpuller, edit, and lose nothing
when the course changes upstream, when the other's kernel dies, or when the hub restarts.
Run with `make test-hub` (builds the hub's environments first).
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sys
import time
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from hub_upstream import (
    BRANCH,
    CHAPTER,
    EXERCISE,
    Kernel,
    clone_folder,
    decode,
    git,
    hub_or_skip,
    learner_pids,
    nbgitpuller_link,
    upstream,
)

MARK = "# a learner's answer"
NEWS = "An instructor's note added after the learners cloned."


@pytest.fixture(scope="module")
def room(tmp_path_factory):
    base = tmp_path_factory.mktemp("room")
    repo = upstream(base / "tf2-autodiff")
    hub = hub_or_skip(base / "hub")
    try:
        yield hub, repo
    finally:
        hub.stop()


def in_copy(repo, name: str) -> str:
    return f"{clone_folder(str(repo))}/{name}"


def test_login_takes_the_workshop_password_and_the_instructor_needs_the_admin_one(room):
    hub, _repo = room
    with pytest.raises(PermissionError):
        hub.learner("ada", "not-the-password")
    with pytest.raises(PermissionError):  # the workshop password never makes an admin
        hub.learner("instructor", hub.password)
    instructor = hub.learner("instructor", hub.admin_password)
    me = instructor.api.get(f"{hub.url}/hub/api/user", timeout=30).json()
    assert me["admin"] is True
    learner = hub.learner("ada")
    assert learner.api.get(f"{hub.url}/hub/api/user", timeout=30).json()["admin"] is False
    # the idle culler is a running service, asking the hub about servers
    assert "GET /hub/api/users?state=" in hub.log_tail(10**6)


def test_a_second_click_merges_the_course_into_the_learners_edited_copy(room):
    hub, repo = room
    ada, grace = hub.learner("ada"), hub.learner("grace")
    for learner in (ada, grace):
        learner.start_server()
        learner.git_pull(str(repo), BRANCH)
    path = in_copy(repo, EXERCISE)
    notebook = ada.contents(path)["content"]
    answer = next(c for c in notebook["cells"] if "YOUR CODE HERE" in "".join(c["source"]))
    answer["source"] = "".join(answer["source"]).replace("# YOUR CODE HERE", MARK)
    ada.save(path, notebook)
    # the instructor changes the same notebook upstream: a note in its last text cell
    upstream_nb = json.loads((repo / EXERCISE).read_text())
    last_text = [c for c in upstream_nb["cells"] if c["cell_type"] == "markdown"][-1]
    last_text["source"] = "".join(last_text["source"]) + "\n\n" + NEWS
    (repo / EXERCISE).write_text(json.dumps(upstream_nb, indent=1, ensure_ascii=False) + "\n")
    git(repo, "commit", "-q", "-am", "a note for the room")

    ada.git_pull(str(repo), BRANCH)  # the same link, clicked again
    merged = json.dumps(ada.contents(path)["content"], ensure_ascii=False)
    assert MARK in merged and NEWS in merged
    # grace has her own copy: not ada's answer, and the note once she clicks too
    assert MARK not in json.dumps(grace.contents(path)["content"])
    grace.git_pull(str(repo), BRANCH)
    assert NEWS in json.dumps(grace.contents(path)["content"], ensure_ascii=False)
    assert (hub.dir / "home" / "ada" / path).exists() and (
        hub.dir / "home" / "grace" / path
    ).exists()


async def run_code(learner, kernel_id, code):
    kernel = await Kernel(learner, kernel_id).connect()
    try:
        _took, outputs = await kernel.execute(code, timeout=120)
        return "".join(o["content"].get("text", "") for o in outputs if o["msg_type"] == "stream")
    finally:
        kernel.close()


def cmdline(pid: int) -> str:
    with open(f"/proc/{pid}/cmdline", "rb") as f:
        return f.read().decode(errors="replace")


async def watch_restart(learner, kernel_id, victim_pid, timeout=60.0):
    """Kill the kernel's process as the out-of-memory killer would: the states a tab hears."""
    kernel = await Kernel(learner, kernel_id).connect()
    states = []
    try:
        os.kill(victim_pid, signal.SIGKILL)
        deadline = time.monotonic() + timeout
        while "restarting" not in states and time.monotonic() < deadline:
            msg = decode(await asyncio.wait_for(kernel.ws.read_message(), timeout))
            if msg.get("msg_type") == "status":
                states.append(msg["content"]["execution_state"])
        return states
    finally:
        kernel.close()


def test_a_killed_kernel_restarts_and_disturbs_no_one_else(room):
    hub, repo = room
    ada, grace = hub.learner("ada"), hub.learner("grace")
    for learner in (ada, grace):
        learner.start_server()
        learner.git_pull(str(repo), BRANCH)
    path = in_copy(repo, CHAPTER)
    kernels = {learner.name: learner.open_notebook(path) for learner in (ada, grace)}
    for learner in (ada, grace):
        asyncio.run(run_code(learner, kernels[learner.name], "x = 41"))
    servers = learner_pids(hub)
    ada_kernel = next(pid for pid in servers["ada"] if kernels["ada"] in cmdline(pid))
    states = asyncio.run(watch_restart(ada, kernels["ada"], ada_kernel))
    assert "restarting" in states  # JupyterLab shows "Kernel Restarting" for this
    assert asyncio.run(run_code(grace, kernels["grace"], "print(x + 1)")).strip() == "42"
    # ada's kernel is back, fresh: her server lived through it
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if ada.kernels() and ada.kernels()[0]["execution_state"] == "idle":
            break
        time.sleep(0.5)
    out = asyncio.run(run_code(ada, kernels["ada"], "print('x' in dir())"))
    assert out.strip() == "False"


def test_the_hub_restarts_without_losing_learners_files(room):
    hub, repo = room
    path = in_copy(repo, EXERCISE)
    hub.stop()
    with pytest.raises(requests.ConnectionError):
        requests.get(f"{hub.url}/hub/health", timeout=5)
    hub.start()
    ada = hub.learner("ada")
    ada.start_server()
    assert MARK in json.dumps(ada.contents(path)["content"])


def test_the_link_opens_the_chapter_in_the_learners_copy(room):
    hub, repo = room
    link = nbgitpuller_link(hub.url, CHAPTER, str(repo), BRANCH)
    ada = hub.learner("ada")
    ada.start_server()
    page = ada.http.get(link, timeout=120)  # logged in: the hub sends ada to her server
    assert page.status_code == 200
    assert page.url.startswith(f"{hub.url}/user/ada/git-pull?")
    query = parse_qs(urlsplit(page.url).query)
    assert query["urlpath"] == [f"lab/tree/{clone_folder(str(repo))}/{CHAPTER}"]
    assert query["repo"] == [str(repo)]


if __name__ == "__main__":
    sys.exit(pytest.main([__file__, "-q"]))
