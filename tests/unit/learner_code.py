"""Learner code for the check tests: right answers, typical mistakes, and code that never ends."""

from __future__ import annotations

import sys

import keras
import tensorflow as tf


def f(x):
    return x**2 - 2 * x + 1


def not_implemented(*args):
    raise NotImplementedError


# ----------------------------------------------------------------------------- 02.4, 03.1


def cube_slope_ok(n):
    x = tf.cast(n, tf.float32)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = x**3
    return tape.gradient(y, x)


def cube_slope_identity(n):  # the tape's tensor handed on by tf.identity
    return tf.identity(cube_slope_ok(n))


def cube_slope_indexed(n):  # the tape's tensor of a 1-element vector, indexed afterwards
    x = tf.cast(n, tf.float32)[None]
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = x**3
    return tape.gradient(y, x)[0]


def cube_slope_y(n):  # returns y = n³, not the slope
    return tf.cast(n, tf.float32) ** 3


def cube_slope_int_watched(n):  # an int tensor watched: None
    with tf.GradientTape() as tape:
        tape.watch(n)
        y = n**3
    return tape.gradient(y, n)


def cube_slope_constant(n):  # the number at n = 2, whatever n is
    return tf.constant(12.0)


def cube_slope_int(n):  # 3n² by hand, as an integer tensor
    return 3 * n**2


def second_derivative_ok(f, x0):
    x = tf.Variable(x0)
    with tf.GradientTape() as outer:
        with tf.GradientTape() as inner:
            y = f(x)
        dy = inner.gradient(y, x)
    return outer.gradient(dy, x)


def second_derivative_constant(f, x0):  # 6: right for the example only
    return tf.constant(6.0)


def second_derivative_first(f, x0):  # one tape: f′
    x = tf.Variable(x0)
    with tf.GradientTape() as tape:
        y = f(x)
    return tape.gradient(y, x)


def second_derivative_outside(f, x0):  # inner gradient taken after the outer block: None
    x = tf.Variable(x0)
    with tf.GradientTape() as outer:
        with tf.GradientTape() as inner:
            y = f(x)
    dy = inner.gradient(y, x)
    return outer.gradient(dy, x)


def second_derivative_constant_x(f, x0):  # a constant watched by the inner tape only: None
    x = tf.constant(x0)
    with tf.GradientTape() as outer:
        with tf.GradientTape() as inner:
            inner.watch(x)
            y = f(x)
        dy = inner.gradient(y, x)
    return outer.gradient(dy, x)


# ----------------------------------------------------------------------------- 05


@tf.function
def get_gradient_ok(x):
    x = tf.cast(x, tf.float32)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = f(x)
    return tape.gradient(y, x), y


def get_gradient_eager(x):
    return get_gradient_ok(x)


@tf.function
def get_gradient_uncast(x):  # integers reach the tape: no gradient
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = f(x)
    return tape.gradient(y, x), y


@tf.function
def get_gradient_swapped(x):
    dy_dx, y = get_gradient_ok(x)
    return y, dy_dx


@tf.function
def get_gradient_unwatched(x):
    x = tf.cast(x, tf.float32)
    with tf.GradientTape() as tape:
        y = f(x)
    return tape.gradient(y, x), y


@tf.function
def get_gradient_only_slope(x):
    return get_gradient_ok(x)[0]


@tf.function
def get_gradient_printing(x):  # right, and chatty as chapter 05 teaches
    print("tracing with", x)
    tf.print("x =", x)
    tf.print("to stdout", x, output_stream=sys.stdout)
    return get_gradient_ok(x)


SIG = [tf.TensorSpec(shape=[], dtype=tf.float32)]


def slope_body(x):
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = f(x)
    return tape.gradient(y, x)


slope_ok = tf.function(slope_body, input_signature=SIG)
slope_no_signature = tf.function(slope_body)
slope_float64 = tf.function(slope_body, input_signature=[tf.TensorSpec([], tf.float64)])
slope_returns_y = tf.function(f, input_signature=SIG)


