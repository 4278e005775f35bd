"""Chapter 10 · Forward mode and reverse mode: exercises 10.1-10.4 (answers, hints, trials).

10.1-10.3 ask for a mode, and the trials watch how the learner's function computes: which of
TensorFlow's entry points it uses (technique.observe), and whether it evaluates f anywhere but
at the check's point (technique.counted_at), as a finite difference does.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from typing import Any

from autodiff_course.checks import technique
from autodiff_course.checks.ch08 import trusted_jacobian
from autodiff_course.checks.engine import (
    Exercise,
    FunctionAnswer,
    IntAnswer,
    TensorAnswer,
    TextAnswer,
    TupleAnswer,
    Wrong,
    judge_values,
    screen,
)
from autodiff_course.i18n import strings

HINTS = strings(
    __name__,
    {
        "10.1": {
            "en": "Open `tf.autodiff.ForwardAccumulator(x, v)` around the computation of y = f(x) "
            "and return `acc.jvp(y)`: one value per output of f. A tape gives vᵀJ-type products "
            "(one value per input) instead.",
            "zh": "用 `tf.autodiff.ForwardAccumulator(x, v)` 包住 y = f(x) 的计算，再返回 "
            "`acc.jvp(y)`：f 的每个输出对应一个值。磁带给出的是 vᵀJ 这类乘积（每个输入一个值）。",
        },
        "10.1.sign": {
            "en": "Check the signs: pass the tangent v as it is, "
            "`ForwardAccumulator(x, v)`; J v needs no minus.",
            "zh": "请检查正负号：切向量 v 要原样传入 `ForwardAccumulator(x, v)`；"
            "J v 不需要加负号。",
        },
        "10.1.finite": {
            "en": "This exercise asks for the exact J v that one forward-mode pass gives.",
            "zh": "本题要的是一次前向模式传播给出的精确 J v。",
        },
        "10.1.reverse": {
            "en": "a tape runs reverse mode, which gives J v only after building J row by row; "
            "one `ForwardAccumulator(x, v)` gives it in one forward pass.",
            "zh": "磁带执行的是反向模式，要先逐行构造出 J 才能得到 J v；"
            "一个 `ForwardAccumulator(x, v)` 只需一次前向计算就能给出它。",
        },
        "10.1.once": {
            "en": "one JVP is one forward pass: one `ForwardAccumulator(x, v)` around y = f(x), "
            "then `acc.jvp(y)`.",
            "zh": "一次 JVP 就是一次前向计算：用一个 `ForwardAccumulator(x, v)` 包住 y = f(x)，"
            "再调用 `acc.jvp(y)`。",
        },
        "10.2": {
            "en": "For each input i, one JVP with the tangent `tf.one_hot(i, n)` gives column i; "
            "stack the columns with `axis=1`, so the result has shape (m, n): one row per "
            "output.",
            "zh": "对每个输入 i，以 `tf.one_hot(i, n)` 为切向量做一次 JVP，得到第 i 列；"
            "用 `axis=1` 把各列堆叠起来，结果形状为 (m, n)：每个输出占一行。",
        },
        "10.2.sign": {
            "en": "Check the signs: each column is the JVP with the tangent "
            "`tf.one_hot(i, n)` itself, with no minus.",
            "zh": "请检查正负号：每一列就是以 `tf.one_hot(i, n)` 为切向量的 JVP，不需要加负号。",
        },
        "10.2.finite": {
            "en": "This exercise builds the exact J from forward-mode JVPs, one per input.",
            "zh": "本题要用前向模式的 JVP（每个输入一次）构造出精确的 J。",
        },
        "10.2.reverse": {
            "en": "that is reverse mode, which builds J row by row; this exercise builds it "
            "column by column, from one forward-mode JVP per input.",
            "zh": "那是反向模式，它逐行构造 J；本题要逐列构造：每个输入做一次前向模式的 JVP。",
        },
        "10.2.count": {
            "en": "one JVP per input: n `ForwardAccumulator` blocks, the i-th with the tangent "
            "`tf.one_hot(i, n)`.",
            "zh": "每个输入一次 JVP：共 n 个 `ForwardAccumulator` 块，"
            "第 i 个的切向量是 `tf.one_hot(i, n)`。",
        },
        "10.3": {
            "en": "Put a `tf.GradientTape` that computes the gradient inside a "
            "`tf.autodiff.ForwardAccumulator(x, v)`, and return `acc.jvp(gradient)`: a vector "
            "with one entry per input, H·v.",
            "zh": "把计算梯度的 `tf.GradientTape` 放进 `tf.autodiff.ForwardAccumulator(x, v)` "
            "里面，返回 `acc.jvp(gradient)`：一个每个输入对应一项的向量，即 H·v。",
        },
        "10.3.sign": {
            "en": "Check the signs: H·v is the JVP of the gradient along v itself, with no minus.",
            "zh": "请检查正负号：H·v 就是梯度沿 v 本身的 JVP，不需要加负号。",
        },
        "10.3.finite": {
            "en": "This exercise asks for the exact H·v of forward over reverse.",
            "zh": "本题要的是前向套反向（forward over reverse）给出的精确 H·v。",
        },
        "10.3.hessian": {
            "en": "it forms the whole Hessian, one backward pass per input, where forward over "
            "reverse gives H·v in one pass.",
            "zh": "它会构造出整个黑塞矩阵，每个输入一次反向传播，而前向套反向一次就能给出 H·v。",
        },
        "10.3.forward": {
            "en": "forward over reverse differentiates the tape's gradient with one "
            "`ForwardAccumulator(x, v)` around it, then reads `acc.jvp(gradient)`.",
            "zh": "前向套反向是用一个 `ForwardAccumulator(x, v)` 包住磁带求梯度的过程，"
            "再读取 `acc.jvp(gradient)`。",
        },
        "10.3.order": {
            "en": "your tape took its gradient outside the accumulator, so this is reverse over "
            "forward; the exercise asks for the gradient inside it, forward over reverse.",
            "zh": "你的磁带是在累加器之外求的梯度，所以这是反向套前向；"
            "本题要求在累加器里面求梯度，即前向套反向。",
        },
        "10.4": {
            "en": "Forward mode needs one JVP per input, reverse mode one VJP per output: pick "
            "the mode with fewer products, then count them.",
            "zh": "前向模式每个输入需要一次 JVP，反向模式每个输出需要一次 VJP："
            "选乘积次数少的模式，再数一数要几次。",
        },
        "10.4.text": {
            "en": "Write the mode as the string 'forward' or 'reverse'.",
            "zh": "把模式写成字符串 'forward' 或 'reverse'。",
        },
        "10.4.int": {
            "en": "Write the count as an int, `n` rather than `float(n)`: a number of products "
            "is whole.",
            "zh": "把次数写成整数（int），写 `n` 而不是 `float(n)`：乘积的次数总是整数。",
        },
    },
)

# what the check shows of the API the learner must use, inside technique messages
JVP_OF_GRADIENT = {
    "en": "`acc.jvp` of the tape's gradient, returned",
    "zh": "对磁带梯度求的 `acc.jvp`（并将其返回）",
}
IN_ACCUMULATOR = {
    "en": "`tape.gradient` inside the `ForwardAccumulator`",
    "zh": "`ForwardAccumulator` 里面的 `tape.gradient`",
}
REVERSE = ("GradientTape.gradient", "GradientTape.jacobian", "GradientTape.batch_jacobian")


def _observed(run, f, point, *args):
    """Run the learner's function on (f counted, point, *args); what it returned, what it used."""
    f = technique.counted_at(f, "f", point)
    with technique.observe() as seen:
        result = run(f, point, *args)
    return result, seen


