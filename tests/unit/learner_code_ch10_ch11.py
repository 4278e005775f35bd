"""Learner code for the checks of chapters 10 and 11: right answers and typical mistakes.

`RIGHT` and `MISTAKES` are merged into test_checks.py's tables of the same names.
"""

from __future__ import annotations

import math

import tensorflow as tf

from autodiff_course.minitape import Value

# ----------------------------------------------------------------------------- 10.1


def _f_10_1(x):
    return tf.stack([x[0] ** 2, x[0] * x[1], tf.sin(x[1])])


def jvp_10_1(tangent=(3.0, -1.0)):
    x = tf.constant([1.0, 2.0])
    with tf.autodiff.ForwardAccumulator(x, tf.constant(tangent)) as acc:
        y = _f_10_1(x)
    return acc.jvp(y)


def vjp_10_1():  # a tape with output weights of ones: uᵀJ, one value per input
    x = tf.constant([1.0, 2.0])
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = _f_10_1(x)
    return tape.gradient(y, x)


# ----------------------------------------------------------------------------- 10.2


def jacobian_ok(f, x):
    n = x.shape[0]
    columns = []
    for i in range(n):
        with tf.autodiff.ForwardAccumulator(x, tf.one_hot(i, n)) as acc:
            y = f(x)
        columns.append(acc.jvp(y))
    return tf.stack(columns, axis=1)


def jacobian_by_rows(f, x):  # reverse mode: the same matrix, also right
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = f(x)
    return tape.jacobian(y, x)


def jacobian_transposed(f, x):  # columns stacked as rows
    return tf.transpose(jacobian_ok(f, x))


def jacobian_ones_tangent(f, x):  # every JVP along (1, …, 1): the row sums, n times
    n = x.shape[0]
    columns = []
    for _ in range(n):
        with tf.autodiff.ForwardAccumulator(x, tf.ones(n)) as acc:
            y = f(x)
        columns.append(acc.jvp(y))
    return tf.stack(columns, axis=1)


def jacobian_square_transposed(f, x):  # right shape for wide/tall f, transposed when square
    jacobian = jacobian_ok(f, x)
    return tf.transpose(jacobian) if jacobian.shape[0] == jacobian.shape[1] else jacobian


# ----------------------------------------------------------------------------- 10.3


def hvp_ok(f, x, v):
    with tf.autodiff.ForwardAccumulator(x, v) as acc:
        with tf.GradientTape() as tape:
            tape.watch(x)
            y = f(x)
        gradient = tape.gradient(y, x)
    return acc.jvp(gradient)


def hvp_nested_tapes(f, x, v):  # reverse over reverse, H formed: slower, still right
    with tf.GradientTape() as outer:
        outer.watch(x)
        with tf.GradientTape() as inner:
            inner.watch(x)
            y = f(x)
        gradient = inner.gradient(y, x)
    return tf.linalg.matvec(outer.jacobian(gradient, x), v)


def hvp_gradient(f, x, v):  # the gradient, not H·v
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = f(x)
    return tape.gradient(y, x)


def hvp_hessian(f, x, v):  # the whole Hessian
    with tf.GradientTape() as outer:
        outer.watch(x)
        with tf.GradientTape() as inner:
            inner.watch(x)
            y = f(x)
        gradient = inner.gradient(y, x)
    return outer.jacobian(gradient, x)


def hvp_directional(f, x, v):  # vᵀ∇f, a number: the JVP of f, not of its gradient
    with tf.autodiff.ForwardAccumulator(x, v) as acc:
        y = f(x)
    return acc.jvp(y)


# ----------------------------------------------------------------------------- 11.2


def tanh_ok(v):
    out = math.tanh(v.data)
    return Value(out, parents=((v, 1.0 - out**2),), op="tanh")


def tanh_from_input(v):  # 1 − u² instead of 1 − tanh²(u)
    return Value(math.tanh(v.data), parents=((v, 1.0 - v.data**2),), op="tanh")


def tanh_value_as_slope(v):  # tanh(u) as its own derivative, as for exp
    out = math.tanh(v.data)
    return Value(out, parents=((v, out),), op="tanh")


