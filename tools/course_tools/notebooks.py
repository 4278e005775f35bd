"""Text file (.md, MyST) <-> notebook (.ipynb): read, write, compare, `sync` and `record`.

The text file is the source of every cell; the .ipynb adds the recorded outputs and, in its
metadata, a stamp of the code it was recorded from (`code_stamp`), so `make prepare` re-records
exactly the notebooks whose code changed since.
"""

from __future__ import annotations

import difflib
import hashlib
import os
import tempfile
import time

from . import repo
from .repo import Pair
from .setup_cell import setup_cell

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
STAMP = "course"  # notebook metadata (the .ipynb only: jupytext leaves it out of the .md)
EXCUSED = "nbval-ignore-output"


def read_md(path):
    import jupytext

    nb = jupytext.read(path)
    nb.metadata["kernelspec"] = dict(KERNELSPEC)
    return nb


def canonical_md(nb) -> str:
    """The text file exactly as jupytext derives it from a notebook under jupytext.toml.

    JupyterLab's jupytext extension refuses to open a notebook whose .ipynb is newer than its
    .md unless the two hold the same content, and a fresh clone gives them arbitrary times. So
    the .md must always be byte for byte what jupytext would write.
    """
    import jupytext
    from jupytext.config import load_jupytext_config

    config = load_jupytext_config(str(repo.root()))
    return jupytext.writes(nb, fmt="md:myst", config=config)


def read_ipynb(path):
    import nbformat

    return nbformat.read(path, as_version=4)


def write_ipynb(nb, path) -> None:
    import nbformat

    nb.metadata["kernelspec"] = dict(KERNELSPEC)
    nb.metadata.setdefault("language_info", {"name": "python"})
    nb.metadata.pop("widgets", None)  # widget state is per session, never part of the contract
    # The .md's header: jupytext leaves it out of a paired .ipynb once one exists (so a new
    # notebook's second sync would change its .ipynb).
    header = nb.metadata.get("jupytext")
    if header is not None:
        header.pop("text_representation", None)
        if not header:
            del nb.metadata["jupytext"]
    for cell in nb.cells:
        cell.metadata.pop("execution", None)  # run timestamps: noise in every diff
        if "outputs" in cell:
            cell.outputs = merge_streams(cell.outputs)
        for output in cell.get("outputs", []):
            # Without the saved state a widget view shows an error; the explorers' outputs
            # carry a still image and their numbers as text, and those stay.
            output.get("data", {}).pop(WIDGET_VIEW, None)
    nbformat.write(nb, path)


def merge_streams(outputs: list) -> list:
    """Adjacent stream outputs of one name joined into one, as JupyterLab shows them.

    The kernel sends what a cell prints in chunks cut by timing (a flush, a 0.2 s timer), so the
    same text arrives in 1 or 5 pieces from one run to the next; joined, it records the same.
    """
    merged = []
    for output in outputs:
        last = merged[-1] if merged else None
        if (
            output.get("output_type") == "stream"
            and last is not None
            and last.get("output_type") == "stream"
            and last.get("name") == output.get("name")
        ):
            merged[-1] = type(last)(last, text="".join(last["text"]) + "".join(output["text"]))
        else:
            merged.append(output)
    return merged


def code_stamp(nb) -> str:
    """A hash of the notebook's code cells, in order: what its recorded outputs were run from.

    The shared setup cell counts as one fixed line, so `make release` (a new tag in its pip
    line, Colab only) does not call for re-recording every notebook. Prose, tags and outputs
    are left out: they do not change what the code prints.
    """
    digest = hashlib.sha256()
    setup = {setup_cell(lang) for lang in repo.LANGS}
    for i, cell in enumerate(c for c in nb.cells if c.cell_type == "code"):
        source = cell.source.strip()
        digest.update(b"<setup cell>" if i == 0 and source in setup else source.encode())
        digest.update(b"\0")
    return digest.hexdigest()[:16]


def recorded_stamp(nb) -> str | None:
    return nb.metadata.get(STAMP, {}).get("recorded_code")


def needs_recording(pair: Pair) -> str | None:
    """Why the .ipynb's outputs may not come from the .md's current code, or None."""
    stamp = recorded_stamp(read_ipynb(pair.ipynb)) if pair.ipynb.exists() else None
    if stamp is None:  # new, or recorded before the stamps (then once more, with one)
        return "not recorded yet"
    if stamp != code_stamp(read_md(pair.md)):
        return "its code changed since it was recorded"
    return None


def stale_recording(pair: Pair) -> str | None:
    """For `verify`: a stamped notebook whose code changed since (unstamped ones pass)."""
    if not pair.ipynb.exists():
        return None  # stale_pair says so
    stamp = recorded_stamp(read_ipynb(pair.ipynb))
    if stamp is not None and stamp != code_stamp(read_md(pair.md)):
        return f"{pair.rel()}: its code changed since it was recorded (run `make prepare`)"
    return None


def cell_view(cell) -> tuple[str, str, tuple[str, ...]]:
    """What must agree between a text file and its notebook: type, source and tags."""
    return cell.cell_type, cell.source.strip(), tuple(cell.metadata.get("tags", []))


def first_code_cell(nb):
    return next((c for c in nb.cells if c.cell_type == "code"), None)


