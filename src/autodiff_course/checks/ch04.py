"""Chapter 04 · Tensors, many variables, persistent tapes: exercises 04.1-04.3."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from autodiff_course.checks.engine import (
    Exercise,
    TensorAnswer,
    TextAnswer,
    TupleAnswer,
    Wrong,
    scalar,
)
from autodiff_course.checks.messages import MESSAGES
from autodiff_course.checks.technique import FromTape
from autodiff_course.i18n import strings


@dataclass
class _ErrorName(TextAnswer):
    """04.3: another string is a "wrong answer", not a "wrong value"."""

    def judge(self, answer: Any) -> None:
        try:
            super().judge(answer)
        except Wrong as wrong:
            if wrong.kind != "value":
                raise
            raise Wrong("wrong_text", got=wrong.details["got"]) from None


HINTS = strings(
    __name__,
    {
        "04.1": {
            "en": "Ask for both gradients at once, `tape.gradient(loss, [W, b])`; each gradient "
            "has the shape of its variable. The loss is the mean of y², not the sum.",
            "zh": "一次求出两个梯度：`tape.gradient(loss, [W, b])`；每个梯度的形状都和对应的变量"
            "相同。损失是 y² 的平均值，不是总和。",
        },
        "04.2": {
            "en": "A tape answers only once unless it is created with `persistent=True`; "
            "`del tape` afterwards. Check by hand: 2x and 3x².",
            "zh": "磁带默认只能求一次梯度，除非创建时设置 `persistent=True`；用完后 `del tape`。"
            "可以手算核对：2x 和 3x²。",
        },
        "04.3": {
            "en": "Catch the error with `except Exception as err:` and store `type(err).__name__`.",
            "zh": "用 `except Exception as err:` 捕获错误，并保存 `type(err).__name__`。",
        },
        "04.1.why": {
            "en": "store the two tensors `tape.gradient(loss, [W, b])` returns, not numbers "
            "worked out by hand.",
            "zh": "请保存 `tape.gradient(loss, [W, b])` 返回的两个张量，而不是手算出的数。",
        },
        "04.2.why": {
            "en": "record x² and x³ on one tape created with `persistent=True` and ask that "
            "tape twice; two tapes, or a number typed by hand, skip the point.",
            "zh": "请在一盘 `persistent=True` 的磁带上同时记录 x² 和 x³，再向这盘磁带求两次梯度；"
            "用两盘磁带或手动输入数字都偏离了本题的要点。",
        },
    },
)

# x = 4: 2x = 8 and 3x² = 48 differ from x² = 16, x³ = 64 and each other (at x = 3, x³ = 3x²).
X_04_2 = 4.0

EXERCISES = {
    "04.1": Exercise(
        FromTape(
            TupleAnswer(
                [
                    TensorAnswer(lambda: [[-3.0, -5.0], [0.0, 0.0], [3.0, 5.0]], shape=(3, 2)),
                    TensorAnswer(lambda: [-3.0, -5.0], shape=(2,)),
                ]
            ),
            HINTS["04.1.why"],
        ),
        {"": HINTS["04.1"], "none": MESSAGES["hint_unwatched"]},
    ),
    "04.2": Exercise(
        FromTape(
            TupleAnswer([scalar(2.0 * X_04_2), scalar(3.0 * X_04_2**2)]),
            HINTS["04.2.why"],
            one_tape=True,
        ),
        {"": HINTS["04.2"]},
    ),
    "04.3": Exercise(_ErrorName("RuntimeError"), {"": HINTS["04.3"]}),
}