class RetracingFunction:
    """Looks like a tf.function with a signature, but reports many traces."""

    input_signature = tuple(SIG)

    def get_concrete_function(self, *args):  # only its presence matters
        return None

    def experimental_get_tracing_count(self):
        return 5

    def __call__(self, x):
        return slope_ok(x)


# ----------------------------------------------------------------------------- 06.2


def minimize_ok(loss_fn, var_list, optimizer):
    with tf.GradientTape() as tape:
        loss = loss_fn()
    grads = tape.gradient(loss, var_list)
    optimizer.apply_gradients(zip(grads, var_list, strict=True))
    return loss


def minimize_float_loss(loss_fn, var_list, optimizer):  # the loss as a Python float: fine
    return float(minimize_ok(loss_fn, var_list, optimizer))


def minimize_no_return(loss_fn, var_list, optimizer):
    minimize_ok(loss_fn, var_list, optimizer)


def minimize_ascent(loss_fn, var_list, optimizer):
    with tf.GradientTape() as tape:
        loss = loss_fn()
    grads = tape.gradient(loss, var_list)
    optimizer.apply_gradients([(-g, v) for g, v in zip(grads, var_list, strict=True)])
    return loss


def minimize_keras2(loss_fn, var_list, optimizer):
    optimizer.minimize(loss_fn, var_list)  # AttributeError under Keras 3


def minimize_first_variable_only(loss_fn, var_list, optimizer):
    return minimize_ok(loss_fn, var_list[:1], optimizer)


def minimize_fixed_rate(loss_fn, var_list, optimizer):  # ignores the optimizer: lr 0.1 by hand
    with tf.GradientTape() as tape:
        loss = loss_fn()
    for g, v in zip(tape.gradient(loss, var_list), var_list, strict=True):
        v.assign_sub(0.1 * g)
    return loss


def minimize_plain_rate(loss_fn, var_list, optimizer):  # uses only the optimizer's rate
    with tf.GradientTape() as tape:
        loss = loss_fn()
    for g, v in zip(tape.gradient(loss, var_list), var_list, strict=True):
        v.assign_sub(optimizer.learning_rate * g)
    return loss


def minimize_after_step(loss_fn, var_list, optimizer):  # returns the loss after the step
    minimize_ok(loss_fn, var_list, optimizer)
    return loss_fn()


def minimize_forever(loss_fn, var_list, optimizer):  # a Python loop that never ends
    while True:
        minimize_ok(loss_fn, var_list, optimizer)


# ----------------------------------------------------------------------------- 07.1, 07.2


@tf.function
def descend_ok(x, optimizer, steps):
    for _ in tf.range(steps):
        with tf.GradientTape() as tape:
            loss = (x - 3.0) ** 2
        optimizer.apply_gradients([(tape.gradient(loss, x), x)])


@tf.function
def descend_one_short(x, optimizer, steps):  # 07.1: steps − 1 optimizer steps
    for _ in tf.range(steps - 1):
        with tf.GradientTape() as tape:
            loss = (x - 3.0) ** 2
        optimizer.apply_gradients([(tape.gradient(loss, x), x)])


def descend_eager(x, optimizer, steps):
    for _ in range(int(steps)):
        with tf.GradientTape() as tape:
            loss = (x - 3.0) ** 2
        optimizer.apply_gradients([(tape.gradient(loss, x), x)])


@tf.function
def descend_unrolled(x, optimizer, steps):  # a Python loop: 50 copies of the step in the graph
    for _ in range(50):
        with tf.GradientTape() as tape:
            loss = (x - 3.0) ** 2
        optimizer.apply_gradients([(tape.gradient(loss, x), x)])


@tf.function
def descend_fixed_rate(x, optimizer, steps):  # ignores the optimizer
    for _ in tf.range(steps):
        with tf.GradientTape() as tape:
            loss = (x - 3.0) ** 2
        x.assign_sub(0.1 * tape.gradient(loss, x))


@tf.function
def descend_no_counter(x, optimizer, steps):  # a graph loop whose counter never moves
    i = tf.constant(0)
    while i < steps:
        with tf.GradientTape() as tape:
            loss = (x - 3.0) ** 2
        optimizer.apply_gradients([(tape.gradient(loss, x), x)])


