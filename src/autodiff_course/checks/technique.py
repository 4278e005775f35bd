"""How an answer was computed: which TensorFlow entry points learner code used, and whether a
tensor is one that `tape.gradient` returned. A check asks this after the value is right.

    from autodiff_course.checks import technique

    def _trial(run, fn):                          # a FunctionAnswer trial (runs in the guard)
        f = technique.counted(my_f, "f")          # the check's own function, its calls counted
        with technique.observe() as seen:         # patches the entry points; always restores
            result = run(f, x)
        judge_call(scalar(want), "jvp(f, x)", result)            # the value first
        seen.require("ForwardAccumulator.jvp", why=WHY)          # Wrong("technique_missing")
        seen.forbid("GradientTape.jacobian", why=WHY)            # Wrong("technique_forbidden")
        seen.require("f", exactly=1, why=WHY)                    # Wrong("technique_count")

Names `observe` counts: "GradientTape.gradient", "GradientTape.jacobian",
"GradientTape.batch_jacobian", "ForwardAccumulator.jvp", "GradientTape" and "ForwardAccumulator"
(a `with` block entered; "… traced" too where it was entered while a graph was traced: a graph
loop or `tf.vectorized_map` runs it more often than Python saw), "custom_gradient" (a function
decorated with `tf.custom_gradient` applied), "apply_gradients" (a Keras optimizer's), and any
name given to `counted`. Only calls from learner code count, not TensorFlow's own (the gradients
inside `tape.jacobian`, the tapes a ForwardAccumulator runs for each op, the check's own
`tape.gradient`). A `tf.function` traced before the check runs no Python at all: for a graph
answer ask the traced graph: `graph_uses_tape(fn, *args, order=1)` (its first output is what
`tape.gradient` returned, not a formula applied to it; `judge_graph_tape` raises the verdict),
`graph_updates_from_tape(fn, *args)` (each `assign_sub` subtracts something computed from a
tape's gradient) or `graph_uses_custom_gradient(fn, *args)`.
`seen.count(name)`, `seen.deepest(name)` (how deeply "GradientTape" or "ForwardAccumulator"
blocks were nested) and `seen.events` (each call in order, with the blocks open around it)
answer finer questions. `why` is a {"en": ..., "zh": ...} dict that ends the sentence "right
value, but not computed with `tf.autodiff.ForwardAccumulator`: {why}"; the exercise's hint for
that key (else its general hint) follows.

A tape's results are remembered for the whole session (`remember_tape_results`, installed when
the checks are imported, before the learner's first cell): `tape_result(t)` says whether `t` is a
tensor that `tape.gradient` returned, from which call and tape, how many tapes deep (a gradient
of a gradient is order 2), the `unconnected_gradients` it was asked with, and (eager, scalar)
the values of the target and source; `not_from_tape(t, why)` is the verdict where it is not
(named precisely for what `tape.jacobian` returned and for a `tf.cast` of a tape's result; a
`tf.identity` of a tape's result counts as the result, in eager code as in a graph);
`differentiated(variable)` counts the `tape.gradient` calls with that Variable as a source
(`differentiated_in_graph(variable)`: one of them was traced in a tf.function, which may run it
any number of times).
`FromTape(spec, why, order=1, one_call=False, one_tape=False)` is the spec for a value answer
that must be "the tensor the tape returns" (`spec` judges the form and value first).

Python's own arithmetic, NumPy and typed constants leave no trace here: an exercise that wants
a technique these cannot show says in its prompt what the check judges.
"""

from __future__ import annotations

import contextlib
import functools
import itertools
import sys
import weakref
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from autodiff_course.checks.engine import Spec, TupleAnswer, Wrong
from autodiff_course.checks.guard import call_learner
from autodiff_course.checks.messages import MESSAGES

