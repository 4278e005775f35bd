"""Text file (.md, MyST) <-> notebook (.ipynb): read, write, compare, `sync` and `record`.

The text file is the source of every cell; the .ipynb adds the recorded outputs.
"""

from __future__ import annotations

import difflib

from . import repo
from .repo import Pair
from .setup_cell import setup_cell

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}


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
    for cell in nb.cells:  # run timestamps: noise in every diff
        cell.metadata.pop("execution", None)
        for output in cell.get("outputs", []):
            # Without the saved state a widget view shows an error; the explorers' outputs
            # carry a still image and their numbers as text, and those stay.
            output.get("data", {}).pop(WIDGET_VIEW, None)
    nbformat.write(nb, path)


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


def record(selected: list[Pair]) -> None:
    """Execute notebooks in this environment and store their outputs (the test contract)."""
    from nbclient import NotebookClient

    for pair in selected:
        print(f"recording {pair.rel()}", flush=True)
        nb = read_ipynb(pair.ipynb)
        client = NotebookClient(
            nb,
            timeout=600,
            kernel_name="python3",
            resources={"metadata": {"path": str(pair.ipynb.parent)}},
            record_timing=False,  # timestamps would make every re-recording a 200-line diff
        )
        client.execute()
        write_ipynb(nb, pair.ipynb)