@tf.function
def train_ok(epochs, f, var):
    for _ in tf.range(epochs):
        with tf.GradientTape() as tape:
            loss = f()
        var.assign_sub(0.1 * tape.gradient(loss, var))
    return f()


def train_eager(epochs, f, var):
    return train_ok(epochs, f, var)


@tf.function
def train_no_return(epochs, f, var):
    train_ok(epochs, f, var)


@tf.function
def train_slow(epochs, f, var):
    for _ in tf.range(epochs):
        with tf.GradientTape() as tape:
            loss = f()
        var.assign_sub(0.01 * tape.gradient(loss, var))
    return f()


@tf.function
def train_one_step_too_few(epochs, f, var):
    for _ in tf.range(epochs - 1):
        with tf.GradientTape() as tape:
            loss = f()
        var.assign_sub(0.1 * tape.gradient(loss, var))
    return f()


@tf.function
def train_fixed_target(epochs, f, var):  # ignores f: always minimizes (var - 3)²
    for _ in tf.range(epochs):
        with tf.GradientTape() as tape:
            loss = (var - 3.0) ** 2
        var.assign_sub(0.1 * tape.gradient(loss, var))
    return (var - 3.0) ** 2


# ----------------------------------------------------------------------------- 07.3


def make_steps(condition, update=lambda x, lr: x - lr * (2 * x - 2), result=lambda s, x: s):
    @tf.function
    def steps_to_converge(learning_rate):
        x = tf.constant(0.0)
        steps = tf.constant(0)
        while condition(tf.abs(2 * x - 2), steps):
            x = update(x, learning_rate)
            steps += 1
        return result(steps, x)

    return steps_to_converge


def capped(s, steps):
    return s >= 0.01 and steps < 1000


steps_ok = make_steps(capped)
steps_plus_one = make_steps(capped, result=lambda steps, x: steps + 1)
steps_float = make_steps(capped, result=lambda steps, x: tf.cast(steps, tf.float32))
steps_returns_x = make_steps(capped, result=lambda steps, x: x)
steps_loose = make_steps(lambda s, steps: s >= 0.1 and steps < 1000)
steps_uncapped = make_steps(lambda s, steps: s >= 0.01)  # never ends at lr = 1
steps_uphill = make_steps(lambda s, steps: s >= 0.01, update=lambda x, lr: x + lr * (2 * x - 2))
steps_x_never_moves = make_steps(lambda s, steps: s >= 0.01, update=lambda x, lr: x)
steps_uphill_capped = make_steps(capped, update=lambda x, lr: x + lr * (2 * x - 2))


def steps_eager(learning_rate):
    return steps_ok(learning_rate)


# ----------------------------------------------------------------------------- fresh optimizers


def sgd(lr=0.1):
    return keras.optimizers.SGD(learning_rate=lr)


# ----------------------------------------------------------------------------- chapter 12


def _mse_step(model, optimizer, x, y, sign=1.0, reduce=tf.reduce_mean, variables=None):
    variables = model.trainable_variables if variables is None else variables
    with tf.GradientTape() as tape:
        loss = reduce(tf.square(model(x) - y))
    grads = tape.gradient(loss, variables)
    optimizer.apply_gradients([(sign * g, v) for g, v in zip(grads, variables, strict=True)])
    return loss


def train_step_ok(model, optimizer, x, y):
    return _mse_step(model, optimizer, x, y)


def train_step_ascent(model, optimizer, x, y):
    return _mse_step(model, optimizer, x, y, sign=-1.0)


def train_step_sum(model, optimizer, x, y):  # the sum, not the mean: steps 24 times larger
    return _mse_step(model, optimizer, x, y, reduce=tf.reduce_sum)


def train_step_no_update(model, optimizer, x, y):
    return tf.reduce_mean(tf.square(model(x) - y))


def train_step_loss_after(model, optimizer, x, y):
    _mse_step(model, optimizer, x, y)
    return tf.reduce_mean(tf.square(model(x) - y))


