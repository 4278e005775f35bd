"""Exercise checks: one line after each exercise says whether the answer is right.

    from autodiff_course.checks import check
    check("01.1", answer, lang="en")

A check prints one verdict in the notebook's language: correct, not attempted yet (the answer is
still the `...` the exercise notebook starts with), or what is wrong (None, a Python number or a
NumPy array instead of a tensor, the dtype, the shape, the value, an error raised by your
function, a function that does not return within the time bound) followed by a hint. It never
prints the expected answer, never raises, and prints the same text every time for the same
answer, so recorded notebook outputs stay comparable.

Each chapter's exercises (answer spec, hints, trials that call learner functions) live in one
module, chNN.py. An exercise also needs its cells in solutions/{en,zh}/NN_*.md, rows in the
tables of tests/unit/test_checks.py (right answers, and four or more wrong ones), and a new
chapter module its name in the imports and the loop below; docs/authoring.md has the checklist,
and a new kind of mistake takes its sentence in messages.py. The judging is in engine.py,
running learner code (time bound, hidden output) in guard.py, how an answer was computed (the
TensorFlow entry points used, the tensors a tape returned) in technique.py, the verdict
sentences in messages.py; the worked answers are in solutions/.
"""

from __future__ import annotations

from typing import Any

from autodiff_course.checks import (
    ch01,
    ch02,
    ch03,
    ch04,
    ch05,
    ch06,
    ch07,
    ch08,
    ch09,
    ch10,
    ch11,
    ch12,
    technique,
)
from autodiff_course.checks.engine import (
    CORRECT,
    NOT_ATTEMPTED,
    UNKNOWN,
    UNKNOWN_LANGUAGE,
    WRONG,
    Exercise,
    Verdict,
    verdict,
)
from autodiff_course.checks.guard import TIME_BOUND_S
from autodiff_course.checks.messages import MESSAGES

__all__ = [
    "CORRECT", "EXERCISES", "MESSAGES", "NOT_ATTEMPTED", "TIME_BOUND_S", "UNKNOWN",
    "UNKNOWN_LANGUAGE", "WRONG", "Verdict", "check", "evaluate",
]  # fmt: skip

technique.remember_tape_results()  # before the learner's first cell: `FromTape` asks it

EXERCISES: dict[str, Exercise] = {}
for _chapter in (ch01, ch02, ch03, ch04, ch05, ch06, ch07, ch08, ch09, ch10, ch11, ch12):
    EXERCISES.update(_chapter.EXERCISES)


def evaluate(exercise: str, answer: Any = ..., lang: str = "en") -> Verdict:
    """Judge an answer without printing: what `check` prints, as data (for tests)."""
    return verdict(EXERCISES, exercise, answer, lang)


def check(exercise: str, answer: Any = ..., lang: str = "en") -> None:
    """Print whether `answer` solves `exercise` ("01.1", ...), in English or Chinese ("zh")."""
    try:
        message = evaluate(exercise, answer, lang).message
    except BaseException as err:  # evaluate catches the learner's; this is a Ctrl-C in the check
        local = lang if lang in ("en", "zh") else "en"
        message = MESSAGES["interrupted"][local].format(id=exercise, name=type(err).__name__)
    print(message)
