"""Learner code for the checks of chapter 08: right answers and typical mistakes.

`RIGHT` and `MISTAKES` are merged into test_checks.py's tables of the same names.
"""

from __future__ import annotations

import numpy as np
import tensorflow as tf

# ----------------------------------------------------------------------------- 08.1


def layer_08_1(kind: str = "jacobian"):
    w = tf.Variable([[1, 2], [3, 4], [5, 6]], dtype=tf.float32)
    b = tf.Variable(tf.zeros(2, dtype=tf.float32))
    x = tf.constant([[2.0, -1.0, 1.0]])
    with tf.GradientTape(persistent=True) as tape:
        y = x @ w + b
        row = y[0]  # shape (2,): sliced on the tape
    if kind == "jacobian":
        return tape.jacobian(y, w)
    if kind == "loop":
        return tape.jacobian(y, w, experimental_use_pfor=False)
    if kind == "gradient":
        return tape.gradient(y, w)
    if kind == "squeezed":
        return tape.jacobian(row, w)
    if kind == "other_x":  # chapter 04's x, not the exercise's
        with tf.GradientTape() as tape2:
            y = tf.constant([[1.0, 2.0, 3.0]]) @ w + b
        return tape2.jacobian(y, w)
    if kind == "float64":
        return tf.cast(tape.jacobian(y, w), tf.float64)
    raise ValueError(kind)


# ----------------------------------------------------------------------------- 08.2


def vjp_ok(f, x, u):
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = f(x)
    return tape.gradient(y, x, output_gradients=u)


def vjp_by_jacobian(f, x, u):  # slower, but the same numbers
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = f(x)
    return tf.linalg.matvec(tape.jacobian(y, x), u, transpose_a=True)


def vjp_unweighted(f, x, u):  # plain gradient: u ignored
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = f(x)
    return tape.gradient(y, x)


def vjp_unwatched(f, x, u):  # x is a constant: None
    with tf.GradientTape() as tape:
        y = f(x)
    return tape.gradient(y, x, output_gradients=u)


def vjp_elementwise(f, x, u):  # the weights applied after summing: not a VJP
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = f(x)
    return tape.gradient(y, x) * tf.reduce_mean(u)


def vjp_jvp(f, x, u):  # J·u: the wrong side (shapes do not even fit)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = f(x)
    return tf.linalg.matvec(tape.jacobian(y, x), u)


# ----------------------------------------------------------------------------- 08.3


def per_example_ok(f, batch):
    with tf.GradientTape() as tape:
        tape.watch(batch)
        y = f(batch)
    full = tape.jacobian(y, batch)
    return tf.stack([full[k, :, k, :] for k in range(batch.shape[0])])


def per_example_einsum(f, batch):  # the diagonal by einsum
    with tf.GradientTape() as tape:
        tape.watch(batch)
        y = f(batch)
    return tf.einsum("kikj->kij", tape.jacobian(y, batch))


def per_example_batch_jacobian(f, batch):  # right only where examples are independent
    with tf.GradientTape() as tape:
        tape.watch(batch)
        y = f(batch)
    return tape.batch_jacobian(y, batch)


def per_example_full(f, batch):  # the whole (B, m, B, n) Jacobian
    with tf.GradientTape() as tape:
        tape.watch(batch)
        y = f(batch)
    return tape.jacobian(y, batch)


def per_example_gradient(f, batch):  # the summed gradient, shape (B, n)
    with tf.GradientTape() as tape:
        tape.watch(batch)
        y = f(batch)
    return tape.gradient(y, batch)


def per_example_one_at_a_time(f, batch):  # each example alone: drops the batch's mixing
    blocks = []
    for k in range(batch.shape[0]):
        example = batch[k : k + 1]
        with tf.GradientTape() as tape:
            tape.watch(example)
            y = f(example)
        blocks.append(tape.jacobian(y, example)[0, :, 0, :])
    return tf.stack(blocks)


# ----------------------------------------------------------------------------- 08.4


def _derivatives(f, v):
    with tf.GradientTape() as outer:
        with tf.GradientTape() as inner:
            value = f(v)
        g = inner.gradient(value, v)
    return g, outer.jacobian(g, v)


def newton_ok(f, v):
    g, h = _derivatives(f, v)
    return v - tf.linalg.solve(h, g[:, None])[:, 0]


def newton_inverse(f, v):  # with the inverse: fine for small H
    g, h = _derivatives(f, v)
    return v - tf.linalg.matvec(tf.linalg.inv(h), g)


def newton_gradient_step(f, v):
    g, _ = _derivatives(f, v)
    return v - g


def newton_multiplied(f, v):
    g, h = _derivatives(f, v)
    return v - tf.linalg.matvec(h, g)


def newton_uphill(f, v):  # the sign flipped
    g, h = _derivatives(f, v)
    return v + tf.linalg.solve(h, g[:, None])[:, 0]


def newton_diagonal(f, v):  # only the diagonal of H: right for a diagonal Hessian only
    g, h = _derivatives(f, v)
    return v - g / tf.linalg.diag_part(h)


def newton_outer_gradient(f, v):  # outer.gradient: the rows of H summed into a vector
    with tf.GradientTape() as outer:
        with tf.GradientTape() as inner:
            value = f(v)
        g = inner.gradient(value, v)
    return v - g / outer.gradient(g, v)


def newton_float32(f, v):  # computed in float32 and returned as such
    return tf.cast(newton_ok(f, v), tf.float32)


RIGHT = {
    "08.1": [layer_08_1("jacobian"), layer_08_1("loop")],
    "08.2": [vjp_ok, vjp_by_jacobian],
    "08.3": [per_example_ok, per_example_einsum],
    "08.4": [newton_ok, newton_inverse],
}

MISTAKES = {
    "08.1": [
        ("tape.gradient: summed", layer_08_1("gradient"), "summed_jacobian"),
        ("jacobian of y[0]: shape (2, 3, 2)", layer_08_1("squeezed"), "shape"),
        ("chapter 04's x", layer_08_1("other_x"), "value"),
        ("float64", layer_08_1("float64"), "dtype"),
        ("a NumPy array", layer_08_1("jacobian").numpy(), "not_tensor"),
    ],
    "08.2": [
        ("u ignored", vjp_unweighted, "unweighted"),
        ("x not watched", vjp_unwatched, "none"),
        ("gradient times the mean of u", vjp_elementwise, "value"),
        ("J·u instead of uᵀJ", vjp_jvp, "raised"),
        ("returns the function", lambda f, x, u: f, "not_tensor"),
    ],
    "08.3": [
        ("batch_jacobian", per_example_batch_jacobian, "batch_sum"),
        ("the full jacobian", per_example_full, "shape"),
        ("the summed gradient", per_example_gradient, "shape"),
        ("each example alone", per_example_one_at_a_time, "value"),
        ("zeros", lambda f, batch: tf.zeros((4, 2, 3)), "value"),
    ],
    "08.4": [
        ("a gradient step", newton_gradient_step, "gradient_step"),
        ("v − H·g", newton_multiplied, "multiplied"),
        ("v + H⁻¹g", newton_uphill, "value"),
        ("diagonal of H only", newton_diagonal, "value"),
        ("outer.gradient for H", newton_outer_gradient, "value"),
        ("float32", newton_float32, "dtype"),
        ("a NumPy array", lambda f, v: np.zeros(v.shape), "not_tensor"),
    ],
}