# the names a learner reads in a verdict
SHOWN = {
    "GradientTape.gradient": "`tape.gradient`",
    "GradientTape.jacobian": "`tape.jacobian`",
    "GradientTape.batch_jacobian": "`tape.batch_jacobian`",
    "GradientTape": "`tf.GradientTape`",
    "ForwardAccumulator": "`tf.autodiff.ForwardAccumulator`",
    "ForwardAccumulator.jvp": "`acc.jvp`",
    "custom_gradient": "`tf.custom_gradient`",
    "apply_gradients": "`optimizer.apply_gradients`",
}


@dataclass(frozen=True)
class Event:
    """One observed call: its name, and the "GradientTape"/"ForwardAccumulator" blocks open
    around it, outermost first."""

    name: str
    inside: tuple[str, ...]


@dataclass
class Seen:
    """What learner code used during one `observe()` block."""

    events: list[Event] = field(default_factory=list)
    _open: list[str] = field(default_factory=list)
    _deepest: Counter = field(default_factory=Counter)

    def count(self, name: str) -> int:
        return sum(event.name == name for event in self.events)

    def deepest(self, name: str) -> int:
        """The deepest nesting of `name` blocks ("GradientTape", "ForwardAccumulator")."""
        return self._deepest[name]

    def require(
        self,
        name: str,
        why: dict[str, str],
        exactly: int | None = None,
        at_least: int = 1,
        api: str | None = None,
    ) -> None:
        """Raise Wrong unless `name` was used (at least `at_least`, or `exactly` times)."""
        shown, got = api or SHOWN.get(name, f"`{name}`"), self.count(name)
        if got == 0 and (exactly or at_least):
            raise Wrong("technique_missing", api=shown, why=why)
        if exactly is not None and got != exactly:
            raise Wrong("technique_count", api=shown, got=got, want=exactly, why=why)
        if got < at_least:
            raise Wrong("technique_count", api=shown, got=got, want=at_least, why=why)

    def forbid(self, *names: str, why: dict[str, str], api: str | None = None) -> None:
        """Raise Wrong if any of `names` was used."""
        for name in names:
            if self.count(name):
                shown = api or SHOWN.get(name, f"`{name}`")
                raise Wrong("technique_forbidden", api=shown, why=why)


_active: list[Seen] = []  # the observe() blocks now open

# Calls TensorFlow, Keras or the check make themselves are not the learner's: `tape.jacobian`
# calls `tape.gradient`, a ForwardAccumulator runs tapes inside each op, `tf.test.
# compute_gradient` opens a tape. A call counts when the first frame outside these modules that
# only pass a call on (AutoGraph's converted_call, the custom_gradient decorator) is not theirs.
_LIBRARY = ("tensorflow.", "keras.", "autodiff_course.checks.")
_PASSING_ON = ("tensorflow.python.autograph.impl.", "tensorflow.python.ops.custom_gradient")


def _by_learner(depth: int = 2) -> bool:
    frame = sys._getframe(depth)
    while frame is not None and frame.f_globals.get("__name__", "").startswith(_PASSING_ON):
        frame = frame.f_back
    if frame is None:
        return False
    if frame.f_code is call_learner.__code__:  # the answer itself is the entry point
        return True
    return not frame.f_globals.get("__name__", "").startswith(_LIBRARY)


def _note(name: str) -> None:
    for seen in _active:
        seen.events.append(Event(name, tuple(seen._open)))


def _counting(name: str, original: Callable) -> Callable:
    @functools.wraps(original)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if _active and _by_learner():
            _note(name)
        return original(*args, **kwargs)

    return wrapper


def _executing_eagerly() -> bool:
    import tensorflow as tf

    return tf.executing_eagerly()


