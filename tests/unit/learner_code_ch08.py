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
    if kind == "one_negated":  # a sign slip in one entry, ∂y₀/∂W₁₀ = x₁ = −1
        jacobian = tape.jacobian(y, w).numpy()
        jacobian[0, 0, 1, 0] *= -1
        return tf.constant(jacobian)
    if kind == "float64":
        return tf.cast(tape.jacobian(y, w), tf.float64)
    raise ValueError(kind)


# ----------------------------------------------------------------------------- 08.2


def vjp_ok(f, x, u):
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = f(x)
    return tape.gradient(y, x, output_gradients=u)


def vjp_weighted_sum(f, x, u):  # one backward pass of the scalar u·y: also a VJP
    with tf.GradientTape() as tape:
        tape.watch(x)
        weighted = tf.reduce_sum(u * f(x))
    return tape.gradient(weighted, x)


def vjp_by_jacobian(f, x, u):  # the same numbers, but J is built
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


def vjp_per_output(f, x, u):  # one backward pass per output: J built row by row
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        y = f(x)
        outputs = tf.unstack(y)
    return tf.add_n([u[i] * tape.gradient(out, x) for i, out in enumerate(outputs)])


def vjp_forward_columns(f, x, u):  # forward mode: J built column by column
    n = x.shape[0]
    entries = []
    for i in range(n):
        with tf.autodiff.ForwardAccumulator(x, tf.one_hot(i, n)) as acc:
            y = f(x)
        entries.append(tf.reduce_sum(u * acc.jvp(y)))
    return tf.stack(entries)


def vjp_finite_differences(f, x, u, h=1e-3):  # float32 central differences: J column by column
    n = x.shape[0]
    entries = []
    for i in range(n):
        step = h * tf.one_hot(i, n)
        entries.append(tf.reduce_sum(u * (f(x + step) - f(x - step)) / (2 * h)))
    return tf.stack(entries)


def vjp_swapped(x, f, u):  # the arguments in another order
    return vjp_ok(f, x, u)


def vjp_sign(f, x, u):  # −uᵀJ
    return -vjp_ok(f, x, u)


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


def newton_finite_differences(f, v, h=1e-4):  # the tape's gradient, H by central differences
    n = v.shape[0]

    def gradient(point):
        point = tf.Variable(point)
        with tf.GradientTape() as tape:
            value = f(point)
        return tape.gradient(value, point)

    rows = []
    for i in range(n):
        step = h * tf.one_hot(i, n, dtype=v.dtype)
        rows.append((gradient(v + step) - gradient(v - step)) / (2 * h))
    g = gradient(tf.identity(v))
    return v - tf.linalg.solve(tf.stack(rows), g[:, None])[:, 0]


def newton_finite_differences_only(f, v, h=1e-4):  # no tape at all: g and H from f's values
    p = v.numpy()
    n = p.shape[0]
    e = np.eye(n) * h

    def value(q):
        return float(f(tf.constant(q)))

    g = np.array([(value(p + e[i]) - value(p - e[i])) / (2 * h) for i in range(n)])
    hessian = np.array(
        [
            [
                value(p + e[i] + e[j])
                - value(p + e[i] - e[j])
                - value(p - e[i] + e[j])
                + value(p - e[i] - e[j])
                for j in range(n)
            ]
            for i in range(n)
        ]
    ) / (4 * h * h)
    return tf.constant(p - np.linalg.solve(hessian, g))


def newton_moves_v(f, v, h=1e-4):  # finite differences by moving the Variable itself
    n = v.shape[0]
    start = v.numpy()

    def gradient():
        with tf.GradientTape() as tape:
            value = f(v)
        return tape.gradient(value, v)

    rows = []
    for i in range(n):
        step = h * np.eye(n)[i]
        v.assign(start + step)
        up = gradient()
        v.assign(start - step)
        rows.append((up - gradient()) / (2 * h))
    v.assign(start)
    g = gradient()
    return v - tf.linalg.solve(tf.stack(rows), g[:, None])[:, 0]


# the shortcut reviewer's cases (notes/reviews/checks-08-12.md)


def vjp_vectorized_jacobian(f, x, u):  # J from tf.vectorized_map over one tape.gradient call
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        y = f(x)
    rows = tf.vectorized_map(lambda e: tape.gradient(y, x, output_gradients=e), tf.eye(y.shape[0]))
    return tf.linalg.matvec(rows, u, transpose_a=True)


