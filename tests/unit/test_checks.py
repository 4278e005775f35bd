"""The exercise checks: right answers pass; no entry of the wrong-answer table passes, including
mistakes that coincide numerically at an exercise's inputs; learner code that never ends is
stopped within the time bound; a check never raises, whatever it is given."""

from __future__ import annotations

import math
import re
import time

import numpy as np
import pytest

tf = pytest.importorskip("tensorflow")
keras = pytest.importorskip("keras")

from autodiff_course import checks, i18n  # noqa: E402
from autodiff_course.checks import (  # noqa: E402
    CORRECT,
    NOT_ATTEMPTED,
    WRONG,
    engine,
    evaluate,
    guard,
)
from autodiff_course.i18n import placeholders  # noqa: E402

from . import learner_code as lc  # noqa: E402
from . import learner_code_ch08 as lc08  # noqa: E402
from . import learner_code_ch09 as lc09  # noqa: E402
from . import learner_code_ch10_ch11 as lc1011  # noqa: E402

F32, F64 = tf.float32, tf.float64


def t(value, dtype=F32):
    return tf.constant(value, dtype=dtype)


def f(x):
    return x * x - 2 * x + 1


DW = [[-3.0, -5.0], [0.0, 0.0], [3.0, 5.0]]
DB = [-3.0, -5.0]
X10 = 1.0 - 0.8**10


def h(x):
    return tf.exp(-(x**2) / 2)


# Value answers that must be "the tensor the tape returns" are made by a tape here (technique.
# FromTape knows the very tensors tape.gradient returned); the same numbers typed are in MISTAKES.
RIGHT = {
    # tf.identity hands the tape's tensor on, as Identity does in a graph: the same verdict
    "01.1": [lc.tape_slope(f, 4.0), lc.tape_slope(f, 4.0), tf.identity(lc.tape_slope(f, 4.0))],
    "01.2": [t([-4.0, -2.0, -1.0, 2.0])],
    "01.3": [(2.0, -3.0), [t(2.0), t(-3.0)], (2, -3)],
    "01.4": [lc.tape_slope(h, 1.0)],
    "02.1": [lc.grads_abc(), list(lc.grads_abc())],
    "02.2": [lc.moved_slope(), lc.moved_slope_listed()],
    "02.3": [lc.grads_xz()],
    "02.4": [
        lc.cube_slope_ok,
        tf.function(lc.cube_slope_ok),
        lc.cube_slope_identity,  # tf.identity passes, eager and in a graph alike
        tf.function(lc.cube_slope_identity),
    ],
    "03.1": [
        lc.second_derivative_ok,
        lc.second_derivative_float64,
        tf.function(lc.second_derivative_watched),
    ],
    "03.2": [lc.third_derivative()],
    "03.3": [t(11.0 / 12.0)],
    "04.1": [lc.linear_layer_grads()],
    "04.2": [lc.two_slopes()],
    "04.3": ["RuntimeError", " RuntimeError "],
    "05.1": [lc.get_gradient_ok, lc.get_gradient_printing],
    "05.2": [4, np.int64(4), t(4, tf.int32)],
    "05.3": [lc.slope_ok],
    "06.1": [t(X10), tf.Variable(X10)],
    "06.2": [lc.minimize_ok, lc.minimize_float_loss, tf.function(lc.minimize_ok)],
    "06.3": [0.25, 1 / 4, t(0.25), np.array(0.25), np.float32(0.25)],
    "06.4": [lc.descent_float64(), lc.descent_float64(), lc.descent_float64_graph()],
    "07.1": [lc.descend_ok],
    "07.2": [lc.train_ok],
    "07.3": [lc.steps_ok],
    "12.1": [33, np.int64(33), t(33, tf.int32)],
    "12.2": [lc.train_step_ok, lc.train_step_graph],
    "12.3": [lc.train_both_ok],
    "12.4": [lc.scaled_gradients_ok, lc.scaled_gradients_tuple],
}

