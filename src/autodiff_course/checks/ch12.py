"""Chapter 12 · From a parabola to a model: exercises 12.1-12.4 (answers, hints, trials).

The trials build their own small models with seeded initializers (the learner's global random
state is left alone), run the learner's function next to a reference on hidden data, and compare
every weight afterwards.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from autodiff_course.checks import technique
from autodiff_course.checks.engine import (
    Exercise,
    FunctionAnswer,
    IntAnswer,
    TensorAnswer,
    Wrong,
    judge_call,
    judge_values,
    scalar,
)
from autodiff_course.i18n import strings

HINTS = strings(
    __name__,
    {
        "12.1": {
            "en": "Add up the sizes of all arrays in `model.trainable_variables`: every layer has "
            "a kernel (inputs × units) and a bias (units), e.g. "
            "`sum(int(np.prod(v.shape)) for v in model.trainable_variables)`.",
            "zh": "把 `model.trainable_variables` 中所有数组的大小加起来：每一层都有一个 kernel"
            "（输入数 × 单元数）和一个偏置（单元数），例如 "
            "`sum(int(np.prod(v.shape)) for v in model.trainable_variables)`。",
        },
        "12.2": {
            "en": "Inside `with tf.GradientTape() as tape:` compute the mean squared error of "
            "`model(x)` against `y`; take `tape.gradient(loss, model.trainable_variables)`, pass "
            "`zip(grads, model.trainable_variables)` to the `optimizer` you were given, and "
            "return the loss computed before the update.",
            "zh": "在 `with tf.GradientTape() as tape:` 中计算 `model(x)` 与 `y` 的均方误差；"
            "求 `tape.gradient(loss, model.trainable_variables)`，把 "
            "`zip(grads, model.trainable_variables)` 交给传进来的 `optimizer`，"
            "并返回更新之前算出的损失。",
        },
        "12.1.int": {
            "en": "Give the count as an int: `int(np.prod(v.shape))` for each variable, added "
            "up with `sum`.",
            "zh": "把个数写成整数（int）：对每个变量取 `int(np.prod(v.shape))`，"
            "再用 `sum` 加起来。",
        },
        "12.2.sign": {
            "en": "The weights moved uphill: `apply_gradients` subtracts learning rate × gradient "
            "itself, so pass the gradients as the tape returns them, not negated.",
            "zh": "权重朝上坡方向移动了：`apply_gradients` 自己会减去学习率 × 梯度，"
            "所以要把磁带返回的梯度原样传进去，不要取负。",
        },
        "12.2.optimizer": {
            "en": "the check's optimizer counted {got} steps (`optimizer.iterations`) where "
            "your function was called {want} times: pass the gradients to "
            "`optimizer.apply_gradients`, once per call.",
            "zh": "检查用的优化器只记录了 {got} 步（`optimizer.iterations`），而你的函数被调用了 "
            "{want} 次：请把梯度交给 `optimizer.apply_gradients`，每次调用一次。",
        },
        "12.3": {
            "en": "Create two optimizers, `keras.optimizers.Adam(learning_rate=0.01)` for each "
            "model, once, before the loop; then each step trains model_a with the first and "
            "model_b with the second.",
            "zh": "在循环之前只创建一次优化器：为每个模型各建一个 "
            "`keras.optimizers.Adam(learning_rate=0.01)`；然后每一步用第一个训练 model_a，"
            "用第二个训练 model_b。",
        },
        "12.3.raised": {
            "en": "A Keras 3 optimizer accepts only the variables it was built with: the "
            "second model needs an optimizer of its own.",
            "zh": "Keras 3 的优化器只接受构建时的那组变量：第二个模型需要自己的优化器。",
        },
        "12.4": {
            "en": "On the tape, multiply the loss by `scale` before taking the gradient, then "
            "divide every gradient by `scale` (`[g / scale for g in grads]`). Scaling after the "
            "gradient is too late: the float16 part of the backward pass has already run.",
            "zh": "在磁带中先把损失乘以 `scale` 再求梯度，然后把每个梯度除以 `scale`"
            "（`[g / scale for g in grads]`）。求完梯度再缩放就太晚了："
            "反向传播中 float16 的那部分已经算完了。",
        },
    },
)


# ----------------------------------------------------------------------------- 12.1


def count_numbers() -> int:
    """12.1: Dense(8) on 2 inputs, then Dense(1): 2·8 + 8 + 8·1 + 1."""
    return 2 * 8 + 8 + 8 * 1 + 1


# ----------------------------------------------------------------------------- models and data


def _network(inputs: int, units: int, seed: int):
    """A small tanh network whose weights depend only on `seed` (no global random state)."""
    import keras

    def init(offset):
        return keras.initializers.GlorotUniform(seed=seed + offset)

    # named, so that an error message that names a variable reads the same in every session
    return keras.Sequential(
        [
            keras.Input(shape=(inputs,)),
            keras.layers.Dense(units, "tanh", kernel_initializer=init(0), name="hidden"),
            keras.layers.Dense(1, kernel_initializer=init(1), bias_initializer="ones", name="out"),
        ],
        name=f"network_{seed}",
    )


def _data(inputs: int, seed: int):
    import numpy as np
    import tensorflow as tf

    rng = np.random.default_rng(seed)
    x = rng.uniform(-2.0, 2.0, size=(24, inputs)).astype(np.float32)
    y = (np.sin(x).sum(axis=1, keepdims=True) + 0.5).astype(np.float32)
    return tf.constant(x), tf.constant(y)


def reference_step(model, optimizer, x, y, sign=1.0):
    """The step 12.2 asks for (sign −1: the same step uphill, a slip the check names)."""
    import tensorflow as tf

    with tf.GradientTape() as tape:
        loss = tf.reduce_mean(tf.square(model(x) - y))
    grads = tape.gradient(loss, model.trainable_variables)
    pairs = [(sign * g, v) for g, v in zip(grads, model.trainable_variables, strict=True)]
    optimizer.apply_gradients(pairs)
    return loss


def _same_weights(model, reference, shown: str, uphill=None) -> None:
    """Every weight of `model` equals `reference`'s; a model equal to `uphill` is named."""
    import tensorflow as tf

    others = uphill.trainable_variables if uphill is not None else None
    for i, (v, r) in enumerate(
        zip(model.trainable_variables, reference.trainable_variables, strict=True)
    ):
        want = r.numpy()
        spec = TensorAnswer(lambda want=want: want, "float32", tuple(want.shape), 1e-5, 1e-6)
        slips = [("ascent", others[i].numpy())] if others is not None else []
        # a Keras 3 variable is not a tf.Variable: judge its value
        call = f"{shown}; model.trainable_variables[{i}]"
        judge_values(spec, call, tf.convert_to_tensor(v), slips)


