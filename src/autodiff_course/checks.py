"""Exercise checks: one line after each exercise says whether the answer is right.

    from autodiff_course.checks import check
    check("01.1", answer, lang="en")

A check prints one verdict in the notebook's language: correct, not attempted yet (the answer is
still the `...` the exercise notebook starts with), or what is wrong (None, a Python number or a
NumPy array instead of a tensor, the dtype, the shape, the value, an error raised by your
function) followed by a hint. It never prints the expected answer, never raises, and prints the
same text every time for the same answer, so recorded notebook outputs stay comparable.

The expected answers live here, computed from closed forms when a check runs; the solutions
notebooks (solutions/) hold the worked answers. Introduced with the exercises of chapter 01.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from autodiff_course.quadratic import gradient_descent_closed_form, quadratic, quadratic_slope

LANGS = ("en", "zh")
CORRECT, NOT_ATTEMPTED, WRONG, UNKNOWN = "correct", "not attempted", "wrong", "unknown exercise"

# ----------------------------------------------------------------------------- messages

HEADLINES = {
    CORRECT: {"en": "✅ Exercise {id}: correct.", "zh": "✅ 练习 {id}：正确。"},
    NOT_ATTEMPTED: {
        "en": "⏳ Exercise {id}: not attempted yet. Replace the `...` with your answer, "
        "run that cell, then run this check again.",
        "zh": "⏳ 练习 {id}：尚未作答。把 `...` 换成你的答案，运行那个单元格，再运行这个检查。",
    },
    WRONG: {
        "en": "❌ Exercise {id}: {what}\n   Hint: {hint}",
        "zh": "❌ 练习 {id}：{what}\n   提示：{hint}",
    },
    UNKNOWN: {
        "en": "⚠️ There is no exercise {id} in this course: check the first argument of `check`.",
        "zh": "⚠️ 本课程没有编号为 {id} 的练习：请检查 `check` 的第一个参数。",
    },
}

# What can be wrong with an answer. {placeholders} describe the learner's answer, never the
# expected one (a shape or dtype the exercise text already names is fine).
PROBLEMS = {
    "none": {"en": "the answer is None.", "zh": "答案是 None。"},
    "python_number": {
        "en": "got the Python {type} {got}, not a tensor.",
        "zh": "得到的是 Python 的 {type} 值 {got}，而不是张量。",
    },
    "not_tensor": {
        "en": "got a {type}, not a TensorFlow tensor.",
        "zh": "得到的是 {type}，而不是 TensorFlow 张量。",
    },
    "dtype": {
        "en": "wrong dtype: got {got}, this exercise wants {want}.",
        "zh": "数据类型（dtype）不对：得到 {got}，本题要求 {want}。",
    },
    "shape": {
        "en": "wrong shape: got {got}, this exercise wants {want}.",
        "zh": "形状不对：得到 {got}，本题要求 {want}。",
    },
    "value": {"en": "wrong value: got {got}.", "zh": "数值不对：得到 {got}。"},
    "not_number": {"en": "got a {type}, not a number.", "zh": "得到的是 {type}，而不是一个数。"},
    "not_integer": {
        "en": "got {got}, but the answer is a whole number.",
        "zh": "得到 {got}，但答案应是整数。",
    },
    "not_text": {"en": "got a {type}, not a string.", "zh": "得到的是 {type}，而不是字符串。"},
    "exception_object": {
        "en": "got an exception object; store the name of its class, a string.",
        "zh": "得到的是一个异常对象；请保存它的类名（字符串）。",
    },
    "not_sequence": {
        "en": "got a {type}; this exercise wants a tuple of {want} items.",
        "zh": "得到的是 {type}；本题要求一个包含 {want} 项的元组。",
    },
    "length": {
        "en": "got {got} items; this exercise wants {want}.",
        "zh": "得到 {got} 项；本题要求 {want} 项。",
    },
    "not_function": {"en": "got a {type}, not a function.", "zh": "得到的是 {type}，而不是函数。"},
    "not_graph": {
        "en": "your function runs eagerly: it is not a `tf.function`.",
        "zh": "你的函数以 Eager 模式运行：它不是 `tf.function`。",
    },
    "no_signature": {
        "en": "your function has no `input_signature`.",
        "zh": "你的函数没有设置 `input_signature`。",
    },
    "retraced": {
        "en": "your function traced {got} times for calls that should share one trace.",
        "zh": "本该共用一次追踪的调用，你的函数却追踪了 {got} 次。",
    },
    "raised": {
        "en": "calling your function raised {name}: {message}",
        "zh": "调用你的函数时抛出了 {name}：{message}",
    },
    "unreadable": {
        "en": "the check could not read your answer ({name}: {message}).",
        "zh": "检查程序无法读取你的答案（{name}：{message}）。",
    },
}
ITEM = {"en": "item {i}: ", "zh": "第 {i} 项："}
CALL = {"en": "for {call}: ", "zh": "调用 {call} 时："}


class Wrong(Exception):  # noqa: N818 - a verdict, not an error
    """What is wrong with an answer: a key of PROBLEMS, its details, where in the answer."""

    def __init__(self, kind: str, **details: Any) -> None:
        super().__init__(kind)
        self.kind, self.details = kind, details
        self.where: list[tuple[dict[str, str], dict[str, Any]]] = []

    def at(self, template: dict[str, str], **params: Any) -> Wrong:
        self.where.insert(0, (template, params))
        return self

    def text(self, lang: str) -> str:
        prefix = "".join(t[lang].format(**p) for t, p in self.where)
        return prefix + PROBLEMS[self.kind][lang].format(**self.details)


class NotAttempted(Exception):  # noqa: N818 - a verdict, not an error
    """The answer is still the exercise's `...`, or its function raises NotImplementedError."""


