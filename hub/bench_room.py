"""`make bench-room`: a workshop room of N learners on this machine's hub, measured.

For each N (default 1, 2, 4, 8, 16) a fresh set of N learners arrives at once, as a room does at
the start of a chapter. Each one, in a thread of this process, talking to the hub only through
its proxy (HTTP and websockets, as a browser would): logs in with the workshop password, starts
their server, clicks the chapter's nbgitpuller link (the clone), opens the notebook (a session
and its kernel), runs its code cells top to bottom, then moves the chapter's first explorer
slider to a random value every 1-3 s (think time) for --seconds, through the widget comm
message the browser sends. Their servers are then stopped before the next N.

Measured per N:
  memory   peak proportional set size (Pss) of each learner's server + kernel, sampled every
           second: shared pages are split between the processes that map them, so TensorFlow's
           libraries count once for the room. Per learner: the mean of their peaks and the
           largest peak; of the mean, the server alone (printed under the table); the room's
           peak sum; and the hub's own processes (hub, proxy, culler).
  CPU      CPU seconds the learners' processes used (server + kernel) from server start to
           the last slider move, per learner (not only the chapter's cells).
  start    seconds from "start my server" to a server that answers.
  chapter  seconds for all the chapter's cells (Run All Cells), p50 and p95 over learners.
  cell     seconds per code cell (request sent to the kernel's idle), p50/p95 over all cells.
  move     seconds from the slider message leaving the learner to the new figure's PNG
           arriving back (the round trip through proxy, server and kernel), p50/p95; each
           move to a value that learner's explorer has not drawn yet (`slider_values`).
  failures any login, start, clone, cell error, lost figure or time-out: none is allowed.
The table is printed; results.json (with the machine's load before, at its highest during, and
after) and room.png (memory and p95 against N) go to --out (build/bench-room).
`--report RESULTS` prints the tables of a results.json again without running anything.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import shutil
import statistics
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from hub_client import ROOT, Hub, Kernel, cpu_seconds, descendants, learner_pids, pss  # noqa: E402
from room import clone_folder, notebook_path  # noqa: E402

GB = 2**30


@dataclass
class Learner:
    name: str
    start_s: float = 0.0
    cells_s: list[float] = field(default_factory=list)
    moves_s: list[float] = field(default_factory=list)
    peak_pss: int = 0
    server_pss: int = 0  # of the JupyterLab server alone, without its kernels
    cpu_s: float = 0.0
    failures: list[str] = field(default_factory=list)
    client: object = None  # hub_client.Learner, once logged in


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0-100), linear between the closest ranks; nan for no values."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = (len(ordered) - 1) * q / 100
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def slider_values(state: dict, count: int, rng: random.Random) -> list[float]:
    """`count` random values on a slider's grid, each different from the one before, and none
    shown before until the grid is used up: an explorer shows a figure it drew before without
    computing it, so a repeated value would time less than a learner's new one."""
    lo, hi, step = state["min"], state["max"], state.get("step") or 1
    grid = int(round((hi - lo) / step))
    if grid < 1:
        raise ValueError(f"a slider from {lo} to {hi} in steps of {step} cannot move")
    values, last, fresh = [], state.get("value"), []
    while len(values) < count:
        if not fresh:  # the grid in a new random order (the start value last in the first)
            fresh = [round(lo + step * i, 10) for i in range(grid + 1)]
            rng.shuffle(fresh)
            fresh.sort(key=lambda v: v == state.get("value") and not values)
        value = fresh.pop(0)
        if value != last:
            values.append(value)
            last = value
    return values


async def use_chapter(learner, record: Learner, path: str, seconds: float, think, rng) -> None:
    kernel_id = learner.open_notebook(path)
    kernel = await Kernel(learner, kernel_id).connect()
    try:
        notebook = learner.contents(path)["content"]
        for cell in notebook["cells"]:
            if cell["cell_type"] != "code":
                continue
            took, outputs = await kernel.execute("".join(cell["source"]))
            record.cells_s.append(took)
            errors = [o["content"]["ename"] for o in outputs if o["msg_type"] == "error"]
            if errors:
                record.failures.append(f"cell error {errors[0]}")
                return
        if not kernel.sliders:
            record.failures.append("no slider in the chapter")
            return
        comm_id, state = next(iter(kernel.sliders.items()))
        stop_at = time.monotonic() + seconds
        for value in slider_values(state, 10_000, rng):
            await asyncio.sleep(rng.uniform(*think))
            if time.monotonic() > stop_at:
                break
            record.moves_s.append(await kernel.move(comm_id, value))
    finally:
        kernel.close()


