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
        "02.3.why": {
            "en": "both tensors must come from one `tape.gradient(y, [x, z], "
            "unconnected_gradients=...)` call; a zero typed by hand does not count.",
            "zh": "两个张量都要来自同一次 `tape.gradient(y, [x, z], unconnected_gradients=...)` "
            "调用；手动写出的零不算。",
        },
        "02.4.why": {
            "en": "the prompt asks for the derivative computed by a tape; 3n² typed as a "
            "formula skips it.",
            "zh": "题目要求用磁带算出导数；直接写出公式 3n² 就跳过了磁带。",
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
        by_tape = technique.graph_uses_tape(fn, tf.constant(2))
    else:
        by_tape = all(technique.tape_result(result) is not None for result in results)
    if not by_tape:
        api = technique.SHOWN["GradientTape.gradient"]
        raise Wrong("technique_missing", api=api, why=HINTS["02.4.why"])


EXERCISES = {
    "02.1": Exercise(
        FromTape(TupleAnswer([scalar(100.0), scalar(10.0), scalar(1.0)]), HINTS["02.1.why"]),
        {"": HINTS["02.1"], "none": MESSAGES["hint_unwatched"]},
    ),
    "02.2": Exercise(
        FromTape(scalar(6.0), HINTS["02.2.why"]), {"": HINTS["02.2"], "none": HINTS["02.2.none"]}
    ),
    "02.3": Exercise(
        FromTape(TupleAnswer([scalar(6.0), scalar(0.0)]), HINTS["02.3.why"], one_call=True),
        {"": HINTS["02.3"]},
    ),
    "02.4": Exercise(FunctionAnswer(_trial_cube_slope), {"": HINTS["02.4"]}),
}
