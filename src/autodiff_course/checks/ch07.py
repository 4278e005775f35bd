"""Chapter 07 · Minimizing in graph mode: exercises 07.1-07.3 (answers, hints, trials)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from autodiff_course.checks import technique
from autodiff_course.checks.engine import (
    Exercise,
    FunctionAnswer,
    NumberAnswer,
    TensorAnswer,
    Wrong,
    judge_call,
    scalar,
)
from autodiff_course.checks.messages import MESSAGES
from autodiff_course.i18n import strings
from autodiff_course.quadratic import quadratic_slope

HINTS = strings(
    __name__,
    {
        "07.1": {
            "en": "Inside the `tf.function`, loop with `for _ in tf.range(steps):`, open a tape "
            "each step and call `optimizer.apply_gradients` with the optimizer you were given.",
            "zh": "在 `tf.function` 里用 `for _ in tf.range(steps):` 循环，每一步都新开一盘磁带，"
            "并用传进来的优化器调用 `optimizer.apply_gradients`。",
        },
        "07.2": {
            "en": "Loop `for _ in tf.range(epochs):`, record `f()` on a tape, update with "
            "`var.assign_sub(LEARNING_RATE * grad)`, and return `f()` at the end.",
            "zh": "用 `for _ in tf.range(epochs):` 循环，在磁带中计算 `f()`，用 "
            "`var.assign_sub(LEARNING_RATE * grad)` 更新，最后返回 `f()`。",
        },
        "07.3": {
            "en": "Use a `while` loop on tensors (AutoGraph turns it into `tf.while_loop`): keep "
            "x and the step count as tensors, go on while |f′(x)| ≥ 0.01 and steps < MAX_STEPS, "
            "return the count as int32.",
            "zh": "对张量使用 `while` 循环（AutoGraph 会把它转成 `tf.while_loop`）：x 和步数都用"
            "张量保存，在 |f′(x)| ≥ 0.01 且步数小于 MAX_STEPS 时继续，以 int32 返回步数。",
        },
        "07.3.timeout": {
            "en": "At a learning rate of 1 or more x never settles (at 1 it jumps between 0 and 2 "
            "for ever), and with an uphill sign or an x that never changes neither does the "
            "slope: stop the loop after MAX_STEPS steps as well.",
            "zh": "学习率为 1 或更大时 x 永远不会稳定下来（学习率为 1 时它在 0 和 2 之间来回跳），"
            "符号写反或 x 从未更新时斜率也不会变小：请让循环在 MAX_STEPS 步之后也停下来。",
        },
        "07.1.why": {
            "en": "after {steps} steps, `optimizer.iterations` is {got}: the optimizer you were "
            "given must take every step, through `optimizer.apply_gradients`.",
            "zh": "走了 {steps} 步之后，`optimizer.iterations` 是 {got}：每一步都必须由传进来的"
            "优化器通过 `optimizer.apply_gradients` 来走。",
        },
        "07.2.why": {
            "en": "the traced graph updates the Variable some other way; the prompt asks for "
            "`var.assign_sub`.",
            "zh": "追踪出的计算图用别的方式更新了变量；题目要求使用 `var.assign_sub`。",
        },
        "07.2.tape": {
            "en": "what `var.assign_sub` subtracts must come from the tape each step: record "
            "`f()` on a tape and subtract LEARNING_RATE times its gradient; a finite "
            "difference or a closed form skips the tape.",
            "zh": "`var.assign_sub` 减去的量每一步都必须来自磁带：在磁带中计算 `f()`，"
            "再减去 LEARNING_RATE 乘以它的梯度；有限差分或解析式都跳过了磁带。",
        },
        "07.3.why": {
            "en": "the traced graph has no loop, so the count was not found by taking the steps: "
            "use a Python `while` whose condition is a tensor.",
            "zh": "追踪出的计算图里没有循环，所以步数不是一步一步走出来的："
            "请用条件为张量的 Python `while` 循环。",
        },
    },
)


def _graph_ops(fn: Callable, *args: Any) -> set[str]:
    """The op types of the graph `fn` traces for `args`, loop bodies included."""
    graph = fn.get_concrete_function(*args).graph
    library = graph.as_graph_def().library.function
    return {op.type for op in graph.get_operations()} | {
        node.op for function in library for node in function.node_def
    }


def _trial_descend(run: Callable[..., Any], fn: Callable) -> None:
    """07.1: descend(x, optimizer, steps) minimizes (x − 3)² with a graph loop of `steps`.

    The optimizer must take each step: `optimizer.iterations` counts them, and with momentum
    (the second trial) a step by hand with the learning rate lands elsewhere."""
    import keras
    import tensorflow as tf

    for x0, lr, momentum, steps in ((0.0, 0.1, 0.0, 50), (10.0, 0.05, 0.9, 20)):
        x, optimizer = tf.Variable(x0), keras.optimizers.SGD(lr, momentum=momentum)
        optimizer.build([x])  # its variables exist before the trace, as after a first call
        run(x, optimizer, tf.constant(steps))
        x_end, velocity = x0, 0.0  # Keras SGD: velocity = momentum·velocity − lr·g; x += velocity
        for _ in range(steps):
            velocity = momentum * velocity - lr * 2.0 * (x_end - 3.0)
            x_end += velocity
        kind = f"SGD({lr:g}, momentum={momentum:g})" if momentum else f"SGD({lr:g})"
        shown = f"descend(tf.Variable({x0:g}), {kind}, tf.constant({steps})); x"
        judge_call(scalar(x_end, rtol=1e-5, atol=1e-5), shown, x)
        if not _graph_ops(fn, x, optimizer, tf.constant(steps)) & {"While", "StatelessWhile"}:
            raise Wrong("unrolled")
        got = int(optimizer.iterations.numpy())
        if 0 < got != steps:  # the optimizer stepped, but not `steps` times
            raise Wrong("optimizer_steps", got=got, want=steps)
        if got != steps:
            why = {k: v.format(steps=steps, got=got) for k, v in HINTS["07.1.why"].items()}
            raise Wrong("technique_missing", api="`optimizer.apply_gradients`", why=why)


def _trial_train(run: Callable[..., Any], fn: Callable) -> None:
    """07.2: train(epochs, f, var) runs `epochs` steps of plain gradient descent (lr 0.1)."""
    import tensorflow as tf

    for x0, target, epochs in ((0.0, 3.0, 20), (10.0, -1.0, 5)):
        var = tf.Variable(x0)

        def f(var=var, target=target):
            return (var - target) ** 2

        shown = f"train(tf.constant({epochs}), (var - {target:g})², var = tf.Variable({x0:g}))"
        result = run(tf.constant(epochs), f, var)
        x_end = target + (x0 - target) * 0.8**epochs
        judge_call(scalar(x_end), shown + "; var", var)
        judge_call(scalar((x_end - target) ** 2, rtol=1e-4, atol=1e-7), shown, result)
        if "AssignSubVariableOp" not in _graph_ops(fn, tf.constant(epochs), f, var):
            raise Wrong("technique_missing", api="`var.assign_sub`", why=HINTS["07.2.why"])
        if not technique.graph_updates_from_tape(fn, tf.constant(epochs), f, var):
            raise Wrong("technique_missing", api="`tape.gradient`", why=HINTS["07.2.tape"])


MAX_STEPS = 1000


def steps_to_converge(learning_rate: float, tolerance: float = 0.01) -> int:
    """The reference for 07.3: steps from x = 0 until |f′(x)| < tolerance, at most MAX_STEPS."""
    x, steps = 0.0, 0
    while abs(quadratic_slope(x)) >= tolerance and steps < MAX_STEPS:
        x -= learning_rate * quadratic_slope(x)
        steps += 1
    return steps


def _trial_steps(run: Callable[..., Any], fn: Callable) -> None:
    """07.3: steps_to_converge(lr) in graph; lr = 1 never settles and must stop at MAX_STEPS."""
    import tensorflow as tf

    for lr in (0.1, 0.25, 0.4, 1.0):
        shown = f"steps_to_converge(tf.constant({lr}))"
        result = run(tf.constant(lr))
        form = tf.zeros_like(result) if isinstance(result, (tf.Tensor, tf.Variable)) else result
        judge_call(TensorAnswer(lambda: 0, "int32"), shown, form)  # dtype and shape first
        judge_call(NumberAnswer(lambda lr=lr: steps_to_converge(lr), integer=True), shown, result)
    if not _graph_ops(fn, tf.constant(0.1)) & {"While", "StatelessWhile"}:  # not a formula
        raise Wrong("technique_missing", api=MESSAGES["a_graph_loop"], why=HINTS["07.3.why"])


EXERCISES = {
    "07.1": Exercise(FunctionAnswer(_trial_descend, graph=True), {"": HINTS["07.1"]}),
    "07.2": Exercise(FunctionAnswer(_trial_train, graph=True), {"": HINTS["07.2"]}),
    "07.3": Exercise(
        FunctionAnswer(_trial_steps, graph=True),
        {"": HINTS["07.3"], "timeout": HINTS["07.3.timeout"]},
    ),
}