def train_step_first_layer_only(model, optimizer, x, y):
    return _mse_step(model, optimizer, x, y, variables=model.trainable_variables[:2])


def train_step_fixed_rate(model, optimizer, x, y):  # ignores the optimizer: SGD 0.05 by hand
    with tf.GradientTape() as tape:
        loss = tf.reduce_mean(tf.square(model(x) - y))
    grads = tape.gradient(loss, model.trainable_variables)
    for g, v in zip(grads, model.trainable_variables, strict=True):
        v.assign_sub(0.05 * g)
    return loss


@tf.function
def train_step_graph(model, optimizer, x, y):  # the chapter's tf.function step
    return _mse_step(model, optimizer, x, y)


def train_step_rate_by_hand(model, optimizer, x, y):  # the optimizer's rate, no apply_gradients
    with tf.GradientTape() as tape:
        loss = tf.reduce_mean(tf.square(model(x) - y))
    grads = tape.gradient(loss, model.trainable_variables)
    for g, v in zip(grads, model.trainable_variables, strict=True):
        v.assign_sub(optimizer.learning_rate * g)
    return loss


def train_step_mae(model, optimizer, x, y):
    with tf.GradientTape() as tape:
        loss = tf.reduce_mean(tf.abs(model(x) - y))
    grads = tape.gradient(loss, model.trainable_variables)
    optimizer.apply_gradients(zip(grads, model.trainable_variables, strict=True))
    return loss


def train_both_ok(model_a, model_b, x, y, steps):
    opt_a = keras.optimizers.Adam(learning_rate=0.01)
    opt_b = keras.optimizers.Adam(learning_rate=0.01)
    for _ in range(steps):
        train_step_ok(model_a, opt_a, x, y)
        train_step_ok(model_b, opt_b, x, y)


def train_both_shared(model_a, model_b, x, y, steps):  # the bug: ValueError on model_b
    optimizer = keras.optimizers.Adam(learning_rate=0.01)
    for _ in range(steps):
        train_step_ok(model_a, optimizer, x, y)
        train_step_ok(model_b, optimizer, x, y)


def train_both_fresh_each_step(model_a, model_b, x, y, steps):  # Adam's moments start over
    for _ in range(steps):
        train_step_ok(model_a, keras.optimizers.Adam(learning_rate=0.01), x, y)
        train_step_ok(model_b, keras.optimizers.Adam(learning_rate=0.01), x, y)


def train_both_a_only(model_a, model_b, x, y, steps):
    opt_a = keras.optimizers.Adam(learning_rate=0.01)
    for _ in range(steps):
        train_step_ok(model_a, opt_a, x, y)


def train_both_sgd(model_a, model_b, x, y, steps):
    opt_a, opt_b = keras.optimizers.SGD(0.01), keras.optimizers.SGD(0.01)
    for _ in range(steps):
        train_step_ok(model_a, opt_a, x, y)
        train_step_ok(model_b, opt_b, x, y)


def train_both_one_step_short(model_a, model_b, x, y, steps):
    train_both_ok(model_a, model_b, x, y, steps - 1)


def scaled_gradients_ok(loss_fn, variables, scale):
    with tf.GradientTape() as tape:
        scaled_loss = loss_fn() * scale
    return [g / scale for g in tape.gradient(scaled_loss, variables)]


def scaled_gradients_tuple(loss_fn, variables, scale):
    return tuple(scaled_gradients_ok(loss_fn, variables, scale))


def scaled_gradients_unscaled(loss_fn, variables, scale):  # no scaling: float16 underflows
    with tf.GradientTape() as tape:
        loss = loss_fn()
    return tape.gradient(loss, variables)


def scaled_gradients_no_division(loss_fn, variables, scale):
    with tf.GradientTape() as tape:
        scaled_loss = loss_fn() * scale
    return tape.gradient(scaled_loss, variables)


def scaled_gradients_too_late(loss_fn, variables, scale):  # scales after the backward pass
    with tf.GradientTape() as tape:
        loss = loss_fn()
    return [g * scale / scale for g in tape.gradient(loss, variables)]