def _block(name: str, enter: Callable, leave: Callable) -> tuple[Callable, Callable]:
    """__enter__/__exit__ that count a block and keep track of how deeply blocks are nested."""

    @functools.wraps(enter)
    def entered(self: Any, *args: Any, **kwargs: Any) -> Any:
        result = enter(self, *args, **kwargs)
        if _active and _by_learner():
            _note(name)
            if not _executing_eagerly():  # traced once, run as often as a graph loop runs
                _note(name + " traced")
            for seen in _active:
                seen._open.append(name)
                seen._deepest[name] = max(seen._deepest[name], seen._open.count(name))
        return result

    @functools.wraps(leave)
    def left(self: Any, *args: Any, **kwargs: Any) -> Any:
        if _active and _by_learner():
            for seen in _active:
                if name in seen._open:
                    del seen._open[len(seen._open) - 1 - seen._open[::-1].index(name)]
        return leave(self, *args, **kwargs)

    return entered, left


def _targets() -> list[tuple[Any, str, str]]:
    """(owner, attribute, name) of each observed entry point."""
    from keras.src.optimizers import base_optimizer
    from tensorflow.python.eager import backprop, forwardprop
    from tensorflow.python.ops import custom_gradient

    tape, acc = backprop.GradientTape, forwardprop.ForwardAccumulator
    return [
        (tape, "gradient", "GradientTape.gradient"),
        (tape, "jacobian", "GradientTape.jacobian"),
        (tape, "batch_jacobian", "GradientTape.batch_jacobian"),
        (acc, "jvp", "ForwardAccumulator.jvp"),
        (custom_gradient, "_eager_mode_decorator", "custom_gradient"),
        (custom_gradient, "_graph_mode_decorator", "custom_gradient"),
        (base_optimizer.BaseOptimizer, "apply_gradients", "apply_gradients"),
    ]


@contextlib.contextmanager
def observe() -> Iterator[Seen]:
    """Count the entry points learner code uses inside the block (patched on entry, restored on
    exit, whatever happens)."""
    from tensorflow.python.eager import backprop, forwardprop

    seen = Seen()
    saved: list[tuple[Any, str, Any]] = []
    try:
        if not _active:
            for owner, attribute, name in _targets():
                original = owner.__dict__[attribute]
                saved.append((owner, attribute, original))
                setattr(owner, attribute, _counting(name, original))
            for cls, name in ((backprop.GradientTape, "GradientTape"),
                              (forwardprop.ForwardAccumulator, "ForwardAccumulator")):  # fmt: skip
                enter, leave = cls.__dict__["__enter__"], cls.__dict__["__exit__"]
                saved += [(cls, "__enter__", enter), (cls, "__exit__", leave)]
                cls.__enter__, cls.__exit__ = _block(name, enter, leave)
        _active.append(seen)
        yield seen
    finally:
        if seen in _active:
            _active.remove(seen)
        for owner, attribute, original in reversed(saved):
            setattr(owner, attribute, original)


