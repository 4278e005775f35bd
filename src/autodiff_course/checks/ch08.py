"""Chapter 08 · Jacobians and Hessians: exercises 08.1-08.4 (answers, hints, trials)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from autodiff_course.checks.engine import (
    Exercise,
    FunctionAnswer,
    TensorAnswer,
    Wrong,
    judge_call,
    short,
)
from autodiff_course.checks.messages import MESSAGES
from autodiff_course.i18n import strings

HINTS = strings(
    __name__,
    {
        "08.1": {
            "en": "Record y = x @ w + b on a tape, then call `tape.jacobian(y, w)`: the shape is "
            "y's shape followed by w's shape.",
            "zh": "在磁带上记录 y = x @ w + b，再调用 `tape.jacobian(y, w)`："
            "形状是 y 的形状后面接上 w 的形状。",
        },
        "08.1.summed": {
            "en": "`tape.gradient(y, w)` adds the derivatives of y's two entries together. "
            "The exercise asks for each entry's derivative separately: `tape.jacobian`.",
            "zh": "`tape.gradient(y, w)` 把 y 两个元素的导数加在了一起。"
            "本题要的是每个元素各自的导数：`tape.jacobian`。",
        },
        "08.2": {
            "en": "Watch x (it is not a Variable), compute y = f(x), and return "
            "`tape.gradient(y, x, output_gradients=u)`: one backward pass, no Jacobian.",
            "zh": "监视 x（它不是变量），计算 y = f(x)，然后返回 "
            "`tape.gradient(y, x, output_gradients=u)`：只做一次反向传播，不构造雅可比矩阵。",
        },
        "08.2.unweighted": {
            "en": "Every output counted with weight 1: that is plain `tape.gradient`. Pass the "
            "weights u as `output_gradients=u`.",
            "zh": "每个输出的权重都成了 1：这就是普通的 `tape.gradient`。"
            "请把权重 u 作为 `output_gradients=u` 传进去。",
        },
        "08.3": {
            "en": "Compute the full `tape.jacobian(y, batch)`, of shape (B, m, B, n), and take "
            "the block [k, :, k, :] for each example k (e.g. with tf.stack). It is right "
            "whether or not the examples interact.",
            "zh": "先求完整的 `tape.jacobian(y, batch)`，形状为 (B, m, B, n)，"
            "再对每个样本 k 取出块 [k, :, k, :]（例如用 tf.stack）。"
            "无论样本之间是否相互影响，这样都是对的。",
        },
        "08.3.batch_sum": {
            "en": "These numbers are Σᵢ ∂yᵢ/∂x_k, what `tape.batch_jacobian` returns: it adds "
            "the terms across examples to each example's block. Here the examples interact, "
            "so take the diagonal blocks of the full `tape.jacobian` instead.",
            "zh": "这些数是 Σᵢ ∂yᵢ/∂x_k，正是 `tape.batch_jacobian` 返回的结果："
            "它把跨样本的项加到了每个样本自己的块上。这里样本之间相互影响，"
            "请改为取完整 `tape.jacobian` 的对角块。",
        },
        "08.4": {
            "en": "With two nested tapes, take g = inner.gradient(f(v), v) and "
            "H = outer.jacobian(g, v); return v − H⁻¹g, e.g. "
            "`v - tf.linalg.solve(H, g[:, None])[:, 0]`.",
            "zh": "用两层嵌套的磁带求 g = inner.gradient(f(v), v) 和 "
            "H = outer.jacobian(g, v)；返回 v − H⁻¹g，例如 "
            "`v - tf.linalg.solve(H, g[:, None])[:, 0]`。",
        },
        "08.4.gradient_step": {
            "en": "That is a gradient step v − g, with learning rate 1. Newton's step divides "
            "by the curvature: solve H·s = g and return v − s.",
            "zh": "这是学习率为 1 的梯度下降一步 v − g。牛顿法要除以曲率："
            "解出 H·s = g，再返回 v − s。",
        },
        "08.4.multiplied": {
            "en": "That is v − H·g: the Hessian multiplies the gradient instead of dividing "
            "it. Solve H·s = g (`tf.linalg.solve`) and return v − s.",
            "zh": "这是 v − H·g：用黑塞矩阵乘了梯度，而不是除。"
            "请解出 H·s = g（`tf.linalg.solve`），再返回 v − s。",
        },
    },
)


# ------------------------------------------------------------------------- 08.1 dy/dw of a layer

X_08_1 = ((2.0, -1.0, 1.0),)


def _layer_jacobian():
    """∂y_j/∂W_ik = x_i δ_jk, shape (1, 2, 3, 2)."""
    import numpy as np

    x = np.array(X_08_1[0])
    out = np.zeros((1, 2, 3, 2))
    for j in range(2):
        out[0, j, :, j] = x
    return out


@dataclass
class JacobianAnswer(TensorAnswer):
    """A Jacobian; the summed gradient's shape (what `tape.gradient` returns) is named."""

    summed_shape: tuple[int, ...] = ()

    def judge(self, answer: Any) -> None:
        try:
            super().judge(answer)
        except Wrong as wrong:
            if wrong.kind == "shape" and tuple(answer.shape) == self.summed_shape:
                raise Wrong("summed_jacobian", got=tuple(answer.shape)) from None
            raise