def scaled_gradients_divided_loss(loss_fn, variables, scale):
    with tf.GradientTape() as tape:
        scaled_loss = loss_fn() / scale
    return [g * scale for g in tape.gradient(scaled_loss, variables)]


def scaled_gradients_first_only(loss_fn, variables, scale):
    return scaled_gradients_ok(loss_fn, variables[:1], scale)


def scaled_gradients_of_the_function(loss_fn, variables, scale):  # the function, not its value
    return [tf.convert_to_tensor(loss_fn) * scale]


def scaled_gradients_finite(loss_fn, variables, scale, h=1.0):  # central differences, no tape
    out = []
    for v in variables:
        v0, n = tf.identity(v), int(tf.size(v))
        g = []
        for i in range(n):
            e = tf.reshape(tf.one_hot(i, n), v.shape) * h
            v.assign(v0 + e)
            up = loss_fn()
            v.assign(v0 - e)
            g.append((up - loss_fn()) / (2 * h))
        v.assign(v0)
        out.append(tf.reshape(tf.stack(g), v.shape))
    return out


def scaled_gradients_stacked(loss_fn, variables, scale):  # one tensor, not the list
    with tf.GradientTape() as tape:
        scaled = loss_fn() * scale
    return tf.stack([g / scale for g in tape.gradient(scaled, variables)])


def train_step_train_on_batch(model, optimizer, x, y):  # Keras's own tape and update
    if not getattr(model, "_compiled_here", False):
        model.compile(optimizer=optimizer, loss="mse")
        model._compiled_here = True
    return tf.constant(model.train_on_batch(x, y), tf.float32)


# ----------------------------------------------------------------------------- value answers
# Right answers as the exercises ask for them (what a tape returned), and the same numbers by
# other routes (typed, a formula, two calls or two tapes): right value, wrong technique.


def tape_slope(f, x0):
    """What `tape.gradient(f(x), x)` returns for a Variable x at x0."""
    x = tf.Variable(x0)
    with tf.GradientTape() as tape:
        y = f(x)
    return tape.gradient(y, x)


def grads_abc(watch=True):  # 02.1
    x = tf.Variable(10.0)
    a, b, c = tf.constant(1.0), tf.constant(-2.0), tf.constant(1.0)
    with tf.GradientTape() as tape:
        tape.watch([a, b, c])
        y = a * x**2 + b * x + c
    return tuple(tape.gradient(y, [a, b, c]))


def grads_xz(calls=1):  # 02.3: one call with ZERO, or two calls on a persistent tape
    x, z = tf.Variable(3.0), tf.constant(5.0)
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(z)
        y = x**2
    zeros = tf.UnconnectedGradients.ZERO
    if calls == 1:
        return tuple(tape.gradient(y, [x, z], unconnected_gradients=zeros))
    return tape.gradient(y, x), tape.gradient(y, z, unconnected_gradients=zeros)


def grads_xz_zeros_by_hand():  # 02.3: dy/dx from the tape, a zero typed
    return tape_slope(lambda x: x**2, 3.0), tf.zeros(())


def third_derivative(tapes=3):  # 03.2: g = x⁴ at 1, or g‴ = 24x written by hand on one tape
    x = tf.Variable(1.0)
    if tapes == 4:  # g⁗ = 24 = g‴(1): one tape too many
        with tf.GradientTape() as tape4:
            d3 = third_derivative_at(x)
        return tape4.gradient(d3, x)
    if tapes == 1:
        with tf.GradientTape() as tape:
            y = 12.0 * x**2
        return tape.gradient(y, x)
    return third_derivative_at(x)


def third_derivative_at(x):
    with tf.GradientTape() as tape3:
        with tf.GradientTape() as tape2:
            with tf.GradientTape() as tape1:
                g = x**4
            d1 = tape1.gradient(g, x)
        d2 = tape2.gradient(d1, x)
    return tape3.gradient(d2, x)


