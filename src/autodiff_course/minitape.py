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


def source(obj):
    """The source code of a function or class of this module, as a code block for a notebook."""
    import inspect

    from IPython.display import Markdown

    return Markdown(f"```python\n{inspect.getsource(obj)}```")
