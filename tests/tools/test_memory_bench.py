"""bench-memory's cell timings: read from nbclient's timestamps, the slowest first."""

from __future__ import annotations

import nbformat

from course_tools.memory import cell_seconds, slowest_cells


def timed(source: str, start: str, end: str):
    cell = nbformat.v4.new_code_cell(source)
    cell.metadata["execution"] = {"iopub.execute_input": start, "shell.execute_reply": end}
    return cell


def test_cells_slower_than_the_limit_slowest_first():
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell("sampler"),
        timed("setup_notebook()", "2026-11-25T01:00:00.000Z", "2026-11-25T01:00:04.500Z"),
        nbformat.v4.new_markdown_cell("prose"),
        timed("quick()", "2026-11-25T01:00:05.000Z", "2026-11-25T01:00:05.200Z"),
        timed("for step in range(1000):\n    ...", "2026-11-25T01:00:06Z", "2026-11-25T01:00:16Z"),
        nbformat.v4.new_code_cell("peak"),
    ]
    assert cell_seconds(nb.cells[1]) == 4.5
    assert cell_seconds(nbformat.v4.new_code_cell("never run")) == 0.0
    loop = (3, 10.0, "for step in range(1000):")
    assert slowest_cells(nb) == [loop, (1, 4.5, "setup_notebook()")]