def one_learner(hub: Hub, record: Learner, repo, branch, path, seconds, think, seed) -> None:
    try:
        learner = record.client = hub.learner(record.name)
        record.start_s = learner.start_server()
        learner.git_pull(repo, branch)
        rng = random.Random(seed)
        asyncio.run(use_chapter(learner, record, path, seconds, think, rng))
    except Exception as err:  # every failure is counted and shown, none stops the room
        record.failures.append(f"{type(err).__name__}: {err}"[:200])


def room(hub: Hub, n: int, repo: str, branch: str, path: str, seconds: float, think) -> dict:
    records = [Learner(f"n{n:02d}-learner{i:02d}") for i in range(n)]
    threads = [
        threading.Thread(target=one_learner, args=(hub, r, repo, branch, path, seconds, think, i))
        for i, r in enumerate(records)
    ]
    peak_room, peak_hub, peak_load, cpu_last = 0, 0, 0.0, {}
    began = time.monotonic()
    for thread in threads:
        thread.start()
    while any(t.is_alive() for t in threads):
        pids = learner_pids(hub)
        by_name = {r.name: r for r in records}
        total = 0
        for name, processes in pids.items():
            if name in by_name:
                now = sum(pss(p) for p in processes)
                by_name[name].peak_pss = max(by_name[name].peak_pss, now)
                by_name[name].server_pss = max(by_name[name].server_pss, pss(processes[0]))
                cpu_last[name] = cpu_seconds(processes)
                total += now
        peak_room = max(peak_room, total)
        learners = {p for processes in pids.values() for p in processes}
        hub_own = [p for p in descendants(hub.process.pid) if p not in learners]
        peak_hub = max(peak_hub, sum(pss(p) for p in hub_own))
        peak_load = max(peak_load, load_average())
        time.sleep(1.0)
    wall = time.monotonic() - began
    for r in records:
        r.cpu_s = cpu_last.get(r.name, 0.0)
        try:
            if r.client:
                r.client.stop_server()
        except Exception as err:
            r.failures.append(f"stop: {type(err).__name__}: {err}"[:200])
    row = summary(n, records, peak_room, wall)
    row["pss_hub_gb"], row["load_peak"] = peak_hub / GB, peak_load
    return row


def load_average() -> float:
    """The machine's 1-minute load average."""
    with open("/proc/loadavg") as f:
        return float(f.read().split()[0])


def summary(n: int, records: list[Learner], peak_room: int, wall: float) -> dict:
    cells = [c for r in records for c in r.cells_s]
    moves = [m for r in records for m in r.moves_s]
    chapters = [sum(r.cells_s) for r in records if r.cells_s]
    return {
        "learners": n,
        "pss_per_learner_gb": statistics.mean(r.peak_pss for r in records) / GB,
        "pss_max_learner_gb": max(r.peak_pss for r in records) / GB,
        "pss_room_gb": peak_room / GB,
        "pss_server_gb": statistics.mean(r.server_pss for r in records) / GB,
        "cpu_s_per_learner": statistics.mean(r.cpu_s for r in records),
        "start_p50_s": percentile([r.start_s for r in records], 50),
        "start_p95_s": percentile([r.start_s for r in records], 95),
        "chapter_p50_s": percentile(chapters, 50),
        "chapter_p95_s": percentile(chapters, 95),
        "cell_p50_s": percentile(cells, 50),
        "cell_p95_s": percentile(cells, 95),
        "move_p50_ms": percentile(moves, 50) * 1000,
        "move_p95_ms": percentile(moves, 95) * 1000,
        "moves": len(moves),
        "cells": len(cells),
        "failures": [f"{r.name}: {f}" for r in records for f in r.failures],
        "wall_s": wall,
    }


