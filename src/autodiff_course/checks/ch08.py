"""Chapter 08 · Jacobians and Hessians: exercises 08.1-08.4 (answers, hints, trials)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from autodiff_course.checks import technique
from autodiff_course.checks.engine import (
    Exercise,
    FunctionAnswer,
    TensorAnswer,
    Wrong,
    judge_values,
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
        "08.1.tape": {
            "en": "the exercise asks for the tensor `tape.jacobian(y, w)` returns, stored as "
            "it is.",
            "zh": "本题要求保存 `tape.jacobian(y, w)` 返回的张量本身。",
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
        "08.2.sign": {
            "en": "Check the signs: uᵀJ takes the weights u as they are, and "
            "`output_gradients=u` needs no minus anywhere.",
            "zh": "请检查正负号：uᵀJ 直接使用给定的权重 u，"
            "`output_gradients=u` 不需要在任何地方加负号。",
        },
        "08.2.finite": {
            "en": "This exercise asks for the tape's exact uᵀJ, from one backward pass.",
            "zh": "本题要的是磁带通过一次反向传播给出的精确 uᵀJ。",
        },
        "08.2.jacobian": {
            "en": "it builds all of J, one backward pass per output, where uᵀJ needs one.",
            "zh": "它会构造整个 J，每个输出一次反向传播，而 uᵀJ 只需要一次。",
        },
        "08.2.forward": {
            "en": "forward mode gives J one column per input; uᵀJ is one reverse-mode pass.",
            "zh": "前向模式每次只给出 J 的一列（每个输入一列）；uᵀJ 只需一次反向模式的传播。",
        },
        "08.2.once": {
            "en": "one backward pass gives uᵀJ when the weights go in as `output_gradients=u`.",
            "zh": "把权重作为 `output_gradients=u` 传进去，一次反向传播就能得到 uᵀJ。",
        },
        "08.3": {
            "en": "Compute the full `tape.jacobian(y, batch)`, of shape (B, m, B, n), and take "
            "the block [k, :, k, :] for each example k (e.g. with tf.stack). It is right "
            "whether or not the examples interact.",
            "zh": "先求完整的 `tape.jacobian(y, batch)`，形状为 (B, m, B, n)，"
            "再对每个样本 k 取出块 [k, :, k, :]（例如用 tf.stack）。"
            "无论样本之间是否相互影响，这样都是对的。",
        },
        "08.3.finite": {
            "en": "This exercise asks for the exact blocks of the tape's Jacobian.",
            "zh": "本题要的是磁带给出的雅可比矩阵的精确块。",
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
        "08.4.uphill": {
            "en": "Newton's step goes against the gradient, as gradient descent does: return "
            "v − H⁻¹g, with H·s = g solved by `tf.linalg.solve`.",
            "zh": "牛顿法的一步和梯度下降一样逆着梯度走：返回 v − H⁻¹g，"
            "其中 H·s = g 用 `tf.linalg.solve` 求解。",
        },
        "08.4.finite": {
            "en": "This exercise asks for the gradient and the Hessian from the tape: two nested "
            "tapes give both exactly, from f at v alone.",
            "zh": "本题要求梯度和黑塞矩阵都来自磁带：两层嵌套的磁带只需在 v 处计算 f，"
            "就能精确地给出两者。",
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
        plain = TensorAnswer(self.value, self.dtype, self.shape, self.rtol, self.atol)
        try:
            judge_values(plain, None, answer)
        except Wrong as wrong:
            if wrong.kind == "shape" and tuple(answer.shape) == self.summed_shape:
                raise Wrong("summed_jacobian", got=tuple(answer.shape)) from None
            raise
        if not technique.jacobian_result(answer):  # typed by hand, or a closed form
            raise Wrong("technique_missing", api="`tape.jacobian`", why=HINTS["08.1.tape"])


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


def trusted_jacobian(f, x):
    """The Jacobian of f at x, one `tape.gradient` per output entry: for the check's small
    functions this is many times faster than `tape.jacobian`, whose pfor builds a graph (a
    check's time bound counts its own work too). Chapter 10's checks use it as well."""
    import numpy as np
    import tensorflow as tf

    x = tf.constant(x)
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        y = f(x)
        entries = tf.unstack(tf.reshape(y, [-1]))
    rows = [tape.gradient(e, x, unconnected_gradients="zero").numpy() for e in entries]
    return np.stack(rows).reshape(tuple(y.shape) + tuple(x.shape))


RETURNED_08_2 = {
    "en": "the tensor `tape.gradient(y, x, output_gradients=u)` returns, returned as it is",
    "zh": "`tape.gradient(y, x, output_gradients=u)` 返回的张量（原样返回）",
}


def _trial_vjp(run, fn) -> None:
    """08.2: uᵀJ at the check's points (the unweighted sum of rows is named), then how: one
    `tape.gradient`, no Jacobian, no forward mode, f evaluated at x only."""
    import numpy as np
    import tensorflow as tf

    for shown, f, x, u in _vjp_cases():
        jac = trusted_jacobian(f, x)
        want = np.array(u) @ jac
        x = tf.constant(x)
        f = technique.counted_at(f, "f", x)
        with technique.observe() as seen:
            result = run(f, x, tf.constant(u))
        spec = TensorAnswer(lambda w=want: w, "float32", (3,), rtol=1e-4, atol=1e-5)
        call = f"vjp({shown})"
        judge_values(spec, call, result, [("unweighted", jac.sum(axis=0))])
        try:
            if seen.count("f elsewhere"):
                raise Wrong("technique_finite", why=HINTS["08.2.finite"])
            seen.forbid("GradientTape.jacobian", "GradientTape.batch_jacobian",
                        why=HINTS["08.2.jacobian"])  # fmt: skip
            seen.forbid("ForwardAccumulator", why=HINTS["08.2.forward"])
            seen.require("GradientTape.gradient", exactly=1, why=HINTS["08.2.once"])
            if technique.tape_result(result) is None:  # e.g. J from tf.vectorized_map, then uᵀJ
                raise Wrong("technique_missing", api=RETURNED_08_2, why=HINTS["08.2.once"])
        except Wrong as wrong:
            raise wrong.at("call", call=call) from None


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
        (
            {
                "en": "tanh(batch @ W), examples independent",
                "zh": "tanh(batch @ W)，各样本互不相关",
            },
            lambda batch: tf.tanh(batch @ w),
        ),
        ({"en": "tanh(batch normalisation @ W)", "zh": "tanh(批归一化 @ W)"}, normalised),
        ({"en": "(batch − mean over the batch) @ W", "zh": "(batch − 批内均值) @ W"}, centred),
    ]


BATCH_08_3 = ((0.3, -1.2, 0.8), (1.1, 0.4, -0.6), (-0.7, 0.9, 0.2), (0.5, -0.3, 1.4))


def _trial_per_example(run, fn) -> None:
    """08.3: the diagonal blocks of the full Jacobian, also where examples interact."""
    import numpy as np
    import tensorflow as tf

    finite = False
    for shown, f in _batch_cases():
        full = trusted_jacobian(f, BATCH_08_3)  # (4, 2, 4, 3)
        want = np.stack([full[k, :, k, :] for k in range(4)])
        summed = full.sum(axis=0).transpose(1, 0, 2)  # what batch_jacobian returns
        call = {lang: f"per_example_jacobian({text})" for lang, text in shown.items()}
        batch = tf.constant(BATCH_08_3)
        with technique.observe() as seen:  # counted_at names it `f`
            result = run(technique.counted_at(f, "f", batch), batch)
        spec = TensorAnswer(lambda w=want: w, "float32", (4, 2, 3), rtol=1e-4, atol=1e-5)
        judge_values(spec, call, result, [("batch_sum", summed)])
        finite = finite or seen.count("f elsewhere")  # forward-mode JVPs use f at the batch
    if finite:  # judged after every value: an example alone is a wrong value, not this
        raise Wrong("technique_finite", why=HINTS["08.3.finite"])


# ---------------------------------------------------------------------- 08.4 one Newton step


def _newton_cases():
    """(shown, f, v0): two quadratics (one step lands) and one function that is not."""
    import tensorflow as tf

    a = tf.constant([[4.0, 1.0, 0.0], [1.0, 3.0, -1.0], [0.0, -1.0, 2.0]], tf.float64)
    b = tf.constant([1.0, -2.0, 0.5], tf.float64)
    return [
        ("(x − 1)² + (x − 1)(y + 2) + 2(y + 2)², v0 = (3, 1)",
         lambda v: (v[0] - 1) ** 2 + (v[0] - 1) * (v[1] + 2) + 2 * (v[1] + 2) ** 2, [3.0, 1.0]),
        ({"en": "½ vᵀAv − bᵀv in 3 dimensions, v0 = (1, 1, 1)",
          "zh": "½ vᵀAv − bᵀv（3 维），v0 = (1, 1, 1)"},
         lambda v: 0.5 * tf.tensordot(v, tf.linalg.matvec(a, v), 1) - tf.tensordot(b, v, 1),
         [1.0, 1.0, 1.0]),
        ("log(Σ exp v) + ½|v|² + v0·v1, v0 = (0.5, −1)",
         lambda v: tf.reduce_logsumexp(v) + 0.5 * tf.reduce_sum(v**2) + v[0] * v[1],
         [0.5, -1.0]),
    ]  # fmt: skip


def _trusted_newton(f, v0):
    """(Newton point, gradient step v − g, v − H g, v + H⁻¹g), from nested tapes, float64."""
    import numpy as np
    import tensorflow as tf

    def gradient(v):
        with tf.GradientTape() as tape:
            tape.watch(v)
            value = f(v)
        return tape.gradient(value, v)

    v = tf.constant(v0, tf.float64)
    g, h = gradient(v).numpy(), trusted_jacobian(gradient, v)
    v = np.array(v0)
    step = np.linalg.solve(h, g)
    return v - step, v - g, v - h @ g, v + step


def _trial_newton(run, fn) -> None:
    """08.4: v − H⁻¹∇f on the check's functions (a gradient step, v − H·g and v + H⁻¹g are
    named), with f evaluated at v only: no finite differences."""
    import tensorflow as tf

    for shown, f, v0 in _newton_cases():
        want, gradient_step, multiplied, uphill = _trusted_newton(f, v0)
        texts = shown if isinstance(shown, dict) else {"en": shown, "zh": shown}
        call = {lang: f"newton_step({text})" for lang, text in texts.items()}
        f = technique.counted_at(f, "f", v0)
        with technique.observe() as seen:
            result = run(f, tf.Variable(v0, dtype=tf.float64))
        spec = TensorAnswer(lambda w=want: w, "float64", (len(v0),), rtol=1e-6, atol=1e-8)
        slips = [("gradient_step", gradient_step), ("multiplied", multiplied), ("uphill", uphill)]
        judge_values(spec, call, result, slips)
        try:
            if seen.count("f elsewhere"):
                raise Wrong("technique_finite", why=HINTS["08.4.finite"])
        except Wrong as wrong:
            raise wrong.at("call", call=call) from None


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
            "sign": HINTS["08.2.sign"],
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
            "uphill": HINTS["08.4.uphill"],
            "sign": HINTS["08.4.uphill"],
        },
    ),  # fmt: skip
}
