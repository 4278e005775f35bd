"""How a check judges an answer: answer specs, problems (`Wrong`) and the verdict.

A spec (TensorAnswer, NumberAnswer, TextAnswer, TupleAnswer, FunctionAnswer) raises `Wrong`
with a key of messages.MESSAGES when an answer does not fit, or `NotAttempted` when it is still
the exercise's `...`. FunctionAnswer calls learner functions through guard.Guard: within a
time bound, with what they print kept out of the notebook.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from autodiff_course.checks.guard import Guard, TimeUp
from autodiff_course.checks.messages import MESSAGES


class Wrong(Exception):  # noqa: N818 - a verdict, not an error
    """What is wrong with an answer: a key of MESSAGES, its details, where in the answer."""

    def __init__(self, kind: str, **details: Any) -> None:
        super().__init__(kind)
        self.kind, self.details = kind, details
        self.where: list[tuple[str, dict[str, Any]]] = []

    def at(self, key: str, **params: Any) -> Wrong:
        self.where.insert(0, (key, params))
        return self

    def text(self, lang: str) -> str:
        prefix = "".join(MESSAGES[k][lang].format(**p) for k, p in self.where)
        return prefix + MESSAGES[self.kind][lang].format(**self.details)


class NotAttempted(Exception):  # noqa: N818 - a verdict, not an error
    """The answer is still the exercise's `...`, or its function raises NotImplementedError."""


def short(value: Any) -> str:
    """The learner's value, briefly, deterministically, with every digit its dtype holds."""
    import numpy as np

    if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 10**15:
        digits = str(abs(value))
        return f"{'-' if value < 0 else ''}{digits[:4]}… ({len(digits)} digits)"
    arr = np.asarray(value)
    if arr.ndim == 0:
        item = arr[()]
        if isinstance(item, (np.floating, float)):
            return str(item if isinstance(item, np.floating) else np.float64(item))
        text = repr(item.item() if hasattr(item, "item") else item)
    else:
        text = np.array2string(arr, precision=6, separator=", ", threshold=20)
    return text if len(text) <= 120 else text[:117] + "..."


def cause(err: BaseException) -> str:
    """One line for an error; for a tf.function error, its cause, not "in user code:"."""
    lines = [line.strip() for line in str(err).strip().splitlines() if line.strip()]
    if lines and lines[0] == "in user code:":
        lines = lines[-1:]  # the last line is "ValueError: what went wrong"
    elif lines and lines[0].startswith("Graph execution error"):
        # "Detected at node …", a stack of "File …" lines, the cause, then "[[{{node …}}]]"
        skip = ("Detected at", "<stack", "File ", "[")
        lines = [line for line in lines[1:] if not line.startswith(skip)][-1:]
    text = lines[0] if lines else type(err).__name__
    text = re.sub(r"\{\{function_node [^}]*\}\}\s*|\s*\[Op:[^\]]*\]", "", text)  # numbered
    return text if len(text) <= 160 else text[:157] + "..."


# ----------------------------------------------------------------------------- answer kinds


class Spec:
    """The form and value an answer must have."""

    def judge(self, answer: Any) -> None:
        raise NotImplementedError  # pragma: no cover


def screen(answer: Any) -> None:
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

        screen(answer)
        if isinstance(answer, (int, float)) and not isinstance(answer, bool):
            raise Wrong("python_number", type=type(answer).__name__, got=short(answer))
        if not isinstance(answer, (tf.Tensor, tf.Variable)):
            raise Wrong("not_tensor", type=type(answer).__name__)
        if answer.dtype.name != self.dtype:
            raise Wrong("dtype", got=answer.dtype.name, want=self.dtype)
        shape = tuple(answer.shape)
        if shape != tuple(self.shape):
            raise Wrong("shape", got=shape, want=tuple(self.shape))
        got = np.asarray(answer.numpy(), dtype=np.float64)
        want = np.asarray(self.value(), dtype=np.float64)
        if not np.all(np.isfinite(got)) or not np.allclose(got, want, self.rtol, self.atol):
            raise Wrong("value", got=short(answer.numpy()))


def scalar(value: float | Callable[[], float], dtype: str = "float32", **tol: float):
    """A scalar tensor answer."""
    return TensorAnswer(value if callable(value) else (lambda: value), dtype, (), **tol)


def as_number(answer: Any) -> float:
    """A Python number, NumPy scalar, 0-d array or scalar tensor, as a float."""
    import numpy as np

    screen(answer)
    if isinstance(answer, (bool, np.bool_, str, bytes)):
        raise Wrong("not_number", type=type(answer).__name__)
    if isinstance(answer, int):
        if abs(answer) >= 2**63:
            raise Wrong("value", got=short(answer))
        return float(answer)
    if isinstance(answer, (float, np.integer, np.floating)):
        return float(answer)
    if isinstance(answer, np.ndarray) and answer.ndim == 0 and answer.dtype.kind in "iuf":
        return float(answer)
    if hasattr(answer, "numpy") and hasattr(answer, "shape") and hasattr(answer, "dtype"):
        if tuple(answer.shape) == () and (answer.dtype.is_floating or answer.dtype.is_integer):
            return float(answer.numpy())  # a scalar tensor holds a number too
    raise Wrong("not_number", type=type(answer).__name__)


