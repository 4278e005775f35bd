"""Checks for the exercises of chapters 10 and 11, until the `checks/` package lands on main.

The exercises, hints and trials are written as `checks/ch10.py` and `checks/ch11.py` will hold
them (a trial is `trial(run, fn)`; `run(*args)` calls the learner's function); `check` and
`evaluate` judge them with the course's engine in `autodiff_course.checks`. When `checks/`
lands, the two tables move into ch10.py / ch11.py and the notebooks import `check` from there.
"""

from __future__ import annotations

import math
from typing import Any

from autodiff_course import checks as _engine
from autodiff_course.i18n import strings

# Two answer problems the engine does not have yet (own-tape answers are not tensors).
PROBLEMS = strings(
    __name__ + ".problems",
    {
        "not_value": {
            "en": "got a value of type {type}, not a Value of the chapter's tape.",
            "zh": "得到的是 {type} 类型的值，而不是本章磁带的 Value。",
        },
        "not_recorded": {
            "en": "the tape did not record the result, so the backward pass cannot reach the "
            "input.",
            "zh": "磁带没有记录这个结果，所以反向传播到不了输入。",
        },
    },
)
_engine.PROBLEMS.update(PROBLEMS)

HINTS = strings(
    __name__,
    {
        "10.1": {
            "en": "Open `tf.autodiff.ForwardAccumulator(x, v)` around the computation of y and "
            "read `acc.jvp(y)`: one value per output of f. A tape gives vᵀJ-type products "
            "(one value per input) instead.",
            "zh": "用 `tf.autodiff.ForwardAccumulator(x, v)` 包住 y 的计算，再读取 `acc.jvp(y)`："
            "f 的每个输出对应一个值。磁带给出的是 vᵀJ 这类乘积（每个输入一个值）。",
        },
        "10.2": {
            "en": "For each input i, one JVP with the tangent `tf.one_hot(i, n)` gives column i; "
            "stack the columns with `axis=1`, so the result has shape (m, n): one row per "
            "output.",
            "zh": "对每个输入 i，以 `tf.one_hot(i, n)` 为切向量做一次 JVP，得到第 i 列；"
            "用 `axis=1` 把各列堆叠起来，结果形状为 (m, n)：每个输出占一行。",
        },
        "10.3": {
            "en": "Put a `tf.GradientTape` that computes the gradient inside a "
            "`tf.autodiff.ForwardAccumulator(x, v)`, and return `acc.jvp(gradient)`: a vector "
            "with one entry per input, H·v.",
            "zh": "把计算梯度的 `tf.GradientTape` 放进 `tf.autodiff.ForwardAccumulator(x, v)` "
            "里面，返回 `acc.jvp(gradient)`：一个每个输入对应一项的向量，即 H·v。",
        },
        "10.4": {
            "en": "Forward mode needs one JVP per input, reverse mode one VJP per output: pick "
            "the mode with fewer products, then count them.",
            "zh": "前向模式每个输入需要一次 JVP，反向模式每个输出需要一次 VJP："
            "选乘积次数少的模式，再数一数要几次。",
        },
        "10.4.text": {
            "en": "Write the mode as the string 'forward' or 'reverse'.",
            "zh": "把模式写成字符串 'forward' 或 'reverse'。",
        },
        "11.1": {
            "en": "Count (record, parent) pairs whose parent is x, not records: `x * x` lists x "
            "twice. `backward(tape, f, log)` logs every addition, so you can count them.",
            "zh": "数的是父节点为 x 的（记录，父节点）对，而不是记录条数：`x * x` 里 x 出现了两次。"
            "`backward(tape, f, log)` 会把每次累加都记进 log，可以用它来数。",
        },
        "11.2": {
            "en": "Return `Value(math.tanh(v.data), parents=((v, local),), op='tanh')`; the "
            "local derivative of tanh is 1 − tanh(u)², computed from the result, not from u.",
            "zh": "返回 `Value(math.tanh(v.data), parents=((v, local),), op='tanh')`；"
            "tanh 的局部导数是 1 − tanh(u)²，用结果来算，而不是用 u。",
        },
        "11.2.none": {
            "en": "The gradient did not reach the input: the new Value must list v as its "
            "parent, with the local derivative.",
            "zh": "梯度没有传到输入：新的 Value 必须把 v 列为父节点，并带上局部导数。",
        },
        "11.3": {
            "en": "Visit the records from last to first (`reversed(tape.records)`), and add to "
            "a parent's adjoint (+=) rather than overwrite it: a value used twice receives "
            "twice.",
            "zh": "从最后一条记录往前访问（`reversed(tape.records)`），对父节点的伴随值用累加"
            "（+=）而不是覆盖：被用了两次的值会收到两次。",
        },
    },
)


