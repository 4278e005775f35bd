"""`make bench-memory`: each chapter's peak kernel memory, run top to bottom as a learner would.

Binder guarantees 1 GB and restarts a session above 2 GB; JupyterLab keeps a kernel alive after
its tab is closed (until the idle cull). So what matters is each kernel's peak resident memory,
and for chapter 06 also the legacy-Keras subprocess it starts. Both come from getrusage, read in
the same kernel after the notebook's last cell.
"""

from __future__ import annotations

import sys

from course_tools.repo import pairs

PEAK_CELL = """
import resource, sys
scale = 1 if sys.platform == "darwin" else 1024  # ru_maxrss is in bytes on macOS, KiB on Linux
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * scale,
      resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * scale)
"""


def peak_memory(path) -> tuple[int, int]:
    """(kernel peak, largest child process peak) in bytes after running the notebook."""
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell(PEAK_CELL))
    client = NotebookClient(nb, timeout=600, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}})  # fmt: skip
    client.execute()
    text = "".join(o.get("text", "") for o in nb.cells[-1].outputs if o.output_type == "stream")
    kernel, child = (int(v) for v in text.split())
    return kernel, child


def main(argv: list[str]) -> int:
    lang = argv[0] if argv else "en"
    print(f"peak memory of each chapter's kernel ({lang}), run top to bottom")
    for pair in pairs(("chapters",)):
        if pair.lang != lang:
            continue
        kernel, child = peak_memory(pair.ipynb)
        extra = f", its largest subprocess {child / 2**30:.2f} GB" if child > 50 * 2**20 else ""
        total = f" (together at most {(kernel + child) / 2**30:.2f} GB)" if extra else ""
        print(f"{pair.md.stem:40} kernel {kernel / 2**30:.2f} GB{extra}{total}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
