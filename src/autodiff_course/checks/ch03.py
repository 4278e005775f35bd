"""Chapter 03 · Higher-order derivatives: exercises 03.1-03.3 (answers, hints, trials)."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from autodiff_course.checks.engine import Exercise, FunctionAnswer, judge_call, scalar
from autodiff_course.i18n import strings

HINTS = strings(
    __name__,
    {
        "03.1": {
            "en": "Make x a Variable (or watch it on both tapes), nest two tapes: the inner one "
            "gives f′(x), the outer one differentiates that result. Compute the inner gradient "
            "inside the outer block, and return the outer gradient.",
            "zh": "把 x 变成变量（或者让两盘磁带都监视它），再把两盘磁带嵌套起来：内层给出 f′(x)，"
            "外层再对这个结果求导。内层的梯度要在外层的 `with` 代码块之内计算，"
            "最后返回外层的梯度。",
        },
        "03.1.none": {
            "en": "The outer tape saw nothing: call the inner tape's `gradient` inside the "
            "outer `with` block, and make sure both tapes watch x.",
            "zh": "外层磁带什么也没记录到：请在外层 `with` 代码块之内调用内层磁带的 `gradient`，"
            "并确认两盘磁带都监视了 x。",
        },
        "03.2": {
            "en": "Three nested tapes; each one differentiates the result of the tape inside it. "
            "Check by hand: differentiate x⁴ three times.",
            "zh": "三盘嵌套的磁带，每一盘对它里面那一盘的结果求导。可以手算核对：对 x⁴ 求三次导。",
        },
        "03.3": {
            "en": "Newton's step is x₁ = x₀ − g′(x₀) / g″(x₀); get both derivatives from one "
            "pair of nested tapes.",
            "zh": "牛顿法的一步是 x₁ = x₀ − g′(x₀) / g″(x₀)；用一对嵌套的磁带同时得到两个导数。",
        },
    },
)

# (shown, f, x0, f″(x0)): at each point f″ differs from f, f′, −f″ and 2a of the course's f.
_SECOND = (
    ("second_derivative(lambda x: 3 * x**2 + x, 2.0)", lambda x: 3 * x**2 + x, 2.0, 6.0),
    ("second_derivative(lambda x: x**3, 1.5)", lambda x: x**3, 1.5, 9.0),
    ("second_derivative(tf.sin, 1.0)", None, 1.0, -math.sin(1.0)),
)


def _trial_second_derivative(run: Callable[..., Any], fn: Callable) -> None:
    """03.1: second_derivative(f, x0) -> f″(x0) with nested tapes, for functions of the check's."""
    import tensorflow as tf

    for shown, f, x0, want in _SECOND:
        judge_call(scalar(want), shown, run(f or tf.sin, x0))


EXERCISES = {
    "03.1": Exercise(
        FunctionAnswer(_trial_second_derivative),
        {"": HINTS["03.1"], "none": HINTS["03.1.none"]},
    ),
    "03.2": Exercise(scalar(24.0), {"": HINTS["03.2"]}),
    "03.3": Exercise(scalar(1.0 - 1.0 / 12.0), {"": HINTS["03.3"]}),
}