def _hints(key: str, **per_kind: str) -> tuple[dict, dict]:
    return HINTS[key], {kind: HINTS[name] for kind, name in per_kind.items()}


def _exercise(spec, key, **per_kind):
    hint, hints = _hints(key, **per_kind)
    return _engine.Exercise(spec, hint, hints)


def _function(trial) -> Any:
    """A FunctionAnswer whose trial has the `checks/` form trial(run, fn)."""
    return _engine.FunctionAnswer(lambda fn: trial(fn, fn))


# ----------------------------------------------------------------------------- chapter 10


def _f_jvp(x):
    """10.1's function, R² → R³."""
    import tensorflow as tf

    return tf.stack([x[0] ** 2, x[0] * x[1], tf.sin(x[1])])


def _jvp_10_1():
    return [6.0, 5.0, -math.cos(2.0)]


def _columns_cases():
    import tensorflow as tf

    return [
        (
            "f(x) = [x0·x1·x2, sin(x0) + x2²], x = [0.5, −1, 2]",
            lambda x: tf.stack([x[0] * x[1] * x[2], tf.sin(x[0]) + x[2] ** 2]),
            [0.5, -1.0, 2.0],
        ),
        (
            "f(x) = [x0, x1², x0·x1, exp(x0 − x1)], x = [0.3, 0.8]",
            lambda x: tf.stack([x[0], x[1] ** 2, x[0] * x[1], tf.exp(x[0] - x[1])]),
            [0.3, 0.8],
        ),
        (
            "f(x) = [x1, 2·x2, 3·x0], x = [1, 2, 3]",
            lambda x: tf.stack([x[1], 2 * x[2], 3 * x[0]]),
            [1.0, 2.0, 3.0],
        ),
    ]


def _trial_columns(run, fn) -> None:
    """10.2: jacobian_by_columns(f, x) equals tape.jacobian for wide, tall and square f."""
    import tensorflow as tf

    for shown, f, point in _columns_cases():
        x = tf.constant(point)
        with tf.GradientTape() as tape:
            tape.watch(x)
            y = f(x)
        want = tape.jacobian(y, x).numpy()
        spec = _engine.TensorAnswer(lambda want=want: want, "float32", want.shape)
        _engine._judge_call(spec, f"jacobian_by_columns({shown})", run(f, x))


def _hvp_cases():
    import tensorflow as tf

    return [
        (
            "f(x) = Σx³ + x0·x1·x2, x = [0.3, −0.7, 1.1], v = [0.5, 2, −1]",
            lambda x: tf.reduce_sum(x**3) + x[0] * x[1] * x[2],
            [0.3, -0.7, 1.1],
            [0.5, 2.0, -1.0],
        ),
        (
            "f(x) = Σ x·exp(x) + x0²·x3, x = [0.1, 0.2, −0.3, 0.4], v = [1, 0, 0, −1]",
            lambda x: tf.reduce_sum(x * tf.exp(x)) + x[0] ** 2 * x[3],
            [0.1, 0.2, -0.3, 0.4],
            [1.0, 0.0, 0.0, -1.0],
        ),
    ]


def _trial_hvp(run, fn) -> None:
    """10.3: hvp(f, x, v) equals the nested-tape Hessian times v."""
    import tensorflow as tf

    for shown, f, point, direction in _hvp_cases():
        x, v = tf.constant(point), tf.constant(direction)
        with tf.GradientTape() as outer:
            outer.watch(x)
            with tf.GradientTape() as inner:
                inner.watch(x)
                y = f(x)
            gradient = inner.gradient(y, x)
        want = tf.linalg.matvec(outer.jacobian(gradient, x), v).numpy()
        spec = _engine.TensorAnswer(lambda want=want: want, "float32", want.shape)
        _engine._judge_call(spec, f"hvp({shown})", run(f, x, v))


# ----------------------------------------------------------------------------- chapter 11