# ----------------------------------------------------------------------------- 12.2


def _trial_train_step(run: Callable[..., Any], fn: Callable) -> None:
    """12.2: train_step(model, optimizer, x, y): one MSE step with *that* optimizer; the loss.

    SGD and Adam on two architectures, two steps each: a step that ignores the optimizer, gets
    the sign wrong, sums instead of averaging, or returns the loss after the update fails; one
    that updates the weights right without `apply_gradients` leaves `optimizer.iterations`
    behind. The optimizers are built for the model's variables first, as the chapter does, so
    that a `tf.function` step creates no variables when it traces.
    """
    import keras

    cases = [
        (3, 4, 11, lambda: keras.optimizers.SGD(learning_rate=0.05), "SGD(0.05)"),
        (2, 6, 23, lambda: keras.optimizers.Adam(learning_rate=0.01), "Adam(0.01)"),
    ]
    for inputs, units, seed, make_optimizer, name in cases:
        with technique.observe() as seen:
            _train_step_case(run, inputs, units, seed, make_optimizer, name)
        # not model.compile + train_on_batch: Keras's own tape and update are not the learner's
        call = f"2 × train_step(model, {name}, x, y)"
        for api in ("GradientTape.gradient", "apply_gradients"):
            try:
                seen.require(api, why=OWN_STEP)
            except Wrong as wrong:
                raise wrong.at("call", call=call) from None


