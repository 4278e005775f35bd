"""The exercise checks: right answers pass, typical wrong answers are rejected with the right
diagnosis, untouched placeholders read as "not attempted yet", and a check never raises."""

from __future__ import annotations

import math
import re

import numpy as np
import pytest

tf = pytest.importorskip("tensorflow")
keras = pytest.importorskip("keras")

from autodiff_course import checks  # noqa: E402
from autodiff_course.checks import CORRECT, NOT_ATTEMPTED, UNKNOWN, WRONG, evaluate  # noqa: E402

F32, F64 = tf.float32, tf.float64


def t(value, dtype=F32):
    return tf.constant(value, dtype=dtype)


# --------------------------------------------------------------------------- learner functions


@tf.function
def get_gradient_ok(x):
    x = tf.cast(x, tf.float32)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = x**2 - 2 * x + 1
    return tape.gradient(y, x), y


def get_gradient_eager(x):
    return get_gradient_ok(x)


@tf.function
def get_gradient_uncast(x):  # integers reach the tape: tf.function raises
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = x**2 - 2 * x + 1
    return tape.gradient(y, x), y


@tf.function
def get_gradient_swapped(x):
    dy_dx, y = get_gradient_ok(x)
    return y, dy_dx


@tf.function
def get_gradient_unwatched(x):
    x = tf.cast(x, tf.float32)
    with tf.GradientTape() as tape:
        y = x**2 - 2 * x + 1
    return tape.gradient(y, x), y


@tf.function
def get_gradient_only_slope(x):
    return get_gradient_ok(x)[0]


def not_implemented(*args):
    raise NotImplementedError


SIG = [tf.TensorSpec(shape=[], dtype=tf.float32)]


def slope_body(x):
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = x**2 - 2 * x + 1
    return tape.gradient(y, x)


slope_ok = tf.function(slope_body, input_signature=SIG)
slope_no_signature = tf.function(slope_body)
slope_float64 = tf.function(slope_body, input_signature=[tf.TensorSpec([], tf.float64)])
slope_returns_y = tf.function(lambda x: x**2 - 2 * x + 1, input_signature=SIG)


class RetracingFunction:
    """Looks like a tf.function with a signature, but reports many traces."""

    input_signature = tuple(SIG)

    def get_concrete_function(self, *args):  # pragma: no cover - only its presence matters
        return None

    def experimental_get_tracing_count(self):
        return 5

    def __call__(self, x):
        return slope_ok(x)


def minimize_ok(loss_fn, var_list, optimizer):
    with tf.GradientTape() as tape:
        loss = loss_fn()
    grads = tape.gradient(loss, var_list)
    optimizer.apply_gradients(zip(grads, var_list, strict=True))
    return loss


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


def make_steps(condition, result=lambda steps, x: steps):
    @tf.function
    def steps_to_converge(learning_rate):
        x = tf.constant(0.0)
        steps = tf.constant(0)
        while condition(tf.abs(2 * x - 2)):
            x -= learning_rate * (2 * x - 2)
            steps += 1
        return result(steps, x)

    return steps_to_converge


steps_ok = make_steps(lambda s: s >= 0.01)
steps_plus_one = make_steps(lambda s: s >= 0.01, lambda steps, x: steps + 1)
steps_float = make_steps(lambda s: s >= 0.01, lambda steps, x: tf.cast(steps, tf.float32))
steps_returns_x = make_steps(lambda s: s >= 0.01, lambda steps, x: x)
steps_loose = make_steps(lambda s: s >= 0.1)


def steps_eager(learning_rate):
    return steps_ok(learning_rate)


# --------------------------------------------------------------------------- the tables

DW = [[-3.0, -5.0], [0.0, 0.0], [3.0, 5.0]]
DB = [-3.0, -5.0]

RIGHT = {
    "01.1": [t(4.0), tf.Variable(4.0)],
    "01.2": [t([-4.0, -2.0, -1.0, 2.0])],
    "01.3": [(2.0, -3.0), [t(2.0), t(-3.0)], (2, -3)],
    "01.4": [t(-math.exp(-0.5))],
    "02.1": [(t(100.0), t(10.0), t(1.0)), [t(100.0), t(10.0), t(1.0)]],
    "02.2": [t(6.0)],
    "02.3": [(t(6.0), t(0.0))],
    "02.4": [t(12.0)],
    "03.1": [t(6.0)],
    "03.2": [t(24.0)],
    "03.3": [t(11.0 / 12.0)],
    "04.1": [(t(DW), t(DB))],
    "04.2": [(t(6.0), t(27.0))],
    "04.3": ["RuntimeError", " RuntimeError "],
    "05.1": [get_gradient_ok],
    "05.2": [4, 4.0, np.int64(4), t(4, tf.int32)],
    "05.3": [slope_ok],
    "06.1": [t(1.0 - 0.8**10), tf.Variable(1.0 - 0.8**10)],
    "06.2": [minimize_ok],
    "06.3": [0.25, 1 / 4, t(0.25)],
    "06.4": [t(1.0 - 0.98**1000, F64), tf.Variable(1.0 - 0.98**1000, dtype=F64)],
    "07.1": [t(3.0 - 3.0 * 0.8**50)],
    "07.2": [train_ok],
    "07.3": [steps_ok],
}

