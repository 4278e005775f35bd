"""The nbgrader assignments (`make nbgrader` → nbgrader/source/): up to date, marked right, and
test cells that pass exactly when the learner's check says ✓. No nbgrader needed (dev venv)."""

from __future__ import annotations

import contextlib
import io
import json

import pytest

from conftest import ROOT
from course_tools import nbgrader_course, repo
from course_tools.nbgrader_room import fill, right_answers


def test_the_committed_assignments_are_up_to_date():
    assert nbgrader_course.stale_nbgrader() == []


def test_stale_assignments_are_noticed(fake_repo):
    pair = repo.Pair(ROOT / "solutions" / "zh" / "01_gradient_tape.md")
    (fake_repo / "solutions" / "zh").mkdir(parents=True)
    (fake_repo / "solutions" / "zh" / pair.md.name).write_text(
        pair.md.read_text(encoding="utf-8"), encoding="utf-8"
    )
    assert nbgrader_course.stale_nbgrader() == [
        "nbgrader/source/01_gradient_tape_zh/01_gradient_tape.ipynb: stale (run `make nbgrader`)"
    ]
    nbgrader_course.nbgrader_course()
    assert nbgrader_course.stale_nbgrader() == []
    target = fake_repo / "nbgrader" / "source" / "01_gradient_tape_zh" / "01_gradient_tape.ipynb"
    target.write_text(target.read_text(encoding="utf-8").replace("练习", "习题"), encoding="utf-8")
    assert len(nbgrader_course.stale_nbgrader()) == 1  # edited by hand
    orphan = fake_repo / "nbgrader" / "source" / "99_orphan_en" / "99_orphan.ipynb"
    orphan.parent.mkdir()
    orphan.write_text("{}", encoding="utf-8")
    assert any("99_orphan" in p for p in nbgrader_course.stale_nbgrader())
    nbgrader_course.nbgrader_course()
    assert not orphan.parent.exists() and nbgrader_course.stale_nbgrader() == []


@pytest.mark.parametrize("pair", repo.pairs(("solutions",)), ids=lambda p: p.rel())
def test_every_exercise_is_one_answer_cell_and_one_test_cell_worth_a_point(pair):
    nb = json.loads(nbgrader_course.target_of(pair).read_text(encoding="utf-8"))
    marks = [c["metadata"].get("nbgrader") for c in nb["cells"]]
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert code[0]["metadata"]["nbgrader"]["locked"] is True  # the setup cell is read-only
    checks = [m for m in marks if m and m["grade"]]
    answers = [m for m in marks if m and m["solution"]]
    solution_md = pair.md.read_text(encoding="utf-8")
    exercises = [
        line.split('"')[1] for line in solution_md.splitlines() if line.startswith("check(")
    ]
    assert [m["grade_id"] for m in checks] == [f"check_{e.replace('.', '_')}" for e in exercises]
    assert [m["grade_id"] for m in answers] == [f"answer_{e.replace('.', '_')}" for e in exercises]
    assert all(m["points"] == 1 and m["locked"] and not m["solution"] for m in checks)
    assert all(not m["grade"] and not m["locked"] for m in answers)
    assert not any("solution-only" in c["metadata"].get("tags", []) for c in nb["cells"])
    prose = "".join(c["source"] for c in nb["cells"] if c["cell_type"] == "markdown")
    assert "](../" not in prose, "a relative link breaks once the assignment is handed out"
    # every answer cell carries its placeholder, then the solution nbgrader strips
    for cell in nb["cells"]:
        if cell["metadata"].get("nbgrader", {}).get("solution"):
            text = cell["source"]
            placeholder = "# 在这里写你的代码" if pair.lang == "zh" else "# YOUR CODE HERE"
            assert text.index(placeholder) < text.index("### BEGIN SOLUTION")


def test_a_check_cell_that_is_not_one_plain_call_is_refused():
    assert nbgrader_course.parse_check("x = 1") is None
    assert nbgrader_course.parse_check('check("01.1", answer, lang="en")') == (
        "01.1",
        "answer",
        "en",
    )
    with pytest.raises(ValueError, match="must read check"):
        nbgrader_course.parse_check('check("01.1", answer)')


def run_test_cell(exercise: str, lang: str, answer) -> tuple[str, bool]:
    """What a test cell prints for `answer`, and whether it passes (no exception)."""
    code = nbgrader_course.test_source(exercise, "answer", lang)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        try:
            exec(code, {"answer": answer})
            passed = True
        except AssertionError:
            passed = False
    return out.getvalue(), passed


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_test_cell_passes_only_on_a_right_answer_and_prints_the_checks_words(lang):
    import tensorflow as tf

    from autodiff_course.checks import evaluate

    x = tf.Variable(4.0)
    with tf.GradientTape() as tape:
        y = x**2 - 2 * x + 1
    right = tape.gradient(y, x)  # 6.0, from the tape as 01.1 asks
    for answer, passes in ((right, True), (6.0, False), (tf.constant(6.0), False), (..., False)):
        printed, passed = run_test_cell("01.1", lang, answer)
        assert printed == evaluate("01.1", answer, lang).message + "\n"
        assert passed is passes, printed


def test_fill_puts_code_where_the_stub_was():
    released = 'x = 1\nanswer = ...\n# YOUR CODE HERE\nraise NotImplementedError()\nprint("after")'
    assert fill(released, "answer = x") == 'x = 1\nanswer = ...\nanswer = x\nprint("after")'
    nested = "def f():\n    # 在这里写你的代码\n    raise NotImplementedError()"
    assert fill(nested, "y = 2\nreturn y") == "def f():\n    y = 2\n    return y"


def test_right_answers_are_the_worked_solutions():
    source = ROOT / "nbgrader" / "source" / "01_gradient_tape_en" / "01_gradient_tape.ipynb"
    answers = right_answers(source)
    assert sorted(answers) == ["answer_01_1", "answer_01_2", "answer_01_3", "answer_01_4"]
    assert answers["answer_01_1"].startswith("with tf.GradientTape() as tape:")