# exercise -> [(what the learner did, answer, what the check must say is wrong)]. The rows with
# kind "value" have the right form, so only the number decides: these are the plausible mistakes
# that must not coincide with the expected value at the exercise's inputs.
MISTAKES = {
    "01.1": [
        ("y instead of dy/dx", t(f(4.0)), "value"),
        ("the answer at the old x = 3, where f = f′", t(4.0), "value"),
        ("x itself", t(4.0), "value"),
        ("2x, the −2 forgotten", t(8.0), "value"),
        ("sign flipped", t(-6.0), "value"),
        ("f″ = 2, the other derivative", t(2.0), "value"),
        ("float64", t(6.0, F64), "dtype"),
        ("shape (1,)", t([6.0]), "shape"),
        ("a Python float", 6.0, "python_number"),
        ("a NumPy scalar", np.float32(6.0), "not_tensor"),
        ("technique: typed by hand", t(6.0), "technique_not_returned"),
        ("technique: a Variable holding 6", tf.Variable(6.0), "technique_not_returned"),
        ("technique: 2x − 2 computed", 2 * tf.Variable(4.0) - 2, "technique_not_returned"),
        (
            "technique: the tape's tensor copied through NumPy",
            tf.constant(lc.tape_slope(f, 4.0).numpy()),
            "technique_not_returned",
        ),
        ("technique: tape.jacobian", lc.slope_jacobian(f, 4.0), "technique_jacobian"),
        ("technique: float64 tape, tf.cast to float32", lc.slope_cast(f, 4.0), "technique_cast"),
    ],
    "01.2": [
        ("one tape reused", t([-4.0, -4.0, -4.0, -4.0]), "value"),
        ("reversed", t([2.0, -1.0, -2.0, -4.0]), "value"),
        ("the values f(x)", t([f(-1.0), f(0.0), f(0.5), f(2.0)]), "value"),
        ("sign flipped", t([4.0, 2.0, 1.0, -2.0]), "value"),
        ("a column", t([[-4.0], [-2.0], [-1.0], [2.0]]), "shape"),
        ("a point left out", t([-4.0, -2.0, -1.0]), "shape"),
        ("a list, not stacked", [t(-4.0), t(-2.0), t(-1.0), t(2.0)], "not_tensor"),
        ("int32", t([-4, -2, -1, 2], tf.int32), "dtype"),
        ("a NumPy array", np.array([-4.0, -2.0, -1.0, 2.0], np.float32), "not_tensor"),
    ],
    "01.3": [
        ("k = f(x₀), − m·x₀ forgotten", (2.0, 1.0), "value"),
        ("k = f(x₀) + m·x₀, sign", (2.0, 5.0), "value"),
        ("swapped", (-3.0, 2.0), "value"),
        ("m = f(x₀)", (1.0, -3.0), "value"),
        ("one item", (2.0,), "length"),
        ("not a tuple", 2.0, "not_sequence"),
        ("None inside", (None, -3.0), "none"),
        ("strings", ("2", "-3"), "not_number"),
        ("a bool", (True, -3.0), "not_number"),
        ("a vector", (t([2.0]), -3.0), "shape"),
        ("two vectors of shape (1,)", (t([2.0]), t([-3.0])), "shape"),
        ("a 1-element array", (np.array([2.0]), -3.0), "shape"),
    ],
    "01.4": [
        ("sign lost", t(math.exp(-0.5)), "value"),
        ("h(1), the value", t(math.exp(-0.5)), "value"),
        ("rounded by hand", t(-0.6), "value"),
        ("−x·h at x = 0", t(0.0), "value"),
        ("a Python float", -math.exp(-0.5), "python_number"),
        ("technique: typed by hand", t(-math.exp(-0.5)), "technique_not_returned"),
        ("technique: −x·h(x) by hand", -1.0 * h(t(1.0)), "technique_not_returned"),
    ],
    "02.1": [
        ("constants not watched", (None, None, None), "none"),
        ("Python floats", (100.0, 10.0, 1.0), "python_number"),
        ("a and b swapped", (t(10.0), t(100.0), t(1.0)), "value"),
        ("dy/dx included", (t(18.0), t(100.0), t(10.0), t(1.0)), "length"),
        ("one stacked tensor", t([100.0, 10.0, 1.0]), "not_sequence"),
        ("y and dy/dx", (t(81.0), t(18.0), t(1.0)), "value"),
        ("the coefficients a, b, c", (t(1.0), t(-2.0), t(1.0)), "value"),
        ("technique: typed by hand", (t(100.0), t(10.0), t(1.0)), "technique_not_returned"),
    ],
    "02.2": [
        ("x = x + 1: a plain tensor", None, "none"),
        ("the slope at 2: x not moved", t(4.0), "value"),
        ("y = 9", t(9.0), "value"),
        ("a Python float", 6.0, "python_number"),
        ("technique: typed by hand", t(6.0), "technique_not_returned"),
        (
            "technique: the old cell kept, x + 1 watched",
            lc.moved_tensor_slope(),
            "technique_missing",
        ),
        (
            "technique: a tape of 6x at x = 2",
            lc.moved_slope(lambda x: 6.0 * x, False),
            "technique_missing",
        ),
        (
            "technique: a fresh tape of 6x at x = 3",
            lc.moved_slope(lambda x: 6.0 * x),
            "technique_missing",
        ),
        ("technique: tape.jacobian", lc.slope_jacobian(lambda x: x**2, 3.0), "technique_jacobian"),
    ],
    "02.3": [
        ("the default: None for z", (t(6.0), None), "none"),
        ("Python floats", (6.0, 0.0), "python_number"),
        ("an int zero", (t(6.0), t(0, tf.int32)), "dtype"),
        ("swapped", (t(0.0), t(6.0)), "value"),
        ("y instead of dy/dx", (t(9.0), t(0.0)), "value"),
        ("technique: typed by hand", (t(6.0), t(0.0)), "technique_not_returned"),
        ("technique: the zero typed", lc.grads_xz_zeros_by_hand(), "technique_not_returned"),
        ("technique: two calls", lc.grads_xz(calls=2), "technique_count"),
    ],
    "02.4": [
        ("y = n³ instead of the slope", lc.cube_slope_y, "value"),
        ("an int tensor watched", lc.cube_slope_int_watched, "none"),
        ("the number for n = 2 only", lc.cube_slope_constant, "value"),
        ("3n² by hand, an int tensor", lc.cube_slope_int, "dtype"),
        ("the value, not a function", t(12.0), "not_function"),
        ("technique: 3n² as a formula", lc.cube_slope_formula, "technique_not_returned"),
        ("technique: the tape's result indexed", lc.cube_slope_indexed, "technique_not_returned"),
        (
            "technique: the tape's result indexed in a tf.function",
            tf.function(lc.cube_slope_indexed),
            "technique_changed",
        ),
        (
            "technique: the formula in a tf.function",
            tf.function(lc.cube_slope_formula),
            "technique_missing",
        ),
        (
            "technique: a tape, its gradient unused, in a tf.function",
            tf.function(lc.cube_slope_unused_tape),
            "technique_missing",
        ),
        (
            "technique: a tape, its gradient unused",
            lc.cube_slope_unused_tape,
            "technique_not_returned",
        ),
        (
            "technique: the chain rule by hand in a tf.function",
            tf.function(lc.cube_slope_chain_rule),
            "technique_changed",
        ),
        ("technique: the chain rule by hand", lc.cube_slope_chain_rule, "technique_not_returned"),
        ("technique: float64 tape, tf.cast", lc.cube_slope_float64, "technique_cast"),
        (
            "technique: float64 tape, tf.cast, in a tf.function",
            tf.function(lc.cube_slope_float64),
            "technique_cast",
        ),
        ("technique: tape.jacobian", lc.cube_slope_jacobian, "technique_jacobian"),
    ],
    "03.1": [
        ("the constant 6 of the example", lc.second_derivative_constant, "value"),
        ("one tape: f′", lc.second_derivative_first, "value"),
        ("inner gradient outside the outer block", lc.second_derivative_outside, "none"),
        ("a constant watched by one tape", lc.second_derivative_constant_x, "none"),
        ("the value, not a function", t(6.0), "not_function"),
        (
            "technique: a float64 central difference",
            lc.second_derivative_central,
            "technique_not_returned",
        ),
        (
            "technique: a float64 central difference in a tf.function",
            tf.function(lc.second_derivative_central),
            "technique_missing",
        ),
        (
            "technique: the outer tape's jacobian",
            lc.second_derivative_jacobian,
            "technique_jacobian",
        ),
    ],
    "03.2": [
        ("g(1)", t(1.0), "value"),
        ("g′(1)", t(4.0), "value"),
        ("g″(1)", t(12.0), "value"),
        ("g⁗ = 24x at 0", t(0.0), "value"),
        ("a Python int", 24, "python_number"),
        ("None", None, "none"),
        ("technique: typed by hand", t(24.0), "technique_not_returned"),
        (
            "technique: g‴ = 24x by hand, one tape",
            lc.third_derivative(tapes=1),
            "technique_missing",
        ),
        ("technique: four tapes, g⁗ = 24", lc.third_derivative(tapes=4), "technique_missing"),
    ],
    "03.3": [
        ("no step", t(1.0), "value"),
        ("sign of the step flipped", t(1.0 + 1.0 / 12.0), "value"),
        ("x − g′(x), a unit learning rate", t(0.0), "value"),
        ("x − g″/g′", t(1.0 - 12.0), "value"),
        ("a Python float", 11.0 / 12.0, "python_number"),
    ],
    "04.1": [
        ("swapped", (t(DB), t(DW)), "shape"),
        ("dW transposed", (tf.transpose(t(DW)), t(DB)), "shape"),
        ("sum instead of mean", (t(DW) * 2, t(DB) * 2), "value"),
        ("mean over W's 6 entries", (t(DW) / 3, t(DB) / 3), "value"),
        ("y instead of dloss/db", (t(DW), t([[-3.0, -5.0]])), "shape"),
        ("b not watched", (t(DW), None), "none"),
        ("one item", (t(DW),), "length"),
        ("technique: typed by hand", (t(DW), t(DB)), "technique_not_returned"),
    ],
    "04.2": [
        ("x² and x³ instead of slopes", (t(16.0), t(64.0)), "value"),
        ("the answer at the old x = 3, where x³ = 3x²", (t(6.0), t(27.0)), "value"),
        ("swapped", (t(48.0), t(8.0)), "value"),
        ("second derivatives", (t(2.0), t(24.0)), "value"),
        ("second call failed: None", (t(8.0), None), "none"),
        ("float64", (t(8.0), t(48.0, F64)), "dtype"),
        ("Python floats", (8.0, 48.0), "python_number"),
        ("technique: typed by hand", (t(8.0), t(48.0)), "technique_not_returned"),
        ("technique: two tapes", lc.two_slopes(tapes=2), "technique_count"),
    ],
    "04.3": [
        ("another error", "ValueError", "wrong_text"),
        ("lower case", "runtimeerror", "wrong_text"),
        ("the error object", RuntimeError("gradient twice"), "exception_object"),
        ("the class", RuntimeError, "exception_object"),
        ("a number", 42, "not_text"),
        ("None", None, "none"),
    ],
    "05.1": [
        ("eager", lc.get_gradient_eager, "not_graph"),
        ("no cast: an int tensor watched", lc.get_gradient_uncast, "none"),
        ("(y, dy/dx) swapped", lc.get_gradient_swapped, "value"),
        ("not watched", lc.get_gradient_unwatched, "none"),
        ("only the slope", lc.get_gradient_only_slope, "not_sequence"),
        ("technique: f′ = 2x − 2 written out", lc.get_gradient_formula, "technique_missing"),
        (
            "technique: a tape, its gradient unused",
            lc.get_gradient_unused_tape,
            "technique_missing",
        ),
        ("a number", 3, "not_function"),
        ("None", None, "none"),
    ],
    "05.2": [
        ("one trace per call", 7, "value"),
        ("the tensors' trace forgotten", 3, "value"),
        ("1.0 counted twice", 5, "value"),
        ("one per distinct value", 6, "value"),
        ("not whole", 4.5, "float_not_int"),
        ("a whole float: the prompt asks for an int", 4.0, "float_not_int"),
        ("a string", "4", "not_number"),
        ("huge", 10**400, "value"),
        ("None", None, "none"),
    ],
    "05.3": [
        ("no signature", lc.slope_no_signature, "no_signature"),
        ("a float64 signature", lc.slope_float64, "raised"),
        ("returns y", lc.slope_returns_y, "value"),
        ("retraces", lc.RetracingFunction(), "retraced"),
        ("eager", lc.slope_body, "not_graph"),
        ("technique: f′ = 2x − 2 written out", lc.slope_formula, "technique_missing"),
        ("a string", "slope", "not_function"),
    ],
    "06.1": [
        ("uphill: + instead of −", t(1.0 - 1.2**10), "value"),
        ("one step short", t(1.0 - 0.8**9), "value"),
        ("one step too many", t(1.0 - 0.8**11), "value"),
        ("learning rate 0.01", t(1.0 - 0.98**10), "value"),
        ("f(x) instead of x", t(f(X10)), "value"),
        ("a Python float", X10, "python_number"),
        ("float64", t(X10, F64), "dtype"),
    ],
    "06.2": [
        ("no return", lc.minimize_no_return, "none"),
        ("uphill", lc.minimize_ascent, "value"),
        ("Keras 2's minimize", lc.minimize_keras2, "raised"),
        ("first variable only", lc.minimize_first_variable_only, "value"),
        # SGD(0.1) by hand is right for the SGD(0.1) trial: optimizer.iterations shows it
        (
            "technique: ignores the optimizer, lr 0.1 by hand",
            lc.minimize_fixed_rate,
            "technique_missing",
        ),
        # plain SGD gives the same x: optimizer.iterations shows the step was by hand
        (
            "technique: only the optimizer's learning rate",
            lc.minimize_plain_rate,
            "technique_missing",
        ),
        ("the loss after the step", lc.minimize_after_step, "value"),
    ],
    "06.3": [
        ("2/a", 0.5, "value"),
        ("1/(2a): the one-step rate", 0.125, "value"),
        ("the chapter's a = 1", 1.0, "value"),
        ("a stable rate, not the limit", 0.24, "value"),
        ("−1/b, equal to 1/a only when a = −b", 1 / 6, "value"),
        ("the minimum x* = −b/(2a)", 0.75, "value"),
        ("a string", "0.25", "not_number"),
        ("a vector", t([0.25]), "not_number"),
        ("a 1-element array", np.array([0.25]), "not_number"),
        ("nan", float("nan"), "value"),
    ],
    "06.4": [
        ("float32: the plateau", t(0.99999857), "dtype"),
        ("float64 Variable, float32 arithmetic", t(0.99999857, F64), "value"),
        ("a Python float", 1.0 - 0.98**1000, "python_number"),
        ("the minimum itself", t(1.0, F64), "value"),
        ("999 steps", t(1.0 - 0.98**999, F64), "value"),
        ("1001 steps", t(1.0 - 0.98**1001, F64), "value"),
        ("technique: typed by hand", t(1.0 - 0.98**1000, F64), "technique_missing"),
        (
            "technique: a Variable typed by hand",
            tf.Variable(1.0 - 0.98**1000, dtype=F64),
            "technique_missing",
        ),
        (
            "technique: a Variable set to the closed form",
            lc.descent_closed_form(),
            "technique_missing",
        ),
        (
            "technique: one tape call, then the closed form",
            lc.descent_one_tape_then_closed_form(),
            "technique_count",
        ),
    ],
    "07.1": [
        ("an eager loop", lc.descend_eager, "not_graph"),
        ("a Python loop, unrolled", lc.descend_unrolled, "unrolled"),
        # SGD(0.1) by hand gives the right x in the first trial: optimizer.iterations stays 0
        ("technique: ignores the optimizer", lc.descend_fixed_rate, "technique_missing"),
        ("technique: the optimizer's rate by hand", lc.descend_by_hand(), "technique_missing"),
        ("by hand, iterations counted: momentum ignored", lc.descend_by_hand(True), "value"),
        ("one optimizer step short", lc.descend_one_short, "optimizer_steps"),
        ("the Variable, not a function", tf.Variable(3.0 - 3.0 * 0.8**50), "not_function"),
    ],
    "07.2": [
        ("eager", lc.train_eager, "not_graph"),
        ("no return", lc.train_no_return, "none"),
        ("learning rate 0.01", lc.train_slow, "value"),
        ("one step too few", lc.train_one_step_too_few, "value"),
        ("ignores f", lc.train_fixed_target, "value"),
        ("a lambda", lambda: 0, "not_graph"),
        ("technique: var.assign(var − lr·g)", lc.train_assign, "technique_missing"),
        ("technique: a central difference", lc.train_finite_difference, "technique_missing"),
    ],
    "07.3": [
        ("eager", lc.steps_eager, "not_graph"),
        ("one too many", lc.steps_plus_one, "value"),
        ("a float count", lc.steps_float, "dtype"),
        ("x instead of the count", lc.steps_returns_x, "dtype"),
        ("tolerance 0.1", lc.steps_loose, "value"),
        ("uphill, capped", lc.steps_uphill_capped, "value"),
        ("technique: the count from a formula", lc.steps_formula, "technique_missing"),
    ],
    "12.1": [
        ("kernels only, biases forgotten", 24, "value"),
        ("biases only", 9, "value"),
        ("len(model.trainable_variables)", 4, "value"),
        ("the first layer only", 24, "value"),
        ("a float that is not whole", 33.5, "float_not_int"),
        ("a whole float", 33.0, "float_not_int"),
        ("a string", "33", "not_number"),
        ("the list of variables", [1, 2], "not_number"),
    ],
    "12.2": [
        ("gradient ascent", lc.train_step_ascent, "ascent"),
        ("the sum, not the mean", lc.train_step_sum, "value"),
        ("no update", lc.train_step_no_update, "value"),
        ("the loss after the update", lc.train_step_loss_after, "value"),
        ("the first layer only", lc.train_step_first_layer_only, "value"),
        # SGD(0.05) by hand gives the right weights in the first trial: iterations stays 0
        ("ignores the optimizer (SGD 0.05 by hand)", lc.train_step_fixed_rate, "technique_missing"),
        ("mean absolute error", lc.train_step_mae, "value"),
        (
            "technique: the optimizer's rate by hand, no apply_gradients",
            lc.train_step_rate_by_hand,
            "technique_missing",
        ),
        ("technique: compile + train_on_batch", lc.train_step_train_on_batch, "technique_missing"),
        ("a model, not a function", keras.Sequential(), None),
    ],
    "12.3": [
        ("one optimizer for both", lc.train_both_shared, "raised"),
        ("a fresh optimizer every step", lc.train_both_fresh_each_step, "value"),
        ("model_b never trained", lc.train_both_a_only, "value"),
        ("SGD instead of Adam", lc.train_both_sgd, "value"),
        ("one step short", lc.train_both_one_step_short, "value"),
    ],
    "12.4": [
        ("no scaling: float16 underflows", lc.scaled_gradients_unscaled, "value"),
        ("not divided by the scale", lc.scaled_gradients_no_division, "value"),
        ("scaled after the backward pass", lc.scaled_gradients_too_late, "value"),
        ("loss divided, gradients multiplied", lc.scaled_gradients_divided_loss, "value"),
        ("gradients of the first variable only", lc.scaled_gradients_first_only, "not_list"),
        ("one stacked tensor", lc.scaled_gradients_stacked, "not_list"),
        ("technique: central differences, h = 1", lc.scaled_gradients_finite, "technique_missing"),
        ("the loss function made a tensor", lc.scaled_gradients_of_the_function, "raised"),
    ],
}