def counted(fn: Callable, name: str) -> Callable:
    """`fn`, with each call noted as `name` in the open observe() blocks."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if _active:
            _note(name)
        return fn(*args, **kwargs)

    return wrapper


def counted_at(fn: Callable, name: str, point: Any) -> Callable:
    """`fn`, each call noted as `name` where its first argument holds exactly the values of
    `point` (the tensor the check passes; a cast to float64 keeps them), and as
    `name + " elsewhere"` where it does not: a finite difference evaluates `fn` around the
    point (a symbolic argument, in a trace, counts as the point: its values are unknown). The
    wrapper is named `name`, so an error message that shows it reads the same in every session."""
    import numpy as np

    want = np.asarray(point, np.float64)

    def at_point(arg: Any) -> bool:
        try:
            got = np.asarray(arg, np.float64)
        except Exception:  # noqa: BLE001 - a symbolic tensor or an odd argument
            return True
        return got.shape == want.shape and bool(np.array_equal(got, want))

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if _active:
            first = args[0] if args else next(iter(kwargs.values()), point)
            _note(name if at_point(first) else name + " elsewhere")
        return fn(*args, **kwargs)

    # not functools.wraps: a tf.function keys its traces on `__wrapped__`, and a second check
    # must trace the learner's tf.function again, not reuse a trace that calls nothing
    wrapper.__name__ = wrapper.__qualname__ = name
    return wrapper


@contextlib.contextmanager
def calls_of(functions: dict[str, Callable]) -> Iterator[None]:
    """Note each call of these plain Python functions as its key in the open observe() blocks,
    however learner code reaches them (an imported name, an alias, a method): a profile hook
    matches their code objects, not names. Only in this thread, restored on exit."""
    import sys

    codes = {fn.__code__: name for name, fn in functions.items()}
    previous = sys.getprofile()

    def hook(frame: Any, event: str, arg: Any) -> None:
        if event == "call" and frame.f_code in codes:
            _note(codes[frame.f_code])

    sys.setprofile(hook)
    try:
        yield
    finally:
        sys.setprofile(previous)


# ----------------------------------------------------------------------------- tape results


@dataclass(frozen=True)
class TapeResult:
    """Where a tensor came from: the `tape.gradient` call (numbered in the session), the tape
    (numbered), the order (1 + the order of a target that was itself a tape result), the
    `unconnected_gradients` asked for ("none" or "zero"), whether every source was a
    tf.Variable, and, for an eager call with one scalar target and source, their values."""

    call: int
    tape: int
    order: int
    unconnected: str
    variables: bool = False
    target: float | None = None
    source: float | None = None


_results: dict[int, tuple[weakref.ref, TapeResult]] = {}
_calls, _tapes = itertools.count(1), itertools.count(1)
_tape_numbers: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _recall(table: dict, value: Any) -> Any:
    """What `table` holds for this very object (tables keyed by id, with weak references, so
    that a tensor is forgotten when it dies and a new one at its address is not taken for it)."""
    entry = table.get(id(value))
    return entry[1] if entry is not None and entry[0]() is value else None


def _store(table: dict, value: Any, item: Any) -> None:
    key = id(value)

    def forget(ref: weakref.ref, key: int = key) -> None:
        if table.get(key, (None,))[0] is ref:
            del table[key]

    with contextlib.suppress(TypeError):  # an object without weak references: not remembered
        table[key] = (weakref.ref(value, forget), item)


def tape_result(value: Any) -> TapeResult | None:
    """The TapeResult of `value` if `tape.gradient` returned this very object, else None."""
    return _recall(_results, value)


def remember_tape_results() -> None:
    """Wrap `GradientTape.gradient` for the session so that `tape_result` can answer (once)."""
    import tensorflow as tf
    from tensorflow.python.eager import backprop
    from tensorflow.python.ops import gen_array_ops, gen_math_ops

    original = backprop.GradientTape.__dict__["gradient"]
    if getattr(original, "_remembers", False):
        return

    @functools.wraps(original)
    def gradient(self: Any, target: Any, sources: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            targets = [tape_result(t) for t in tf.nest.flatten(target)]
        except Exception:  # noqa: BLE001 - the learner's odd target: tape.gradient will say
            targets = []
        result = original(self, target, sources, *args, **kwargs)
        with contextlib.suppress(Exception):  # remembering must never break the learner's code
            if self not in _tape_numbers:
                _tape_numbers[self] = next(_tapes)
            mode = kwargs.get("unconnected_gradients", args[1] if len(args) > 1 else None)
            flat_sources = tf.nest.flatten(sources)
            for variable in flat_sources:
                if isinstance(variable, tf.Variable):
                    _store(_differentiated, variable, differentiated(variable) + 1)
                    if not tf.executing_eagerly():
                        _store(_traced, variable, True)
            record = TapeResult(
                call=next(_calls),
                tape=_tape_numbers[self],
                order=1 + max((t.order for t in targets if t is not None), default=0),
                unconnected="zero" if "zero" in str(mode).lower() else "none",
                variables=all(isinstance(v, tf.Variable) for v in flat_sources),
                target=_scalar(_only(tf.nest.flatten(target))),
                source=_scalar(_only(flat_sources)),
            )
            for value in tf.nest.flatten(result):
                if value is not None:
                    _store(_results, value, record)
        return result

    gradient._remembers = True  # type: ignore[attr-defined]
    backprop.GradientTape.gradient = gradient

    original_jacobian = backprop.GradientTape.__dict__["jacobian"]

    @functools.wraps(original_jacobian)
    def jacobian(self: Any, *args: Any, **kwargs: Any) -> Any:
        result = original_jacobian(self, *args, **kwargs)
        with contextlib.suppress(Exception):  # remembering must never break the learner's code
            for value in tf.nest.flatten(result):
                if value is not None:
                    _store(_made, value, "jacobian")
        return result

    backprop.GradientTape.jacobian = jacobian

    # `tf.cast` of a tape result makes a new tensor: remembered, so that a check can say so
    # (tf.cast reaches the op through this module attribute; a cast to the same dtype returns
    # the tensor itself and never gets here)
    original_cast = gen_math_ops.cast

    @functools.wraps(original_cast)
    def cast(x: Any, *args: Any, **kwargs: Any) -> Any:
        result = original_cast(x, *args, **kwargs)
        with contextlib.suppress(Exception):
            if tape_result(x) is not None:
                _store(_made, result, "cast:" + x.dtype.name)
        return result

    gen_math_ops.cast = cast

    # `tf.identity` of a tape result hands the same values on: it counts as the tape's result
    # here as it does in a graph (where the check lets Identity through), so eager and
    # `tf.function` answers get the same verdict
    original_identity = gen_array_ops.identity

    @functools.wraps(original_identity)
    def identity(x: Any, *args: Any, **kwargs: Any) -> Any:
        result = original_identity(x, *args, **kwargs)
        with contextlib.suppress(Exception):
            found = tape_result(x)
            if found is not None and result is not x:
                _store(_results, result, found)
        return result

    gen_array_ops.identity = identity


def _only(values: list) -> Any:
    return values[0] if len(values) == 1 else None


def _scalar(value: Any) -> float | None:
    """The value of one eager scalar tensor or Variable (else None: a list, a trace)."""
    import numpy as np

    shape = getattr(value, "shape", None)
    if shape is None or tuple(shape) != ():
        return None
    try:
        array = np.asarray(value.numpy(), np.float64)
    except Exception:  # noqa: BLE001 - symbolic, a list, not a tensor
        return None
    return float(array) if array.shape == () else None


_differentiated: dict[int, tuple[weakref.ref, int]] = {}
_traced: dict[int, tuple[weakref.ref, bool]] = {}
_made: dict[int, tuple[weakref.ref, str]] = {}  # "jacobian", or "cast:<dtype of the tape result>"


def differentiated(variable: Any) -> int:
    """How many `tape.gradient` calls had this very tf.Variable among their sources (a call
    traced in a tf.function counts once, however often the graph runs)."""
    return _recall(_differentiated, variable) or 0


def differentiated_in_graph(variable: Any) -> bool:
    """Whether a `tape.gradient` call traced in a tf.function had this tf.Variable among its
    sources (how often that graph ran, and so how often it differentiated, is not known)."""
    return bool(_recall(_traced, variable))


def jacobian_result(value: Any) -> bool:
    """Whether `tape.jacobian` returned this very object (remembered like `tape_result`)."""
    return _recall(_made, value) == "jacobian"


def not_from_tape(value: Any, why: dict[str, str]) -> Wrong:
    """The verdict for a right value that `tape.gradient` did not return: said precisely where
    it came from `tape.jacobian` or is a `tf.cast` of a tape's result."""
    how = _recall(_made, value) or ""
    if how == "jacobian":
        return Wrong("technique_jacobian", why=why)
    if how.startswith("cast:"):
        return Wrong("technique_cast", dtype=how[len("cast:") :], why=why)
    # eager leaves no trace of where a tensor came from: computed another way, or a tape
    # result changed or copied afterwards (indexed, reshaped, `.numpy()`)
    return Wrong("technique_not_returned", why=why)