COLUMNS = [
    ("N", "learners", "{:d}"),
    ("GB/learner", "pss_per_learner_gb", "{:.2f}"),
    ("max GB", "pss_max_learner_gb", "{:.2f}"),
    ("room GB", "pss_room_gb", "{:.1f}"),
    ("CPU s/learner", "cpu_s_per_learner", "{:.0f}"),
    ("start p50/p95 s", ("start_p50_s", "start_p95_s"), "{:.1f}/{:.1f}"),
    ("chapter p50/p95 s", ("chapter_p50_s", "chapter_p95_s"), "{:.0f}/{:.0f}"),
    ("cell p50/p95 s", ("cell_p50_s", "cell_p95_s"), "{:.2f}/{:.1f}"),
    ("move p50/p95 ms", ("move_p50_ms", "move_p95_ms"), "{:.0f}/{:.0f}"),
    ("moves", "moves", "{:d}"),
    ("failures", "failures", "{}"),
]


def format_table(rows: list[dict]) -> str:
    """A Markdown table, one row per N (what the guide quotes)."""

    def cell(row, key, fmt):
        if key == "failures":
            return str(len(row["failures"]))
        values = [row[k] for k in key] if isinstance(key, tuple) else [row[key]]
        return fmt.format(*values)

    lines = [
        "| " + " | ".join(title for title, _, _ in COLUMNS) + " |",
        "|" + "---:|" * len(COLUMNS),
    ]
    for row in rows:
        lines.append("| " + " | ".join(cell(row, k, f) for _, k, f in COLUMNS) + " |")
    return "\n".join(lines)


def shares(rows: list[dict]) -> str:
    """The parts of the memory the table leaves out, where results.json has them (older runs
    lack them): the server's share of a learner, the hub's own processes, the load's peak."""
    lines = []
    for row in rows:
        parts = [
            f"{title} {row[key]:{fmt}}"
            for title, key, fmt in (
                ("server alone (mean of peaks) GB", "pss_server_gb", ".2f"),
                ("hub + proxy + culler GB", "pss_hub_gb", ".2f"),
                ("peak 1-min load", "load_peak", ".1f"),
            )
            if key in row
        ]
        if parts:
            lines.append(f"N={row['learners']}: " + ", ".join(parts))
    return "\n".join(lines)


HUB_GB = 0.2  # an allowance for the hub, proxy and culler; `make bench-room` prints their Pss
HEADROOM = 1.3  # TLJH's guide: add 20-40 % to what one session was measured to use
ROOM_RUN_ALL_S = 30  # the whole room presses "Run All" at once: done within about this


def sizing(rows: list[dict], server_gb: float) -> str:
    """Memory and cores for 10, 30 and 100 learners with one or two chapters open each, from the
    largest room measured (a second chapter adds a learner's memory less `server_gb`, the
    server's share), next to what Zero to JupyterHub's chart reserves by default."""
    import math

    big = max(rows, key=lambda r: r["learners"])
    one = big["pss_per_learner_gb"]
    kernel = one - server_gb
    lines = [
        "| learners | open chapters each | memory (GB) | cores | Z2JH default reservation |",
        "|---:|---:|---:|---:|---:|",
    ]
    for n in (10, 30, 100):
        for chapters in (1, 2):
            per = one + (chapters - 1) * kernel
            memory = math.ceil((n * per + HUB_GB) * HEADROOM)
            cores = math.ceil(n * big["cpu_s_per_learner"] / ROOM_RUN_ALL_S)
            lines.append(f"| {n} | {chapters} | {memory} | {cores} | {n} GB |")
    return "\n".join(lines)


def plot(rows: list[dict], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    ns = [r["learners"] for r in rows]
    fig, (mem, lat) = plt.subplots(1, 2, figsize=(10, 4))
    mem.plot(ns, [r["pss_room_gb"] for r in rows], "o-", label="room (Pss sum, peak)")
    mem.plot(
        ns,
        [r["pss_per_learner_gb"] * r["learners"] for r in rows],
        "s--",
        label="N x per-learner peak",
    )
    mem.set(xlabel="learners N", ylabel="GB", title="memory", xscale="log", xticks=ns)
    mem.set_xticklabels([str(n) for n in ns])
    mem.legend()
    lat.plot(ns, [r["move_p95_ms"] for r in rows], "o-", label="slider move p95 (ms)")
    lat.plot(ns, [r["cell_p95_s"] * 1000 for r in rows], "s-", label="cell p95 (ms)")
    lat.set(xlabel="learners N", ylabel="ms", title="p95 latency", xscale="log", xticks=ns)
    if all(r["move_p95_ms"] > 0 for r in rows):  # a cell takes seconds, a move milliseconds
        lat.set_yscale("log")
    lat.set_xticklabels([str(n) for n in ns])
    lat.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=100)