def _short(value: Any) -> str:
    """The learner's value, briefly and deterministically."""
    import numpy as np

    arr = np.asarray(value)
    if arr.ndim == 0:
        item = arr.item()
        return f"{item:.9g}" if isinstance(item, float) else repr(item)
    text = np.array2string(arr, precision=6, separator=", ", threshold=20)
    return text if len(text) <= 120 else text[:117] + "..."


def _first_line(message: str) -> str:
    lines = [line.strip() for line in str(message).strip().splitlines() if line.strip()]
    text = lines[0] if lines else ""
    return text if len(text) <= 160 else text[:157] + "..."


# ----------------------------------------------------------------------------- answer kinds


class Spec:
    """The form and value an answer must have."""

    def judge(self, answer: Any) -> None:
        raise NotImplementedError


def _screen(answer: Any) -> None:
    if answer is Ellipsis:
        raise NotAttempted
    if answer is None:
        raise Wrong("none")


@dataclass
class TensorAnswer(Spec):
    """A tf.Tensor or tf.Variable with this dtype, shape and (approximately) this value."""

    value: Callable[[], Any]
    dtype: str = "float32"
    shape: tuple[int, ...] = ()
    rtol: float = 1e-5
    atol: float = 1e-6

    def judge(self, answer: Any) -> None:
        import numpy as np
        import tensorflow as tf

        _screen(answer)
        if isinstance(answer, bool) or not isinstance(answer, (int, float)):
            if not isinstance(answer, (tf.Tensor, tf.Variable)):
                raise Wrong("not_tensor", type=type(answer).__name__)
        else:
            raise Wrong("python_number", type=type(answer).__name__, got=_short(answer))
        if answer.dtype.name != self.dtype:
            raise Wrong("dtype", got=answer.dtype.name, want=self.dtype)
        shape = tuple(answer.shape)
        if shape != tuple(self.shape):
            raise Wrong("shape", got=shape, want=tuple(self.shape))
        got = np.asarray(answer.numpy(), dtype=np.float64)
        want = np.asarray(self.value(), dtype=np.float64)
        if not np.all(np.isfinite(got)) or not np.allclose(got, want, self.rtol, self.atol):
            raise Wrong("value", got=_short(answer.numpy()))