@dataclass
class NumberAnswer(Spec):
    """A number: Python int/float, NumPy scalar or 0-d array, or a scalar tensor."""

    value: Callable[[], float]
    integer: bool = False
    rtol: float = 1e-6
    atol: float = 1e-9

    def judge(self, answer: Any) -> None:
        got = as_number(answer)
        if not math.isfinite(got):
            raise Wrong("value", got=short(got))
        if self.integer and got != int(got):
            raise Wrong("not_integer", got=short(got))
        if not math.isclose(got, self.value(), rel_tol=self.rtol, abs_tol=self.atol):
            raise Wrong("value", got=short(int(got) if self.integer else got))


@dataclass
class TextAnswer(Spec):
    """A string, compared exactly once surrounding spaces are removed."""

    value: str

    def judge(self, answer: Any) -> None:
        screen(answer)
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
        screen(answer)
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
                raise wrong.at("item", i=i) from None


@dataclass
class FunctionAnswer(Spec):
    """A function the check calls on its own inputs.

    `trial(run)` gets `run(*args)`, which calls the learner's function under one Guard (time
    bound, output hidden); it raises Wrong when the function misbehaves.
    """

    trial: Callable[[Callable[..., Any], Callable], None]
    graph: bool = False

    def judge(self, answer: Any) -> None:
        screen(answer)
        if not callable(answer) or isinstance(answer, type):
            raise Wrong("not_function", type=type(answer).__name__)
        if self.graph and not hasattr(answer, "get_concrete_function"):
            raise Wrong("not_graph")
        guard = Guard()
        try:
            self.trial(lambda *args: guard(answer, *args), answer)
        except (Wrong, NotAttempted):
            raise
        except TimeUp as up:
            raise Wrong("timeout", seconds=f"{up.seconds:g}") from None
        except NotImplementedError:
            raise NotAttempted from None
        except Exception as err:  # the learner's code failed: report it, never re-raise
            raise Wrong("raised", name=type(err).__name__, message=cause(err)) from None


def judge_call(spec: Spec, call: str, result: Any) -> None:
    """Judge what one call of the learner's function returned (None is wrong, not unanswered)."""
    try:
        spec.judge(result)
    except NotAttempted:
        raise Wrong("none").at("call", call=call) from None
    except Wrong as wrong:
        raise wrong.at("call", call=call) from None


# ----------------------------------------------------------------------------- exercises, verdicts


@dataclass(frozen=True)
class Exercise:
    """An exercise's spec and its hints: `hints[""]` the general one, else per problem kind."""

    spec: Spec
    hints: dict[str, dict[str, str]]

    def hint_for(self, kind: str, lang: str) -> str:
        return self.hints.get(kind, self.hints[""])[lang]


CORRECT, NOT_ATTEMPTED, WRONG = "correct", "not attempted", "wrong"
UNKNOWN, UNKNOWN_LANGUAGE = "unknown exercise", "unknown language"


@dataclass(frozen=True)
class Verdict:
    exercise: str
    status: str  # CORRECT, NOT_ATTEMPTED, WRONG, UNKNOWN or UNKNOWN_LANGUAGE
    kind: str | None  # for WRONG: the key of MESSAGES
    message: str


def verdict(exercises: dict[str, Exercise], exercise: Any, answer: Any, lang: Any) -> Verdict:
    """Judge an answer; never raises (an unknown language gets i18n.language's sentence)."""
    from autodiff_course.i18n import language

    try:
        lang = language(lang)
    except ValueError as err:
        text = MESSAGES[UNKNOWN_LANGUAGE]["en"].format(id=exercise, message=err)
        return Verdict(str(exercise), UNKNOWN_LANGUAGE, None, text)
    ex = exercises.get(exercise) if isinstance(exercise, str) else None
    if ex is None:
        return Verdict(str(exercise), UNKNOWN, None, MESSAGES[UNKNOWN][lang].format(id=exercise))
    try:
        ex.spec.judge(answer)
    except NotAttempted:
        message = MESSAGES[NOT_ATTEMPTED][lang].format(id=exercise)
        return Verdict(exercise, NOT_ATTEMPTED, None, message)
    except Wrong as wrong:
        what, hint = wrong.text(lang), ex.hint_for(wrong.kind, lang)
        message = MESSAGES[WRONG][lang].format(id=exercise, what=what, hint=hint)
        return Verdict(exercise, WRONG, wrong.kind, message)
    except Exception as err:  # a check must never raise at the learner
        wrong = Wrong("unreadable", name=type(err).__name__, message=cause(err))
        message = MESSAGES[WRONG][lang].format(
            id=exercise, what=wrong.text(lang), hint=ex.hint_for("unreadable", lang)
        )
        return Verdict(exercise, WRONG, "unreadable", message)
    return Verdict(exercise, CORRECT, None, MESSAGES[CORRECT][lang].format(id=exercise))