RIGHT.update(lc08.RIGHT)
MISTAKES.update(lc08.MISTAKES)
RIGHT.update(lc09.RIGHT)
MISTAKES.update(lc09.MISTAKES)
MISTAKES["09.2"] = [
    *MISTAKES["09.2"],
    (
        "technique: the chain rule by hand in a tf.function",
        tf.function(lc09.target_chain_rule_by_hand),
        "technique_missing",
    ),
]
RIGHT.update(lc1011.RIGHT)
MISTAKES.update(lc1011.MISTAKES)

GENERIC = [("None", None, "none"), ("a string", "an answer", None), ("an object", object(), None)]
ROWS = [
    pytest.param(ex, answer, kind, id=f"{ex}-{what}")
    for ex, table in MISTAKES.items()
    for what, answer, kind in table + GENERIC
]


TABLES_NEEDED = (
    "exercise {}: add RIGHT[id] = [answers its check must accept] and MISTAKES[id] ="
    " [(what the learner did, answer, kind of mistake), ...] (4 rows or more, one of kind"
    " 'value') to tests/unit/test_checks.py, or to the learner_code_chNN.py it merges in"
    " (docs/authoring.md, 'Add an exercise')"
)


def test_every_exercise_has_tables():
    missing = set(checks.EXERCISES) - (set(RIGHT) & set(MISTAKES))
    assert not missing, TABLES_NEEDED.format(", ".join(sorted(missing)))
    assert set(RIGHT) == set(checks.EXERCISES) == set(MISTAKES), "a table row without an exercise"
    for exercise, table in MISTAKES.items():
        assert len(table) >= 4 and any(kind in ("value", "wrong_text") for _, _, kind in table), (
            f"MISTAKES[{exercise!r}] needs 4 rows or more, one of kind 'value' or 'wrong_text'"
        )