def _as_number(answer: Any) -> float:
    import numpy as np

    _screen(answer)
    if isinstance(answer, (bool, np.bool_)) or isinstance(answer, (str, bytes)):
        raise Wrong("not_number", type=type(answer).__name__)
    if isinstance(answer, (int, float, np.integer, np.floating)):
        return float(answer)
    if hasattr(answer, "numpy") and hasattr(answer, "shape") and hasattr(answer, "dtype"):
        if tuple(answer.shape) == () and (answer.dtype.is_floating or answer.dtype.is_integer):
            return float(answer.numpy())  # a scalar tensor holds a number too
    raise Wrong("not_number", type=type(answer).__name__)


@dataclass
class NumberAnswer(Spec):
    """A number: Python int/float, NumPy scalar or scalar tensor (0-d)."""

    value: Callable[[], float]
    integer: bool = False
    rtol: float = 1e-6
    atol: float = 1e-9

    def judge(self, answer: Any) -> None:
        got = _as_number(answer)
        if not math.isfinite(got):
            raise Wrong("value", got=_short(got))
        if self.integer and got != int(got):
            raise Wrong("not_integer", got=_short(got))
        if not math.isclose(got, self.value(), rel_tol=self.rtol, abs_tol=self.atol):
            raise Wrong("value", got=_short(int(got) if self.integer else got))


@dataclass
class TextAnswer(Spec):
    """A string, compared exactly once surrounding spaces are removed."""

    value: str

    def judge(self, answer: Any) -> None:
        _screen(answer)
        if isinstance(answer, BaseException) or (
            isinstance(answer, type) and issubclass(answer, BaseException)
        ):
            raise Wrong("exception_object")
        if not isinstance(answer, str):
            raise Wrong("not_text", type=type(answer).__name__)
        if answer.strip() != self.value:
            raise Wrong("value", got=repr(answer.strip()[:40]))


@dataclass
class TupleAnswer(Spec):
    """A tuple or list whose items each match their own spec."""

    items: Sequence[Spec]

    def judge(self, answer: Any) -> None:
        _screen(answer)
        if not isinstance(answer, (tuple, list)):
            raise Wrong("not_sequence", type=type(answer).__name__, want=len(self.items))
        if any(item is Ellipsis for item in answer):
            raise NotAttempted
        if len(answer) != len(self.items):
            raise Wrong("length", got=len(answer), want=len(self.items))
        for i, (item, spec) in enumerate(zip(answer, self.items, strict=True), start=1):
            try:
                spec.judge(item)
            except Wrong as wrong:
                raise wrong.at(ITEM, i=i) from None


@dataclass
class FunctionAnswer(Spec):
    """A function the check calls on its own inputs; `trial` raises Wrong if it misbehaves."""

    trial: Callable[[Callable], None]
    graph: bool = False

    def judge(self, answer: Any) -> None:
        _screen(answer)
        if not callable(answer) or isinstance(answer, type):
            raise Wrong("not_function", type=type(answer).__name__)
        if self.graph and not hasattr(answer, "get_concrete_function"):
            raise Wrong("not_graph")
        try:
            self.trial(answer)
        except (Wrong, NotAttempted):
            raise
        except NotImplementedError:
            raise NotAttempted from None
        except Exception as err:  # the learner's code failed: report it, never re-raise
            raise Wrong("raised", name=type(err).__name__, message=_first_line(err)) from None


def _judge_call(spec: Spec, call: str, result: Any) -> None:
    try:
        spec.judge(result)
    except NotAttempted:
        raise Wrong("none").at(CALL, call=call) from None
    except Wrong as wrong:
        raise wrong.at(CALL, call=call) from None