# ------------------------------------------------------------------------- 08.2 a VJP


def _vjp_cases():
    """(shown, f, x, u): functions from R³ to R² and R³."""
    import tensorflow as tf

    w = tf.constant([[0.5, -1.0, 2.0], [1.5, 0.25, -0.5]])
    return [
        ("f(x) = tanh(W x), x = [0.2, −0.4, 0.1], u = [2, −1]",
         lambda x: tf.tanh(tf.linalg.matvec(w, x)), [0.2, -0.4, 0.1], [2.0, -1.0]),
        ("f(x) = [x0·x1, sin x2, x0 + x2²], x = [1, 2, 0.5], u = [1, −2, 0.5]",
         lambda x: tf.stack([x[0] * x[1], tf.sin(x[2]), x[0] + x[2] ** 2]),
         [1.0, 2.0, 0.5], [1.0, -2.0, 0.5]),
    ]  # fmt: skip


def _trusted_jacobian(f, x):
    import tensorflow as tf

    x = tf.constant(x)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = f(x)
    return tape.jacobian(y, x).numpy()


def _trial_vjp(run, fn) -> None:
    """08.2: uᵀJ at the check's points; the unweighted sum of rows is named."""
    import numpy as np
    import tensorflow as tf

    for shown, f, x, u in _vjp_cases():
        jac = _trusted_jacobian(f, x)
        want = np.array(u) @ jac
        result = run(f, tf.constant(x), tf.constant(u))
        spec = TensorAnswer(lambda w=want: w, "float32", (3,), rtol=1e-4, atol=1e-5)
        try:
            judge_call(spec, f"vjp({shown})", result)
        except Wrong as wrong:
            if wrong.kind == "value" and np.allclose(result.numpy(), jac.sum(axis=0), 1e-4, 1e-5):
                raise Wrong("unweighted", got=short(result.numpy())).at(
                    "call", call=f"vjp({shown})"
                ) from None
            raise


# ---------------------------------------------------------------- 08.3 per-example Jacobians


def _batch_cases():
    """(shown, f): layers from (4, 3) to (4, 2); the last two mix the batch (the
    normalised one first: there, one example at a time and batch_jacobian differ)."""
    import tensorflow as tf

    w = tf.constant([[0.5, -1.0], [1.5, 0.25], [-0.5, 1.0]])

    def centred(batch):
        return (batch - tf.reduce_mean(batch, axis=0)) @ w

    def normalised(batch):
        mean, variance = tf.nn.moments(batch, axes=[0])
        return tf.tanh(((batch - mean) / tf.sqrt(variance + 1e-3)) @ w)

    return [
        ("tanh(batch @ W), examples independent", lambda batch: tf.tanh(batch @ w)),
        ("tanh(batch normalisation @ W)", normalised),
        ("(batch − mean over the batch) @ W", centred),
    ]


BATCH_08_3 = ((0.3, -1.2, 0.8), (1.1, 0.4, -0.6), (-0.7, 0.9, 0.2), (0.5, -0.3, 1.4))


def _trial_per_example(run, fn) -> None:
    """08.3: the diagonal blocks of the full Jacobian, also where examples interact."""
    import numpy as np
    import tensorflow as tf

    for shown, f in _batch_cases():
        full = _trusted_jacobian(f, BATCH_08_3)  # (4, 2, 4, 3)
        want = np.stack([full[k, :, k, :] for k in range(4)])
        summed = full.sum(axis=0).transpose(1, 0, 2)  # what batch_jacobian returns
        call = f"per_example_jacobian({shown})"
        result = run(f, tf.constant(BATCH_08_3))
        spec = TensorAnswer(lambda w=want: w, "float32", (4, 2, 3), rtol=1e-4, atol=1e-5)
        try:
            judge_call(spec, call, result)
        except Wrong as wrong:
            if wrong.kind == "value" and np.allclose(result.numpy(), summed, 1e-4, 1e-5):
                raise Wrong("batch_sum").at("call", call=call) from None
            raise