# Ops that hand a gradient on unchanged: `tape.gradient` sums the gradients of several paths
# with AddN outside its "gradient_tape/" scope; a nested tf.function's result comes out of a call
_PASSED_ON = frozenset({"Identity", "IdentityN", "AddN"})
_CALLS = {"PartitionedCall", "StatefulPartitionedCall"}


def _graph_view(fn: Any, *args: Any) -> tuple[dict, dict, list[str]]:
    """(the top graph's nodes by name, the library's functions by name, the outputs as tensor
    names) of the graph `fn` (a tf.function) traces for `args`."""
    graph = fn.get_concrete_function(*args).graph
    graph_def = graph.as_graph_def()
    functions = {f.signature.name: f for f in graph_def.library.function}
    return {n.name: n for n in graph_def.node}, functions, [t.name for t in graph.outputs]


def _data_inputs(node: Any) -> list[str]:
    return [name for name in node.input if not name.startswith("^")]


def _split(ref: str) -> tuple[str, int]:
    """ "node", "node:1" (a graph) or "node:output:1" (a function body) -> (node, output index)."""
    parts = ref.split(":")
    return parts[0], int(parts[-1]) if len(parts) > 1 else 0


def _by_gradient(
    nodes: dict, functions: dict, ref: str, scope: str, passed_on: frozenset = _PASSED_ON
) -> bool:
    """Whether the tensor `ref` is what the tape's gradient ops computed (named under `scope`),
    passed on unchanged (through `passed_on` ops): not a formula applied to it afterwards."""
    name, index = _split(ref)
    node = nodes.get(name)
    if node is None:  # a function argument or a captured tensor
        return False
    if name.startswith(scope):
        return True
    inputs = _data_inputs(node)
    if node.op == "IdentityN" and index < len(inputs):
        return _by_gradient(nodes, functions, inputs[index], scope, passed_on)
    if node.op in passed_on:
        return bool(inputs) and all(
            _by_gradient(nodes, functions, i, scope, passed_on) for i in inputs
        )
    if node.op in _CALLS and node.attr["f"].func.name in functions:
        function = functions[node.attr["f"].func.name]
        outputs = function.signature.output_arg
        if index >= len(outputs):
            return False
        body = {n.name: n for n in function.node_def}
        return _by_gradient(body, functions, function.ret[outputs[index].name], scope, passed_on)
    return False


