"""Learner code for the checks of chapter 09: right answers and typical mistakes.

`RIGHT` and `MISTAKES` are merged into test_checks.py's tables of the same names.
"""

from __future__ import annotations

import sys
import threading
import time

import numpy as np
import tensorflow as tf

# ----------------------------------------------------------------------------- 09.1


def grads_09_1(zeros: bool = True):
    x = tf.Variable(3.0)  # the exercise cell: x = 3, so x² = 9 and 2x = 6 differ
    w = tf.Variable([1.0, -1.0])
    with tf.GradientTape() as tape:
        loss = x**2
    mode = tf.UnconnectedGradients.ZERO if zeros else tf.UnconnectedGradients.NONE
    return tuple(tape.gradient(loss, [x, w], unconnected_gradients=mode))


def grads_09_1_zeros_by_hand():  # two routes: the tape for x, tf.zeros_like for w
    x = tf.Variable(3.0)
    w = tf.Variable([1.0, -1.0])
    with tf.GradientTape() as tape:
        loss = x**2
    return tape.gradient(loss, x), tf.zeros_like(w)


def grads_09_1_two_calls():  # two calls on a persistent tape, each asked for zeros
    x = tf.Variable(3.0)
    w = tf.Variable([1.0, -1.0])
    zeros = tf.UnconnectedGradients.ZERO
    with tf.GradientTape(persistent=True) as tape:
        loss = x**2
    return tape.gradient(loss, x), tape.gradient(loss, w, unconnected_gradients=zeros)


# ----------------------------------------------------------------------------- 09.2


def target_ok(q, t, theta):
    with tf.GradientTape() as tape:
        loss = (q(theta) - tf.stop_gradient(t(theta))) ** 2
    return tape.gradient(loss, theta)


def target_ok_persistent(q, t, theta):  # the target computed outside the tape: also fixed
    target = t(theta)
    with tf.GradientTape() as tape:
        loss = (q(theta) - target) ** 2
    return tape.gradient(loss, theta)


def target_moves(q, t, theta):  # no stop at all
    with tf.GradientTape() as tape:
        loss = (q(theta) - t(theta)) ** 2
    return tape.gradient(loss, theta)


def target_prediction_stopped(q, t, theta):  # the stop on the wrong term
    with tf.GradientTape() as tape:
        loss = (tf.stop_gradient(q(theta)) - t(theta)) ** 2
    return tape.gradient(loss, theta)


def target_loss_stopped(q, t, theta):  # the whole loss stopped: None
    with tf.GradientTape() as tape:
        loss = tf.stop_gradient((q(theta) - t(theta)) ** 2)
    return tape.gradient(loss, theta)


def target_loss_value(q, t, theta):  # the loss, not its gradient
    return (q(theta) - tf.stop_gradient(t(theta))) ** 2


def target_numpy(q, t, theta):  # a NumPy number
    return target_ok(q, t, theta).numpy()


def target_chain_rule_by_hand(q, t, theta):  # 2(q − t)·q′: the right number, no stop_gradient
    with tf.GradientTape() as tape:
        prediction = q(theta)
    return 2.0 * (prediction - t(theta)) * tape.gradient(prediction, theta)


def target_exits(q, t, theta):
    sys.exit("giving up")


def target_interrupted(q, t, theta):
    raise KeyboardInterrupt


# ----------------------------------------------------------------------------- 09.3


def ste_ok(x):
    return x + tf.stop_gradient(tf.round(x) - x)


@tf.custom_gradient
def ste_custom(x):
    return tf.round(x), lambda upstream: upstream


def ste_round_only(x):  # no gradient at all: None
    return tf.round(x)


def ste_all_stopped(x):  # the stop around everything: None
    return tf.stop_gradient(x + tf.round(x) - x)


def ste_x_cancels(x):  # value right, but x − x leaves a gradient of 0
    return x + tf.stop_gradient(tf.round(x)) - x


