"""`make bench-memory`: each chapter's peak kernel memory, run top to bottom as a learner would.

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
import os, threading, time
def _course_pss(pid):
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            return next(int(l.split()[1]) * 1024 for l in f if l.startswith("Pss:"))
    except (OSError, StopIteration):
        return 0
def _course_children(pid):
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as f:
            return [int(c) for c in f.read().split()]
    except OSError:
        return []
_course_peak = [0]
def _course_sample():
    me = os.getpid()
    while True:
        total = _course_pss(me) + sum(_course_pss(c) for c in _course_children(me))
        _course_peak[0] = max(_course_peak[0], total)
        time.sleep(0.02)
threading.Thread(target=_course_sample, daemon=True).start()
"""

PEAK_CELL = """
import resource, sys
scale = 1 if sys.platform == "darwin" else 1024  # ru_maxrss is in bytes on macOS, KiB on Linux
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * scale,
      resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * scale, _course_peak[0])
"""


def peak_memory(path) -> tuple[int, int, int]:
    """(kernel peak Rss, largest child's peak Rss, peak Pss of both together) in bytes."""
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    nb.cells.insert(0, nbformat.v4.new_code_cell(SAMPLER_CELL))
    nb.cells.append(nbformat.v4.new_code_cell(PEAK_CELL))
    client = NotebookClient(nb, timeout=600, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}})  # fmt: skip
    client.execute()
    text = "".join(o.get("text", "") for o in nb.cells[-1].outputs if o.output_type == "stream")
    kernel, child, together = (int(v) for v in text.split())
    return kernel, child, together


def main(argv: list[str]) -> int:
    lang = argv[0] if argv else "en"
    print(f"peak memory of each chapter's kernel ({lang}), run top to bottom")
    for pair in pairs(("chapters",)):
        if pair.lang != lang:
            continue
        kernel, child, together = peak_memory(pair.ipynb)
        extra = f", its largest subprocess {child / 2**30:.2f} GB" if child > 50 * 2**20 else ""
        both = f", together (Pss) {together / 2**30:.2f} GB" if extra else ""
        print(f"{pair.md.stem:40} kernel {kernel / 2**30:.2f} GB{extra}{both}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
