"""How a check judges an answer: answer specs, problems (`Wrong`) and the verdict.

A spec (TensorAnswer, NumberAnswer, IntAnswer, TextAnswer, TupleAnswer, FunctionAnswer) raises
`Wrong` with a key of messages.MESSAGES when an answer does not fit, or `NotAttempted` when it
is still the exercise's `...`; `judge_values` names a wrong value more precisely (a known slip,
the opposite sign, the entries that are off). FunctionAnswer runs its whole trial (the
learner's function and whatever learner code TensorFlow calls back during it) inside
guard.Guard: within a time bound, with what it prints kept out of the notebook. How an answer
was computed is judged with technique.py.

A detail of `Wrong` may be a {"en": ..., "zh": ...} dict: it is shown in the verdict's language.
Every verdict goes through `steady`, which drops run-to-run text (memory addresses, numbered
graph functions), so the same answer always prints the same text.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from autodiff_course.checks.guard import Exited, Guard, TimeUp, call_learner
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
        def local(params: dict[str, Any]) -> dict[str, Any]:
            return {
                k: v[lang] if isinstance(v, dict) and lang in v else v for k, v in params.items()
            }

        prefix = "".join(MESSAGES[k][lang].format(**local(p)) for k, p in self.where)
        text = prefix + MESSAGES[self.kind][lang].format(**local(self.details))
        # a Chinese {api} in a zh template: "用 计算图中的循环 算出" -> no space between Chinese
        return _CJK_GAP.sub("", text) if lang == "zh" else text


_CJK = "\u4e00-\u9fff\u3000-\u303f\uff00-\uffef"
_CJK_GAP = re.compile(f"(?<=[{_CJK}]) (?=[{_CJK}])")


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


# `<function f at 0x7f…>` -> `f`; `<Foo object at 0x7f…>` -> `<Foo object>`; graph functions
# and nodes numbered per process (`__inference_f_123`, `while_body_42`) lose their number
_RUN_TO_RUN = (
    (re.compile(r"<(?:bound method|function|built-in function|built-in method) ([\w.<>]+)"
                r"(?: of [^>]*)? at 0x[0-9a-fA-F]+>"), r"\1"),
    (re.compile(r"<([\w.]+) object at 0x[0-9a-fA-F]+>"), r"<\1 object>"),
    (re.compile(r" at 0x[0-9a-fA-F]+"), ""),
    (re.compile(r"\b0x[0-9a-fA-F]{6,}\b"), "0x…"),
    (re.compile(r"\b(__(?:inference|forward|backward)_\w+?|while_body|while_cond)_\d+\b"), r"\1"),
)  # fmt: skip


def steady(text: str) -> str:
    """`text` without what changes from run to run (memory addresses, numbered functions)."""
    for pattern, replacement in _RUN_TO_RUN:
        text = pattern.sub(replacement, text)
    return text


def cause(err: BaseException) -> str:
    """One line for an error; for a tf.function error, its cause, not "in user code:". The line
    does not repeat the error's class name (the verdict names it)."""
    lines = [line.strip() for line in str(err).strip().splitlines() if line.strip()]
    if lines and lines[0] == "in user code:":
        lines = lines[-1:]  # the last line is "ValueError: what went wrong"
    elif lines and lines[0].startswith("Graph execution error"):
        # "Detected at node …", a stack of "File …" lines, the cause, then "[[{{node …}}]]"
        skip = ("Detected at", "<stack", "File ", "[")
        lines = [line for line in lines[1:] if not line.startswith(skip)][-1:]
    text = lines[0] if lines else type(err).__name__
    # numbered graph functions, and an eager op's "[Op:Mul] name: " tail
    text = re.sub(r"\{\{function_node [^}]*\}\}\s*|\s*\[Op:[^\]]*\](?: name: ?\S*)?", "", text)
    name = type(err).__name__
    if text.startswith(name + ": "):  # "ValueError: ValueError: …" otherwise
        text = text[len(name) + 2 :]
    text = steady(text) or name
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
    """A tf.Tensor or tf.Variable with this dtype (or one of these), shape and (about) value."""

    value: Callable[[], Any]
    dtype: str | tuple[str, ...] = "float32"
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
        dtypes = (self.dtype,) if isinstance(self.dtype, str) else self.dtype
        if answer.dtype.name not in dtypes:
            raise Wrong("dtype", got=answer.dtype.name, want=" / ".join(dtypes))
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
class IntAnswer(NumberAnswer):
    """A count the prompt asks for as an int: a Python or NumPy int, or an integer tensor; a
    float, even a whole one, is named ("float_not_int")."""

    integer: bool = True

    def judge(self, answer: Any) -> None:
        import numpy as np

        screen(answer)
        dtype = getattr(answer, "dtype", None)
        floating = isinstance(answer, (float, np.floating)) or (
            dtype is not None and np.dtype(getattr(dtype, "as_numpy_dtype", dtype)).kind == "f"
        )
        if floating:
            got = as_number(answer)  # a float vector is "not_number", as for NumberAnswer
            raise Wrong("float_not_int", got=short(np.float64(got)))
        super().judge(answer)


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

    `trial(run, fn)` gets `run(*args)`, which calls the learner's function `fn`, and raises
    Wrong when the function misbehaves. The whole trial runs under a Guard (time bound, output
    hidden), so a `tape.gradient` the trial itself calls, which runs the learner's custom
    gradient, is bounded too. Each call through `run` has a bound of its own (a right answer
    that traces a graph may take seconds per call on a busy machine; a loop that never ends is
    stopped at the first call), and `with run.paused():` keeps the check's own slow work (the
    models it builds) off the trial's clock.
    """

    trial: Callable[[Callable[..., Any], Callable], None]
    graph: bool = False

    def judge(self, answer: Any) -> None:
        screen(answer)
        if not callable(answer) or isinstance(answer, type):
            raise Wrong("not_function", type=type(answer).__name__)
        if self.graph and not hasattr(answer, "get_concrete_function"):
            raise Wrong("not_graph")
        try:
            trial = Guard()

            def run(*args: Any) -> Any:
                with trial.paused():
                    return Guard()(call_learner, answer, *args)

            run.paused = trial.paused  # type: ignore[attr-defined]
            trial(self.trial, run, answer)
        except (Wrong, NotAttempted):
            raise
        except TimeUp as up:
            raise Wrong("timeout", seconds=f"{up.seconds:g}") from None
        except Exited as stop:
            raise Wrong("exited", name=stop.name) from None
        except NotImplementedError as err:
            # the exercise's stub: a bare `raise NotImplementedError` (inside a tf.function,
            # AutoGraph's message ends with "NotImplementedError: " and nothing after it)
            if not err.args or str(err).rstrip().endswith("NotImplementedError:"):
                raise NotAttempted from None
            raise Wrong("raised", name=type(err).__name__, message=cause(err)) from None
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


def judge_values(
    spec: TensorAnswer | NumberAnswer,
    call: str | None,
    result: Any,
    slips: Sequence[tuple[str, Any]] = (),
) -> None:
    """Judge a tensor or number like judge_call (no call prefix when `call` is None); a wrong
    value is named more precisely: a known slip (`slips`: (kind, its value)), the right numbers
    with the opposite sign ("sign"), or, for an array, which entries are off ("entries")."""
    import numpy as np

    try:
        judge_call(spec, call, result) if call is not None else spec.judge(result)
    except Wrong as wrong:
        if wrong.kind != "value":
            raise
        got = np.asarray(result.numpy() if hasattr(result, "numpy") else result, np.float64)
        want = np.asarray(spec.value(), np.float64)
        if got.shape != want.shape:
            raise
        tol = {"rtol": spec.rtol, "atol": spec.atol}
        named = [(kind, np.asarray(other, np.float64)) for kind, other in slips]
        if np.any(np.abs(want) > spec.atol):
            named.append(("sign", -want))
        shown, more = wrong.details.get("got", short(got)), None
        for kind, other in named:
            if np.allclose(got, other, **tol):
                more = Wrong(kind, got=shown)
                break
        if more is None and got.ndim:
            off = ~np.isclose(got, want, **tol)
            if 0 < off.sum() <= 4 and not off.all():  # a few entries off: say which
                places = [str([int(i) for i in p]) for p in np.argwhere(off)]
                listed = {"en": ", ".join(places), "zh": "、".join(places)}
                more = Wrong("entries", got=shown, entries=listed, count=len(places),
                             total=got.size)  # fmt: skip
        if more is None:
            raise
        more.where = list(wrong.where)
        raise more from None


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
        return Verdict(exercise, WRONG, wrong.kind, steady(message))
    except Exception as err:  # a check must never raise at the learner
        wrong = Wrong("unreadable", name=type(err).__name__, message=cause(err))
        message = MESSAGES[WRONG][lang].format(
            id=exercise, what=wrong.text(lang), hint=ex.hint_for("unreadable", lang)
        )
        return Verdict(exercise, WRONG, "unreadable", steady(message))
    return Verdict(exercise, CORRECT, None, MESSAGES[CORRECT][lang].format(id=exercise))
