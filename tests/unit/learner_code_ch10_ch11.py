"""Learner code for the checks of chapters 10 and 11: right answers and typical mistakes.

`RIGHT` and `MISTAKES` are merged into test_checks.py's tables of the same names.
"""

from __future__ import annotations

import math

import tensorflow as tf

from autodiff_course.minitape import Value, backward, exp

# ----------------------------------------------------------------------------- 10.1


def jvp_ok(f, x, v):
    with tf.autodiff.ForwardAccumulator(x, v) as acc:
        y = f(x)
    return acc.jvp(y)


def jvp_ones_tangent(f, x, v):  # the tangent (1, …, 1), not v
    return jvp_ok(f, x, tf.ones_like(v))


def jvp_sign(f, x, v):  # the tangent −v
    return jvp_ok(f, x, -v)


def jvp_vjp(f, x, v):  # a tape's VJP with output weights of ones: one value per input
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = f(x)
    return tape.gradient(y, x)


def jvp_by_jacobian(f, x, v):  # the right numbers, but reverse mode: J built, then J v
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = f(x)
    return tf.linalg.matvec(tape.jacobian(y, x), v)


def jvp_typed(f, x, v):  # the exercise's answer typed by hand
    return tf.constant([6.0, 5.0, -math.cos(2.0)])


def jvp_finite_differences(f, x, v, h=1e-6):  # float64 central differences along v
    x64, v64 = tf.cast(x, tf.float64), tf.cast(v, tf.float64)
    return tf.cast((f(x64 + h * v64) - f(x64 - h * v64)) / (2 * h), tf.float32)


def jvp_two_accumulators(f, x, v):  # J v by linearity, from two JVPs: one would do
    half = v / 2
    return jvp_ok(f, x, half) + jvp_ok(f, x, half)


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


def jacobian_by_reverse_rows(f, x):  # reverse mode: one tape.gradient per output
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        outputs = tf.unstack(f(x))
    return tf.stack([tape.gradient(out, x) for out in outputs])


def jacobian_finite_differences(f, x, h=1e-6):  # float64 central differences, column by column
    x64, n = tf.cast(x, tf.float64), x.shape[0]
    columns = [
        (f(x64 + h * tf.one_hot(i, n, dtype=tf.float64))
         - f(x64 - h * tf.one_hot(i, n, dtype=tf.float64))) / (2 * h)
        for i in range(n)
    ]  # fmt: skip
    return tf.cast(tf.stack(columns, axis=1), tf.float32)


def jacobian_sign(f, x):
    return -jacobian_ok(f, x)


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


def hvp_nested_tapes(f, x, v):  # reverse over reverse, H formed: the right numbers
    with tf.GradientTape() as outer:
        outer.watch(x)
        with tf.GradientTape() as inner:
            inner.watch(x)
            y = f(x)
        gradient = inner.gradient(y, x)
    return tf.linalg.matvec(outer.jacobian(gradient, x), v)


def hvp_reverse_over_reverse(f, x, v):  # nested tapes, no Hessian formed: still not forward
    with tf.GradientTape() as outer:
        outer.watch(x)
        with tf.GradientTape() as inner:
            inner.watch(x)
            y = f(x)
        directional = tf.reduce_sum(inner.gradient(y, x) * v)
    return outer.gradient(directional, x)


def hvp_reverse_over_forward(f, x, v):  # the tape outside the accumulator
    with tf.GradientTape() as tape:
        tape.watch(x)
        with tf.autodiff.ForwardAccumulator(x, v) as acc:
            y = f(x)
        directional = acc.jvp(y)
    return tape.gradient(directional, x)


def hvp_finite_differences(f, x, v, h=1e-5):  # float64 central differences of the gradient

    def gradient(point):
        with tf.GradientTape() as tape:
            tape.watch(point)
            y = f(point)
        return tape.gradient(y, point)

    x64, v64 = tf.cast(x, tf.float64), tf.cast(v, tf.float64)
    return tf.cast((gradient(x64 + h * v64) - gradient(x64 - h * v64)) / (2 * h), tf.float32)


def hvp_columns(f, x, v):  # forward over reverse n times: H formed column by column, then H v
    n = x.shape[0]
    columns = [hvp_ok(f, x, tf.one_hot(i, n)) for i in range(n)]
    return tf.linalg.matvec(tf.stack(columns, axis=1), v)


def hvp_sign(f, x, v):
    return -hvp_ok(f, x, v)


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


def tanh_from_exp(v):  # built from the tape's own operations: several records
    e = exp(2 * v)
    return (e - 1) / (e + 1)


def tanh_local_on_tape(v):  # one new Value, but its local derivative computed with Values
    out = Value(math.tanh(v.data))
    local = 1 - out * out  # records v1 = out * out, …
    return Value(out.data, parents=((v, local.data),), op="tanh")


