"""Chapter 06 · Minimizing with gradient descent: exercises 06.1-06.4 (answers, hints, trials)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from autodiff_course.checks import technique
from autodiff_course.checks.engine import (
    Exercise,
    FunctionAnswer,
    NumberAnswer,
    Spec,
    Wrong,
    judge_call,
    scalar,
)
from autodiff_course.i18n import strings
from autodiff_course.quadratic import gradient_descent_closed_form, quadratic

STEPS = 1000  # 06.4: the steps, each with its own tape.gradient call

HINTS = strings(
    __name__,
    {
        "06.1": {
            "en": "Ten steps, each with a new tape: x.assign_add(−learning_rate × gradient). "
            "Mind the sign: go downhill.",
            "zh": "共十步，每一步都新开一盘磁带：x.assign_add(−学习率 × 梯度)。"
            "注意符号：要往下坡走。",
        },
        "06.2": {
            "en": "Record `loss_fn()` on a tape, take the gradients with respect to `var_list`, "
            "and hand (gradient, variable) pairs to the `optimizer` you were given, with "
            "`optimizer.apply_gradients`.",
            "zh": "在磁带中计算 `loss_fn()`，对 `var_list` 求梯度，"
            "再用 `optimizer.apply_gradients` 把（梯度，变量）对交给传进来的那个 `optimizer`。",
        },
        "06.3": {
            "en": "Each step multiplies the distance to the minimum by (1 − 2a·lr). The distance "
            "shrinks only while that factor lies strictly between −1 and 1.",
            "zh": "每一步都把到最小值点的距离乘以 (1 − 2a·lr)。只有这个因子严格介于 −1 和 1 之间，"
            "距离才会缩小。",
        },
        "06.4": {
            "en": "Create the Variable with `dtype=tf.float64` and keep every constant and the "
            "learning rate in float64 too; run all 1000 steps.",
            "zh": "创建变量时指定 `dtype=tf.float64`，常量和学习率也都用 float64；"
            "完整运行 1000 步。",
        },
        "06.4.why": {
            "en": "store the float64 Variable your 1000 steps moved, each step's slope from its "
            "own `tape.gradient` call (1000 calls with this Variable as the source); a number "
            "typed, or worked out from 1 − 0.98¹⁰⁰⁰, skips the steps.",
            "zh": "请保存被你的 1000 步移动过的那个 float64 变量，每一步的斜率都来自一次 "
            "`tape.gradient` 调用（共 1000 次，求导对象都是这个变量）；手动输入的数，"
            "或者用 1 − 0.98¹⁰⁰⁰ 算出的数，都跳过了这些步。",
        },
        "06.2.why": {
            "en": "the step must be the optimizer's own: after 3 calls, `optimizer.iterations` "
            "is still {got}, so the update was applied by hand.",
            "zh": "这一步必须由优化器自己来走：调用 3 次之后，`optimizer.iterations` 仍是 {got}，"
            "说明更新是手动完成的。",
        },
    },
)


def _trial_minimize(run: Callable[..., Any], fn: Callable) -> None:
    """06.2: minimize(loss_fn, var_list, optimizer): one step of *that* optimizer; the loss.

    Three optimizers (SGD 0.1, SGD 0.05, Adam 0.1), so a minimize that ignores its optimizer
    argument, or applies the gradient itself, cannot pass; `optimizer.iterations` names the
    step by hand that plain SGD cannot tell apart.
    """
    import keras
    import tensorflow as tf

    def built(optimizer: Any, variables: list) -> Any:
        # its variables exist before the learner's call, as after a first step: a tf.function
        # answer must not create them while it is traced (a second check traces it again)
        optimizer.build(variables)
        return optimizer

    x = tf.Variable(0.0)
    optimizer = built(keras.optimizers.SGD(learning_rate=0.1), [x])
    losses = [run(lambda: quadratic(x), [x], optimizer) for _ in range(3)]
    want = gradient_descent_closed_form(0.0, 3, 0.1)
    judge_call(scalar(want), "3 × minimize(f, [x], SGD(0.1)); x", x)
    judge_call(
        NumberAnswer(lambda: quadratic(0.0), rtol=1e-5), "minimize(f, [x], SGD(0.1))", losses[0]
    )
    steps = int(optimizer.iterations.numpy())
    if steps != 3:  # plain SGD: a step by hand with the optimizer's learning rate is the same
        why = {lang: text.format(got=steps) for lang, text in HINTS["06.2.why"].items()}
        raise Wrong("technique_missing", api="`optimizer.apply_gradients`", why=why)

    u, v = tf.Variable(0.0), tf.Variable(0.0)
    sgd = built(keras.optimizers.SGD(learning_rate=0.05), [u, v])
    run(lambda: (u - 1.0) ** 2 + (v + 2.0) ** 2, [u, v], sgd)
    shown = "minimize((u - 1)² + (v + 2)², [u, v], SGD(0.05)); "
    judge_call(scalar(0.1), shown + "u", u)
    judge_call(scalar(-0.2), shown + "v", v)

    x, reference = tf.Variable(0.0), tf.Variable(0.0)
    adam, adam_reference = built(keras.optimizers.Adam(0.1), [x]), keras.optimizers.Adam(0.1)
    for _ in range(2):
        run(lambda: quadratic(x), [x], adam)
        with tf.GradientTape() as tape:
            loss = quadratic(reference)
        adam_reference.apply_gradients([(tape.gradient(loss, reference), reference)])
    judge_call(scalar(float(reference.numpy())), "2 × minimize(f, [x], Adam(0.1)); x", x)


@dataclass
class _Descended(Spec):
    """06.4: the right value, in a tf.Variable that `tape.gradient` differentiated."""

    spec: Spec
    why: dict[str, str]

    def judge(self, answer: Any) -> None:
        import tensorflow as tf

        self.spec.judge(answer)  # the form and the value first
        calls = technique.differentiated(answer) if isinstance(answer, tf.Variable) else 0
        if not calls:
            raise Wrong("technique_missing", api="`tape.gradient`", why=self.why)
        # eager steps are counted; a loop traced in a tf.function runs an unknown number
        if calls < STEPS and not technique.differentiated_in_graph(answer):
            raise Wrong("technique_count", api="`tape.gradient`", got=calls, want=STEPS,
                        why=self.why)  # fmt: skip


EXERCISES = {
    "06.1": Exercise(
        scalar(lambda: gradient_descent_closed_form(0.0, 10, 0.1)), {"": HINTS["06.1"]}
    ),
    "06.2": Exercise(FunctionAnswer(_trial_minimize), {"": HINTS["06.2"]}),
    "06.3": Exercise(NumberAnswer(lambda: 1.0 / 4.0), {"": HINTS["06.3"]}),
    "06.4": Exercise(
        _Descended(
            scalar(lambda: 1.0 - 0.98**1000, "float64", rtol=1e-12, atol=1e-12), HINTS["06.4.why"]
        ),
        {"": HINTS["06.4"]},
    ),
}