def ste_no_minus(x):  # x + round(x): the value is wrong
    return x + tf.stop_gradient(tf.round(x))


def ste_floor(x):  # floor, not round
    return x + tf.stop_gradient(tf.floor(x) - x)


def ste_half_up(x):  # halves rounded up: 0.5 → 1 and 2.5 → 3, where tf.round gives 0 and 2
    return x + tf.stop_gradient(tf.floor(x + 0.5) - x)


def ste_half_away(x):  # halves rounded away from zero: −2.5 → −3
    return x + tf.stop_gradient(tf.sign(x) * tf.floor(tf.abs(x) + 0.5) - x)


@tf.custom_gradient
def ste_printing(x):  # right, and chatty in its gradient: the check must hide it
    def grad(upstream):
        print("upstream", upstream)
        tf.print("upstream", upstream)
        return upstream

    return tf.round(x), grad


@tf.custom_gradient
def ste_grad_forever(x):  # a gradient that never returns: runs in the check's tape.gradient
    def grad(upstream):
        while True:
            pass

    return tf.round(x), grad


def ste_float64(x):  # right numbers, float64: the check's own weights are float32
    return tf.cast(x + tf.stop_gradient(tf.round(x) - x), tf.float64)


def ste_int(x):
    return tf.cast(tf.round(x), tf.int32)


def ste_one_short(x):  # the last entry dropped
    return (x + tf.stop_gradient(tf.round(x) - x))[:-1]


# ----------------------------------------------------------------------------- 09.4


@tf.custom_gradient
def sqrt_ok(x):
    y = tf.sqrt(x)

    def grad(upstream):
        safe_y = tf.where(x > 0, y, 1.0)
        return upstream * tf.where(x > 0, 0.5 / safe_y, 0.0)

    return y, grad


def sqrt_double_where(x):  # no custom gradient: the right numbers, not the technique asked for
    safe_x = tf.where(x > 0, x, 1.0)
    return tf.where(x > 0, tf.sqrt(safe_x), 0.0)


def sqrt_plain(x):  # the tape's own gradient: inf at 0, and inf · weight
    return tf.sqrt(x)


@tf.custom_gradient
def sqrt_two_gradients(x):  # grad returns two values for one input
    y = tf.sqrt(x)
    return y, lambda upstream: (upstream * 0.5 / tf.maximum(y, 1e-6), upstream)


@tf.custom_gradient
def sqrt_ignores_upstream(x):  # the derivative alone, not times the upstream gradient
    y = tf.sqrt(x)
    return y, lambda upstream: tf.where(x > 0, 0.5 / tf.where(x > 0, y, 1.0), 0.0)


@tf.custom_gradient
def sqrt_single_where(x):  # 0.5 / √0 = inf, and inf · 0 = nan at x = 0
    y = tf.sqrt(x)
    return y, lambda upstream: upstream * tf.where(x > 0, 1.0, 0.0) * (0.5 / y)


@tf.custom_gradient
def sqrt_grad_forever(x):  # the value returns; the gradient loops for ever
    def grad(upstream):
        n = 0
        while True:
            n += 1

    return tf.sqrt(x), grad


def sqrt_wrapped(x):  # the custom gradient applied inside the learner's own function: right
    return sqrt_ok(x)


@tf.custom_gradient
def sqrt_wrong_value(x):  # the value of x, not √x
    return x, lambda upstream: upstream * 0.5 / tf.maximum(tf.sqrt(x), 1e-6)


def sqrt_float64(x):
    return tf.cast(sqrt_ok(x), tf.float64)


def sqrt_one_short(x):
    return sqrt_ok(x)[:-1]


@tf.custom_gradient
def sqrt_printing(x):  # right, and chatty in its gradient: the check must hide it
    y = tf.sqrt(x)

    def grad(upstream):
        print("upstream", upstream)
        tf.print("upstream", upstream)
        return upstream * tf.where(x > 0, 0.5 / tf.where(x > 0, y, 1.0), 0.0)

    return y, grad