def linear_layer_grads():  # 04.1
    W = tf.Variable([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])  # noqa: N806
    b = tf.Variable([1.0, -1.0])
    x = tf.constant([[1.0, 0.0, -1.0]])
    with tf.GradientTape() as tape:
        loss = tf.reduce_mean((x @ W + b) ** 2)
    return tuple(tape.gradient(loss, [W, b]))


def two_slopes(tapes=1):  # 04.2: one persistent tape, or one tape per question
    x = tf.Variable(4.0)
    if tapes == 2:
        return tape_slope(lambda v: v**2, 4.0), tape_slope(lambda v: v**3, 4.0)
    with tf.GradientTape(persistent=True) as tape:
        square, cube = x**2, x**3
    slopes = (tape.gradient(square, x), tape.gradient(cube, x))
    del tape
    return slopes


def cube_slope_formula(n):  # 02.4: 3n² as a formula, no tape
    return 3.0 * tf.cast(n, tf.float32) ** 2


def second_derivative_float64(f, x0):  # 03.1: right, in float64
    x = tf.Variable(x0, dtype=tf.float64)
    with tf.GradientTape() as outer:
        with tf.GradientTape() as inner:
            y = f(x)
        dy = inner.gradient(y, x)
    return outer.gradient(dy, x)


def second_derivative_central(f, x0, h=1e-4):  # 03.1: a float64 central difference, no tape
    x = tf.constant(x0, tf.float64)
    return (f(x + h) - 2.0 * f(x) + f(x - h)) / h**2


def descend_by_hand(momentum_too=False):
    """07.1: the update written with the optimizer's learning rate; with `momentum_too`, the
    step is also counted in optimizer.iterations, so only momentum tells it apart."""

    @tf.function
    def descend(x, optimizer, steps):
        for _ in tf.range(steps):
            with tf.GradientTape() as tape:
                loss = (x - 3.0) ** 2
            x.assign_sub(optimizer.learning_rate * tape.gradient(loss, x))
            if momentum_too:
                optimizer.iterations.assign_add(1)

    return descend


@tf.function
def train_assign(epochs, f, var):  # 07.2: var.assign(var − lr·g), not assign_sub
    for _ in tf.range(epochs):
        with tf.GradientTape() as tape:
            loss = f()
        var.assign(var - 0.1 * tape.gradient(loss, var))
    return f()


@tf.function
def steps_formula(learning_rate):  # 07.3: the count from a formula, no loop: |f′| = 2|1 − 2lr|ᵏ
    factor = tf.abs(1.0 - 2.0 * learning_rate)
    count = tf.math.ceil(tf.math.log(0.01 / 2.0) / tf.math.log(factor))
    return tf.cast(tf.where(factor < 1.0, tf.minimum(count, 1000.0), 1000.0), tf.int32)


# ----------------------------------------------------------------------------- right value, other
# routes (issue 23): a formula behind a tape, a tape's result reshaped by hand, tape.jacobian


def slope_jacobian(f, x0, dtype=tf.float32):
    """01.1, 02.2: dy/dx from `tape.jacobian` (a scalar y and x: the same number)."""
    x = tf.Variable(x0, dtype=dtype)
    with tf.GradientTape() as tape:
        y = f(x)
    return tape.jacobian(y, x)


def slope_cast(f, x0):
    """01.1: the slope computed in float64, then cast to float32."""
    x = tf.Variable(x0, dtype=tf.float64)
    with tf.GradientTape() as tape:
        y = f(x)
    return tf.cast(tape.gradient(y, x), tf.float32)


def moved_slope(y_of_x=lambda x: x**2, move=True):  # 02.2
    x = tf.Variable(2.0)
    if move:
        x.assign_add(1.0)
    with tf.GradientTape() as tape:
        y = y_of_x(x)
    return tape.gradient(y, x)


def moved_tensor_slope():  # 02.2: x = x + 1 kept, the plain tensor watched
    x = tf.Variable(2.0)
    x = x + 1
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = x**2
    return tape.gradient(y, x)


def cube_slope_unused_tape(n):  # 02.4: a tape recorded, its gradient unused, 3n² returned
    x = tf.cast(n, tf.float32)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = x**3
    tape.gradient(y, x)
    return 3.0 * x**2