def _after_gradient(nodes: dict, ref: str, scope: str, seen: set[str] | None = None) -> bool:
    """Whether the tensor `ref` is computed from anything the tape's gradient ops computed."""
    seen = set() if seen is None else seen
    name = _split(ref)[0]
    if name in seen or name not in nodes:
        return False
    seen.add(name)
    return name.startswith(scope) or any(
        _after_gradient(nodes, i, scope, seen) for i in _data_inputs(nodes[name])
    )


def graph_uses_tape(fn: Any, *args: Any, order: int = 1) -> bool:
    """Whether the first output of the graph `fn` (a tf.function) traces for `args` is what
    `tape.gradient` returned there, of a gradient for `order` 2. In a graph `tape.gradient`
    runs each op's gradient function under the name scope "gradient_tape/" (a gradient of a
    gradient under "gradient_tape/gradient_tape/") and sums several paths with AddN; a formula
    applied to a tape's result (the chain rule by hand), or a tape whose result goes unused,
    does not count."""
    nodes, functions, outputs = _graph_view(fn, *args)
    return bool(outputs) and _by_gradient(nodes, functions, outputs[0], "gradient_tape/" * order)


def judge_graph_tape(fn: Any, *args: Any, why: dict[str, str], order: int = 1) -> None:
    """Raise Wrong unless `graph_uses_tape(fn, *args, order=order)`: "technique_cast" where the
    first output is a `tf.cast` of the tape's result, "technique_changed" where it is computed
    from the tape's result (order 1), else "technique_missing" (`tape.gradient`,
    or `order` nested tapes)."""
    if graph_uses_tape(fn, *args, order=order):
        return
    nodes, functions, outputs = _graph_view(fn, *args)
    scope, with_casts = "gradient_tape/" * order, _PASSED_ON | {"Cast"}
    if outputs and _by_gradient(nodes, functions, outputs[0], scope, with_casts):
        import tensorflow as tf

        bodies = [nodes] + [{n.name: n for n in f.node_def} for f in functions.values()]
        dtypes = sorted(
            tf.as_dtype(node.attr["SrcT"].type).name
            for body in bodies
            for node in body.values()
            if node.op == "Cast" and _by_gradient(body, functions, node.input[0], scope)
        )
        raise Wrong("technique_cast", dtype=" / ".join(dtypes), why=why)
    if order == 1 and outputs and _after_gradient(nodes, outputs[0], scope):
        raise Wrong("technique_changed", why=why)
    if order == 1:
        raise Wrong("technique_missing", api=SHOWN["GradientTape.gradient"], why=why)
    nested = {lang: text.format(n=order) for lang, text in MESSAGES["nested_tapes"].items()}
    raise Wrong("technique_missing", api=nested, why=why)