def _scalar(value: float | Callable[[], float], dtype: str = "float32", **tol: float):
    return TensorAnswer(value if callable(value) else (lambda: value), dtype, (), **tol)


# ----------------------------------------------------------------------------- trials


def _trial_get_gradient(fn: Callable) -> None:
    """05.1: get_gradient(x) -> (dy/dx, y) of the course's f, for integer and float inputs."""
    import tensorflow as tf

    for shown, arg, x0 in (
        ("get_gradient(tf.constant(3))", tf.constant(3), 3.0),
        ("get_gradient(tf.constant(0.0))", tf.constant(0.0), 0.0),
        ("get_gradient(2)", 2, 2.0),
    ):
        want = TupleAnswer([_scalar(quadratic_slope(x0)), _scalar(quadratic(x0))])
        _judge_call(want, shown, fn(arg))


def _trial_slope_signature(fn: Callable) -> None:
    """05.3: slope(x) with an input_signature: one trace for every float input."""
    import tensorflow as tf

    if getattr(fn, "input_signature", None) is None:
        raise Wrong("no_signature")
    for shown, arg, x0 in (
        ("slope(tf.constant(3.0))", tf.constant(3.0), 3.0),
        ("slope(0.5)", 0.5, 0.5),
        ("slope(-2.0)", -2.0, -2.0),
        ("slope(10.0)", 10.0, 10.0),
    ):
        _judge_call(_scalar(quadratic_slope(x0)), shown, fn(arg))
    count = fn.experimental_get_tracing_count()
    if count > 1:
        raise Wrong("retraced", got=count)


def _trial_minimize(fn: Callable) -> None:
    """06.2: minimize(loss_fn, var_list, optimizer): one step, like Keras 2's; returns the loss."""
    import keras
    import tensorflow as tf

    x = tf.Variable(0.0)
    optimizer = keras.optimizers.SGD(learning_rate=0.1)
    losses = [fn(lambda: quadratic(x), [x], optimizer) for _ in range(3)]
    want = gradient_descent_closed_form(0.0, 3, 0.1)
    _judge_call(_scalar(want), "3 × minimize(f, [x], SGD(0.1)); x", x)
    _judge_call(_scalar(quadratic(0.0)), "minimize(f, [x], SGD(0.1)) at x = 0", losses[0])

    u, v = tf.Variable(0.0), tf.Variable(0.0)
    optimizer = keras.optimizers.SGD(learning_rate=0.1)
    fn(lambda: (u - 1.0) ** 2 + (v + 2.0) ** 2, [u, v], optimizer)
    _judge_call(_scalar(0.2), "minimize((u - 1)² + (v + 2)², [u, v], SGD(0.1)); u", u)
    _judge_call(_scalar(-0.4), "minimize((u - 1)² + (v + 2)², [u, v], SGD(0.1)); v", v)


def _trial_train(fn: Callable) -> None:
    """07.2: train(epochs, f, var) runs `epochs` steps of plain gradient descent (lr 0.1)."""
    import tensorflow as tf

    for x0, target, epochs in ((0.0, 3.0, 20), (10.0, -1.0, 5)):
        var = tf.Variable(x0)

        def f(var=var, target=target):
            return (var - target) ** 2

        shown = f"train(tf.constant({epochs}), (var - {target:g})², var = tf.Variable({x0:g}))"
        result = fn(tf.constant(epochs), f, var)
        x_end = target + (x0 - target) * 0.8**epochs
        _judge_call(_scalar(x_end), shown + "; var", var)
        _judge_call(_scalar((x_end - target) ** 2, rtol=1e-4, atol=1e-7), shown, result)


def _steps_to_converge(learning_rate: float, tolerance: float = 0.01) -> int:
    x, steps = 0.0, 0
    while abs(quadratic_slope(x)) >= tolerance:
        x -= learning_rate * quadratic_slope(x)
        steps += 1
    return steps