def per_example_five_point(f, batch, h=0.05):  # finite differences, no tape
    count, n = batch.shape
    blocks = []
    for k in range(count):
        cols = []
        for i in range(n):
            e = tf.scatter_nd([[k, i]], [h], [count, n])
            d = (-f(batch + 2 * e) + 8 * f(batch + e) - 8 * f(batch - e) + f(batch - 2 * e)) / (
                12 * h
            )
            cols.append(d[k])
        blocks.append(tf.stack(cols, axis=-1))
    return tf.stack(blocks)


@tf.function
def newton_numpy_solve(f, v):  # np.linalg.solve cannot take a symbolic tensor
    with tf.GradientTape() as outer:
        with tf.GradientTape() as inner:
            value = f(v)
        g = inner.gradient(value, v)
    return v - np.linalg.solve(outer.jacobian(g, v), g)


RIGHT = {
    "08.1": [layer_08_1("jacobian"), layer_08_1("loop")],
    "08.2": [vjp_ok, vjp_weighted_sum],
    "08.3": [per_example_ok, per_example_einsum],
    "08.4": [newton_ok, newton_inverse],
}

MISTAKES = {
    "08.1": [
        ("tape.gradient: summed", layer_08_1("gradient"), "summed_jacobian"),
        ("jacobian of y[0]: shape (2, 3, 2)", layer_08_1("squeezed"), "shape"),
        ("chapter 04's x", layer_08_1("other_x"), "value"),
        ("one entry's sign flipped", layer_08_1("one_negated"), "entries"),
        ("float64", layer_08_1("float64"), "dtype"),
        ("a NumPy array", layer_08_1("jacobian").numpy(), "not_tensor"),
        (
            "technique: typed by hand",
            tf.constant(layer_08_1("jacobian").numpy()),
            "technique_missing",
        ),  # fmt: skip
    ],
    "08.2": [
        ("u ignored", vjp_unweighted, "unweighted"),
        ("x not watched", vjp_unwatched, "none"),
        ("gradient times the mean of u", vjp_elementwise, "value"),
        ("J·u instead of uᵀJ", vjp_jvp, "raised"),
        ("returns the function", lambda f, x, u: f, "not_tensor"),
        ("−uᵀJ", vjp_sign, "sign"),
        ("arguments swapped: vjp(x, f, u)", vjp_swapped, "raised"),
        # technique: the right numbers without one backward pass
        ("technique: tape.jacobian, then uᵀJ", vjp_by_jacobian, "technique_forbidden"),
        ("technique: one backward pass per output", vjp_per_output, "technique_count"),
        ("technique: forward-mode columns", vjp_forward_columns, "technique_forbidden"),
        ("technique: float32 finite differences", vjp_finite_differences, "technique_finite"),
        ("technique: J by vectorized_map, then uᵀJ", vjp_vectorized_jacobian, "technique_missing"),
    ],
    "08.3": [
        ("batch_jacobian", per_example_batch_jacobian, "batch_sum"),
        ("the full jacobian", per_example_full, "shape"),
        ("the summed gradient", per_example_gradient, "shape"),
        ("each example alone", per_example_one_at_a_time, "value"),
        ("zeros", lambda f, batch: tf.zeros((4, 2, 3)), "value"),
        ("technique: five-point finite differences", per_example_five_point, "technique_finite"),
    ],
    "08.4": [
        ("a gradient step", newton_gradient_step, "gradient_step"),
        ("v − H·g", newton_multiplied, "multiplied"),
        ("v + H⁻¹g", newton_uphill, "uphill"),
        ("diagonal of H only", newton_diagonal, "value"),
        ("outer.gradient for H", newton_outer_gradient, "value"),
        ("float32", newton_float32, "dtype"),
        ("a NumPy array", lambda f, v: np.zeros(v.shape), "not_tensor"),
        ("tf.function + np.linalg.solve", newton_numpy_solve, "raised"),
        # technique: the right point without the tape's Hessian
        (
            "technique: H by finite differences of the gradient",
            newton_finite_differences,
            "technique_finite",
        ),
        (
            "technique: g and H by finite differences",
            newton_finite_differences_only,
            "technique_finite",
        ),
        ("technique: finite differences by moving v", newton_moves_v, "technique_finite"),
    ],
}
