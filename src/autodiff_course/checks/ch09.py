"""Chapter 09 · Controlling the tape: exercises 09.1-09.5 (answers, hints, trials)."""

from __future__ import annotations

import math

from autodiff_course.checks import technique
from autodiff_course.checks.engine import (
    Exercise,
    FunctionAnswer,
    TensorAnswer,
    TupleAnswer,
    Wrong,
    as_number,
    judge_call,
    scalar,
    short,
)
from autodiff_course.checks.technique import FromTape
from autodiff_course.i18n import strings

HINTS = strings(
    __name__,
    {
        "09.1": {
            "en": "Record the loss, then ask for both gradients in one call, in the order "
            "[x, w]. w is not used, so its gradient has to be asked for as zeros.",
            "zh": "记录损失，然后用一次调用按 [x, w] 的顺序求两个梯度。w 没有被用到，"
            "所以它的梯度要明确要求返回零。",
        },
        "09.1.none": {
            "en": "None is what the tape returns for an unused variable, and an optimizer "
            "cannot apply it: pass `unconnected_gradients=tf.UnconnectedGradients.ZERO`.",
            "zh": "对没有用到的变量，磁带返回 None，优化器无法使用它："
            "请传入 `unconnected_gradients=tf.UnconnectedGradients.ZERO`。",
        },
        "09.1.why": {
            "en": "ask for both gradients in one `tape.gradient(loss, [x, w], "
            "unconnected_gradients=...)` call; a zero tensor made by hand is what that argument "
            "saves you.",
            "zh": "请用一次 `tape.gradient(loss, [x, w], unconnected_gradients=...)` 调用求出两个"
            "梯度；这个参数省掉的正是手动构造的零张量。",
        },
        "09.2.why": {
            "en": "return what `tape.gradient(loss, theta)` returns, for a loss whose target is "
            "wrapped in `tf.stop_gradient`; the chain rule worked out by hand skips the stop.",
            "zh": "请返回 `tape.gradient(loss, theta)` 的结果，其中损失里的目标值包在 "
            "`tf.stop_gradient` 中；手动套用链式法则就绕开了停止梯度。",
        },
        "09.4.why": {
            "en": "the prompt asks for `@tf.custom_gradient`; a double `tf.where` gives the "
            "same numbers, but this exercise practises writing the gradient yourself.",
            "zh": "题目要求使用 `@tf.custom_gradient`；双重 `tf.where` 虽然给出同样的数值，"
            "但本题练习的是自己写出梯度。",
        },
        "09.2": {
            "en": "Inside one tape compute q(θ) and t(θ), wrap only the target in "
            "`tf.stop_gradient`, and return the gradient of (q − t)² with respect to θ.",
            "zh": "在同一个磁带里算出 q(θ) 和 t(θ)，只把目标值包进 `tf.stop_gradient`，"
            "然后返回 (q − t)² 对 θ 的梯度。",
        },
        "09.2.none": {
            "en": "A None gradient means nothing connects the loss to θ: is the whole loss (or "
            "the prediction too) inside `tf.stop_gradient`? Only the target belongs there.",
            "zh": "梯度为 None 说明损失与 θ 之间没有任何联系：是不是把整个损失（或者连同预测值）"
            "都放进了 `tf.stop_gradient`？只有目标值应该放进去。",
        },
        "09.3": {
            "en": "Return `x + tf.stop_gradient(tf.round(x) - x)`: the value is round(x), and "
            "only the first x carries a gradient.",
            "zh": "返回 `x + tf.stop_gradient(tf.round(x) - x)`：值等于 round(x)，"
            "而只有第一个 x 带有梯度。",
        },
        "09.3.none": {
            "en": "A None gradient: `tf.round` has no gradient, and a `tf.stop_gradient` "
            "around everything leaves none either. Keep one x outside the stop.",
            "zh": "梯度为 None：`tf.round` 没有梯度，把所有东西都放进 `tf.stop_gradient` "
            "也一样没有梯度。要让一个 x 留在停止梯度之外。",
        },
        "09.4": {
            "en": "Decorate with `@tf.custom_gradient`, return `(tf.sqrt(x), grad)`, and let "
            "`grad(upstream)` return upstream · 0.5 / √x where x > 0 and 0 where x = 0 "
            "(compute √x on a safe input, as the double where does).",
            "zh": "用 `@tf.custom_gradient` 装饰，返回 `(tf.sqrt(x), grad)`，让 `grad(upstream)` "
            "在 x > 0 处返回 upstream · 0.5 / √x，在 x = 0 处返回 0"
            "（像双重 where 那样，在安全的输入上计算 √x）。",
        },
        "09.4.raised": {
            "en": "`grad` must return exactly one gradient per input of the decorated "
            "function: here one tensor, upstream times the derivative.",
            "zh": "`grad` 必须为被装饰函数的每个输入恰好返回一个梯度：这里是一个张量，"
            "即 upstream 乘以导数。",
        },
        "09.5": {
            "en": "`tf.test.compute_gradient(f, [x])` gives the tape's and the numerical "
            "Jacobian; return the largest absolute difference as a float. Its default step, "
            "1/1024, suits float32.",
            "zh": "`tf.test.compute_gradient(f, [x])` 给出磁带算出的和数值算出的雅可比矩阵；"
            "把最大的绝对差值作为 float 返回。它的默认步长 1/1024 适合 float32。",
        },
        "09.5.step": {
            "en": "In float32 a step of 0.1 leaves a truncation error of order h², and a step "
            "of 1e-5 or less a rounding error of order ε/h. Keep it near 1e-3 (or compute in "
            "float64).",
            "zh": "在 float32 下，步长 0.1 会留下 h² 量级的截断误差，1e-5 或更小的步长会带来 "
            "ε/h 量级的舍入误差。请把步长保持在 1e-3 附近（或者用 float64 计算）。",
        },
    },
)