@contextlib.contextmanager
def _about(call: str):
    """The technique checks in the block name the call they are about."""
    try:
        yield
    except Wrong as wrong:
        raise wrong.at("call", call=call) from None


def _finite(seen, why) -> None:
    if seen.count("f elsewhere"):
        raise Wrong("technique_finite", why=why)


# ----------------------------------------------------------------------------- 10.1 one JVP


def _f_jvp(x):
    """10.1's function, R² → R³ (the exercise's own f)."""
    import tensorflow as tf

    return tf.stack([x[0] ** 2, x[0] * x[1], tf.sin(x[1])])


def _jvp_cases():
    import tensorflow as tf

    return [
        ("f(x) = (x0², x0·x1, sin x1), x = (1, 2), v = (3, −1)", _f_jvp, [1.0, 2.0], [3.0, -1.0]),
        ("f(x) = (exp(x0)·x2, x1 − x2²), x = (0.5, −1, 2), v = (1, 2, −0.5)",
         lambda x: tf.stack([tf.exp(x[0]) * x[2], x[1] - x[2] ** 2]),
         [0.5, -1.0, 2.0], [1.0, 2.0, -0.5]),
    ]  # fmt: skip


def _trial_jvp(run, fn) -> None:
    """10.1: jvp(f, x, v) = J v, from one ForwardAccumulator, no tape, f evaluated at x only."""
    import numpy as np
    import tensorflow as tf

    for shown, f, point, direction in _jvp_cases():
        x, v = tf.constant(point), tf.constant(direction)
        want = trusted_jacobian(f, x) @ np.array(direction)
        result, seen = _observed(run, f, x, v)
        call = f"jvp({shown})"
        judge_values(TensorAnswer(lambda w=want: w, "float32", want.shape), call, result)
        with _about(call):
            _finite(seen, HINTS["10.1.finite"])
            seen.forbid(*REVERSE, why=HINTS["10.1.reverse"])
            seen.require("ForwardAccumulator", exactly=1, why=HINTS["10.1.once"])