# (answer, what the check must say is wrong). Every exercise also gets the generic rows below.
WRONG_ANSWERS = {
    "01.1": [
        (t(-2.0), "value"),  # the slope at the old x: a tape recorded before x changed
        (t(4.0, F64), "dtype"),
        (t([4.0]), "shape"),
        (4.0, "python_number"),
        (np.float32(4.0), "not_tensor"),
        (t(4, tf.int32), "dtype"),
    ],
    "01.2": [
        (t([-2.0, -2.0, -2.0, -2.0]), "value"),  # one tape reused: always the first slope
        (t([2.0, -1.0, -2.0, -4.0]), "value"),  # wrong order
        (t([[-4.0], [-2.0], [-1.0], [2.0]]), "shape"),
        (t([-4.0, -2.0, -1.0]), "shape"),
        ([t(-4.0), t(-2.0), t(-1.0), t(2.0)], "not_tensor"),  # a list, not stacked
        (t([-4, -2, -1, 2], tf.int32), "dtype"),
        (np.array([-4.0, -2.0, -1.0, 2.0], np.float32), "not_tensor"),
    ],
    "01.3": [
        ((2.0, 1.0), "value"),  # k = f(x0), forgot − m·x0
        ((-3.0, 2.0), "value"),  # swapped
        ((2.0,), "length"),
        (2.0, "not_sequence"),
        ((None, -3.0), "none"),
        (("2", "-3"), "not_number"),
        ((True, -3.0), "not_number"),
        ((t([2.0]), -3.0), "not_number"),
    ],
    "01.4": [
        (t(math.exp(-0.5)), "value"),  # sign lost
        (t(-0.6), "value"),  # rounded by hand
        (t(math.exp(-0.5) * 0 + math.exp(-0.5)), "value"),
        (-math.exp(-0.5), "python_number"),
    ],
    "02.1": [
        ((None, None, None), "none"),  # constants not watched
        ((100.0, 10.0, 1.0), "python_number"),
        ((t(10.0), t(100.0), t(1.0)), "value"),  # order
        ((t(18.0), t(100.0), t(10.0), t(1.0)), "length"),  # dy/dx included
        (t([100.0, 10.0, 1.0]), "not_sequence"),
    ],
    "02.2": [
        (None, "none"),  # x = x + 1: x became a plain tensor
        (t(4.0), "value"),  # the slope at 2: x was not moved
        (6.0, "python_number"),
    ],
    "02.3": [
        ((t(6.0), None), "none"),  # the default: None for z
        ((6.0, 0.0), "python_number"),
        ((t(6.0), t(0, tf.int32)), "dtype"),
        ((t(0.0), t(6.0)), "value"),
    ],
    "02.4": [
        (None, "none"),  # watched an integer tensor
        (t(12, tf.int32), "dtype"),
        (t(12.0, F64), "dtype"),
        (12.0, "python_number"),
        (t(4.0), "value"),  # 2x instead of 3x²
    ],
    "03.1": [
        (t(2.0), "value"),  # 2a with the chapter's a = 1
        (t(13.0), "value"),  # the first derivative
        (None, "none"),  # inner gradient taken outside the outer block
    ],
    "03.2": [
        (t(0.0), "value"),
        (t(12.0), "value"),  # second derivative
        (None, "none"),
        (24, "python_number"),
    ],
    "03.3": [
        (t(1.0), "value"),  # no step
        (t(1.0 + 1.0 / 12.0), "value"),  # wrong sign
        (t(0.0), "value"),  # x − g′(x) with a unit learning rate
        (11.0 / 12.0, "python_number"),
    ],
    "04.1": [
        ((t(DB), t(DW)), "shape"),  # swapped
        ((tf.transpose(t(DW)), t(DB)), "shape"),
        ((t(DW) * 2, t(DB) * 2), "value"),  # sum instead of mean
        ((t(DW), None), "none"),
        ((t(DW),), "length"),
    ],
    "04.2": [
        ((t(6.0), None), "none"),
        ((t(4.0), t(12.0)), "value"),  # at x = 2
        ((t(6.0), t(27.0, F64)), "dtype"),
        ((6.0, 27.0), "python_number"),
    ],
    "04.3": [
        ("ValueError", "value"),
        ("runtimeerror", "value"),
        (RuntimeError("gradient twice"), "exception_object"),
        (RuntimeError, "exception_object"),
        (42, "not_text"),
        (None, "none"),
    ],
    "05.1": [
        (get_gradient_eager, "not_graph"),
        (get_gradient_uncast, "none"),  # an int32 tensor watched: no gradient
        (get_gradient_swapped, "value"),
        (get_gradient_unwatched, "none"),
        (get_gradient_only_slope, "not_sequence"),
        (3, "not_function"),
        (None, "none"),
    ],
    "05.2": [
        (7, "value"),  # one trace per call
        (3, "value"),  # forgot the tensors' trace
        (5, "value"),  # 1.0 counted twice
        (4.5, "not_integer"),
        ("4", "not_number"),
        (None, "none"),
    ],
    "05.3": [
        (slope_no_signature, "no_signature"),
        (slope_float64, "raised"),
        (slope_returns_y, "value"),
        (RetracingFunction(), "retraced"),
        (slope_body, "not_graph"),
        ("slope", "not_function"),
    ],
    "06.1": [
        (t(1.0 - 1.2**10), "value"),  # uphill: + instead of −
        (t(1.0 - 0.8**9), "value"),  # one step short
        (t(1.0 - 0.98**10), "value"),  # learning rate 0.01
        (1.0 - 0.8**10, "python_number"),
        (t(1.0 - 0.8**10, F64), "dtype"),
    ],
    "06.2": [
        (minimize_no_return, "none"),
        (minimize_ascent, "value"),
        (minimize_keras2, "raised"),
        (minimize_first_variable_only, "value"),
        (not_implemented, None),  # not attempted: checked below
    ],
    "06.3": [
        (0.5, "value"),  # 2/a
        (0.125, "value"),  # 1/(2a): the one-step learning rate, not the limit
        (1.0, "value"),  # the chapter's a = 1
        (0.24, "value"),  # a stable rate, not the limit
        ("0.25", "not_number"),
        (t([0.25]), "not_number"),
        (float("nan"), "value"),
    ],
    "06.4": [
        (t(0.99999857), "dtype"),  # float32: the plateau
        (t(0.99999857, F64), "value"),  # float64 Variable, float32 arithmetic
        (1.0 - 0.98**1000, "python_number"),
        (t(1.0, F64), "value"),
        (t(1.0 - 0.98**999, F64), "value"),  # one step short
    ],
    "07.1": [
        (t(3.0 - 3.0 * 0.8**49), "value"),  # one step short
        (t(3.0), "value"),
        (t(3.0 - 3.0 * 0.8**50, F64), "dtype"),
        (3.0 - 3.0 * 0.8**50, "python_number"),
    ],
    "07.2": [
        (train_eager, "not_graph"),
        (train_no_return, "none"),
        (train_slow, "value"),
        (train_one_step_too_few, "value"),
        (train_fixed_target, "value"),
        (lambda: 0, "not_graph"),
    ],
    "07.3": [
        (steps_eager, "not_graph"),
        (steps_plus_one, "value"),
        (steps_float, "dtype"),
        (steps_returns_x, "dtype"),
        (steps_loose, "value"),
    ],
}

