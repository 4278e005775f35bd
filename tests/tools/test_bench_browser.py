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
