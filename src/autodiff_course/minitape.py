"""A reverse-mode automatic differentiation in plain Python (introduced in chapter 11).

Chapter 11 shows this file piece by piece (`source`), runs it on f(x) = a·x² + b·x + c and on
chapter 04's layer, and checks every number against tf.GradientTape. The tape explorer draws
what it records. Only the standard library: no TensorFlow, no NumPy.
"""

from __future__ import annotations

import math


class Value:
    """One number, with the values it came from and the local derivative towards each."""

    def __init__(self, data, name="", parents=(), op=""):
        self.data = float(data)
        self.name = name
        self.parents = tuple(parents)  # ((parent, ∂self/∂parent), ...)
        self.op = op
        if parents and Tape.active:  # an operation, computed while a tape records
            Tape.active[-1].record(self)

    def __repr__(self):
        return f"Value({self.name}={self.data:g})" if self.name else f"Value({self.data:g})"

    # -- operations: each returns a new Value with its local derivatives

    def __add__(self, other):
        other = lift(other)
        return Value(self.data + other.data, parents=((self, 1.0), (other, 1.0)), op="+")

    def __mul__(self, other):
        other = lift(other)
        return Value(
            self.data * other.data, parents=((self, other.data), (other, self.data)), op="*"
        )

    def __pow__(self, k):  # k is a plain number
        return Value(self.data**k, parents=((self, k * self.data ** (k - 1)),), op=f"**{k:g}")

    def __neg__(self):
        return self * -1.0

    def __sub__(self, other):
        return self + (-lift(other))

    def __truediv__(self, other):
        if isinstance(other, Value):
            return self * other**-1
        return self * (1.0 / other)  # dividing by a plain number: one multiplication

    __radd__ = __add__
    __rmul__ = __mul__

    def __rsub__(self, other):
        return lift(other) - self

    def __rtruediv__(self, other):
        return lift(other) * self**-1


def lift(x):
    """A plain number becomes a constant Value (named after its value); a Value stays itself."""
    return x if isinstance(x, Value) else Value(x, name=f"{x:g}")


def exp(v):
    """e**v; d/dv e**v = e**v."""
    out = math.exp(v.data)
    return Value(out, parents=((v, out),), op="exp")


class Tape:
    """Records every operation computed inside `with Tape() as tape:`, in order."""

    active = []  # the tapes recording now, innermost last

    def __init__(self):
        self.records = []

    def __enter__(self):
        Tape.active.append(self)
        return self

    def __exit__(self, *exc):
        Tape.active.remove(self)

    def record(self, value):
        value.name = value.name or f"v{len(self.records) + 1}"
        self.records.append(value)

    def gradient(self, target, sources):
        """d target / d source for each source; None where the target does not depend on it."""
        adjoints = backward(self, target)
        return [adjoints.get(source) for source in sources]


def backward(tape, target, log=None):
    """Play the tape backwards: the adjoint of every value, d target / d value.

    Each record is visited after every record that used it (they come later on the tape), so
    its adjoint is complete before it is passed on to its parents.
    """
    adjoints = {target: 1.0}
    for node in reversed(tape.records):
        if node not in adjoints:  # the target does not depend on this record
            continue
        for parent, local in node.parents:
            adjoints[parent] = adjoints.get(parent, 0.0) + adjoints[node] * local
            if log is not None:
                log.append((node, parent, adjoints[node], local))
    return adjoints


def describe(node):
    """One line of the tape: 'v2 = a * v1'."""
    inputs = [parent.name for parent, _ in node.parents]
    if node.op in ("+", "*"):
        return f"{node.name} = {inputs[0]} {node.op} {inputs[1]}"
    if node.op.startswith("**"):
        return f"{node.name} = {inputs[0]} ** {node.op[2:]}"
    return f"{node.name} = {node.op}({', '.join(inputs)})"


# The comments and docstrings that chapter 11 shows, as a Chinese reader sees them: one code,
# its notes in the notebook's language (tests/content/test_prose.py checks none is left out).
COMMENTS_ZH = {
    "# ((parent, ∂self/∂parent), ...)": "# ((父节点, ∂self/∂父节点), ...)",
    "# an operation, computed while a tape records": "# 有父节点（是运算的结果），且有磁带正在记录",
    "# k is a plain number": "# k 是普通的数",
    "A plain number becomes a constant Value (named after its value); a Value stays itself.": (
        "把普通的数变成常量 Value（以它的值命名）；Value 原样返回。"
    ),
    "Records every operation computed inside `with Tape() as tape:`, in order.": (
        "按顺序记录 `with Tape() as tape:` 之内算出的每个运算。"
    ),
    "# the tapes recording now, innermost last": "# 正在记录的磁带，最内层的在最后",
    "d target / d source for each source; None where the target does not depend on it.": (
        "对每个 source 返回 d target / d source；target 与它无关时返回 None。"
    ),
    "Play the tape backwards: the adjoint of every value, d target / d value.": (
        "倒放磁带：求出每个值的伴随值 d target / d value。"
    ),
    "Each record is visited after every record that used it (they come later on the tape), so\n"
    "    its adjoint is complete before it is passed on to its parents.": (
        "每条记录都在所有用到它的记录（它们在磁带上更靠后）之后才被访问，\n"
        "    所以它的伴随值在传给父节点之前已经累加完整。"
    ),
    "# the target does not depend on this record": "# target 不依赖这条记录",
}


def source(obj, lang="en"):
    """The source code of a function or class of this module, as a code block for a notebook;
    with lang="zh" its comments and docstrings are in Chinese."""
    import inspect

    from IPython.display import Markdown

    from autodiff_course.i18n import language

    code = inspect.getsource(obj)
    if language(lang) == "zh":
        for english, chinese in COMMENTS_ZH.items():
            code = code.replace(english, chinese)
    return Markdown(f"```python\n{code}```")
