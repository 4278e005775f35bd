"""Chapter 10 · Forward mode and reverse mode: exercises 10.1-10.4 (answers, hints, trials)."""

from __future__ import annotations

import math

from autodiff_course.checks.engine import (
    Exercise,
    FunctionAnswer,
    NumberAnswer,
    TensorAnswer,
    TextAnswer,
    TupleAnswer,
    judge_call,
)
from autodiff_course.i18n import strings

HINTS = strings(
    __name__,
    {
        "10.1": {
            "en": "Open `tf.autodiff.ForwardAccumulator(x, v)` around the computation of y and "
            "read `acc.jvp(y)`: one value per output of f. A tape gives vᵀJ-type products "
            "(one value per input) instead.",
            "zh": "用 `tf.autodiff.ForwardAccumulator(x, v)` 包住 y 的计算，再读取 `acc.jvp(y)`："
            "f 的每个输出对应一个值。磁带给出的是 vᵀJ 这类乘积（每个输入一个值）。",
        },
        "10.2": {
            "en": "For each input i, one JVP with the tangent `tf.one_hot(i, n)` gives column i; "
            "stack the columns with `axis=1`, so the result has shape (m, n): one row per "
            "output.",
            "zh": "对每个输入 i，以 `tf.one_hot(i, n)` 为切向量做一次 JVP，得到第 i 列；"
            "用 `axis=1` 把各列堆叠起来，结果形状为 (m, n)：每个输出占一行。",
        },
        "10.3": {
            "en": "Put a `tf.GradientTape` that computes the gradient inside a "
            "`tf.autodiff.ForwardAccumulator(x, v)`, and return `acc.jvp(gradient)`: a vector "
            "with one entry per input, H·v.",
            "zh": "把计算梯度的 `tf.GradientTape` 放进 `tf.autodiff.ForwardAccumulator(x, v)` "
            "里面，返回 `acc.jvp(gradient)`：一个每个输入对应一项的向量，即 H·v。",
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
    },
)


def _f_jvp(x):
    """10.1's function, R² → R³."""
    import tensorflow as tf

    return tf.stack([x[0] ** 2, x[0] * x[1], tf.sin(x[1])])


def _jvp_10_1():
    return [6.0, 5.0, -math.cos(2.0)]


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
    """10.2: jacobian_by_columns(f, x) equals tape.jacobian for wide, tall and square f."""
    import tensorflow as tf

    for shown, f, point in _columns_cases():
        x = tf.constant(point)
        with tf.GradientTape() as tape:
            tape.watch(x)
            y = f(x)
        want = tape.jacobian(y, x).numpy()
        spec = TensorAnswer(lambda want=want: want, "float32", want.shape)
        judge_call(spec, f"jacobian_by_columns({shown})", run(f, x))


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
    """10.3: hvp(f, x, v) equals the nested-tape Hessian times v."""
    import tensorflow as tf

    for shown, f, point, direction in _hvp_cases():
        x, v = tf.constant(point), tf.constant(direction)
        with tf.GradientTape() as outer:
            outer.watch(x)
            with tf.GradientTape() as inner:
                inner.watch(x)
                y = f(x)
            gradient = inner.gradient(y, x)
        want = tf.linalg.matvec(outer.jacobian(gradient, x), v).numpy()
        spec = TensorAnswer(lambda want=want: want, "float32", want.shape)
        judge_call(spec, f"hvp({shown})", run(f, x, v))


EXERCISES = {
    "10.1": Exercise(TensorAnswer(_jvp_10_1, "float32", (3,)), {"": HINTS["10.1"]}),
    "10.2": Exercise(FunctionAnswer(_trial_columns), {"": HINTS["10.2"]}),
    "10.3": Exercise(FunctionAnswer(_trial_hvp), {"": HINTS["10.3"]}),
    "10.4": Exercise(
        TupleAnswer([TextAnswer("forward"), NumberAnswer(lambda: 3, integer=True)]),
        {"": HINTS["10.4"], "not_text": HINTS["10.4.text"]},
    ),
}