# --------------------------------------------------------------------------- 09.2 a fixed target


def _target_cases():
    """(shown, q, t, θ, q′(θ), t′(θ)): prediction and target both depend on θ."""
    import tensorflow as tf

    return [
        ("q = 2θ, t = θ + 1, θ = 1.5", lambda th: 2.0 * th, lambda th: th + 1.0, 1.5, 2.0, 1.0),
        (
            "q = θ², t = θ/2 + 3, θ = 3",
            lambda th: th**2,
            lambda th: 0.5 * th + 3.0,
            3.0,
            6.0,
            0.5,
        ),
        (
            "q = sin θ, t = 0.9·exp(−θ), θ = 0.5",
            tf.sin,
            lambda th: 0.9 * tf.exp(-th),
            0.5,
            math.cos(0.5),
            -0.9 * math.exp(-0.5),
        ),
    ]


def _close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-4, abs_tol=1e-4)


def _trial_fixed_target(run, fn) -> None:
    """09.2: d/dθ (q − stop(t))² = 2(q − t)·q′, told apart from the two misplaced stops."""
    import tensorflow as tf

    results = []
    for shown, q, t, theta, dq, dt in _target_cases():
        call = f"fixed_target_gradient({shown})"
        gap = float(q(tf.constant(theta))) - float(t(tf.constant(theta)))
        right, moving, swapped = 2 * gap * dq, 2 * gap * (dq - dt), -2 * gap * dt
        result = run(q, t, tf.Variable(theta))
        results.append(result)
        try:
            judge_call(scalar(right, rtol=1e-4, atol=1e-4), call, result)
        except Wrong as wrong:
            if wrong.kind != "value":
                raise
            got = as_number(result)
            kind = "target_moves" if _close(got, moving) else "value"
            kind = "prediction_stopped" if _close(got, swapped) else kind
            raise Wrong(kind, got=short(got)).at("call", call=call) from None
    if hasattr(fn, "get_concrete_function"):  # a tf.function: its outputs are new tensors
        shown, q, t, theta = _target_cases()[0][:4]
        by_tape = technique.graph_uses_tape(fn, q, t, tf.Variable(theta))
    else:
        by_tape = all(technique.tape_result(result) is not None for result in results)
    if not by_tape:
        api = technique.SHOWN["GradientTape.gradient"]
        raise Wrong("technique_missing", api=api, why=HINTS["09.2.why"])