# ----------------------------------------------------------------------------- 10.2 J by columns


def _columns_cases():
    import tensorflow as tf

    return [
        (
            "f(x) = [x0·x1·x2, sin(x0) + x2²], x = [0.5, −1, 2]",
            lambda x: tf.stack([x[0] * x[1] * x[2], tf.sin(x[0]) + x[2] ** 2]),
            [0.5, -1.0, 2.0],
        ),
        (
            "f(x) = [x0, x1², x0·x1, exp(x0 − x1)], x = [0.3, 0.8]",
            lambda x: tf.stack([x[0], x[1] ** 2, x[0] * x[1], tf.exp(x[0] - x[1])]),
            [0.3, 0.8],
        ),
        (
            "f(x) = [x1, 2·x2, 3·x0], x = [1, 2, 3]",
            lambda x: tf.stack([x[1], 2 * x[2], 3 * x[0]]),
            [1.0, 2.0, 3.0],
        ),
    ]


def _trial_columns(run, fn) -> None:
    """10.2: jacobian_by_columns(f, x) equals tape.jacobian for wide, tall and square f, and is
    built from n forward-mode JVPs: no tape, f evaluated at x only."""
    import tensorflow as tf

    for shown, f, point in _columns_cases():
        x = tf.constant(point)
        want = trusted_jacobian(f, x)
        result, seen = _observed(run, f, x)
        call = f"jacobian_by_columns({shown})"
        judge_values(TensorAnswer(lambda want=want: want, "float32", want.shape), call, result)
        with _about(call):
            _finite(seen, HINTS["10.2.finite"])
            seen.forbid(*REVERSE, why=HINTS["10.2.reverse"])
            if seen.count("ForwardAccumulator traced"):  # a graph loop, tf.vectorized_map
                seen.require("ForwardAccumulator", why=HINTS["10.2.count"])
            else:
                seen.require("ForwardAccumulator", exactly=len(point), why=HINTS["10.2.count"])


# ----------------------------------------------------------------------------- 10.3 H·v


