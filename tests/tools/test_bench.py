"""`make bench`: a missed time budget is reported with the machine's load and fails only under
STRICT=1 (the figures grow with the load of a shared machine)."""

from __future__ import annotations

from course_tools.bench import budget_lines

QUIET = {"descent": (3.0, 9.0), "tape": (20.0, 40.0)}
BUSY = {"descent": (55.3, 106.0), "tape": (65.4, 303.0), "kink": (19.4, 80.0)}


def test_budgets_met_print_ok_and_never_fail():
    for strict in (False, True):
        lines, failed = budget_lines(QUIET, strict, load=0.3)
        assert lines == ["ok   median ≤ 50 ms", "ok   p95 ≤ 100 ms"]
        assert not failed


def test_a_missed_budget_names_the_explorers_and_the_load_and_exits_0_by_default():
    lines, failed = budget_lines(BUSY, strict=False, load=9.3)
    assert not failed
    assert lines[0].startswith("over median ≤ 50 ms: descent 55.3 ms, tape 65.4 ms: ")
    assert "over budget on this machine (load 9.3 on " in lines[0]
    assert "kink" not in lines[0] and "kink" not in lines[1], "kink is within both budgets"
    assert lines[1].startswith("over p95 ≤ 100 ms: descent 106.0 ms, tape 303.0 ms: ")
    assert "STRICT=1" in lines[-1]


def test_strict_fails_on_a_missed_budget():
    lines, failed = budget_lines(BUSY, strict=True, load=9.3)
    assert failed
    assert lines[0].startswith("FAIL median ≤ 50 ms: descent 55.3 ms")
    assert not any("STRICT=1" in line for line in lines)