# ------------------------------------------------------------------ 09.3 straight-through rounding


def _value_and_weighted_gradient(run, name: str, point, weights, want):
    """Judge name(point) against `want`; return the gradient of Σ weights·name(x) (not None)."""
    import tensorflow as tf

    x = tf.Variable(point)
    with tf.GradientTape() as tape:
        y = run(x)
        # the answer's form first: the check's own product takes only a float32 tensor of this
        # shape, and its error (float64 times float32) would read as the learner's
        judge_call(TensorAnswer(lambda: want, "float32", want.shape), f"{name}({point})", y)
        total = tf.reduce_sum(tf.constant(weights) * y)
    gradient = tape.gradient(total, x)
    call = {
        "en": f"the gradient of Σ {weights}·{name}(x) at x = {point}",
        "zh": f"Σ {weights}·{name}(x) 在 x = {point} 处的梯度",
    }
    if gradient is None:
        raise Wrong("none").at("call", call=call)
    return gradient.numpy(), call


def _trial_ste(run, fn) -> None:
    """09.3: the value of round(x), and the gradient of x (weights c come back unchanged)."""
    import numpy as np

    # tf.round rounds halves to even: 0.5 → 0, 2.5 → 2, −2.5 → −2, 3.5 → 4, −1.5 → −2; rounding
    # halves up, down or away from zero gets at least one of these wrong
    for point, weights in [
        ([0.2, 1.7, -2.6, 3.5], [1.0, -2.0, 0.5, 3.0]),
        ([-0.4, 0.5, 2.5, -2.5, -1.5, 10.2], [2.0, 2.0, -1.0, 0.5, 1.5, -3.0]),
    ]:
        want = np.round(np.array(point, np.float32))
        gradient, call = _value_and_weighted_gradient(run, "ste_round", point, weights, want)
        if not np.allclose(gradient, weights, rtol=1e-5, atol=1e-6):
            raise Wrong("gradient", got=short(gradient)).at("call", call=call)


# ------------------------------------------------------------------------- 09.4 a safe square root


def _trial_safe_sqrt(run, fn) -> None:
    """09.4: √x, and upstream · 0.5/√x with 0 at x = 0 (no nan, upstream not ignored), from a
    `tf.custom_gradient` (the double `where` gives the same numbers without one)."""
    import numpy as np
    import tensorflow as tf

    for point, weights in [
        ([0.0, 0.25, 4.0, 1e-4], [1.0, 2.0, -1.0, 0.5]),
        ([9.0, 0.0], [3.0, -2.0]),
    ]:
        want = np.sqrt(np.array(point, np.float32))
        with technique.observe() as seen:
            gradient, call = _value_and_weighted_gradient(run, "safe_sqrt", point, weights, want)
        p = np.array(point)
        slope = np.where(p > 0, 0.5 / np.sqrt(np.where(p > 0, p, 1.0)), 0.0)
        if not np.allclose(gradient, np.array(weights) * slope, rtol=1e-4, atol=1e-6):
            raise Wrong("gradient", got=short(gradient)).at("call", call=call)
    if hasattr(fn, "get_concrete_function"):  # a tf.function may not trace again here
        if not technique.graph_uses_custom_gradient(fn, tf.constant([1.0, 0.0])):
            raise Wrong("technique_missing", api="`@tf.custom_gradient`", why=HINTS["09.4.why"])
    else:
        seen.require("custom_gradient", why=HINTS["09.4.why"], api="`@tf.custom_gradient`")


# -------------------------------------------------------------------- 09.5 a float32 gradient check