def _trial_tanh(run, fn) -> None:
    """11.2: tanh(v) gives tanh's value, is recorded, and passes 1 − tanh² back to v."""
    from autodiff_course.minitape import Tape, Value

    for point in (0.5, -1.3, 0.0):
        x = Value(point, "x")
        with Tape() as tape:
            y = run(x)
        shown = f"tanh(Value({point:g}))"
        if not isinstance(y, Value):
            raise _engine.Wrong("not_value", type=type(y).__name__).at(_engine.CALL, call=shown)
        value = _engine.NumberAnswer(lambda p=point: math.tanh(p), rtol=1e-12, atol=1e-12)
        _engine._judge_call(value, shown, y.data)
        if y not in tape.records:
            raise _engine.Wrong("not_recorded").at(_engine.CALL, call=shown)
        (gradient,) = tape.gradient(y, [x])
        slope = _engine.NumberAnswer(lambda p=point: 1 - math.tanh(p) ** 2, rtol=1e-9, atol=1e-12)
        _engine._judge_call(slope, f"d {shown} / dx", gradient)
    # inside a longer expression: d/dx [tanh(a·x)·x] = a·x·(1 − tanh²(a·x)) + tanh(a·x)
    a, x = Value(0.7, "a"), Value(1.2, "x")
    with Tape() as tape:
        y = run(a * x) * x
    t = math.tanh(0.84)
    want = 0.7 * 1.2 * (1 - t * t) + t
    slope = _engine.NumberAnswer(lambda: want, rtol=1e-9, atol=1e-12)
    _engine._judge_call(slope, "d [tanh(a·x)·x] / dx at a = 0.7, x = 1.2", tape.gradient(y, [x])[0])


def _graphs():
    """Tapes the check runs the learner's backward pass on (expected: the chapter's backward)."""
    from autodiff_course.minitape import Tape, Value, exp

    cases = []
    a, b, c, x = (Value(v, n) for v, n in ((0.5, "a"), (1.5, "b"), (-2.0, "c"), (-0.8, "x")))
    with Tape() as tape:
        f = a * x**2 + b * x + c
    cases.append(("a·x² + b·x + c", tape, f, [a, b, c, x]))
    # a shared intermediate: u is used by three records
    x, y = Value(1.5, "x"), Value(-0.5, "y")
    with Tape() as tape:
        u = x * y
        f = u * u + u * x + exp(u)
    cases.append(("u = x·y; u·u + u·x + exp(u)", tape, f, [x, y]))
    # a chain of 14 records, v1 … v14 (sorted by name, v10 comes before v2)
    x = Value(0.9, "x")
    with Tape() as tape:
        h = x
        for k in range(7):
            h = h * x + (k + 1) * 0.1
    cases.append(("h = x; 7 × (h = h·x + 0.1·k)", tape, h, [x]))
    return cases


def _trial_backward(run, fn) -> None:
    """11.3: gradient_fixed(tape, target, sources) on tapes where the order matters."""
    for shown, tape, target, sources in _graphs():
        want = tape.gradient(target, sources)  # the chapter's backward pass
        spec = _engine.TupleAnswer(
            [_engine.NumberAnswer(lambda w=w: w, rtol=1e-9, atol=1e-12) for w in want]
        )
        _engine._judge_call(spec, f"gradient_fixed({shown})", run(tape, target, sources))


EXERCISES = {
    "10.1": _exercise(_engine.TensorAnswer(_jvp_10_1, "float32", (3,)), "10.1"),
    "10.2": _exercise(_function(_trial_columns), "10.2"),
    "10.3": _exercise(_function(_trial_hvp), "10.3"),
    "10.4": _exercise(
        _engine.TupleAnswer([_engine.TextAnswer("forward"), _engine.NumberAnswer(lambda: 3, True)]),
        "10.4",
        not_text="10.4.text",
    ),
    "11.1": _exercise(_engine.NumberAnswer(lambda: 4, integer=True), "11.1"),
    "11.2": _exercise(_function(_trial_tanh), "11.2", none="11.2.none", not_recorded="11.2.none"),
    "11.3": _exercise(_function(_trial_backward), "11.3"),
}


def evaluate(exercise: str, answer: Any = ..., lang: str = "en"):
    """The engine's verdict, with this module's exercises added for the call."""
    saved = dict(_engine.EXERCISES)
    _engine.EXERCISES.update(EXERCISES)
    try:
        return _engine.evaluate(exercise, answer, lang)
    finally:
        _engine.EXERCISES.clear()
        _engine.EXERCISES.update(saved)


def check(exercise: str, answer: Any = ..., lang: str = "en") -> None:
    """Print whether `answer` solves `exercise` ("10.1", ...), in English or Chinese ("zh")."""
    try:
        print(evaluate(exercise, answer, lang).message)
    except BaseException as err:  # evaluate catches everything
        print(f"⚠ {exercise}: {type(err).__name__}")