def tanh_sign(v):  # tanh² − 1: the slope's sign flipped
    out = math.tanh(v.data)
    return Value(out, parents=((v, out**2 - 1.0),), op="tanh")


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


def gradient_by_tape(tape, target, sources):  # the chapter's own backward pass, not a loop
    return tape.gradient(target, sources)


def gradient_by_backward(tape, target, sources):
    adjoints = backward(tape, target)
    return [adjoints.get(source) for source in sources]


def gradient_replayed(tape, target, sources):  # the records replayed on a tf.GradientTape
    values = {}

    def tensor(node):
        if node not in values:  # a leaf: a constant or a source
            values[node] = tf.constant(node.data, tf.float64)
        return values[node]

    leaves = {parent for node in tape.records for parent, _ in node.parents}
    leaves -= set(tape.records)
    with tf.GradientTape() as tf_tape:
        for leaf in leaves:
            tf_tape.watch(tensor(leaf))
        for node in tape.records:
            args = [tensor(parent) for parent, _ in node.parents]
            if node.op == "+":
                values[node] = args[0] + args[1]
            elif node.op == "*":
                values[node] = args[0] * args[1]
            elif node.op == "exp":
                values[node] = tf.exp(args[0])
            else:  # "**k"
                values[node] = args[0] ** float(node.op[2:])
    grads = tf_tape.gradient(values[target], [tensor(s) for s in sources])
    return [None if g is None else float(g) for g in grads]


# the shortcut reviewer's cases (notes/reviews/checks-08-12.md)


def hvp_unused_accumulator(f, x, v):  # reverse over reverse inside an idle accumulator
    with tf.autodiff.ForwardAccumulator(x, v):
        with tf.GradientTape() as t2:
            t2.watch(x)
            with tf.GradientTape() as t1:
                t1.watch(x)
                y = f(x)
            g = t1.gradient(y, x)
        return t2.gradient(g, x, output_gradients=v)


def hvp_gradient_of_jvp(f, x, v):  # reverse over forward, the gradient call indented
    with tf.GradientTape() as tape:
        tape.watch(x)
        with tf.autodiff.ForwardAccumulator(x, v) as acc:
            y = f(x)
            d = acc.jvp(y)
            return tape.gradient(d, x)


def hvp_rows_in_accumulator(f, x, v):  # the whole Hessian, row by row, inside an accumulator
    with tf.autodiff.ForwardAccumulator(x, v):
        with tf.GradientTape(persistent=True) as t2:
            t2.watch(x)
            with tf.GradientTape() as t1:
                t1.watch(x)
                y = f(x)
            g = t1.gradient(y, x)
            gs = tf.unstack(g)
        h = tf.stack([t2.gradient(gi, x) for gi in gs])
    return tf.linalg.matvec(h, v)


def tanh_central_difference(v):
    out, u, h = math.tanh(v.data), v.data, 1e-5
    slope = (math.tanh(u + h) - math.tanh(u - h)) / (2 * h)
    return Value(out, parents=((v, slope),), op="tanh")


def tanh_string_slope(v):
    return Value(math.tanh(v.data), parents=((v, "1 - out**2"),), op="tanh")


def gradient_profile_off(tape, target, sources):
    import sys

    sys.setprofile(None)
    adjoints = backward(tape, target)
    return [adjoints.get(s) for s in sources]


@tf.function
def jacobian_graph_loop(f, x):  # one accumulator traced in a tf.range loop: n JVPs at run time
    n = tf.shape(x)[0]
    cols = tf.TensorArray(tf.float32, size=n)
    for i in tf.range(n):
        with tf.autodiff.ForwardAccumulator(x, tf.one_hot(i, n)) as acc:
            y = f(x)
        cols = cols.write(i, acc.jvp(y))
    return tf.transpose(cols.stack())


def jacobian_vectorized(f, x):  # tf.vectorized_map over single JVPs
    def column(tangent):
        with tf.autodiff.ForwardAccumulator(x, tangent) as acc:
            y = f(x)
        return acc.jvp(y)

    return tf.transpose(tf.vectorized_map(column, tf.eye(x.shape[0])))


RIGHT = {
    "10.1": [jvp_ok],
    # a graph loop and tf.vectorized_map trace for seconds per call, more on a busy machine:
    # each call of the learner's function has a bound of its own
    "10.2": [jacobian_ok, jacobian_graph_loop, jacobian_vectorized],
    "10.3": [hvp_ok],
    "10.4": [("forward", 3), ["forward", 3], (" forward ", 3)],
    "11.1": [4],
    "11.2": [tanh_ok],
    "11.3": [gradient_ok],
}

