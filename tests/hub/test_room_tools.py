"""The hub's tools without a hub: nbgitpuller links, bad input, the bench's arithmetic, the
kernel websocket's binary frames."""

from __future__ import annotations

import json
import random
import subprocess
import sys
from urllib.parse import parse_qs, urlsplit

import pytest
from hub_upstream import ROOT, bench_room, decode, nbgitpuller_link, notebook_path


def test_a_link_names_the_repository_branch_and_the_notebook_in_the_learners_copy():
    link = nbgitpuller_link(
        "https://hub.example.org/",
        "chapters/zh/01_gradient_tape.ipynb",
        "https://github.com/autodiff-course/tf2-autodiff",
        "main",
    )
    parts = urlsplit(link)
    assert parts.path == "/hub/user-redirect/git-pull"
    query = parse_qs(parts.query)
    assert query == {
        "repo": ["https://github.com/autodiff-course/tf2-autodiff"],
        "branch": ["main"],
        "urlpath": ["lab/tree/tf2-autodiff/chapters/zh/01_gradient_tape.ipynb"],
    }


def test_make_nbgitpuller_link_prints_the_course_link_and_refuses_bad_input():
    make = ["make", "-s", "nbgitpuller-link", "HUB_URL=https://hub.example.org"]
    done = subprocess.run(
        [*make, "CHAPTER=3", "LINK_LANG=zh", "KIND=exercises"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout.strip().endswith(
        "urlpath=lab%2Ftree%2Ftf2-autodiff%2Fexercises%2Fzh%2F03_higher_order_derivatives.ipynb"
    )
    mirror = subprocess.run(
        [*make, "CHAPTER=1", "REPO=https://gitee.com/someone/tf2-autodiff", "BRANCH=workshop"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    query = parse_qs(urlsplit(mirror.stdout.strip()).query)
    assert query["repo"] == ["https://gitee.com/someone/tf2-autodiff"]
    assert query["branch"] == ["workshop"]
    bad = subprocess.run([*make, "CHAPTER=13"], cwd=ROOT, capture_output=True, text=True)
    assert bad.returncode != 0 and "no chapters notebook '13' in en; there are 01" in bad.stderr
    bad = subprocess.run(
        [sys.executable, "hub/room.py", "link", "hub.example.org", "01"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert bad.returncode == 2 and "must start with http:// or https://" in bad.stderr


@pytest.mark.parametrize(("kind", "lang"), [("slides", "en"), ("chapters", "fr")])
def test_unknown_kinds_and_languages_are_refused(kind, lang):
    with pytest.raises(ValueError, match="must be"):
        notebook_path("01", lang, kind)


def test_percentiles_and_slider_values():
    assert bench_room.percentile([3.0, 1.0, 2.0, 4.0], 50) == 2.5
    assert bench_room.percentile([1.0, 2.0, 3.0, 4.0, 5.0], 95) == pytest.approx(4.8)
    state = {"min": -2.0, "max": 2.0, "step": 0.5, "value": 0.0}
    values = bench_room.slider_values(state, 50, random.Random(0))
    assert all(-2.0 <= v <= 2.0 and (v / 0.5).is_integer() for v in values)
    assert all(a != b for a, b in zip([0.0, *values], values, strict=False))
    first = values[:8]  # the 8 grid values other than the start, each once, then again
    assert sorted(first) == [-2.0, -1.5, -1.0, -0.5, 0.5, 1.0, 1.5, 2.0]
    with pytest.raises(ValueError, match="cannot move"):
        bench_room.slider_values({"min": 1.0, "max": 1.0, "step": 0.1}, 1, random.Random(0))


def test_a_binary_kernel_frame_is_decoded_to_its_message():
    message = json.dumps({"msg_type": "comm_msg", "buffer_paths": [["value"]]}).encode()
    png = b"\x89PNG..."
    offsets = [12, 12 + len(message)]  # count, then one offset per part
    frame = (2).to_bytes(4, "big") + b"".join(o.to_bytes(4, "big") for o in offsets)
    assert decode(frame + message + png)["msg_type"] == "comm_msg"
    assert decode('{"msg_type": "status"}')["msg_type"] == "status"


def test_the_bench_report_prints_what_a_run_measured(tmp_path):
    row = {
        "learners": 2,
        "pss_per_learner_gb": 0.5,
        "pss_max_learner_gb": 0.6,
        "pss_room_gb": 1.0,
        "pss_server_gb": 0.125,
        "pss_hub_gb": 0.25,
        "load_peak": 7.5,
        "cpu_s_per_learner": 12.0,
        **{f"{k}_p{q}_s": 1.0 for k in ("start", "chapter", "cell") for q in (50, 95)},
        "move_p50_ms": 60.0,
        "move_p95_ms": 300.0,
        "moves": 30,
        "failures": [],
    }
    table = bench_room.format_table([row]).splitlines()
    assert len(table[0].split("|")) == len(table[2].split("|"))  # one cell per column
    assert "| 2 | 0.50 | 0.60 | 1.0 | 12 |" in table[2]
    assert bench_room.shares([row]) == (
        "N=2: server alone (mean of peaks) GB 0.12, hub + proxy + culler GB 0.25, "
        "peak 1-min load 7.5"
    )
    # 10 learners, two chapters: 10 x (0.5 + 0.375) + 0.2 for the hub, x 1.3 -> 11.6 -> 12
    assert "| 10 | 2 | 12 | 4 | 10 GB |" in bench_room.sizing([row], 0.125)
    results = tmp_path / "results.json"
    results.write_text(json.dumps({"rows": [row]}))
    report = subprocess.run(
        [sys.executable, "hub/bench_room.py", "--report", str(results)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert report.startswith("| N | GB/learner | max GB |") and "N=2: server alone" in report
    del row["pss_server_gb"]
    results.write_text(json.dumps({"rows": [row]}))
    bad = subprocess.run(
        [sys.executable, "hub/bench_room.py", "--report", str(results)],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert bad.returncode == 2 and "give --server-gb" in bad.stderr


def test_one_password_alone_is_refused_and_made_ones_are_kept(tmp_path, monkeypatch):
    from room import passwords

    monkeypatch.delenv("HUB_PASSWORD", raising=False)
    monkeypatch.delenv("HUB_ADMIN_PASSWORD", raising=False)
    made = passwords(tmp_path)
    assert len(made["learners"]) >= 8 and len(made["instructor"]) >= 32
    assert passwords(tmp_path) == made  # kept in passwords.json, owner only
    assert (tmp_path / "passwords.json").stat().st_mode & 0o077 == 0
    monkeypatch.setenv("HUB_PASSWORD", "workshop-password")
    with pytest.raises(ValueError, match="set both HUB_PASSWORD and HUB_ADMIN_PASSWORD"):
        passwords(tmp_path)