def cube_slope_chain_rule(n):  # 02.4: the chain rule by hand around a tape's dx/dx = 1
    x = tf.cast(n, tf.float32)
    with tf.GradientTape() as tape:
        tape.watch(x)
        u = 2.0 * x
    return 1.5 * x**2 * tape.gradient(u, x)


def cube_slope_float64(n):  # 02.4: the tape in float64, its result cast to float32
    x = tf.cast(n, tf.float64)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = x**3
    return tf.cast(tape.gradient(y, x), tf.float32)


def cube_slope_jacobian(n):  # 02.4: tape.jacobian
    x = tf.cast(n, tf.float32)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = x**3
    return tape.jacobian(y, x)


def second_derivative_watched(f, x0):  # 03.1: a constant watched on both tapes (graph-safe)
    x = tf.constant(x0)
    with tf.GradientTape() as outer:
        outer.watch(x)
        with tf.GradientTape() as inner:
            inner.watch(x)
            y = f(x)
        dy = inner.gradient(y, x)
    return outer.gradient(dy, x)


def second_derivative_jacobian(f, x0):  # 03.1: the outer tape's jacobian
    x = tf.Variable(x0)
    with tf.GradientTape() as outer:
        with tf.GradientTape() as inner:
            y = f(x)
        dy = inner.gradient(y, x)
    return outer.jacobian(dy, x)


@tf.function
def get_gradient_formula(x):  # 05.1: f′(x) = 2x − 2 written out
    x = tf.cast(x, tf.float32)
    return 2.0 * x - 2.0, f(x)


@tf.function
def get_gradient_unused_tape(x):  # 05.1: a tape recorded, its gradient unused
    x = tf.cast(x, tf.float32)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = f(x)
    tape.gradient(y, x)
    return 2.0 * x - 2.0, y


slope_formula = tf.function(lambda x: 2.0 * x - 2.0, input_signature=SIG)  # 05.3


def descent_float64(steps=1000):  # 06.4: the prompt's loop
    x = tf.Variable(0.0, dtype=tf.float64)
    learning_rate = tf.constant(0.01, dtype=tf.float64)
    for _ in range(steps):
        with tf.GradientTape() as tape:
            y = x**2 - 2 * x + 1
        x.assign_add(-learning_rate * tape.gradient(y, x))
    return x


def descent_closed_form():  # 06.4: a float64 Variable set to 1 − 0.98¹⁰⁰⁰
    x = tf.Variable(0.0, dtype=tf.float64)
    x.assign(1.0 - 0.98**1000)
    return x


def descent_one_tape_then_closed_form():  # 06.4: one throwaway tape call, then 1 − 0.98¹⁰⁰⁰
    x = tf.Variable(0.0, dtype=tf.float64)
    with tf.GradientTape() as tape:
        y = x**2
    tape.gradient(y, x)
    x.assign(1.0 - 0.98**1000)
    return x


@tf.function
def descend_graph_loop(x):  # 06.4: the steps in a graph loop (traced once: counted once)
    learning_rate = tf.constant(0.01, dtype=tf.float64)
    for _ in tf.range(1000):
        with tf.GradientTape() as tape:
            y = x**2 - 2 * x + 1
        x.assign_add(-learning_rate * tape.gradient(y, x))


def descent_float64_graph():
    x = tf.Variable(0.0, dtype=tf.float64)
    descend_graph_loop(x)
    return x


@tf.function
def train_finite_difference(epochs, f, var):  # 07.2: assign_sub of a central difference
    for _ in tf.range(epochs):
        h = 0.5  # exact for a quadratic
        var.assign_add(h)
        up = f()
        var.assign_add(-2 * h)
        down = f()
        var.assign_add(h)
        var.assign_sub(0.1 * (up - down) / (2 * h))
    return f()


def moved_slope_listed():  # 02.2: the sources as a list of one, its gradient picked out
    x = tf.Variable(2.0)
    x.assign_add(1.0)
    with tf.GradientTape() as tape:
        y = x * x
    return tape.gradient([y], [x])[0]