MISTAKES = {
    "10.1": [
        ("the tangent (1, 1)", jvp_ones_tangent, "value"),
        ("the tangent −v", jvp_sign, "sign"),
        ("a tape's VJP, one value per input", jvp_vjp, "shape"),
        (
            "a value, not a function",
            jvp_ok(lambda x: x * x, tf.ones(2), tf.ones(2)),
            "not_function",
        ),
        # technique: J v without one ForwardAccumulator
        ("technique: tape.jacobian, then J v", jvp_by_jacobian, "technique_forbidden"),
        ("technique: the exercise's J v typed by hand", jvp_typed, "technique_missing"),
        ("technique: float64 finite differences", jvp_finite_differences, "technique_finite"),
        ("technique: two JVPs of v/2", jvp_two_accumulators, "technique_count"),
    ],
    "10.2": [
        ("columns stacked as rows", jacobian_transposed, "shape"),
        ("transposed only when square", jacobian_square_transposed, "value"),
        ("tangent (1, …, 1) every time", jacobian_ones_tangent, "value"),
        ("−J", jacobian_sign, "sign"),
        (
            "a Jacobian, not a function",
            jacobian_by_rows(lambda x: 2 * x, tf.ones(2)),
            "not_function",
        ),
        # technique: J without n forward-mode JVPs
        ("technique: tape.jacobian", jacobian_by_rows, "technique_forbidden"),
        ("technique: reverse-mode rows", jacobian_by_reverse_rows, "technique_forbidden"),
        ("technique: float64 finite differences", jacobian_finite_differences, "technique_finite"),
    ],
    "10.3": [
        ("the gradient", hvp_gradient, "value"),
        ("−H·v", hvp_sign, "sign"),
        ("the whole Hessian", hvp_hessian, "shape"),
        ("the JVP of f, not of its gradient", hvp_directional, "shape"),
        ("a number", 3.0, "not_function"),
        # technique: H·v without forward over reverse
        ("technique: nested tapes, the full Hessian", hvp_nested_tapes, "technique_forbidden"),
        ("technique: reverse over reverse", hvp_reverse_over_reverse, "technique_missing"),
        ("technique: reverse over forward", hvp_reverse_over_forward, "technique_missing"),
        (
            "technique: finite differences of the gradient",
            hvp_finite_differences,
            "technique_finite",
        ),
        ("technique: H column by column, then H v", hvp_columns, "technique_count"),
        (
            "technique: reverse over reverse, idle accumulator",
            hvp_unused_accumulator,
            "technique_count",
        ),  # fmt: skip
        ("technique: gradient of a JVP", hvp_gradient_of_jvp, "technique_missing"),
        (
            "technique: Hessian rows in an accumulator",
            hvp_rows_in_accumulator,
            "technique_count",
        ),  # fmt: skip
    ],
    "10.4": [
        ("reverse: training's choice", ("reverse", 10_000), "wrong_text"),
        ("the right mode, the other count", ("forward", 10_000), "value"),
        ("capital F", ("Forward", 3), "not_choice"),
        ("count first", (3, "forward"), "not_text"),
        ("the mode alone", "forward", "not_sequence"),
        ("a float count", ("forward", 3.0), "float_not_int"),
        ("a string count", ("forward", "3"), "not_number"),
    ],
    "11.1": [
        ("records that use x", 3, "value"),
        ("len(tape.records)", 5, "value"),
        ("distinct operations", 2, "value"),
        ("a string", "4", "not_number"),
        ("a float", 4.0, "float_not_int"),
        ("not whole", 4.5, "float_not_int"),
    ],
    "11.2": [
        ("local derivative 1 − u²", tanh_from_input, "value"),
        ("tanh(u) as its own derivative", tanh_value_as_slope, "value"),
        ("local derivative tanh² − 1", tanh_sign, "sign"),
        ("no parents", tanh_no_parents, "not_recorded"),
        ("a float", tanh_float, "not_value"),
        ("math.tanh itself", math.tanh, "raised"),
        # technique: not one record with v as its only parent
        ("technique: tanh from exp and the tape's operations", tanh_from_exp, "technique_records"),
        (
            "technique: the local derivative recorded on the tape",
            tanh_local_on_tape,
            "technique_records",
        ),
        ("central difference as the local derivative", tanh_central_difference, "value"),
        ("a string as the local derivative", tanh_string_slope, "backward_failed"),
    ],
    "11.3": [
        ("first to last: the bug", gradient_forward_order, "none"),
        ("sorted by name", gradient_sorted_by_name, "value"),
        ("overwrites instead of adding", gradient_overwrites, "value"),
        ("a dict", gradient_dict, "not_sequence"),
        # technique: not a loop over the records of one's own
        ("technique: tape.gradient", gradient_by_tape, "technique_forbidden"),
        ("technique: backward", gradient_by_backward, "technique_forbidden"),
        ("technique: replayed on a tf.GradientTape", gradient_replayed, "technique_forbidden"),
        ("technique: profile hook off, backward", gradient_profile_off, "technique_forbidden"),
    ],
}