@pytest.mark.parametrize("exercise", sorted(checks.EXERCISES))
def test_right_answers_pass(exercise):
    assert exercise in RIGHT, TABLES_NEEDED.format(exercise)
    for i, answer in enumerate(RIGHT[exercise]):
        verdict = evaluate(exercise, answer, ("en", "zh")[i % 2])
        assert verdict.status == CORRECT, verdict.message


@pytest.mark.parametrize(("exercise", "answer", "kind"), ROWS)
def test_no_wrong_answer_passes(exercise, answer, kind):
    verdict = evaluate(exercise, answer, "en")
    assert verdict.status == WRONG, verdict.message
    if kind is not None:
        assert verdict.kind == kind, verdict.message
    assert "\n   Hint: " in verdict.message
    shown = re.findall(r"-?\d+(?:\.\d+)?(?:e-?\d+)?", verdict.message.split("\n")[0])
    for value in expected_numbers(checks.EXERCISES[exercise].spec):
        if abs(value) < 1e-12 or value in (1.0, 2.0, 3.0, 4.0):
            continue  # small integers appear in exercise numbers and shapes
        if any(math.isclose(v, value, rel_tol=1e-4) for v in numbers(answer)):
            continue  # the learner's own value is shown back, and it is close to the answer
        assert not any(math.isclose(float(s), value, rel_tol=1e-4) for s in shown), verdict.message