OWN_STEP = {
    "en": "the exercise asks for the step written out: your own `tf.GradientTape`, its "
    "`tape.gradient`, then `optimizer.apply_gradients`.",
    "zh": "本题要求把这一步亲手写出来：你自己的 `tf.GradientTape` 和 `tape.gradient`，"
    "再调用 `optimizer.apply_gradients`。",
}


OWN_GRADIENT = {
    "en": "the exercise asks for one `tape.gradient` of the scaled loss, with the variables "
    "left as they are (no finite differences).",
    "zh": "本题要求对放大后的损失调用一次 `tape.gradient`，变量保持原值（不用有限差分）。",
}


def _train_step_case(run: Callable[..., Any], inputs, units, seed, make_optimizer, name) -> None:
    """One optimizer's two steps of 12.2, next to a reference."""
    with run.paused():  # the check's own models: seconds on a busy machine, not the learner's
        x, y = _data(inputs, seed)
        model, reference, uphill = (_network(inputs, units, seed) for _ in range(3))
        optimizer, reference_optimizer, uphill_optimizer = (make_optimizer() for _ in range(3))
        optimizer.build(model.trainable_variables)
    for step in (1, 2):
        shown = {
            "en": f"train_step(model, {name}, x, y) (step {step})",
            "zh": f"train_step(model, {name}, x, y)（第 {step} 步）",
        }
        loss = run(model, optimizer, x, y)
        with run.paused():
            want = float(reference_step(reference, reference_optimizer, x, y))
            ascent = float(reference_step(uphill, uphill_optimizer, x, y, sign=-1.0))
        judge_values(scalar(want, rtol=1e-5, atol=1e-6), shown, loss, [("ascent", ascent)])
    _same_weights(model, reference, f"2 × train_step(model, {name}, x, y)", uphill)
    steps = int(optimizer.iterations.numpy())
    if steps != 2:
        why = {k: t.format(got=steps, want=2) for k, t in HINTS["12.2.optimizer"].items()}
        raise Wrong("technique_missing", api="`optimizer.apply_gradients`", why=why).at(
            "call", call=f"2 × train_step(model, {name}, x, y)"
        )


# ----------------------------------------------------------------------------- 12.3


def _trial_train_both(run: Callable[..., Any], fn: Callable) -> None:
    """12.3: train_both(model_a, model_b, x, y, steps): each model, its own Adam(0.01)."""
    import keras

    x, y = _data(2, 5)
    for steps in (2, 3):  # two steps already tell a fresh Adam from a kept one
        with run.paused():  # the check's own models: seconds on a busy machine
            a, b = _network(2, 5, 31), _network(2, 3, 41)
            ref_a, ref_b = _network(2, 5, 31), _network(2, 3, 41)
            opt_a = keras.optimizers.Adam(learning_rate=0.01)
            opt_b = keras.optimizers.Adam(learning_rate=0.01)
        run(a, b, x, y, steps)
        with run.paused():
            for _ in range(steps):
                reference_step(ref_a, opt_a, x, y)
                reference_step(ref_b, opt_b, x, y)
        shown = f"train_both(model_a, model_b, x, y, {steps})"
        _same_weights(a, ref_a, shown + "; model_a")
        _same_weights(b, ref_b, shown + "; model_b")


# ----------------------------------------------------------------------------- 12.4


