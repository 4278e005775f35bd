"""Chapter 01 · The gradient tape: exercises 01.1-01.4 (answers, hints)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from autodiff_course.checks.engine import (
    Exercise,
    NumberAnswer,
    TensorAnswer,
    TupleAnswer,
    Wrong,
    scalar,
)
from autodiff_course.checks.technique import FromTape
from autodiff_course.i18n import strings
from autodiff_course.quadratic import quadratic_slope


@dataclass
class _Number(NumberAnswer):
    """01.3's numbers: a tensor or array of shape (1,) is named by its shape, not its type."""

    def judge(self, answer: Any) -> None:
        shape = getattr(answer, "shape", ())
        if not isinstance(answer, str) and tuple(shape) != ():
            raise Wrong("shape", got=tuple(shape), want=())
        super().judge(answer)


HINTS = strings(
    __name__,
    {
        "01.1": {
            "en": "Compute y inside `with tf.GradientTape() as tape:`, then call "
            "`tape.gradient(y, x)` after the block. You can check the result with f′(x) = 2x − 2.",
            "zh": "在 `with tf.GradientTape() as tape:` 中计算 y，然后在代码块之后调用 "
            "`tape.gradient(y, x)`。可以用 f′(x) = 2x − 2 核对结果。",
        },
        "01.2": {
            "en": "One slope per point, in the given order: `assign` each point to the Variable, "
            "record a new tape each time, collect the slopes in a list and `tf.stack` it.",
            "zh": "每个点一个斜率，按题目给出的顺序：把每个点 `assign` 给变量，"
            "每次都重新开一盘磁带，"
            "把斜率收集到列表里，再用 `tf.stack` 合成一个张量。",
        },
        "01.3": {
            "en": "The slope m comes from the tape; the line passes through the point "
            "(x₀, f(x₀)), which gives k.",
            "zh": "斜率 m 由磁带给出；切线经过点 (x₀, f(x₀))，由此可以求出 k。",
        },
        "01.1.why": {
            "en": "store what `tape.gradient(y, x)` returns, not a number typed or worked out "
            "another way.",
            "zh": "请保存 `tape.gradient(y, x)` 返回的张量，而不是手动输入或用别的办法算出的数。",
        },
        "01.4.why": {
            "en": "store what `tape.gradient(h, x)` returns; the point is that the tape "
            "differentiates `tf.exp` for you.",
            "zh": "请保存 `tape.gradient(h, x)` 返回的张量；本题的要点是让磁带替你对 "
            "`tf.exp` 求导。",
        },
        "01.4": {
            "en": "Write h with `tf.exp` on the Variable; the tape differentiates any TensorFlow "
            "operation, not just polynomials.",
            "zh": "用 `tf.exp` 对变量写出 h；磁带能对任何 TensorFlow 运算求导，不只是多项式。",
        },
    },
)

# x = 4: f(4) = 9, f′(4) = 6, f″ = 2, so returning y, x, 2x or −f′ cannot pass (at x = 3,
# f(3) = f′(3) = 4 let y pass for dy/dx).
X_01_1 = 4.0

EXERCISES = {
    "01.1": Exercise(
        FromTape(scalar(lambda: quadratic_slope(X_01_1)), HINTS["01.1.why"]), {"": HINTS["01.1"]}
    ),
    "01.2": Exercise(
        TensorAnswer(lambda: [quadratic_slope(x) for x in (-1.0, 0.0, 0.5, 2.0)], shape=(4,)),
        {"": HINTS["01.2"]},
    ),
    "01.3": Exercise(
        TupleAnswer([_Number(lambda: quadratic_slope(2.0)), _Number(lambda: -3.0)]),
        {"": HINTS["01.3"]},
    ),
    "01.4": Exercise(
        FromTape(scalar(lambda: -math.exp(-0.5)), HINTS["01.4.why"]), {"": HINTS["01.4"]}
    ),
}