def numbers(answer) -> list[float]:
    """Every number in a learner's answer (tensors, arrays and tuples opened)."""
    if isinstance(answer, (tuple, list)):
        return [v for item in answer for v in numbers(item)]
    try:
        return [float(v) for v in np.ravel(np.asarray(answer, dtype=np.float64))]
    except (TypeError, ValueError, OverflowError):
        return []


def expected_numbers(spec) -> list[float]:
    if isinstance(getattr(spec, "spec", None), engine.Spec):  # FromTape and the like
        return expected_numbers(spec.spec)
    if isinstance(spec, (engine.TensorAnswer, engine.NumberAnswer)):
        return [float(v) for v in np.ravel(spec.value())]
    if isinstance(spec, engine.TupleAnswer):
        return [v for item in spec.items for v in expected_numbers(item)]
    return []


TECHNIQUE = ("technique_missing", "technique_forbidden", "technique_count", "technique_finite")
TECHNIQUE += ("technique_jacobian", "technique_cast")  # a tape's result, but not tape.gradient's
TECHNIQUE += ("technique_not_returned", "technique_changed")  # not the tensor tape.gradient gave
TECHNIQUE += ("technique_records", "technique_parents")  # chapter 11's own tape
TECHNIQUE_ROWS = [
    pytest.param(ex, answer, kind, id=f"{ex}-{what}")
    for ex, rows in MISTAKES.items()
    for what, answer, kind in rows
    if kind in TECHNIQUE or kind == "exited"
]