# ---------------------------------------------------------------------- 08.4 one Newton step


def _newton_cases():
    """(shown, f, v0): two quadratics (one step lands) and one function that is not."""
    import tensorflow as tf

    a = tf.constant([[4.0, 1.0, 0.0], [1.0, 3.0, -1.0], [0.0, -1.0, 2.0]], tf.float64)
    b = tf.constant([1.0, -2.0, 0.5], tf.float64)
    return [
        ("(x − 1)² + (x − 1)(y + 2) + 2(y + 2)², v0 = (3, 1)",
         lambda v: (v[0] - 1) ** 2 + (v[0] - 1) * (v[1] + 2) + 2 * (v[1] + 2) ** 2, [3.0, 1.0]),
        ("½ vᵀAv − bᵀv in 3 dimensions, v0 = (1, 1, 1)",
         lambda v: 0.5 * tf.tensordot(v, tf.linalg.matvec(a, v), 1) - tf.tensordot(b, v, 1),
         [1.0, 1.0, 1.0]),
        ("log(Σ exp v) + ½|v|² + v0·v1, v0 = (0.5, −1)",
         lambda v: tf.reduce_logsumexp(v) + 0.5 * tf.reduce_sum(v**2) + v[0] * v[1],
         [0.5, -1.0]),
    ]  # fmt: skip


def _trusted_newton(f, v0):
    """(Newton point, gradient step v − g, v − H g), from nested tapes in float64."""
    import numpy as np
    import tensorflow as tf

    v = tf.constant(v0, tf.float64)
    with tf.GradientTape() as outer:
        outer.watch(v)
        with tf.GradientTape() as inner:
            inner.watch(v)
            value = f(v)
        g = inner.gradient(value, v)
    h = outer.jacobian(g, v).numpy()
    g = g.numpy()
    v = np.array(v0)
    return v - np.linalg.solve(h, g), v - g, v - h @ g


def _trial_newton(run, fn) -> None:
    """08.4: v − H⁻¹∇f on the check's functions; a gradient step and v − H·g are named."""
    import numpy as np
    import tensorflow as tf

    for shown, f, v0 in _newton_cases():
        want, gradient_step, multiplied = _trusted_newton(f, v0)
        call = f"newton_step({shown})"
        result = run(f, tf.Variable(v0, dtype=tf.float64))
        spec = TensorAnswer(lambda w=want: w, "float64", (len(v0),), rtol=1e-6, atol=1e-8)
        try:
            judge_call(spec, call, result)
        except Wrong as wrong:
            if wrong.kind == "value":
                got = result.numpy()
                for kind, other in (("gradient_step", gradient_step), ("multiplied", multiplied)):
                    if np.allclose(got, other, 1e-6, 1e-8):
                        raise Wrong(kind, got=short(got)).at("call", call=call) from None
            raise


EXERCISES = {
    "08.1": Exercise(
        JacobianAnswer(_layer_jacobian, "float32", (1, 2, 3, 2), summed_shape=(3, 2)),
        {"": HINTS["08.1"], "summed_jacobian": HINTS["08.1.summed"]},
    ),
    "08.2": Exercise(
        FunctionAnswer(_trial_vjp),
        {
            "": HINTS["08.2"],
            "unweighted": HINTS["08.2.unweighted"],
            "none": MESSAGES["hint_unwatched"],
        },
    ),  # fmt: skip
    "08.3": Exercise(
        FunctionAnswer(_trial_per_example),
        {
            "": HINTS["08.3"],
            "batch_sum": HINTS["08.3.batch_sum"],
            "none": MESSAGES["hint_unwatched"],
        },
    ),  # fmt: skip
    "08.4": Exercise(
        FunctionAnswer(_trial_newton),
        {
            "": HINTS["08.4"],
            "gradient_step": HINTS["08.4.gradient_step"],
            "multiplied": HINTS["08.4.multiplied"],
        },
    ),  # fmt: skip
}
