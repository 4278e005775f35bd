"""bench-browser's pure parts: the keys it presses, its statistics, its table (no timing here)."""

from __future__ import annotations

import ast

import numpy as np
import pytest

from course_tools.bench_browser import (
    EXPLORERS,
    SETUP_CELL,
    Row,
    format_table,
    key_sequence,
    notebook_cells,
    percentile,
    summarise,
)


def test_keys_alternate_and_stay_in_range():
    moves = key_sequence(1.0, -2.0, 5.0, 0.1, 5)
    assert [k for k, _ in moves] == ["ArrowRight", "ArrowLeft"] * 2 + ["ArrowRight"]
    assert [v for _, v in moves] == [1.1, 1.0, 1.1, 1.0, 1.1]


def test_a_slider_at_its_maximum_starts_left():
    moves = key_sequence(10, 0, 10, 1, 2)
    assert moves == [("ArrowLeft", 9), ("ArrowRight", 10)]


def test_a_slider_that_cannot_move_is_a_sentence():
    with pytest.raises(ValueError, match="cannot move"):
        key_sequence(0.0, 0.0, 0.0, 0.1, 1)


def test_percentile_is_numpys():
    values = [5.0, 1.0, 9.0, 3.0, 7.0, 2.0, 8.0]
    for q in (0, 50, 95, 100):
        assert percentile(values, q) == pytest.approx(np.percentile(values, q))


def test_targets_ratio_and_p95():
    good = summarise("tangent", [10.0, 11.0, 12.0], [10.0, 10.0, 10.0])
    assert good.ratio == pytest.approx(1.1) and good.misses() == []
    slow = Row("modes", median=30.0, p95=50.0, floor_median=10.0, floor_p95=12.0)
    misses = slow.misses()
    assert len(misses) == 2
    assert "3.00× the floor" in misses[0] and "p95 50.0 ms" in misses[1]
    spiky = Row("fit", median=11.0, p95=21.0, floor_median=10.0, floor_p95=12.0)
    assert [m.split(":")[1].split()[0] for m in spiky.misses()] == ["p95"]


def test_table_has_a_row_per_explorer_and_its_verdict():
    rows = [
        Row("tangent", 10.0, 12.0, 10.0, 11.0),
        Row("modes", 30.0, 50.0, 10.0, 12.0),
    ]
    lines = format_table(rows).splitlines()
    assert lines[0].split()[:3] == ["explorer", "median", "ms"]
    assert lines[1].split() == ["tangent", "10.0", "12.0", "10.0", "11.0", "1.00", "ok"]
    assert lines[2].split()[-2:] == ["3.00", "MISSED"]


@pytest.mark.parametrize("name", list(EXPLORERS))
def test_each_notebook_is_valid_python_that_shows_explorer_and_floor(name):
    cells = notebook_cells(name)
    assert cells[0] == SETUP_CELL
    for source in cells:
        ast.parse(source)
    assert "explorer = explorers." in cells[1]
    assert "autodiff-floor" in cells[2] and "def key_sequence" in cells[2]


def test_a_walk_goes_on_and_turns_at_the_ends():
    moves = key_sequence(8, 0, 10, 1, 5, walk=True)
    assert moves == [("ArrowRight", 9), ("ArrowRight", 10), ("ArrowLeft", 9),
                     ("ArrowLeft", 8), ("ArrowLeft", 7)]  # fmt: skip
    assert [v for _, v in key_sequence(10, 0, 10, 1, 3, walk=True)] == [9, 8, 7]
    low = key_sequence(0.1, 0.0, 0.3, 0.1, 6, walk=True)
    assert [v for _, v in low] == [0.2, 0.3, 0.2, 0.1, 0.0, 0.1]


def test_the_floor_of_a_log_slider_holds_the_explorers_figure_at_every_value_walked(capsys):
    pytest.importorskip("ipywidgets")
    explorer_cell, floor_cell = notebook_cells("modes", moves=12, walk=True)[1:]
    namespace: dict = {}
    exec(explorer_cell, namespace)
    exec(floor_cell, namespace)
    keys = ["ArrowRight"] * 2 + ["ArrowLeft"] * 10  # from n = 2⁸ up to 2¹⁰, down to 2⁰
    assert f"keys: {' '.join(keys)}" in capsys.readouterr().out.splitlines()
    pngs = namespace["pngs"]
    assert sorted(pngs) == list(range(11))  # exponents: n = 1 … 1024, from n = 256 and back
    assert len({bytes(png) for png in pngs.values()}) == 11


def test_fresh_makes_the_explorer_keep_nothing():
    explorer_cell = notebook_cells("tangent", moves=3, fresh=True)[1]
    assert "explorer.drawn_bytes = 0" in explorer_cell
    assert "drawn_bytes" not in notebook_cells("tangent", moves=3)[1]