@pytest.mark.parametrize(("exercise", "answer", "kind"), TECHNIQUE_ROWS)
def test_wrong_technique_is_named_in_both_languages_and_twice_the_same(exercise, answer, kind):
    """The right value by a route the prompt does not ask for (or a function that tries to stop
    the notebook): ✗ with its own sentence, in English and Chinese, the same text each time."""
    for lang, start in (("en", "right value, but "), ("zh", "数值正确，但")):
        first, second = evaluate(exercise, answer, lang), evaluate(exercise, answer, lang)
        assert first == second, (first.message, second.message)
        assert first.status == WRONG and first.kind == kind, first.message
        head = first.message.split("\n")[0]
        assert head.startswith(("✗ Exercise", "✗ 练习")), head
        if kind in TECHNIQUE:
            assert start in head, head
        assert "0x" not in first.message, first.message


# answers whose verdict once held a memory address, or differed between two calls
SAME_TWICE = [
    ("08.2", lc08.vjp_swapped),  # "Passed in object <function … at 0x…>"
    ("12.4", lc.scaled_gradients_of_the_function),  # "Attempt to convert a value (<function …"
    ("12.2", lc.train_step_graph),  # a tf.function: its second call used to fail otherwise
    ("10.1", tf.function(lc1011.jvp_ok)),  # a second check must trace it again, and see it
    ("06.2", tf.function(lc.minimize_ok)),  # its optimizers' variables made inside the trace
]