def _hvp_cases():
    import tensorflow as tf

    return [
        (
            "f(x) = Σx³ + x0·x1·x2, x = [0.3, −0.7, 1.1], v = [0.5, 2, −1]",
            lambda x: tf.reduce_sum(x**3) + x[0] * x[1] * x[2],
            [0.3, -0.7, 1.1],
            [0.5, 2.0, -1.0],
        ),
        (
            "f(x) = Σ x·exp(x) + x0²·x3, x = [0.1, 0.2, −0.3, 0.4], v = [1, 0, 0, −1]",
            lambda x: tf.reduce_sum(x * tf.exp(x)) + x[0] ** 2 * x[3],
            [0.1, 0.2, -0.3, 0.4],
            [1.0, 0.0, 0.0, -1.0],
        ),
    ]


def _trial_hvp(run, fn) -> None:
    """10.3: hvp(f, x, v) equals the nested-tape Hessian times v, and is forward over reverse:
    one ForwardAccumulator around the tape's gradient, no Jacobian, f evaluated at x only."""
    import numpy as np
    import tensorflow as tf

    for shown, f, point, direction in _hvp_cases():
        x, v = tf.constant(point), tf.constant(direction)

        def gradient(x, f=f):
            with tf.GradientTape() as tape:
                tape.watch(x)
                y = f(x)
            return tape.gradient(y, x)

        want = trusted_jacobian(gradient, x) @ np.array(direction, np.float32)
        result, seen = _observed(run, f, x, v)
        call = f"hvp({shown})"
        judge_values(TensorAnswer(lambda want=want: want, "float32", want.shape), call, result)
        with _about(call):
            _finite(seen, HINTS["10.3.finite"])
            seen.forbid("GradientTape.jacobian", "GradientTape.batch_jacobian",
                        why=HINTS["10.3.hessian"])  # fmt: skip
            seen.require("ForwardAccumulator", exactly=1, why=HINTS["10.3.forward"])
            inside = [e for e in seen.events if e.name == "GradientTape.gradient"
                      and "ForwardAccumulator" in e.inside]  # fmt: skip
            if not inside:
                raise Wrong("technique_missing", api=IN_ACCUMULATOR, why=HINTS["10.3.order"])
            # one gradient, then one JVP of it, returned: not reverse over reverse inside an
            # unused accumulator, not a Hessian built row by row, not a gradient of a JVP
            seen.require("GradientTape.gradient", exactly=1, why=HINTS["10.3.forward"])
            seen.require("ForwardAccumulator.jvp", exactly=1, why=HINTS["10.3.forward"])
            names = [e.name for e in seen.events]
            if names.index("ForwardAccumulator.jvp") < names.index("GradientTape.gradient") or (
                technique.tape_result(result) is not None
            ):
                raise Wrong("technique_missing", api=JVP_OF_GRADIENT, why=HINTS["10.3.forward"])


# ----------------------------------------------------------------------------- 10.4 which mode


@dataclass
class ChoiceAnswer(TextAnswer):
    """One of a few strings: another choice is "wrong_text", anything else "not_choice"."""

    choices: tuple[str, ...] = ()

    def judge(self, answer: Any) -> None:
        screen(answer)
        if isinstance(answer, str) and answer.strip() in self.choices:
            if answer.strip() != self.value:
                raise Wrong("wrong_text", got=repr(answer.strip()))
            return
        try:
            super().judge(answer)
        except Wrong as wrong:
            if wrong.kind == "value":
                raise Wrong("not_choice", got=wrong.details["got"]) from None
            raise


EXERCISES = {
    "10.1": Exercise(FunctionAnswer(_trial_jvp), {"": HINTS["10.1"], "sign": HINTS["10.1.sign"]}),
    "10.2": Exercise(
        FunctionAnswer(_trial_columns), {"": HINTS["10.2"], "sign": HINTS["10.2.sign"]}
    ),
    "10.3": Exercise(FunctionAnswer(_trial_hvp), {"": HINTS["10.3"], "sign": HINTS["10.3.sign"]}),
    "10.4": Exercise(
        TupleAnswer(
            [ChoiceAnswer("forward", choices=("forward", "reverse")), IntAnswer(lambda: 3)]
        ),
        {
            "": HINTS["10.4"],
            "not_text": HINTS["10.4.text"],
            "not_choice": HINTS["10.4.text"],
            "float_not_int": HINTS["10.4.int"],
        },
    ),
}