# ----------------------------------------------------------------------------- 09.5


def check_with(delta):
    def gradient_check(f, x):
        theoretical, numerical = tf.test.compute_gradient(f, [x], delta=delta)
        return float(np.max(np.abs(theoretical[0] - numerical[0])))

    return gradient_check


def check_by_hand(f, x):  # own central differences, step 1e-3: right
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = f(x)
    g = tape.gradient(y, x).numpy()
    h = 1e-3
    n = x.shape[0]
    fd = [(float(f(x + h * tf.one_hot(i, n))) - float(f(x - h * tf.one_hot(i, n)))) / (2 * h)
          for i in range(n)]  # fmt: skip
    return float(np.max(np.abs(g - np.array(fd))))


def check_always_zero(f, x):
    return 0.0


def check_signed(f, x):  # the smallest signed difference, not the largest absolute one
    theoretical, numerical = tf.test.compute_gradient(f, [x])
    return float(np.min(theoretical[0] - numerical[0]) - 1.0)


def check_reducing(reduce):  # the differences reduced some other way than the largest |d|
    def gradient_check(f, x):
        theoretical, numerical = tf.test.compute_gradient(f, [x], delta=1e-3)
        return float(reduce(theoretical[0] - numerical[0]))

    return gradient_check


RIGHT = {
    "09.1": [grads_09_1(), list(grads_09_1())],
    "09.2": [target_ok, target_ok_persistent, tf.function(target_ok)],
    "09.3": [ste_ok, ste_custom, ste_printing],
    "09.4": [sqrt_ok, sqrt_wrapped, tf.function(sqrt_ok), sqrt_printing],
    "09.5": [check_with(1e-3), check_with(None), check_with(1e-2), check_by_hand],
}

MISTAKES = {
    "09.1": [
        ("None for the unused variable", grads_09_1(zeros=False), "none"),
        ("only grad_x", grads_09_1()[:1], "length"),
        ("zeros of the wrong shape", (tf.constant(6.0), tf.constant(0.0)), "shape"),
        ("grad_x halved", (tf.constant(3.0), tf.zeros(2)), "value"),
        ("the loss x² instead of its gradient", (tf.constant(9.0), tf.zeros(2)), "value"),
        ("technique: typed by hand", (tf.constant(6.0), tf.zeros(2)), "technique_not_returned"),
        (
            "technique: two routes, tf.zeros_like(w)",
            grads_09_1_zeros_by_hand(),
            "technique_not_returned",
        ),
        ("technique: two calls", grads_09_1_two_calls(), "technique_count"),
    ],
    "09.2": [
        ("the target moves too", target_moves, "target_moves"),
        ("the prediction stopped", target_prediction_stopped, "prediction_stopped"),
        ("the whole loss stopped", target_loss_stopped, "none"),
        ("the loss, not the gradient", target_loss_value, "value"),
        ("a NumPy number", target_numpy, "not_tensor"),
        ("technique: the chain rule by hand", target_chain_rule_by_hand, "technique_missing"),
        ("sys.exit()", target_exits, "exited"),
        ("KeyboardInterrupt", target_interrupted, "exited"),
    ],
    "09.3": [
        ("round alone", ste_round_only, "none"),
        ("the stop around everything", ste_all_stopped, "none"),
        ("x − x cancels the gradient", ste_x_cancels, "gradient"),
        ("x + round(x)", ste_no_minus, "value"),
        ("floor", ste_floor, "value"),
        ("halves rounded up", ste_half_up, "value"),
        ("halves rounded away from zero", ste_half_away, "value"),
        # the check's own float32 weights must not turn these into "your function raised"
        ("float64", ste_float64, "dtype"),
        ("an int tensor", ste_int, "dtype"),
        ("one entry short", ste_one_short, "shape"),
    ],
    "09.4": [
        ("the tape's gradient: inf at 0", sqrt_plain, "gradient"),
        ("two gradients for one input", sqrt_two_gradients, "raised"),
        ("upstream ignored", sqrt_ignores_upstream, "gradient"),
        ("inf times 0 in grad", sqrt_single_where, "gradient"),
        ("the value x", sqrt_wrong_value, "value"),
        ("technique: the double where, no custom gradient", sqrt_double_where, "technique_missing"),
        (
            "technique: the double where in a tf.function",
            tf.function(sqrt_double_where),
            "technique_missing",
        ),
        ("float64", sqrt_float64, "dtype"),
        ("one entry short", sqrt_one_short, "shape"),
    ],
    "09.5": [
        ("step 0.1: truncation", check_with(1e-1), "rejects_correct"),
        ("step 1e-5: rounding", check_with(1e-5), "rejects_correct"),
        ("step 1e-6", check_with(1e-6), "rejects_correct"),
        ("always 0", check_always_zero, "accepts_wrong"),
        ("signed, negative", check_signed, "value"),
        ("the smallest |difference|", check_reducing(lambda d: np.min(np.abs(d))), "accepts_wrong"),
        ("the mean |difference|", check_reducing(lambda d: np.mean(np.abs(d))), "not_largest"),
        ("the largest signed difference", check_reducing(np.max), "not_largest"),
        (
            "the largest signed difference, other sign",
            check_reducing(lambda d: np.max(-d)),
            "not_largest",
        ),
        ("the sum of |differences|", check_reducing(lambda d: np.sum(np.abs(d))), "not_largest"),
    ],
}