@pytest.mark.parametrize(("exercise", "answer"), SAME_TWICE)
def test_the_same_answer_prints_the_same_text_twice(exercise, answer):
    for lang in ("en", "zh"):
        first, second = evaluate(exercise, answer, lang), evaluate(exercise, answer, lang)
        assert first == second and not re.search(r"0x[0-9a-f]{4}", first.message), first.message


def test_verdicts_are_deterministic_and_translated():
    for exercise, answer in (("02.4", lc.cube_slope_int), ("06.4", t(1.0 - 0.98**999, F64))):
        en, zh = evaluate(exercise, answer, "en"), evaluate(exercise, answer, "zh")
        assert en == evaluate(exercise, answer, "en")
        assert zh.kind == en.kind and zh.message.startswith(f"✗ 练习 {exercise}：")
        assert "\n   提示：" in zh.message


def test_close_numbers_print_differently():
    """06.4's tolerance is 1e-12: 999 and 1001 steps must not print the same number."""
    got = {evaluate("06.4", t(1.0 - 0.98**n, F64)).message.split("\n")[0] for n in (999, 1001)}
    assert len(got) == 2, got
    huge = evaluate("05.2", 10**400).message
    assert "(401 digits)" in huge and len(huge.split("\n")[0]) < 80


def test_errors_in_a_tf_function_show_their_cause():
    message = evaluate("05.3", lc.slope_float64).message.split("\n")[0]
    assert "in user code" not in message and "float" in message, message
    out_of_range = tf.function(lambda n: tf.gather(tf.ones([2]), n + 10))  # fails as it runs
    message = evaluate("02.4", out_of_range).message.split("\n")[0]
    assert message.endswith("InvalidArgumentError: indices = 12 is not in [0, 2)"), message


@pytest.mark.parametrize("exercise", sorted(checks.EXERCISES))
def test_placeholders_read_as_not_attempted(exercise):
    for lang, mark in (("en", "… Exercise"), ("zh", "… 练习")):
        verdict = evaluate(exercise, ..., lang)
        assert verdict.status == NOT_ATTEMPTED and verdict.message.startswith(mark)


def test_not_implemented_and_partial_tuples_read_as_not_attempted():
    assert evaluate("06.2", lc.not_implemented).status == NOT_ATTEMPTED
    assert evaluate("01.3", (..., ...)).status == NOT_ATTEMPTED


def test_printing_learner_code_stays_out_of_the_verdict(capfd):
    checks.check("05.1", lc.get_gradient_printing, lang="en")
    out, err = capfd.readouterr()
    assert out == "✓ Exercise 05.1: correct.\n" and err == ""
    checks.check("09.3", lc09.ste_printing, lang="zh")  # prints inside the check's tape.gradient
    out, err = capfd.readouterr()
    assert out == "✓ 练习 09.3：正确。\n" and err == ""


def test_messages_hold_no_run_to_run_text():
    """No memory address (a function's repr), no numbered graph function, no exception name
    said twice, so two runs of a notebook print the same verdict."""

    def raises_with_repr(n):
        raise TypeError(f"cannot use {raises_with_repr} or {object()}")

    message = evaluate("02.4", raises_with_repr).message
    assert "0x" not in message and "raises_with_repr" in message, message

    @tf.function(autograph=False)  # AutoGraph cannot read a nested function's source here
    def raises_in_graph(n):
        raise ValueError("n must be positive")

    message = evaluate("02.4", raises_in_graph).message.split("\n")[0]
    assert message.endswith("raised ValueError: n must be positive"), message
    assert engine.steady("__inference_f_1234 and while_body_42") == "__inference_f and while_body"