def _trial_steps(fn: Callable) -> None:
    """07.3: steps_to_converge(lr): gradient descent from 0 until |f'(x)| < 0.01, in graph."""
    import tensorflow as tf

    for lr in (0.1, 0.25, 0.4):
        shown = f"steps_to_converge(tf.constant({lr}))"
        result = fn(tf.constant(lr))
        _judge_call(TensorAnswer(lambda: 0, "int32"), shown, _int_like(result))  # form first
        want = NumberAnswer(lambda lr=lr: _steps_to_converge(lr), integer=True)
        _judge_call(want, shown, result)


def _int_like(result: Any) -> Any:
    """For the dtype/shape part of 07.3: the returned tensor with its value replaced by 0."""
    import tensorflow as tf

    if isinstance(result, (tf.Tensor, tf.Variable)):
        return tf.zeros_like(result)
    return result


# ----------------------------------------------------------------------------- the exercises


@dataclass(frozen=True)
class Exercise:
    spec: Spec
    hint: dict[str, str]
    hints: dict[str, dict[str, str]] = field(default_factory=dict)  # per problem kind

    def hint_for(self, kind: str, lang: str) -> str:
        return self.hints.get(kind, self.hint)[lang]


def _hint(en: str, zh: str) -> dict[str, str]:
    return {"en": en, "zh": zh}


NONE_UNWATCHED = _hint(
    "A None gradient means the tape never saw that tensor: only Variables are watched "
    "automatically; anything else needs `tape.watch`.",
    "梯度为 None 说明磁带没有监视这个张量：只有变量会被自动监视，其他张量需要 `tape.watch`。",
)
INT_DTYPE = _hint(
    "Gradients flow only through floating-point tensors: turn integers into floats with "
    "`tf.cast(..., tf.float32)` before the tape records them.",
    "梯度只能流过浮点张量：在磁带记录之前，用 `tf.cast(..., tf.float32)` 把整数转成浮点数。",
)