def stale_pair(pair: Pair) -> str | None:
    """Why the .ipynb does not match its text file, or None."""
    if not pair.ipynb.exists():
        return f"{pair.rel()}: missing (run `make sync`)"
    want = [cell_view(c) for c in read_md(pair.md).cells]
    have = [cell_view(c) for c in read_ipynb(pair.ipynb).cells]
    if want == have:
        if pair.md.read_text(encoding="utf-8") != canonical_md(read_ipynb(pair.ipynb)):
            return f"{pair.rel(pair.md)}: not in jupytext's own form (run `make sync`)"
        return None
    lines = difflib.unified_diff(
        [repr(v) for v in want], [repr(v) for v in have], pair.rel(pair.md), pair.rel(), n=0
    )
    return f"{pair.rel()} differs from its text file (run `make sync`):\n" + "\n".join(
        list(lines)[:12]
    )


def stale_setup_cell(pair: Pair) -> str | None:
    cell = first_code_cell(read_md(pair.md))
    if cell is None or cell.source.strip() != setup_cell(pair.lang):
        return f"{pair.rel(pair.md)}: first code cell is not the shared setup cell (`make sync`)"
    return None


def sync(selected: list[Pair] | None = None) -> None:
    """Write the shared setup cell into each text file, then update each .ipynb from it."""
    import jupytext
    from jupytext.combine import combine_inputs_with_outputs

    for pair in selected or repo.pairs():
        nb = read_md(pair.md)
        cell = first_code_cell(nb)
        if cell is not None and cell.source.strip() != setup_cell(pair.lang):
            cell.source = setup_cell(pair.lang)
            jupytext.write(nb, pair.md, fmt="md:myst")
            nb = read_md(pair.md)
        if pair.ipynb.exists():
            nb = combine_inputs_with_outputs(nb, read_ipynb(pair.ipynb), fmt="md:myst")
        write_ipynb(nb, pair.ipynb)
        text = canonical_md(read_ipynb(pair.ipynb))
        if pair.md.read_text(encoding="utf-8") != text:
            pair.md.write_text(text, encoding="utf-8")


def execute(nb, folder, record_timing: bool = False) -> None:
    """Run every cell of `nb` in a fresh kernel of this environment, in `folder`.

    `record_timing`: each cell's start and end times in its metadata (bench-memory reads them;
    `write_ipynb` drops them: every re-recording would change them)."""
    from nbclient import NotebookClient
    from traitlets.config import Config

    with tempfile.TemporaryDirectory(prefix="course-kernel-") as sockets:
        # Over TCP (even on 127.0.0.1) ipykernel >= 7 warns on every start that the traffic is
        # not encrypted; Unix sockets in a private folder reach no network at all. (No Unix
        # sockets on Windows: TCP there, warning included.)
        config = Config()
        if os.name == "posix":
            config.KernelManager.transport = "ipc"
            config.KernelManager.ip = os.path.join(sockets, "kernel")
        NotebookClient(
            nb,
            config=config,
            timeout=600,
            kernel_name="python3",
            resources={"metadata": {"path": str(folder)}},
            record_timing=record_timing,
        ).execute()


def output_shape(outputs) -> list[tuple]:
    """What kinds of output a cell shows (type, stream name, MIME types but the widget view,
    which `write_ipynb` drops), not their content."""
    return [
        (o.output_type, o.get("name"), tuple(sorted(set(o.get("data", {})) - {WIDGET_VIEW})))
        for o in outputs
    ]


def keep_excused_outputs(old, new) -> int:
    """Give back the recorded outputs of excused cells when the notebook's code is unchanged.

    A cell tagged nbval-ignore-output shows what differs from run to run (a timing, a figure of
    timings); nbval does not compare it, so a fresh copy would only be noise in the diff. It is
    kept when the new run shows the same kinds of output; `--fresh` renews it (after a change in
    src/ that changes what it shows, e.g. an explorer's figure). Returns how many were kept.
    """
    kept = 0
    old_code = [c for c in old.cells if c.cell_type == "code"]
    new_code = [c for c in new.cells if c.cell_type == "code"]
    for before, after in zip(old_code, new_code, strict=True):
        if EXCUSED not in after.metadata.get("tags", []):
            continue
        was, now = merge_streams(before.get("outputs", [])), merge_streams(after.outputs)
        if was and output_shape(was) == output_shape(now):
            after.outputs = was
            kept += 1
    return kept


def record_one(pair: Pair, fresh: bool = False) -> str:
    """Execute one notebook and store its outputs and code stamp; returns a short note.

    Re-recording a notebook whose code is unchanged writes the same bytes unless a checked output
    really changed: excused cells keep their recorded outputs (`fresh` renews them too).
    """
    import copy

    start = time.monotonic()
    old = read_ipynb(pair.ipynb)
    nb = copy.deepcopy(old)
    execute(nb, pair.ipynb.parent)
    stamp = code_stamp(nb)
    kept = 0 if fresh or recorded_stamp(old) != stamp else keep_excused_outputs(old, nb)
    nb.metadata[STAMP] = {"recorded_code": stamp}
    write_ipynb(nb, pair.ipynb)
    note = f"; {kept} excused cell(s) kept their outputs (--fresh renews them)" if kept else ""
    return f"{time.monotonic() - start:.0f} s{note}"


def record(selected: list[Pair], fresh: bool = False) -> None:
    """Execute notebooks in this environment and store their outputs (the test contract)."""
    for pair in selected:
        print(f"recording {pair.rel()}", end=" ", flush=True)
        print(f"({record_one(pair, fresh)})", flush=True)