# ----------------------------------------------------------------------------- time bound

NEVER_ENDING = [
    ("07.3", lc.steps_uncapped),  # lr = 1: x jumps between 0 and 2 for ever
    ("07.3", lc.steps_uphill),
    ("07.3", lc.steps_x_never_moves),
    ("07.1", lc.descend_no_counter),  # a graph loop with state, its counter never moves
    ("06.2", lc.minimize_forever),  # a Python loop
    ("09.3", lc09.ste_grad_forever),  # a custom gradient, run by the check's tape.gradient
    ("09.4", lc09.sqrt_grad_forever),
]


@pytest.mark.parametrize(("exercise", "answer"), NEVER_ENDING)
def test_never_ending_code_is_stopped_within_the_bound(exercise, answer, monkeypatch, capfd):
    monkeypatch.setattr(guard, "TIME_BOUND_S", 1.0)
    start = time.monotonic()
    checks.check(exercise, answer, lang="en")
    elapsed = time.monotonic() - start
    out, err = capfd.readouterr()
    assert out.startswith(f"✗ Exercise {exercise}: ") and "did not return within 1 s" in out
    assert err == ""
    # the guard's clock runs at least 1/STRETCH as fast as the wall clock on a busy machine
    assert elapsed < guard.STRETCH * 1.0 + 1.5, elapsed
    monkeypatch.undo()  # the usual bound: a first trace on a busy machine may take over 1 s
    assert evaluate("07.3", lc.steps_ok).status == CORRECT  # TensorFlow still works after


# ----------------------------------------------------------------------------- never raises

JUNK = [
    object(),
    [],
    (),
    {},
    "",
    b"bytes",
    1j,
    [[1, 2], [3]],
    lambda: 1 / 0,
    type,
    10**400,
    float("inf"),
    np.array([]),
    tf.constant([]),
    tf.constant("text"),
    tf.ones([2, 2]),
]


@pytest.mark.parametrize("exercise", sorted(checks.EXERCISES))
def test_a_check_never_raises(exercise, capsys):
    for i, answer in enumerate(JUNK):
        checks.check(exercise, answer, lang=("en", "zh")[i % 2])
        out = capsys.readouterr().out
        assert re.match(r"[✗…] (Exercise|练习) ", out) and out.endswith("\n"), out


def test_unknown_exercise_and_language(capsys):
    assert evaluate("99.9", 1).status == checks.UNKNOWN
    assert evaluate(None, 1).status == checks.UNKNOWN
    for lang in ("fr", None, "EN"):
        checks.check("01.1", t(6.0), lang=lang)
        out = capsys.readouterr().out
        assert out.startswith("⚠ Exercise 01.1 was not checked: lang must be one of"), out


def test_messages_and_hints_in_both_languages():
    tables = [t for name, t in i18n.tables().items() if name.startswith("autodiff_course.checks")]
    chapters = {exercise.split(".")[0] for exercise in checks.EXERCISES}
    assert len(tables) == 1 + len(chapters)  # messages and one per chapter
    for table in tables:
        for key, text in table.items():
            assert set(text) == {"en", "zh"}, key
            assert placeholders(text["en"]) == placeholders(text["zh"]), key
            assert re.search(r"[\u4e00-\u9fff]", text["zh"]), key
            assert not re.search(r"[\u4e00-\u9fff）], ", text["zh"]), key  # "，" in Chinese
            assert not re.search(r"[\u2705\u274c\u23f3\ufe0f]", text["en"] + text["zh"]), key
    for exercise, ex in checks.EXERCISES.items():
        assert ex.hints[""]["en"] and ex.hints[""]["zh"], exercise


def test_zh_no_space_around_a_chinese_api():
    """A Chinese {api} (nested tapes, a graph loop) sits in the zh sentence without spaces."""
    from autodiff_course.checks.engine import Wrong
    from autodiff_course.checks.messages import MESSAGES

    nested = {lang: text.format(n=2) for lang, text in MESSAGES["nested_tapes"].items()}
    for api in (nested, MESSAGES["a_graph_loop"]):
        text = Wrong("technique_missing", api=api, why={"en": "-", "zh": "请用它。"}).text("zh")
        assert "但不是用" in text and "磁带算出来的" in text or "）算出来的" in text, text
        assert not re.search("[\u4e00-\u9fff）] [\u4e00-\u9fff（]", text), text
    code = Wrong("technique_missing", api="`tape.gradient`", why={"en": "-", "zh": "请用它。"})
    assert "用 `tape.gradient` 算" in code.text("zh")  # code keeps its spaces
