"""Chapter 11 · A tape of your own: exercises 11.1-11.3 (answers, hints, trials).

The answers are built on the chapter's own tape (`autodiff_course.minitape`), not on tensors:
the trials record the learner's operation or run the learner's backward pass on tapes of their
own, where the order of the records and shared values matter.
"""

from __future__ import annotations

import math
import sys

from autodiff_course.checks import technique
from autodiff_course.checks.engine import (
    Exercise,
    FunctionAnswer,
    IntAnswer,
    NumberAnswer,
    TupleAnswer,
    Wrong,
    judge_call,
    judge_values,
)
from autodiff_course.i18n import strings

HINTS = strings(
    __name__,
    {
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
        "11.2.sign": {
            "en": "Check the sign of the slope: tanh rises everywhere, so its local "
            "derivative 1 − tanh²(u) is positive.",
            "zh": "请检查导数的正负号：tanh 处处递增，所以它的局部导数 1 − tanh²(u) 是正的。",
        },
        "11.2.records": {
            "en": "Compute tanh and its local derivative with `math` on plain floats (`v.data`), "
            "and create one Value: `Value(out, parents=((v, 1 - out**2),), op='tanh')`. "
            "Operations on Values would each be recorded.",
            "zh": "用 `math` 在普通浮点数（`v.data`）上算出 tanh 和它的局部导数，再只新建一个 "
            "Value：`Value(out, parents=((v, 1 - out**2),), op='tanh')`。"
            "在 Value 上做的每个运算都会被记录下来。",
        },
        "11.3": {
            "en": "Visit the records from last to first (`reversed(tape.records)`), and add to "
            "a parent's adjoint (+=) rather than overwrite it: a value used twice receives "
            "twice.",
            "zh": "从最后一条记录往前访问（`reversed(tape.records)`），对父节点的伴随值用累加"
            "（+=）而不是覆盖：被使用两次的值会收到两份贡献，两者相加。",
        },
        "11.3.own": {
            "en": "the exercise asks for the backward pass itself: a loop over `tape.records` that "
            "you write.",
            "zh": "本题要你自己写出反向传播：一个遍历 `tape.records` 的循环。",
        },
    },
)


def _trial_tanh(run, fn) -> None:
    """11.2: tanh(v) gives tanh's value, is recorded, and passes 1 − tanh² back to v."""
    from autodiff_course.minitape import Tape, Value

    for point in (0.5, -1.3, 0.0):
        x = Value(point, "x")
        with Tape() as tape:
            y = run(x)
        shown = f"tanh(Value({point:g}))"
        if not isinstance(y, Value):
            raise Wrong("not_value", type=type(y).__name__).at("call", call=shown)
        value = NumberAnswer(lambda p=point: math.tanh(p), rtol=1e-12, atol=1e-12)
        judge_call(value, shown, y.data)
        if y not in tape.records:
            raise Wrong("not_recorded").at("call", call=shown)
        try:
            (gradient,) = tape.gradient(y, [x])
        except Exception:  # noqa: BLE001 - the check's backward pass, on what tanh returned
            raise Wrong("backward_failed").at("call", call=shown) from None
        # the exact 1 − out² is right to ~1e-16; a finite difference is off by 1e-11 or more
        slope = NumberAnswer(lambda p=point: 1 - math.tanh(p) ** 2, rtol=1e-13, atol=1e-14)
        judge_values(slope, f"d {shown} / dx", gradient)
        if len(tape.records) != 1:  # one new Value: anything else was recorded too
            raise Wrong("technique_records", got=len(tape.records)).at("call", call=shown)
        if len(y.parents) != 1 or y.parents[0][0] is not x:
            raise Wrong("technique_parents").at("call", call=shown)
    # inside a longer expression: d/dx [tanh(a·x)·x] = a·x·(1 − tanh²(a·x)) + tanh(a·x)
    a, x = Value(0.7, "a"), Value(1.2, "x")
    with Tape() as tape:
        y = run(a * x) * x
    t = math.tanh(0.84)
    want = 0.7 * 1.2 * (1 - t * t) + t
    slope = NumberAnswer(lambda: want, rtol=1e-13, atol=1e-14)
    judge_call(slope, "d [tanh(a·x)·x] / dx at a = 0.7, x = 1.2", tape.gradient(y, [x])[0])


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
    """11.3: gradient_fixed(tape, target, sources) on tapes where the order matters, a loop of
    the learner's own: neither the chapter's backward pass nor a tf.GradientTape."""
    from autodiff_course import minitape

    own = {"tape.gradient": minitape.Tape.gradient, "backward": minitape.backward}
    for shown, tape, target, sources in _graphs():
        want = tape.gradient(target, sources)  # the chapter's backward pass
        spec = TupleAnswer([NumberAnswer(lambda w=w: w, rtol=1e-9, atol=1e-12) for w in want])
        call = f"gradient_fixed({shown})"
        with technique.observe() as seen, technique.calls_of(own):
            hook = sys.getprofile()
            result = run(tape, target, sources)
            unhooked = sys.getprofile() is not hook  # sys.setprofile(None) hides the calls
        judge_call(spec, call, result)
        try:
            if unhooked:
                raise Wrong("technique_forbidden", api="`sys.setprofile`", why=HINTS["11.3.own"])
            seen.forbid("tape.gradient", api="`tape.gradient`", why=HINTS["11.3.own"])
            seen.forbid("backward", api="`backward`", why=HINTS["11.3.own"])
            seen.forbid("GradientTape", why=HINTS["11.3.own"])
        except Wrong as wrong:
            raise wrong.at("call", call=call) from None


EXERCISES = {
    "11.1": Exercise(IntAnswer(lambda: 4), {"": HINTS["11.1"]}),
    "11.2": Exercise(
        FunctionAnswer(_trial_tanh),
        {
            "": HINTS["11.2"],
            "none": HINTS["11.2.none"],
            "not_recorded": HINTS["11.2.none"],
            "sign": HINTS["11.2.sign"],
            "technique_records": HINTS["11.2.records"],
            "technique_parents": HINTS["11.2.records"],
        },
    ),
    "11.3": Exercise(FunctionAnswer(_trial_backward), {"": HINTS["11.3"]}),
}
