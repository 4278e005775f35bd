"""Chapter 02 · What the tape watches: exercises 02.1-02.4 (answers, hints, trials)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from autodiff_course.checks import technique
from autodiff_course.checks.engine import (
    Exercise,
    FunctionAnswer,
    TupleAnswer,
    Wrong,
    judge_call,
    scalar,
)
from autodiff_course.checks.messages import MESSAGES
from autodiff_course.checks.technique import FromTape
from autodiff_course.i18n import strings

HINTS = strings(
    __name__,
    {
        "02.1": {
            "en": "Record y at x = 10 and ask for the gradients with respect to a, b and c, in "
            "that order. ∂y/∂a is the factor that multiplies a in y.",
            "zh": "在 x = 10 处记录 y，然后按 a、b、c 的顺序求梯度。"
            "∂y/∂a 就是 y 中乘在 a 上的那个因子。",
        },
        "02.2": {
            "en": "Keep x a Variable and move it in place with `assign_add`, then record y = x² "
            "at the new value.",
            "zh": "让 x 保持为变量，用 `assign_add` 原地修改它的值，再在新的取值处记录 y = x²。",
        },
        "02.2.none": {
            "en": "`x = x + 1` makes x a new, plain tensor, which the tape does not watch. Change "
            "the Variable in place instead.",
            "zh": "`x = x + 1` 让 x 变成一个新的普通张量，磁带不会监视它。请原地修改变量。",
        },
        "02.3": {
            "en": "Look at the `unconnected_gradients` argument of `tape.gradient`.",
            "zh": "看看 `tape.gradient` 的 `unconnected_gradients` 参数。",
        },
        "02.4": {
            "en": "Gradients flow only through floating-point tensors: turn the integer into a "
            "float with `tf.cast(n, tf.float32)`, watch the result, and return "
            "`tape.gradient(y, x)`.",
            "zh": "梯度只能流过浮点张量：先用 `tf.cast(n, tf.float32)` 把整数转成浮点数，监视转换"
            "后的张量，再返回 `tape.gradient(y, x)`。",
        },
        "02.1.why": {
            "en": "store the three tensors `tape.gradient(y, [a, b, c])` returns; the exercise "
            "is about making the tape see the constants.",
            "zh": "请保存 `tape.gradient(y, [a, b, c])` 返回的三个张量；"
            "本题练的是让磁带看见这些常量。",
        },
        "02.2.why": {
            "en": "store what `tape.gradient(y, x)` returns once x has moved to 3.",
            "zh": "请保存 x 移到 3 之后 `tape.gradient(y, x)` 返回的张量。",
        },
        "02.2.variable": {
            "en": "the tape differentiated a plain tensor (`x = x + 1` makes one); keep x the "
            "`tf.Variable(2.0)` and move it in place to 3.",
            "zh": "磁带求导的对象是一个普通张量（`x = x + 1` 就会得到普通张量）；"
            "请让 x 保持为 `tf.Variable(2.0)`，再原地把它移到 3。",
        },
        "02.2.recorded": {
            "en": "the tape recorded a y worth {y} at x = {x}; record y = x**2 once x is 3.",
            "zh": "磁带记录的 y 等于 {y}，而当时 x = {x}；请在 x 变成 3 之后记录 y = x**2。",
        },
        "02.2.api": {"en": "y = x² recorded at x = 3", "zh": "在 x = 3 处记录的 y = x²"},
        "02.2.moved": {"en": "the Variable x moved in place", "zh": "原地移动的变量 x"},
        "02.3.why": {
            "en": "both tensors must come from one `tape.gradient(y, [x, z], "
            "unconnected_gradients=...)` call; a zero typed by hand does not count.",
            "zh": "两个张量都要来自同一次 `tape.gradient(y, [x, z], unconnected_gradients=...)` "
            "调用；手动写出的零不算。",
        },
        "02.4.why": {
            "en": "return the tensor `tape.gradient(y, x)` gives you; 3n² written as a formula, or "
            "a formula applied to a tape's result, skips the tape.",
            "zh": "请返回 `tape.gradient(y, x)` 给出的张量；直接写出公式 3n²，"
            "或者对磁带的结果再套一个公式，都跳过了磁带。",
        },
    },
)


def _trial_cube_slope(run: Callable[..., Any], fn: Callable) -> None:
    """02.4: cube_slope(n) -> d(n³)/dn as float32, for int32 tensors (3n² ≠ n³ at each n)."""
    import tensorflow as tf

    results = []
    for n in (2, -3, 4):
        result = run(tf.constant(n))
        judge_call(scalar(3.0 * n * n), f"cube_slope(tf.constant({n}))", result)
        results.append(result)
    if hasattr(fn, "get_concrete_function"):  # a tf.function: its outputs are new tensors
        technique.judge_graph_tape(fn, tf.constant(2), why=HINTS["02.4.why"])
        return
    for result in results:
        if technique.tape_result(result) is None:
            raise technique.not_from_tape(result, HINTS["02.4.why"])


class _MovedVariable(FromTape):
    """02.2: the tape's slope, with respect to the Variable x itself, of y = x² at x = 3 (a
    tape of 6x, or of a plain tensor that was watched, gives 6 as well)."""

    def judge(self, answer: Any) -> None:
        super().judge(answer)
        found = technique.tape_result(answer)
        if not found.variables:
            raise Wrong("technique_missing", api=HINTS["02.2.moved"], why=HINTS["02.2.variable"])
        if found.source != 3.0 or found.target != 9.0:
            shown = {"y": _shown(found.target), "x": _shown(found.source)}
            why = {lang: text.format(**shown) for lang, text in HINTS["02.2.recorded"].items()}
            raise Wrong("technique_missing", api=HINTS["02.2.api"], why=why)


def _shown(value: float | None) -> str:
    return "?" if value is None else f"{value:g}"


EXERCISES = {
    "02.1": Exercise(
        FromTape(TupleAnswer([scalar(100.0), scalar(10.0), scalar(1.0)]), HINTS["02.1.why"]),
        {"": HINTS["02.1"], "none": MESSAGES["hint_unwatched"]},
    ),
    "02.2": Exercise(
        _MovedVariable(scalar(6.0), HINTS["02.2.why"]),
        {"": HINTS["02.2"], "none": HINTS["02.2.none"]},
    ),
    "02.3": Exercise(
        FromTape(TupleAnswer([scalar(6.0), scalar(0.0)]), HINTS["02.3.why"], one_call=True),
        {"": HINTS["02.3"]},
    ),
    "02.4": Exercise(FunctionAnswer(_trial_cube_slope), {"": HINTS["02.4"]}),
}