GENERIC_WRONG = [(None, "none"), ("an answer", None), (object(), None), ({"a": 1}, None)]


def rows():
    for exercise, table in WRONG_ANSWERS.items():
        for i, (answer, kind) in enumerate(table + GENERIC_WRONG):
            if kind is None and answer is not_implemented:
                continue
            yield pytest.param(exercise, answer, kind, id=f"{exercise}-{i}")


def test_every_exercise_has_tables():
    assert set(RIGHT) == set(checks.EXERCISES) == set(WRONG_ANSWERS)
    for exercise, table in WRONG_ANSWERS.items():
        assert len(table) >= 3, exercise


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("exercise", sorted(checks.EXERCISES))
def test_right_answers_pass(exercise, lang):
    for answer in RIGHT[exercise]:
        verdict = evaluate(exercise, answer, lang)
        assert verdict.status == CORRECT, verdict.message


@pytest.mark.parametrize(("exercise", "answer", "kind"), list(rows()))
def test_wrong_answers_are_rejected(exercise, answer, kind):
    for lang in ("en", "zh"):
        verdict = evaluate(exercise, answer, lang)
        assert verdict.status == WRONG, verdict.message
        if kind is not None:
            assert verdict.kind == kind, verdict.message
        hint_word = {"en": "Hint:", "zh": "提示："}[lang]
        assert hint_word in verdict.message
        assert verdict.message == evaluate(exercise, answer, lang).message  # deterministic


