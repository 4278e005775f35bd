"""Chapter 05 · Tapes inside tf.function: exercises 05.1-05.3 (answers, hints, trials)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from autodiff_course.checks import technique
from autodiff_course.checks.engine import (
    Exercise,
    FunctionAnswer,
    IntAnswer,
    TupleAnswer,
    Wrong,
    judge_call,
    scalar,
)
from autodiff_course.checks.messages import MESSAGES
from autodiff_course.i18n import strings
from autodiff_course.quadratic import quadratic, quadratic_slope

HINTS = strings(
    __name__,
    {
        "05.1": {
            "en": "Decorate the function with `@tf.function`, cast the input with "
            "`tf.cast(x, tf.float32)`, and `watch` it: it is not a Variable. Return "
            "`(dy_dx, y)` in that order.",
            "zh": "用 `@tf.function` 装饰函数，用 `tf.cast(x, tf.float32)` 转换输入，并 `watch` 它"
            "（它不是变量）。按 `(dy_dx, y)` 的顺序返回。",
        },
        "05.1.none": {
            "en": "A None gradient: either the tape did not watch x (a tensor argument is not a "
            "Variable), or x was still an integer when it was watched; cast it first.",
            "zh": "梯度为 None：要么磁带没有监视 x（张量参数不是变量），要么监视时 x 仍是整数；"
            "请先转换类型。",
        },
        "05.2": {
            "en": "Count with a Python counter that the function body increments: Python code in "
            "a `tf.function` runs only while it traces. Each new Python number means a new "
            "trace.",
            "zh": "用一个在函数体里递增的 Python 计数器来数：`tf.function` 中的 Python 代码只在"
            "追踪时运行。每个新的 Python 数字都会引起一次新的追踪。",
        },
        "05.3": {
            "en": "Pass `input_signature=[tf.TensorSpec(shape=[], dtype=tf.float32)]` to "
            "`tf.function`, and return the gradient, dy/dx.",
            "zh": "给 `tf.function` 传入 `input_signature=[tf.TensorSpec(shape=[], "
            "dtype=tf.float32)]`，并返回梯度 dy/dx。",
        },
        "05.1.why": {
            "en": "the first item must be the tensor `tape.gradient(y, x)` returns inside the "
            "function; f′(x) = 2x − 2 written out, or a formula applied to a tape's result, "
            "skips the tape.",
            "zh": "第一项必须是函数里 `tape.gradient(y, x)` 返回的张量；直接写出 f′(x) = 2x − 2，"
            "或者对磁带的结果再套一个公式，都跳过了磁带。",
        },
        "05.3.why": {
            "en": "return the tensor `tape.gradient(y, x)` gives inside the function; f′(x) = "
            "2x − 2 written out skips the tape.",
            "zh": "请返回函数里 `tape.gradient(y, x)` 给出的张量；直接写出 f′(x) = 2x − 2 "
            "就跳过了磁带。",
        },
    },
)


def _trial_get_gradient(run: Callable[..., Any], fn: Callable) -> None:
    """05.1: get_gradient(x) -> (dy/dx, y), integer and float inputs (f′ ≠ f at each one);
    dy/dx from a tape in the traced graph."""
    import tensorflow as tf

    for shown, arg, x0 in (
        ("get_gradient(tf.constant(4))", tf.constant(4), 4.0),
        ("get_gradient(tf.constant(0.0))", tf.constant(0.0), 0.0),
        ("get_gradient(2)", 2, 2.0),
    ):
        want = TupleAnswer([scalar(quadratic_slope(x0)), scalar(quadratic(x0))])
        judge_call(want, shown, run(arg))
    technique.judge_graph_tape(fn, tf.constant(4), why=HINTS["05.1.why"])  # not a formula


def _trial_slope_signature(run: Callable[..., Any], fn: Callable) -> None:
    """05.3: slope(x) with an input_signature: one trace for every float input; the slope
    from a tape in the traced graph."""
    import tensorflow as tf

    if getattr(fn, "input_signature", None) is None:
        raise Wrong("no_signature")
    for shown, arg, x0 in (
        ("slope(tf.constant(4.0))", tf.constant(4.0), 4.0),
        ("slope(0.5)", 0.5, 0.5),
        ("slope(-2.0)", -2.0, -2.0),
        ("slope(10.0)", 10.0, 10.0),
    ):
        judge_call(scalar(quadratic_slope(x0)), shown, run(arg))
    count = fn.experimental_get_tracing_count()
    if count > 1:
        raise Wrong("retraced", got=count)
    technique.judge_graph_tape(fn, tf.constant(4.0), why=HINTS["05.3.why"])  # not a formula


EXERCISES = {
    "05.1": Exercise(
        FunctionAnswer(_trial_get_gradient, graph=True),
        {"": HINTS["05.1"], "none": HINTS["05.1.none"]},
    ),
    "05.2": Exercise(IntAnswer(lambda: 4), {"": HINTS["05.2"]}),
    "05.3": Exercise(
        FunctionAnswer(_trial_slope_signature, graph=True),
        {"": HINTS["05.3"], "none": MESSAGES["hint_unwatched"]},
    ),
}
