"""Chapter 03 · Higher-order derivatives: exercises 03.1-03.3 (answers, hints, trials)."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from autodiff_course.checks import technique
from autodiff_course.checks.engine import Exercise, FunctionAnswer, Wrong, judge_call, scalar
from autodiff_course.checks.messages import MESSAGES
from autodiff_course.checks.technique import FromTape
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
        "03.1.why": {
            "en": "return the outer tape's gradient of the inner tape's gradient; a finite "
            "difference or a formula skips the tapes.",
            "zh": "请返回外层磁带对内层磁带所求梯度再求的梯度；有限差分或公式都跳过了磁带。",
        },
        "03.2.why": {
            "en": "store what the outermost of three nested tapes returns, each tape "
            "differentiating the result of the one inside it.",
            "zh": "请保存三盘嵌套磁带中最外层那一盘返回的张量，每一盘都对里面那一盘的结果求导。",
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

    results = []
    for shown, f, x0, want in _SECOND:  # float32 or float64: the prompt says "a tensor"
        result = run(f or tf.sin, x0)
        judge_call(scalar(want, ("float32", "float64")), shown, result)
        results.append(result)
    if hasattr(fn, "get_concrete_function"):  # a tf.function: its outputs are new tensors
        technique.judge_graph_tape(fn, tf.sin, 1.0, why=HINTS["03.1.why"], order=2)
        return
    found = [technique.tape_result(result) for result in results]
    for result, f in zip(results, found, strict=True):
        if f is None:  # not a tape's result (named precisely for tape.jacobian, tf.cast)
            raise technique.not_from_tape(result, HINTS["03.1.why"])
    if not all(f.order >= 2 for f in found):
        api = {lang: text.format(n=2) for lang, text in MESSAGES["nested_tapes"].items()}
        raise Wrong("technique_missing", api=api, why=HINTS["03.1.why"])


class ExactlyFromTape(FromTape):
    """03.2: exactly `order` nested tapes; g = x⁴ has g⁗ = 24 = g‴(1), so four tapes are wrong."""

    def judge(self, answer: Any) -> None:
        super().judge(answer)
        if technique.tape_result(answer).order != self.order:
            api = {
                lang: text.format(n=self.order) for lang, text in MESSAGES["nested_tapes"].items()
            }
            raise Wrong("technique_missing", api=api, why=self.why)


EXERCISES = {
    "03.1": Exercise(
        FunctionAnswer(_trial_second_derivative),
        {"": HINTS["03.1"], "none": HINTS["03.1.none"]},
    ),
    "03.2": Exercise(
        ExactlyFromTape(scalar(24.0), HINTS["03.2.why"], order=3), {"": HINTS["03.2"]}
    ),
    "03.3": Exercise(scalar(1.0 - 1.0 / 12.0), {"": HINTS["03.3"]}),
}