@pytest.mark.parametrize("exercise", sorted(checks.EXERCISES))
def test_placeholders_read_as_not_attempted(exercise):
    for lang in ("en", "zh"):
        verdict = evaluate(exercise, ..., lang)
        assert verdict.status == NOT_ATTEMPTED
        assert verdict.message.startswith("⏳")
    assert evaluate("06.2", not_implemented).status == NOT_ATTEMPTED
    assert evaluate("01.3", (..., ...)).status == NOT_ATTEMPTED


def expected_numbers(spec) -> list[float]:
    """The expected values of an exercise, for the test that messages never show them."""
    if isinstance(spec, (checks.TensorAnswer, checks.NumberAnswer)):
        return [float(v) for v in np.ravel(spec.value())]
    if isinstance(spec, checks.TupleAnswer):
        return [v for item in spec.items for v in expected_numbers(item)]
    return []


@pytest.mark.parametrize(("exercise", "answer", "kind"), list(rows()))
def test_messages_never_show_the_answer(exercise, answer, kind):
    spec = checks.EXERCISES[exercise].spec
    for lang in ("en", "zh"):
        message = evaluate(exercise, answer, lang).message
        shown = re.findall(r"-?\d+(?:\.\d+)?(?:e-?\d+)?", message.split("\n")[0])
        got = {float(s) for s in shown}
        for value in expected_numbers(spec):
            if abs(value) < 1e-12 or value in (1.0, 2.0, 3.0, 4.0):
                continue  # small integers appear in exercise numbers and shapes
            if any(_close(v, value) for v in numbers(answer)):
                continue  # the learner's own value is shown back, and it happens to be right
            assert not any(_close(g, value) for g in got), message


def numbers(answer) -> list[float]:
    """Every number in a learner's answer (tensors, arrays and tuples opened)."""
    if isinstance(answer, (tuple, list)):
        return [v for item in answer for v in numbers(item)]
    if isinstance(answer, (tf.Tensor, tf.Variable, np.ndarray, int, float, np.number)):
        try:
            return [float(v) for v in np.ravel(np.asarray(answer, dtype=np.float64))]
        except (TypeError, ValueError):
            return []
    return []


def _close(a, b) -> bool:
    try:
        return math.isclose(float(a), float(b), rel_tol=1e-4)
    except (TypeError, ValueError):
        return False


JUNK = [object(), [], (), {}, "", b"bytes", 1j, [[1, 2], [3]], lambda: 1 / 0, type, Ellipsis,
        float("inf"), np.array([]), tf.constant([]), tf.constant("text"), tf.ones([2, 2])]


@pytest.mark.parametrize("exercise", sorted(checks.EXERCISES))
def test_a_check_never_raises(exercise, capsys):
    for answer in JUNK:
        for lang in ("en", "zh", "fr"):
            checks.check(exercise, answer, lang=lang)
            out = capsys.readouterr().out
            assert out.strip() and out.endswith("\n")
            assert evaluate(exercise, answer, lang).status in (WRONG, NOT_ATTEMPTED)


def test_unknown_exercise_and_language():
    assert evaluate("99.9", 1).status == UNKNOWN
    assert evaluate(None, 1).status == UNKNOWN
    assert evaluate("01.1", t(4.0), lang="fr").message.startswith("✅ Exercise")


def test_messages_exist_in_both_languages():
    for kind, text in checks.PROBLEMS.items():
        assert set(text) == {"en", "zh"}, kind
    for exercise, ex in checks.EXERCISES.items():
        assert ex.hint["en"] and ex.hint["zh"], exercise
        assert re.search(r"[\u4e00-\u9fff]", ex.hint["zh"]), exercise
        for hint in ex.hints.values():
            assert hint["en"] and re.search(r"[\u4e00-\u9fff]", hint["zh"])


def test_verdict_lines_in_each_language(capsys):
    checks.check("02.4", t(12, tf.int32), lang="zh")
    out = capsys.readouterr().out
    assert out.startswith("❌ 练习 02.4：数据类型（dtype）不对：得到 int32，本题要求 float32。")
    assert "提示：" in out
    checks.check("02.4", None, lang="en")
    out = capsys.readouterr().out
    assert out.startswith("❌ Exercise 02.4: the answer is None.\n   Hint: ")