def machine() -> dict:
    with open("/proc/loadavg") as f:
        load = f.read().split()[:3]
    with open("/proc/meminfo") as f:
        mem = {line.split(":")[0]: int(line.split()[1]) * 1024 for line in f}
    import os

    return {
        "load_1_5_15": load,
        "cores": os.cpu_count(),
        "mem_total_gb": mem["MemTotal"] / GB,
        "mem_available_gb": mem["MemAvailable"] / GB,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="make bench-room", description=__doc__.split("\n")[0])
    parser.add_argument("--learners", default="1,2,4,8,16", help="room sizes, comma-separated")
    parser.add_argument("--chapter", default="01", help="the chapter every learner runs")
    parser.add_argument("--lang", default="en")
    parser.add_argument("--seconds", type=float, default=40.0, help="of slider moves per learner")
    parser.add_argument("--think", default="1,3", help="seconds between moves: low,high")
    parser.add_argument("--repo", default=str(ROOT), help="what the links clone (this checkout)")
    parser.add_argument("--branch", default="HEAD", help="the branch the links hand out")
    parser.add_argument("--out", default=str(ROOT / "build" / "bench-room"))
    parser.add_argument(
        "--report",
        metavar="RESULTS",
        help="only print the tables of a results.json (the server's share from --server-gb "
        "if its largest room lacks one)",
    )
    parser.add_argument("--server-gb", type=float, default=None)
    args = parser.parse_args(argv)
    if args.report:
        rows = json.loads(Path(args.report).read_text())["rows"]
        server = args.server_gb or max(rows, key=lambda r: r["learners"]).get("pss_server_gb")
        if server is None:
            parser.error("this results.json has no server share: give --server-gb")
        print(format_table(rows))
        if shares(rows):  # runs before these were measured lack them
            print(shares(rows))
        print(sizing(rows, server))
        return 0
    sizes = [int(n) for n in args.learners.split(",")]
    think = tuple(float(t) for t in args.think.split(","))
    if args.branch == "HEAD":  # nbgitpuller needs a branch name
        import subprocess

        args.branch = subprocess.run(
            ["git", "-C", args.repo, "rev-parse", "--abbrev-ref", "HEAD"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    path = f"{clone_folder(args.repo)}/{notebook_path(args.chapter, args.lang)}"
    out = Path(args.out)
    shutil.rmtree(out / "hub", ignore_errors=True)
    out.mkdir(parents=True, exist_ok=True)
    before = machine()
    print(
        f"machine before: load {' '.join(before['load_1_5_15'])}, {before['cores']} cores, "
        f"{before['mem_available_gb']:.1f} of {before['mem_total_gb']:.1f} GB available"
    )
    print(
        f"each learner: {path}, then slider moves every {think[0]:g}-{think[1]:g} s for "
        f"{args.seconds:g} s",
        flush=True,
    )
    hub = Hub(out / "hub").start()
    rows = []
    try:
        for n in sizes:
            row = room(hub, n, args.repo, args.branch, path, args.seconds, think)
            rows.append(row)
            print(f"N={n}: {row['wall_s']:.0f} s, {len(row['failures'])} failures", flush=True)
            for failure in row["failures"][:5]:
                print("   ", failure)
    finally:
        hub.stop()
    after = machine()
    print(format_table(rows))
    print(shares(rows))
    print(sizing(rows, max(rows, key=lambda r: r["learners"])["pss_server_gb"]))
    print(f"machine after: load {' '.join(after['load_1_5_15'])}")
    (out / "results.json").write_text(
        json.dumps({"before": before, "after": after, "chapter": path, "rows": rows}, indent=1)
    )
    plot(rows, out / "room.png")
    print(f"{out / 'results.json'}, {out / 'room.png'}")
    return 1 if any(r["failures"] for r in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