def _trial_scaled_gradients(run: Callable[..., Any], fn: Callable) -> None:
    """12.4: scaled_gradients(loss_fn, variables, scale): gradients of loss·scale, ÷ scale.

    A float16 gradient that underflows without scaling (the true value 3e-8·k), a large one
    that shows a missing division, and scale 1 on a float32 loss.
    """
    import numpy as np
    import tensorflow as tf

    def as_list(result, n):
        if isinstance(result, (list, tuple)) and len(result) == n:
            return list(result)
        raise Wrong("not_list", type=type(result).__name__, want=n)

    def named(fn):  # an error message that shows it reads `loss_fn`, not this trial's locals
        fn.__qualname__ = fn.__name__ = "loss_fn"
        return fn

    def scaled(loss_fn, variables, scale, shown):
        """One call: its list, after asking for one tape.gradient and loss_fn read only at the
        variables' own values (a finite difference moves them)."""
        start = [v.numpy().copy() for v in variables]
        moved = []

        def watched():
            moved.append(any(np.any(v.numpy() != s) for v, s in zip(variables, start, strict=True)))
            return loss_fn()

        with technique.observe() as seen:
            result = run(named(watched), variables, scale)
        try:
            result = as_list(result, len(variables))
            seen.require("GradientTape.gradient", exactly=1, why=OWN_GRADIENT)
            if any(moved):
                raise Wrong("technique_missing", api="`tape.gradient`", why=OWN_GRADIENT)
        except Wrong as wrong:
            raise wrong.at("call", call=shown) from None
        return result

    for k, scale in ((3.0, 2.0**15), (5.0, 2.0**12)):
        w = tf.Variable(2.0)

        def loss_fn(w=w, k=k):  # d loss / d w = 1e-8 · k, through a float16 product
            h = tf.cast(w, tf.float16) * tf.constant(k, tf.float16)
            return 1e-8 * tf.cast(h, tf.float32)

        shown = f"scaled_gradients(loss_fn, [w], {scale:g})"
        (g,) = scaled(loss_fn, [w], scale, shown)
        judge_call(scalar(1e-8 * k, rtol=2e-3, atol=0.0), shown, g)

    u, v = tf.Variable([1.0, -2.0]), tf.Variable(0.5)

    def loss_fn():  # float16 compute, gradients of order 1..10
        u16, v16 = tf.cast(u, tf.float16), tf.cast(v, tf.float16)
        out = tf.reduce_sum(u16 * u16) * v16 + 3.0 * v16
        return tf.cast(out, tf.float32)

    shown = "scaled_gradients(loss_fn, [u, v], 256)"
    grads = scaled(loss_fn, [u, v], 256.0, shown)
    want_u = np.array([2 * 1.0 * 0.5, 2 * -2.0 * 0.5], dtype=np.float32)
    judge_values(TensorAnswer(lambda: want_u, "float32", (2,), 1e-3, 1e-4), shown + "[0]", grads[0])
    judge_call(scalar(5.0 + 3.0, rtol=1e-3, atol=1e-4), shown + "[1]", grads[1])

    x = tf.Variable(3.0)
    shown = "scaled_gradients(lambda: x * x, [x], 1) with x = 3"
    (g,) = scaled(lambda: x * x, [x], 1.0, shown)
    judge_call(scalar(6.0), shown, g)


EXERCISES = {
    "12.1": Exercise(
        IntAnswer(count_numbers), {"": HINTS["12.1"], "float_not_int": HINTS["12.1.int"]}
    ),
    "12.2": Exercise(
        FunctionAnswer(_trial_train_step), {"": HINTS["12.2"], "ascent": HINTS["12.2.sign"]}
    ),
    "12.3": Exercise(
        FunctionAnswer(_trial_train_both), {"": HINTS["12.3"], "raised": HINTS["12.3.raised"]}
    ),
    "12.4": Exercise(FunctionAnswer(_trial_scaled_gradients), {"": HINTS["12.4"]}),
}