def _check_cases():
    """(shown, f, x, correct): three correct gradients, and two that are off by 0, +1, −3 and
    by 0, −1, +3 in their three entries (so the smallest, mean, summed or signed difference, of
    either sign, is not the largest absolute one, LARGEST)."""
    import tensorflow as tf

    def square_off(offsets):
        @tf.custom_gradient
        def square(x):
            return x * x, lambda upstream: upstream * (2 * x + tf.constant(offsets))

        return square

    return [
        ("f = Σ exp(x)·sin(x), x = [0.5, 1.2, 2]", lambda x: tf.reduce_sum(tf.exp(x) * tf.sin(x)),
         [0.5, 1.2, 2.0], True),
        ("f = Σ x³ + x0·x1, x = [1.5, −2, 0.7]", lambda x: tf.reduce_sum(x**3) + x[0] * x[1],
         [1.5, -2.0, 0.7], True),
        ("f = Σ tanh(3x), x = [0.1, −0.2, 0.3]", lambda x: tf.reduce_sum(tf.tanh(3 * x)),
         [0.1, -0.2, 0.3], True),
        ({"en": "f = Σ x² with a wrong gradient, x = [0.5, 1, −1.5]",
          "zh": "f = Σ x²（梯度是错的），x = [0.5, 1, −1.5]"},
         lambda x: tf.reduce_sum(square_off([0.0, 1.0, -3.0])(x)), [0.5, 1.0, -1.5], False),
        ({"en": "f = Σ x² with another wrong gradient, x = [1, −0.5, 2]",
          "zh": "f = Σ x²（梯度是另一种错法），x = [1, −0.5, 2]"},
         lambda x: tf.reduce_sum(square_off([0.0, -1.0, 3.0])(x)), [1.0, -0.5, 2.0], False),
    ]  # fmt: skip


REJECT_BELOW = 2e-3  # a correct gradient must show a smaller difference in float32
ACCEPT_ABOVE = 0.5  # a wrong gradient must show a larger one
LARGEST = 3.0  # the wrong gradient's largest absolute error


def _trial_gradient_check(run, fn) -> None:
    """09.5: small for correct gradients in float32 (rejects steps of 0.1 and 1e-5), and the
    largest absolute error for a wrong one (rejects 0, a smallest, mean or signed difference)."""
    import tensorflow as tf

    for shown, f, point, correct in _check_cases():
        texts = shown if isinstance(shown, dict) else {"en": shown, "zh": shown}
        call = {lang: f"gradient_check({text})" for lang, text in texts.items()}
        result = run(f, tf.constant(point, tf.float32))
        if result is None:
            raise Wrong("none").at("call", call=call)
        try:
            got = as_number(result)
        except Wrong as wrong:
            raise wrong.at("call", call=call) from None
        if not got >= 0 or math.isinf(got):  # a largest absolute difference: finite, ≥ 0
            raise Wrong("value", got=short(got)).at("call", call=call)
        if correct and not got < REJECT_BELOW:
            raise Wrong("rejects_correct", got=short(got)).at("call", call=call)
        if not correct and not got > ACCEPT_ABOVE:
            raise Wrong("accepts_wrong", got=short(got)).at("call", call=call)
        if not correct and not abs(got - LARGEST) < 0.01:
            raise Wrong("not_largest", got=short(got)).at("call", call=call)


EXERCISES = {
    "09.1": Exercise(
        FromTape(
            TupleAnswer([scalar(6.0), TensorAnswer(lambda: [0.0, 0.0], "float32", (2,))]),
            HINTS["09.1.why"],
            one_call=True,
        ),
        {"": HINTS["09.1"], "none": HINTS["09.1.none"]},
    ),
    "09.2": Exercise(
        FunctionAnswer(_trial_fixed_target), {"": HINTS["09.2"], "none": HINTS["09.2.none"]}
    ),
    "09.3": Exercise(FunctionAnswer(_trial_ste), {"": HINTS["09.3"], "none": HINTS["09.3.none"]}),
    "09.4": Exercise(
        FunctionAnswer(_trial_safe_sqrt), {"": HINTS["09.4"], "raised": HINTS["09.4.raised"]}
    ),
    "09.5": Exercise(
        FunctionAnswer(_trial_gradient_check),
        {"": HINTS["09.5"], "rejects_correct": HINTS["09.5.step"]},
    ),
}