EXERCISES: dict[str, Exercise] = {
    # 01 · The gradient tape
    "01.1": Exercise(
        _scalar(lambda: quadratic_slope(3.0)),
        _hint(
            "Compute y inside `with tf.GradientTape() as tape:`, then call `tape.gradient(y, x)` "
            "after the block. You can check the result with f′(x) = 2x − 2.",
            "在 `with tf.GradientTape() as tape:` 中计算 y，然后在代码块之后调用 "
            "`tape.gradient(y, x)`。可以用 f′(x) = 2x − 2 核对结果。",
        ),
    ),
    "01.2": Exercise(
        TensorAnswer(lambda: [quadratic_slope(x) for x in (-1.0, 0.0, 0.5, 2.0)], shape=(4,)),
        _hint(
            "One slope per point, in the given order: `assign` each point to the Variable, "
            "record a new tape each time, collect the slopes in a list and `tf.stack` it.",
            "每个点一个斜率，按题目给出的顺序：把每个点 `assign` 给变量，每次都重新开一盘磁带，"
            "把斜率收集到列表里，再用 `tf.stack` 合成一个张量。",
        ),
    ),
    "01.3": Exercise(
        TupleAnswer([NumberAnswer(lambda: quadratic_slope(2.0)), NumberAnswer(lambda: -3.0)]),
        _hint(
            "The slope m comes from the tape; the line passes through the point (x₀, f(x₀)), "
            "which gives k.",
            "斜率 m 由磁带给出；切线经过点 (x₀, f(x₀))，由此可以求出 k。",
        ),
    ),
    "01.4": Exercise(
        _scalar(lambda: -math.exp(-0.5)),
        _hint(
            "Write h with `tf.exp` on the Variable; the tape differentiates any TensorFlow "
            "operation, not just polynomials.",
            "用 `tf.exp` 对变量写出 h；磁带能对任何 TensorFlow 运算求导，不只是多项式。",
        ),
    ),
    # 02 · What the tape watches
    "02.1": Exercise(
        TupleAnswer([_scalar(100.0), _scalar(10.0), _scalar(1.0)]),
        _hint(
            "Record y at x = 10 and ask for the gradients with respect to a, b and c, in that "
            "order. ∂y/∂a is the factor that multiplies a in y.",
            "在 x = 10 处记录 y，然后按 a、b、c 的顺序求梯度。∂y/∂a 就是 y 中与 a 相乘的那一项。",
        ),
        {"none": NONE_UNWATCHED},
    ),
    "02.2": Exercise(
        _scalar(6.0),
        _hint(
            "Keep x a Variable and move it in place with `assign_add`, then record y = x² at the "
            "new value.",
            "让 x 保持为变量，用 `assign_add` 原地修改它的值，再在新的取值处记录 y = x²。",
        ),
        {
            "none": _hint(
                "`x = x + 1` makes x a new, plain tensor, which the tape does not watch. Change "
                "the Variable in place instead.",
                "`x = x + 1` 让 x 变成一个新的普通张量，磁带不会监视它。请原地修改变量。",
            )
        },
    ),
    "02.3": Exercise(
        TupleAnswer([_scalar(6.0), _scalar(0.0)]),
        _hint(
            "Look at the `unconnected_gradients` argument of `tape.gradient`.",
            "看看 `tape.gradient` 的 `unconnected_gradients` 参数。",
        ),
    ),
    "02.4": Exercise(
        _scalar(12.0),
        INT_DTYPE,
        {"none": INT_DTYPE},
    ),
    # 03 · Higher-order derivatives
    "03.1": Exercise(
        _scalar(6.0),
        _hint(
            "Nest two tapes: the inner one gives dy/dx, the outer one differentiates that "
            "result. Compute the inner gradient inside the outer block.",
            "把两盘磁带嵌套起来：内层给出 dy/dx，外层再对这个结果求导。内层的梯度要在外层的 "
            "`with` 代码块之内计算。",
        ),
        {
            "none": _hint(
                "The outer tape saw nothing: call the inner tape's `gradient` inside the outer "
                "`with` block.",
                "外层磁带什么也没记录到：请在外层 `with` 代码块之内调用内层磁带的 `gradient`。",
            )
        },
    ),
    "03.2": Exercise(
        _scalar(24.0),
        _hint(
            "Three nested tapes; each one differentiates the result of the tape inside it. "
            "Check by hand: differentiate x⁴ three times.",
            "三盘嵌套的磁带，每一盘对它里面那一盘的结果求导。可以手算核对：对 x⁴ 求三次导。",
        ),
    ),
    "03.3": Exercise(
        _scalar(1.0 - 1.0 / 12.0),
        _hint(
            "Newton's step is x₁ = x₀ − g′(x₀) / g″(x₀); get both derivatives from one pair of "
            "nested tapes.",
            "牛顿法的一步是 x₁ = x₀ − g′(x₀) / g″(x₀)；用一对嵌套的磁带同时得到两个导数。",
        ),
    ),
    # 04 · Tensors, many variables, persistent tapes
    "04.1": Exercise(
        TupleAnswer(
            [
                TensorAnswer(lambda: [[-3.0, -5.0], [0.0, 0.0], [3.0, 5.0]], shape=(3, 2)),
                TensorAnswer(lambda: [-3.0, -5.0], shape=(2,)),
            ]
        ),
        _hint(
            "Ask for both gradients at once, `tape.gradient(loss, [W, b])`; each gradient has "
            "the shape of its variable. The loss is the mean of y², not the sum.",
            "一次求出两个梯度：`tape.gradient(loss, [W, b])`；每个梯度的形状都和对应的变量相同。"
            "损失是 y² 的平均值，不是总和。",
        ),
        {"none": NONE_UNWATCHED},
    ),
    "04.2": Exercise(
        TupleAnswer([_scalar(6.0), _scalar(27.0)]),
        _hint(
            "A tape answers only once unless it is created with `persistent=True`; "
            "`del tape` afterwards.",
            "磁带默认只能求一次梯度，除非创建时设置 `persistent=True`；用完后 `del tape`。",
        ),
    ),
    "04.3": Exercise(
        TextAnswer("RuntimeError"),
        _hint(
            "Catch the error with `except Exception as err:` and store `type(err).__name__`.",
            "用 `except Exception as err:` 捕获错误，并保存 `type(err).__name__`。",
        ),
    ),
    # 05 · Tapes inside tf.function
    "05.1": Exercise(
        FunctionAnswer(_trial_get_gradient, graph=True),
        _hint(
            "Decorate the function with `@tf.function`, cast the input with "
            "`tf.cast(x, tf.float32)`, and `watch` it: it is not a Variable. Return "
            "`(dy_dx, y)` in that order.",
            "用 `@tf.function` 装饰函数，用 `tf.cast(x, tf.float32)` 转换输入，并 `watch` 它"
            "（它不是变量）。按 `(dy_dx, y)` 的顺序返回。",
        ),
        {
            "none": _hint(
                "A None gradient: either the tape did not watch x (a tensor argument is not a "
                "Variable), or x was still an integer when it was watched; cast it first.",
                "梯度为 None：要么磁带没有监视 x（张量参数不是变量），要么监视时 x 仍是整数；"
                "请先转换类型。",
            )
        },
    ),
    "05.2": Exercise(
        NumberAnswer(lambda: 4, integer=True),
        _hint(
            "Count with a Python counter that the function body increments: Python code in a "
            "`tf.function` runs only while it traces. Each new Python number means a new trace.",
            "用一个在函数体里递增的 Python 计数器来数：`tf.function` 中的 Python 代码只在追踪时"
            "运行。每个新的 Python 数都会引起一次新的追踪。",
        ),
    ),
    "05.3": Exercise(
        FunctionAnswer(_trial_slope_signature, graph=True),
        _hint(
            "Pass `input_signature=[tf.TensorSpec(shape=[], dtype=tf.float32)]` to "
            "`tf.function`, and return the gradient, dy/dx.",
            "给 `tf.function` 传入 `input_signature=[tf.TensorSpec(shape=[], "
            "dtype=tf.float32)]`，并返回梯度 dy/dx。",
        ),
        {"none": NONE_UNWATCHED},
    ),
    # 06 · Minimizing with gradient descent
    "06.1": Exercise(
        _scalar(lambda: gradient_descent_closed_form(0.0, 10, 0.1)),
        _hint(
            "Ten steps, each with a new tape: x.assign_add(−learning_rate × gradient). "
            "Mind the sign: go downhill.",
            "共十步，每一步都新开一盘磁带：x.assign_add(−学习率 × 梯度)。注意符号：要往下坡走。",
        ),
    ),
    "06.2": Exercise(
        FunctionAnswer(_trial_minimize),
        _hint(
            "Record `loss_fn()` on a tape, take the gradients with respect to `var_list`, and "
            "hand (gradient, variable) pairs to `optimizer.apply_gradients`.",
            "在磁带中计算 `loss_fn()`，对 `var_list` 求梯度，再把（梯度, 变量）对交给 "
            "`optimizer.apply_gradients`。",
        ),
    ),
    "06.3": Exercise(
        NumberAnswer(lambda: 1.0 / 4.0),
        _hint(
            "Each step multiplies the distance to the minimum by (1 − 2a·lr). The distance "
            "shrinks only while that factor lies strictly between −1 and 1.",
            "每一步都把到最小值的距离乘以 (1 − 2a·lr)。只有这个因子严格介于 −1 和 1 之间，"
            "距离才会缩小。",
        ),
    ),
    "06.4": Exercise(
        _scalar(lambda: 1.0 - 0.98**1000, "float64", rtol=1e-12, atol=1e-12),
        _hint(
            "Create the Variable with `dtype=tf.float64` and keep every constant and the "
            "learning rate in float64 too; run all 1000 steps.",
            "创建变量时指定 `dtype=tf.float64`，常量和学习率也都用 float64；完整运行 1000 步。",
        ),
    ),
    # 07 · Minimizing in graph mode
    "07.1": Exercise(
        _scalar(lambda: 3.0 - 3.0 * 0.8**50, rtol=1e-6, atol=1e-7),  # 49 steps: 1e-5 off
        _hint(
            "Inside the `tf.function`, loop with `for _ in tf.range(50):`, open a tape each "
            "step and call `optimizer.apply_gradients`. Call the function once.",
            "在 `tf.function` 里用 `for _ in tf.range(50):` 循环，每一步都新开一盘磁带并调用 "
            "`optimizer.apply_gradients`。这个函数只调用一次。",
        ),
    ),
    "07.2": Exercise(
        FunctionAnswer(_trial_train, graph=True),
        _hint(
            "Loop `for _ in tf.range(epochs):`, record `f()` on a tape, update with "
            "`var.assign_sub(LEARNING_RATE * grad)`, and return `f()` at the end.",
            "用 `for _ in tf.range(epochs):` 循环，在磁带中计算 `f()`，用 "
            "`var.assign_sub(LEARNING_RATE * grad)` 更新，最后返回 `f()`。",
        ),
    ),
    "07.3": Exercise(
        FunctionAnswer(_trial_steps, graph=True),
        _hint(
            "Use a `while` loop on tensors (AutoGraph turns it into `tf.while_loop`): keep x "
            "and the step count as tensors, stop when |f′(x)| < 0.01, return the count as int32.",
            "对张量使用 `while` 循环（AutoGraph 会把它转成 `tf.while_loop`）：x 和步数都用张量"
            "保存，当 |f′(x)| < 0.01 时停止，以 int32 返回步数。",
        ),
    ),
}