# ----------------------------------------------------------------------------- never ending
# Answers to 09.3 (ste_round) and 09.4 (safe_sqrt) that never return, each in its own way: the
# guard must stop every one within its time bound (test_guard.py).


def sleeps(x):  # blocked in a C call
    time.sleep(100)
    return x


def bare_except_sleeping(x):  # a bare except swallows the first interruption
    while True:
        try:
            time.sleep(0.001)
        except:  # noqa: E722
            pass


def bare_except_busy(x):
    n = 0
    while True:
        try:
            n += 1
        except:  # noqa: E722
            pass


def bare_except_nested(x):  # two bare excepts, one inside the other
    while True:
        try:
            try:
                time.sleep(0.01)
            except:  # noqa: E722
                pass
        except:  # noqa: E722
            pass


def finally_continue(x):  # `continue` in a finally drops the exception
    while True:
        try:
            time.sleep(0.01)
        finally:
            continue  # noqa: B012


def swallows_and_returns(x):  # catches the interruption, then returns the right value late
    try:
        time.sleep(100)
    except BaseException:  # noqa: BLE001
        pass
    return ste_ok(x)


def waits_for_ever(x):  # blocked inside the standard library
    threading.Event().wait()


@tf.custom_gradient
def ste_grad_sleeps(x):  # the value returns; the gradient, run by the check's tape, sleeps
    def grad(upstream):
        time.sleep(100)
        return upstream

    return tf.round(x), grad


@tf.custom_gradient
def sqrt_grad_sleeps(x):
    def grad(upstream):
        time.sleep(100)
        return upstream

    return tf.sqrt(x), grad


@tf.custom_gradient
def sqrt_grad_bare_except(x):
    def grad(upstream):
        while True:
            try:
                time.sleep(0.001)
            except:  # noqa: E722
                pass

    return tf.sqrt(x), grad


NEVER_ENDING = [
    ("09.3", sleeps),
    ("09.3", bare_except_sleeping),
    ("09.3", bare_except_busy),
    ("09.3", bare_except_nested),
    ("09.3", finally_continue),
    ("09.3", swallows_and_returns),
    ("09.3", waits_for_ever),
    ("09.3", ste_grad_forever),
    ("09.3", ste_grad_sleeps),
    ("09.4", sqrt_grad_forever),
    ("09.4", sqrt_grad_sleeps),
    ("09.4", sqrt_grad_bare_except),
]
