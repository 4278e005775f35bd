"""`make bench-memory`: each chapter's peak kernel memory, run top to bottom as a learner would,
and the cells that ran longer than 3 s (a cell over 5 s must show progress while it runs).

Binder guarantees 1 GB and restarts a session above 2 GB; JupyterLab keeps a kernel alive after
its tab is closed (until the idle cull). So what matters is each kernel's peak resident memory,
and for chapter 06 also the legacy-Keras subprocess it starts. The peaks of each process come
from getrusage, read in the same kernel after the notebook's last cell.

Resident memory counts TensorFlow's shared libraries in full in each process that maps them,
but the machine (and Binder's memory limit) holds them once. So for the kernel and its
subprocesses together a thread in the kernel samples their proportional set size (Pss: shared
pages split between the processes that map them; Linux only) every 20 ms and keeps the peak.
"""

from __future__ import annotations

import sys

from course_tools.repo import pairs

# The first cell: sample Pss of this kernel and its child processes in a background thread.
SAMPLER_CELL = """
def _course_sampler():
    # Everything the thread needs is local: a chapter may delete or reuse global names.
    import os, threading, time

    def pss(pid):
        try:
            with open(f"/proc/{pid}/smaps_rollup") as f:
                return next(int(l.split()[1]) * 1024 for l in f if l.startswith("Pss:"))
        except (OSError, StopIteration):
            return 0

    def children(pid):
        try:
            with open(f"/proc/{pid}/task/{pid}/children") as f:
                return [int(c) for c in f.read().split()]
        except OSError:
            return []

    state = {"peak": 0, "stop": threading.Event()}

    def sample():
        me = os.getpid()
        while not state["stop"].wait(0.02):
            total = pss(me) + sum(pss(c) for c in children(me))
            state["peak"] = max(state["peak"], total)

    threading.Thread(target=sample, daemon=True).start()
    return state
_course_memory = _course_sampler()
"""

PEAK_CELL = """
import resource, sys
scale = 1 if sys.platform == "darwin" else 1024  # ru_maxrss is in bytes on macOS, KiB on Linux
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * scale,
      resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * scale, _course_memory["peak"])
_course_memory["stop"].set()
"""


def cell_seconds(cell) -> float:
    """How long a cell ran, from the timestamps nbclient records (record_timing)."""
    from datetime import datetime

    times = cell.metadata.get("execution", {})
    start, end = times.get("iopub.execute_input"), times.get("shell.execute_reply")
    if not (start and end):
        return 0.0
    parse = datetime.fromisoformat
    return (parse(end.replace("Z", "+00:00")) - parse(start.replace("Z", "+00:00"))).total_seconds()


def slowest_cells(nb, limit: float = 3.0) -> list[tuple[int, float, str]]:
    """(code cell number, seconds, first line) of the chapter's cells slower than `limit`."""
    code = [c for c in nb.cells[1:-1] if c.cell_type == "code"]  # not the sampler, not the peak
    slow = [(i + 1, cell_seconds(c), c.source.splitlines()[0][:50]) for i, c in enumerate(code)]
    return sorted((s for s in slow if s[1] > limit), key=lambda s: -s[1])


def peak_memory(path, timings: list | None = None) -> tuple[int, int, int]:
    """(kernel peak Rss, largest child's peak Rss, peak Pss of both together) in bytes.

    Cells that ran longer than 3 s are appended to `timings` when it is given."""
    import nbformat

    from course_tools.notebooks import execute

    nb = nbformat.read(path, as_version=4)
    nb.cells.insert(0, nbformat.v4.new_code_cell(SAMPLER_CELL))
    nb.cells.append(nbformat.v4.new_code_cell(PEAK_CELL))
    execute(nb, path.parent, record_timing=True)
    if timings is not None:
        timings.extend(slowest_cells(nb))
    text = "".join(o.get("text", "") for o in nb.cells[-1].outputs if o.output_type == "stream")
    kernel, child, together = (int(v) for v in text.split())
    return kernel, child, together


def main(argv: list[str]) -> int:
    lang = argv[0] if argv else "en"
    print(f"peak memory of each chapter's kernel ({lang}), run top to bottom")
    for pair in pairs(("chapters",)):
        if pair.lang != lang:
            continue
        slow: list = []
        kernel, child, together = peak_memory(pair.ipynb, slow)
        extra = f", its largest subprocess {child / 2**30:.2f} GB" if child > 50 * 2**20 else ""
        both = f", together (Pss) {together / 2**30:.2f} GB" if extra else ""
        print(f"{pair.md.stem:40} kernel {kernel / 2**30:.2f} GB{extra}{both}", flush=True)
        for number, seconds, first_line in slow:
            print(f"    code cell {number:2d} ran {seconds:4.1f} s: {first_line}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