def graph_updates_from_tape(fn: Any, *args: Any, op: str = "AssignSubVariableOp") -> bool:
    """Whether the graph `fn` traces for `args` has `op` updates (loop bodies included) and
    each one's value is computed from a tape's gradient (not a closed form or a finite
    difference)."""
    nodes, functions, _ = _graph_view(fn, *args)
    bodies = [nodes] + [{n.name: n for n in f.node_def} for f in functions.values()]
    updates = [(body, node) for body in bodies for node in body.values() if node.op == op]
    return bool(updates) and all(
        _after_gradient(body, _data_inputs(node)[-1], "gradient_tape/") for body, node in updates
    )


def graph_uses_custom_gradient(fn: Any, *args: Any) -> bool:
    """Whether the graph `fn` (a tf.function) traces for `args` applies a `tf.custom_gradient`
    (its IdentityN op carries a "CustomGradient-…" gradient override)."""
    for op in fn.get_concrete_function(*args).graph.get_operations():
        with contextlib.suppress(ValueError):
            if op.get_attr("_gradient_op_type").decode().startswith("CustomGradient"):
                return True
    return False


# ----------------------------------------------------------------------------- a spec


@dataclass
class FromTape(Spec):
    """A value answer that must be what `tape.gradient` returned (each item, for a tuple).

    `order`: at least this many nested tapes (2 for a second derivative). `one_call`: all the
    items from one `tape.gradient` call; `one_tape`: from one (persistent) tape. `why` and
    `hint` say what the exercise asks for, in both languages.
    """

    spec: Spec
    why: dict[str, str]
    order: int = 1
    one_call: bool = False
    one_tape: bool = False

    def judge(self, answer: Any) -> None:
        self.spec.judge(answer)  # the form and the value first
        items = list(answer) if isinstance(self.spec, TupleAnswer) else [answer]
        found = [tape_result(item) for item in items]
        for item, f in zip(items, found, strict=True):
            if f is None:
                raise not_from_tape(item, self.why)
        if min(f.order for f in found) < self.order:
            nested = MESSAGES["nested_tapes"]
            api = {lang: text.format(n=self.order) for lang, text in nested.items()}
            raise Wrong("technique_missing", api=api, why=self.why)
        if self.one_call and len({f.call for f in found}) > 1:
            raise Wrong("technique_count", api=SHOWN["GradientTape.gradient"],
                        got=len({f.call for f in found}), want=1, why=self.why)  # fmt: skip
        if self.one_tape and len({f.tape for f in found}) > 1:
            raise Wrong("technique_count", api=SHOWN["GradientTape"],
                        got=len({f.tape for f in found}), want=1, why=self.why)  # fmt: skip
