"""Chapter 07 · Minimizing in graph mode: exercises 07.1-07.3 (answers, hints, trials)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from autodiff_course.checks.engine import (
    Exercise,
    FunctionAnswer,
    NumberAnswer,
    TensorAnswer,
    Wrong,
    judge_call,
    scalar,
)
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
    },
)


def _trial_descend(run: Callable[..., Any], fn: Callable) -> None:
    """07.1: descend(x, optimizer, steps) minimizes (x − 3)² with a graph loop of `steps`."""
    import keras
    import tensorflow as tf

    for x0, lr, steps in ((0.0, 0.1, 50), (10.0, 0.05, 20)):
        x, optimizer = tf.Variable(x0), keras.optimizers.SGD(learning_rate=lr)
        optimizer.build([x])  # its variables exist before the trace, as after a first call
        run(x, optimizer, tf.constant(steps))
        x_end = 3.0 + (x0 - 3.0) * (1.0 - 2.0 * lr) ** steps
        shown = f"descend(tf.Variable({x0:g}), SGD({lr:g}), tf.constant({steps})); x"
        judge_call(scalar(x_end, rtol=1e-6, atol=1e-6), shown, x)
        graph = fn.get_concrete_function(x, optimizer, tf.constant(steps)).graph
        if not any(op.type in ("While", "StatelessWhile") for op in graph.get_operations()):
            raise Wrong("unrolled")


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


EXERCISES = {
    "07.1": Exercise(FunctionAnswer(_trial_descend, graph=True), {"": HINTS["07.1"]}),
    "07.2": Exercise(FunctionAnswer(_trial_train, graph=True), {"": HINTS["07.2"]}),
    "07.3": Exercise(
        FunctionAnswer(_trial_steps, graph=True),
        {"": HINTS["07.3"], "timeout": HINTS["07.3.timeout"]},
    ),
}