def tanh_no_parents(v):  # not connected: the tape does not record it
    return Value(math.tanh(v.data), op="tanh")


def tanh_float(v):  # a plain number
    return math.tanh(v.data)


# ----------------------------------------------------------------------------- 11.3


def _gradient(records, target, sources, accumulate=True):
    adjoints = {target: 1.0}
    for node in records:
        if node not in adjoints:
            continue
        for parent, local in node.parents:
            before = adjoints.get(parent, 0.0) if accumulate else 0.0
            adjoints[parent] = before + adjoints[node] * local
    return [adjoints.get(source) for source in sources]


def gradient_ok(tape, target, sources):
    return _gradient(reversed(tape.records), target, sources)


def gradient_forward_order(tape, target, sources):  # the bug of the exercise
    return _gradient(tape.records, target, sources)


def gradient_sorted_by_name(tape, target, sources):  # "v10" sorts before "v2"
    return _gradient(sorted(tape.records, key=lambda n: n.name, reverse=True), target, sources)


def gradient_overwrites(tape, target, sources):  # = instead of +=
    return _gradient(reversed(tape.records), target, sources, accumulate=False)


def gradient_dict(tape, target, sources):  # all adjoints, not the list asked for
    return dict(zip(sources, gradient_ok(tape, target, sources), strict=True))


RIGHT = {
    "10.1": [jvp_10_1()],
    "10.2": [jacobian_ok, jacobian_by_rows],
    "10.3": [hvp_ok, hvp_nested_tapes],
    "10.4": [("forward", 3), ["forward", 3], ("forward", 3.0)],
    "11.1": [4, 4.0],
    "11.2": [tanh_ok],
    "11.3": [gradient_ok],
}

MISTAKES = {
    "10.1": [
        ("the tangent (1, 1)", jvp_10_1((1.0, 1.0)), "value"),
        ("v and J swapped: the tangent (−1, 3)", jvp_10_1((-1.0, 3.0)), "value"),
        ("a tape's VJP, one value per input", vjp_10_1(), "shape"),
        ("a Python list", [6.0, 5.0, -math.cos(2.0)], "not_tensor"),
    ],
    "10.2": [
        ("columns stacked as rows", jacobian_transposed, "shape"),
        ("transposed only when square", jacobian_square_transposed, "value"),
        ("tangent (1, …, 1) every time", jacobian_ones_tangent, "value"),
        (
            "a Jacobian, not a function",
            jacobian_by_rows(lambda x: 2 * x, tf.ones(2)),
            "not_function",
        ),
    ],
    "10.3": [
        ("the gradient", hvp_gradient, "value"),
        ("the whole Hessian", hvp_hessian, "shape"),
        ("the JVP of f, not of its gradient", hvp_directional, "shape"),
        ("a number", 3.0, "not_function"),
    ],
    "10.4": [
        ("reverse: training's choice", ("reverse", 10_000), "value"),
        ("the right mode, the other count", ("forward", 10_000), "value"),
        ("capital F", ("Forward", 3), "value"),
        ("count first", (3, "forward"), "not_text"),
        ("the mode alone", "forward", "not_sequence"),
    ],
    "11.1": [
        ("records that use x", 3, "value"),
        ("x * x counted once", 3, "value"),
        ("distinct operations", 2, "value"),
        ("a string", "4", "not_number"),
        ("not whole", 4.5, "not_integer"),
    ],
    "11.2": [
        ("local derivative 1 − u²", tanh_from_input, "value"),
        ("tanh(u) as its own derivative", tanh_value_as_slope, "value"),
        ("no parents", tanh_no_parents, "not_recorded"),
        ("a float", tanh_float, "not_value"),
        ("math.tanh itself", math.tanh, "raised"),
    ],
    "11.3": [
        ("first to last: the bug", gradient_forward_order, "none"),
        ("sorted by name", gradient_sorted_by_name, "value"),
        ("overwrites instead of adding", gradient_overwrites, "value"),
        ("a dict", gradient_dict, "not_sequence"),
    ],
}