# ----------------------------------------------------------------------------- the check


@dataclass(frozen=True)
class Verdict:
    exercise: str
    status: str  # CORRECT, NOT_ATTEMPTED, WRONG or UNKNOWN
    kind: str | None  # for WRONG: the key of PROBLEMS
    message: str


def evaluate(exercise: str, answer: Any = ..., lang: str = "en") -> Verdict:
    """Judge an answer without printing: what `check` prints, as data (for tests)."""
    lang = lang if lang in LANGS else "en"
    ex = EXERCISES.get(exercise) if isinstance(exercise, str) else None
    if ex is None:
        return Verdict(str(exercise), UNKNOWN, None, HEADLINES[UNKNOWN][lang].format(id=exercise))
    try:
        ex.spec.judge(answer)
    except NotAttempted:
        message = HEADLINES[NOT_ATTEMPTED][lang].format(id=exercise)
        return Verdict(exercise, NOT_ATTEMPTED, None, message)
    except Wrong as wrong:
        what, hint = wrong.text(lang), ex.hint_for(wrong.kind, lang)
        message = HEADLINES[WRONG][lang].format(id=exercise, what=what, hint=hint)
        return Verdict(exercise, WRONG, wrong.kind, message)
    except Exception as err:  # a check must never raise at the learner
        wrong = Wrong("unreadable", name=type(err).__name__, message=_first_line(err))
        message = HEADLINES[WRONG][lang].format(
            id=exercise, what=wrong.text(lang), hint=ex.hint_for("unreadable", lang)
        )
        return Verdict(exercise, WRONG, "unreadable", message)
    return Verdict(exercise, CORRECT, None, HEADLINES[CORRECT][lang].format(id=exercise))


def check(exercise: str, answer: Any = ..., lang: str = "en") -> None:
    """Print whether `answer` solves `exercise` ("01.1", ...), in English or Chinese ("zh")."""
    try:
        verdict = evaluate(exercise, answer, lang)
        print(verdict.message)
    except Exception as err:  # pragma: no cover - evaluate already catches everything
        print(f"⚠️ {exercise}: {type(err).__name__}")
