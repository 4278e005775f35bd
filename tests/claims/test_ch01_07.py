"""Claims of chapters 01-07 that no executed cell beside them shows: key points, advice, the
instructor guides' answers (docs/instructor/{en,zh-CN}.md) and the exercises' prose.

Each test quotes the sentence (in English, and in Chinese where the notebook or the guide has it)
and then runs what it says on the installed TensorFlow and Keras. A timing verdict asks for a
margin of 10x or more below what a loaded 2-core machine measured.
"""

# ruff: noqa: E501 - the quoted sentences stay whole, so that a text search finds them
from __future__ import annotations

import functools
import gc
import os
import re
import signal
import subprocess
import sys
import textwrap
import time
import weakref

import numpy as np
import pytest
import tensorflow as tf
from quote import recorded, run_fresh, says

from conftest import ROOT

C01, C02, C03, C04 = (
    "01_gradient_tape",
    "02_what_the_tape_watches",
    "03_higher_order_derivatives",
    "04_many_variables_persistent_tapes",
)
C05, C06, C07 = "05_tapes_in_tf_function", "06_gradient_descent", "07_graph_mode_training"
GUIDE_EN, GUIDE_ZH = "docs/instructor/en.md", "docs/instructor/zh-CN.md"


def en(chapter: str) -> str:
    return f"chapters/en/{chapter}.md"


def zh(chapter: str) -> str:
    return f"chapters/zh/{chapter}.md"


def parabola(x):
    return tf.constant(1.0) * tf.pow(x, 2) + tf.constant(-2.0) * x + tf.constant(1.0)


def slope_at(x0: float) -> float:
    x = tf.Variable(x0)
    with tf.GradientTape() as tape:
        y = parabola(x)
    return float(tape.gradient(y, x))


@functools.cache
def descend32(learning_rate: float, steps: int, x0: float = 0.0) -> tuple[np.float32, ...]:
    """Chapter 06's float32 descent with a tape: the path x0, x1, ..., x_steps."""
    x = tf.Variable(x0, dtype=tf.float32)
    path = [x.numpy()]
    for _ in range(steps):
        with tf.GradientTape() as tape:
            y = parabola(x)
        x.assign_sub(learning_rate * tape.gradient(y, x))
        path.append(x.numpy())
    return tuple(path)


# 01 · The gradient tape


def test_a_tape_records_only_operations_on_watched_tensors():
    says(en(C01), "the tape records every operation on a tensor it *watches*")
    says(en(C01), "`tf.GradientTape` records the operations on watched tensors")
    says(en(C01), "Variables are watched automatically")
    says(zh(C01), "磁带会记录每一个涉及**被监视**（watched）张量的运算")
    says(zh(C01), "`tf.GradientTape` 记录 `with` 代码块中涉及被监视张量的运算")
    says(zh(C01), "变量会被自动监视")
    says(
        GUIDE_EN,
        "The tape records TensorFlow operations on tensors. Trainable variables are watched automatically",
    )
    says(GUIDE_ZH, "磁带记录的是对张量执行的 TensorFlow 运算。可训练的变量会被自动监视（watch）")
    says(
        en(C02),
        "Trainable Variables are watched automatically; constants are not, so their gradient is `None`.",
    )
    says(zh(C02), "可训练变量会被自动监视，常量不会，所以对常量求梯度得到 `None`。")
    says(GUIDE_EN, "*Why are constants not watched?*")
    says(GUIDE_ZH, "**为什么不自动监视常量？**")
    with tf.GradientTape() as tape:
        y = 0.0**2 - 2 * 0.0 + 1  # Python floats: nothing for the tape to record
    assert type(y) is float and tape.watched_variables() == ()
    constant, variable = tf.constant(0.0), tf.Variable(0.0)
    frozen = tf.Variable(0.0, trainable=False)
    sources = (constant, variable, frozen)
    with tf.GradientTape(persistent=True) as tape:
        ys = [parabola(t) for t in sources]
    grads = [tape.gradient(y, t) for y, t in zip(ys, sources, strict=True)]
    del tape
    assert grads[0] is None and grads[2] is None  # computed in the block, not recorded
    assert float(grads[1]) == -2.0


def test_the_tape_is_exact_up_to_float32_rounding():
    says(en(C01), "The answer is exact up to float32 rounding")
    says(zh(C01), "除了 float32 的舍入误差，结果是精确的")
    says(GUIDE_EN, "so the result is exact up to floating point: −2 is exactly −2")
    says(GUIDE_ZH, "结果在浮点精度内是精确的：−2 就是 −2")
    assert [slope_at(x0) for x0 in (0.0, 1.0, 10.0)] == [-2.0, 0.0, 18.0]
    in_float32 = float(np.float32(2.0) * np.float32(0.1) - np.float32(2.0))
    assert slope_at(0.1) == in_float32 != -1.8


def test_assign_returns_an_unread_handle_to_the_same_variable():
    says(GUIDE_EN, "It is the name of the handle `assign` returns")
    says(GUIDE_ZH, "这是 `assign` 返回的句柄的名字")
    x = tf.Variable(0.0)
    handle = x.assign(1.0)
    assert "UnreadVariable" in repr(handle)
    handle.assign(5.0)
    assert float(x.numpy()) == 5.0  # writing through the handle writes x


def test_a_tape_holds_one_pass_with_the_values_of_that_moment():
    says(en(C01), "A tape describes one pass with the values of that moment.")
    says(zh(C01), "一盘磁带只描述一次计算及当时的取值。")
    says(
        en(C01),
        "When the input changes, record again: that is why training loops open a new tape every step.",
    )
    says(zh(C01), "输入变了就要重新记录，所以训练循环每一步都会新开一盘磁带。")
    says(GUIDE_EN, "A tape is a recording of one pass with the values of that moment.")
    says(GUIDE_ZH, "磁带记录的是某一次计算以及当时的取值。训练循环每一步都开新磁带，原因相同。")
    x = tf.Variable(0.0)
    with tf.GradientTape() as tape:
        y = parabola(x)
    x.assign(1.0)
    assert float(y) == 1.0  # still f(0)
    assert float(tape.gradient(y, x)) == -2.0  # the slope of the recorded pass
    with tf.GradientTape() as tape:  # recorded again at the new input
        y = parabola(x)
    assert float(tape.gradient(y, x)) == 0.0


# 02 · What the tape watches


def test_integers_are_not_differentiated_even_when_watched():
    says(en(C02), "differentiates only float ones (an integer Variable is watched")
    says(zh(C02), "也只对浮点运算求导（整数变量会被监视，但梯度是 `None`）")
    says(GUIDE_EN, "Integers have no gradient: use a float dtype, `tf.Variable(3.0)`.")
    says(GUIDE_ZH, "整数没有梯度，请用浮点类型：`tf.Variable(3.0)`。")
    m = tf.Variable(3)
    with tf.GradientTape() as tape:
        y = m * m
    assert [v.dtype for v in tape.watched_variables()] == [tf.int32]
    assert tape.gradient(y, m) is None
    n = tf.cast(tf.constant(3), tf.float32)
    with tf.GradientTape() as tape:
        tape.watch(n)
        y = n * n
    assert float(tape.gradient(y, n)) == 6.0  # cast first, then watch


def test_watch_adds_tensors_and_a_list_gives_one_gradient_per_entry():
    says(en(C02), "returns one gradient per entry: 18, 100, 10 and 1 at $x = 10$")
    says(zh(C02), "为每一项返回一个梯度，在 $x = 10$ 处分别是 18、100、10、1")
    x, a, b, c = tf.Variable(10.0), tf.constant(1.0), tf.constant(-2.0), tf.constant(1.0)
    with tf.GradientTape() as tape:
        tape.watch([a, b, c])
        y = a * tf.pow(x, 2) + b * x + c
    assert [float(g) for g in tape.gradient(y, [x, a, b, c])] == [18.0, 100.0, 10.0, 1.0]


def test_none_means_not_connected_and_zeros_can_be_asked_for():
    zero = "`unconnected_gradients=tf.UnconnectedGradients.ZERO`"
    says(en(C02), f"{zero} gives zeros instead")
    says(zh(C02), f"{zero} 会改为返回 0")
    says(GUIDE_EN, f"To get zeros instead, pass {zero} to `gradient`.")
    says(GUIDE_ZH, f"想要得到零，可以给 `gradient` 传 {zero}")
    says(en(C02), '`None` means "not connected", not zero.')
    says(zh(C02), "`None` 表示“未连接”，不是 0。")
    says(
        GUIDE_EN,
        '`None` means "this result does not depend on that input through anything the tape recorded". A zero gradient is a real number.',
    )
    says(
        GUIDE_ZH,
        "`None` 的意思是“磁带记录的运算里，结果与这个输入没有关系”；而零梯度是一个真实的数值。",
    )
    x, z = tf.Variable([2.0]), tf.Variable([5.0, 6.0])
    with tf.GradientTape(persistent=True) as tape:
        y = x**2
    assert tape.gradient(y, z) is None
    zeros = tape.gradient(y, z, unconnected_gradients=tf.UnconnectedGradients.ZERO)
    assert zeros.shape == z.shape and not np.any(zeros.numpy())
    with tf.GradientTape(persistent=True) as tape:
        flat = 0.0 * x  # connected: a real zero
    assert tape.gradient(flat, x).numpy().tolist() == [0.0]
    del tape


def test_watch_accessed_variables_false_watches_only_what_you_watch():
    says(en(C02), "`watch_accessed_variables=False` turns automatic watching off")
    says(zh(C02), "`watch_accessed_variables=False` 关闭自动监视")
    says(GUIDE_EN, "The tape then watches only what you `watch` explicitly")
    says(GUIDE_ZH, "这样磁带只监视你用 `watch` 明确指定的对象")
    x, k = tf.Variable(2.0), tf.Variable(3.0)
    with tf.GradientTape(watch_accessed_variables=False) as tape:
        tape.watch(x)
        y = k * x**2
    dy_dx, dy_dk = tape.gradient(y, [x, k])
    assert float(dy_dx) == 12.0 and dy_dk is None


def test_x_equals_x_plus_one_leaves_the_variable_behind():
    says(en(C02), "Update Variables in place (`assign_add`), never with `x = x + 1`")
    says(zh(C02), "变量要原地更新（`assign_add`），不要写 `x = x + 1`")
    says(GUIDE_EN, "because `x` is now a plain tensor the tape does not watch")
    says(GUIDE_ZH, "因为 `x` 已经变成一个普通张量，磁带不会监视它")
    x = tf.Variable(3.0)
    with tf.GradientTape() as tape:
        loss = (x - 1.0) ** 2
    grad = tape.gradient(loss, x)
    assert float(grad) == 4.0
    x = x - 0.1 * grad  # the guide's failure mode 1
    with tf.GradientTape() as tape:
        loss = (x - 1.0) ** 2
    assert type(x).__name__ == "EagerTensor" and tape.gradient(loss, x) is None


# 03 · Higher-order derivatives


def three_derivatives(fn, x0: float, unconnected=tf.UnconnectedGradients.NONE):
    """The first three derivatives of fn at x0 from nested tapes, as chapter 03 computes them."""
    x = tf.Variable(x0)
    with tf.GradientTape() as tape3:
        with tf.GradientTape() as tape2:
            with tf.GradientTape() as tape1:
                y = fn(x)
            d1 = tape1.gradient(y, x)
        d2 = tape2.gradient(d1, x, unconnected_gradients=unconnected)
    d3 = tape3.gradient(d2, x, unconnected_gradients=unconnected)
    return [None if d is None else float(d) for d in (d1, d2, d3)]


def cube(x):
    return x**3


def parabola_as_products(x):
    return 1.0 * x * x - 2.0 * x + 1.0


def test_a_tape_around_a_tape_gives_the_second_derivative_2a():
    says(
        en(C03),
        "A gradient is an ordinary computation, so a tape can record it: a tape around another tape gives the second derivative.",
    )
    says(zh(C03), "梯度本身也是普通的计算，所以磁带可以把它录下来：磁带套磁带，就得到二阶导数。")
    says(en(C03), "the second derivative is $2a$ at every $x$: 2.0 for the course's $a = 1$")
    says(zh(C03), "二阶导数在任何 $x$ 处都是 $2a$：本课程取 $a = 1$，即 2.0")
    for x0 in (0.0, 1.0, 10.0, -3.5):
        assert three_derivatives(parabola, x0)[1] == 2.0
    assert three_derivatives(lambda x: 3.0 * x**2 - x, 2.5)[1] == 6.0  # a = 3


def test_the_inner_gradient_call_must_run_inside_the_outer_block():
    says(en(C03), "The inner `gradient` call must run inside the outer tape's block")
    says(zh(C03), "内层的 `gradient` 调用必须发生在外层磁带的代码块之内")
    says(GUIDE_EN, "the first derivative must be computed while it is recording")
    says(GUIDE_ZH, "所以一阶导数必须在外层磁带记录期间算出来")
    x = tf.Variable(1.0)
    with tf.GradientTape() as outer:
        with tf.GradientTape() as inner:
            y = parabola(x)
    dy_dx = inner.gradient(y, x)  # too late for the outer tape
    assert outer.gradient(dy_dx, x) is None


def test_a_third_derivative_depends_on_how_the_function_was_written():
    says(en(C03), "6 for $x^3$; for a parabola, 0 in theory, but the tape can answer `nan`")
    says(zh(C03), "$x^3$ 的三阶导数是 6；抛物线的三阶导数理论上是 0，但磁带可能返回 `nan`")
    says(
        GUIDE_EN,
        "with `tf.pow(x, 2)` it is 0, but `nan` at x = 0 (0 · x⁻¹); with `x * x` it is `None`",
    )
    says(
        GUIDE_ZH,
        "用 `tf.pow(x, 2)` 时得到 0，但在 x = 0 处是 `nan`（0 · x⁻¹）；写成 `x * x` 时得到 `None`",
    )
    assert three_derivatives(cube, 1.5)[2] == 6.0
    assert three_derivatives(parabola, 1.0)[2] == 0.0
    assert np.isnan(three_derivatives(parabola, 0.0)[2])
    assert three_derivatives(parabola_as_products, 1.0)[1:] == [2.0, None]
    zero = tf.UnconnectedGradients.ZERO
    assert three_derivatives(parabola_as_products, 1.0, zero)[2] == 0.0


def test_a_jacobian_of_the_inner_gradients_gives_the_hessian():
    says(GUIDE_EN, "for many variables use\n  `outer.jacobian(inner_gradient, v)`")
    says(
        GUIDE_EN,
        "`batch_jacobian` gives per-example Hessians only when\n  example i's output depends on example i's input alone",
    )
    says(GUIDE_ZH, "变量多的时候，对内层梯度调用 `outer.jacobian(inner_gradient, v)`")
    says(
        GUIDE_ZH,
        "只有当第 i 个样本的输出只依赖第 i 个样本的输入时，`batch_jacobian` 才给出逐样本的黑塞矩阵",
    )
    v = tf.Variable([1.0, 2.0])
    with tf.GradientTape(persistent=True) as outer:
        with tf.GradientTape() as inner:
            f = v[0] ** 2 * v[1] + 3.0 * v[1] ** 2
        g = inner.gradient(f, v)
    assert outer.jacobian(g, v).numpy().tolist() == [[4.0, 2.0], [2.0, 6.0]]
    with pytest.raises(ValueError, match="rank at least 2"):  # no example axis at all
        outer.batch_jacobian(g, v)
    # Examples that interact, f = (ΣW)²: every Hessian entry is 2, batch_jacobian says 4.
    w = tf.Variable([[1.0, 2.0], [3.0, 4.0]])
    with tf.GradientTape(persistent=True) as outer:
        with tf.GradientTape() as inner:
            f = tf.reduce_sum(w) ** 2
        g = inner.gradient(f, w)
    full = outer.jacobian(g, w).numpy()
    assert (full == 2.0).all()
    assert (outer.batch_jacobian(g, w).numpy() == 4.0).all()  # wrong: sums over examples
    # Examples that do not interact, f = Σᵢ (Σⱼ Wᵢⱼ)²: the per-example blocks are right.
    with tf.GradientTape(persistent=True) as outer:
        with tf.GradientTape() as inner:
            f = tf.reduce_sum(tf.reduce_sum(w, axis=1) ** 2)
        g = inner.gradient(f, w)
    full = outer.jacobian(g, w).numpy()
    blocks = outer.batch_jacobian(g, w).numpy()
    assert all((blocks[i] == full[i, :, i, :]).all() for i in range(2))


# 04 · Many variables, persistent tapes


def test_one_tape_gives_every_gradient_each_with_its_variables_shape():
    says(en(C04), "One tape gives the gradients of a loss with respect to many variables at once")
    says(zh(C04), "一盘磁带可以一次求出损失对多个变量的梯度：`tape.gradient(loss, [w, b])`。")
    says(
        en(C04), "(634 is the loss, `[[22, 28], [44, 56], [66, 84]]` and `[22, 28]` the gradients)"
    )
    says(zh(C04), "（损失为 634，梯度为 `[[22, 28], [44, 56], [66, 84]]` 和 `[22, 28]`）")
    says(
        GUIDE_EN,
        "Each entry is the derivative of the scalar loss with respect to the corresponding entry",
    )
    says(GUIDE_ZH, "梯度的每个元素，就是标量损失对变量中对应元素的导数")
    w = tf.Variable([[1, 2], [3, 4], [5, 6]], dtype=tf.float32)
    b = tf.Variable(tf.zeros(2))
    with tf.GradientTape() as tape:
        loss = tf.reduce_mean(([[1.0, 2.0, 3.0]] @ w + b) ** 2)
    dw, db = tape.gradient(loss, [w, b])
    assert float(loss) == 634.0 and dw.shape == w.shape and db.shape == b.shape
    assert dw.numpy().tolist() == [[22, 28], [44, 56], [66, 84]] and db.numpy().tolist() == [22, 28]


def test_an_ordinary_tape_answers_once():
    says(
        en(C04),
        "An ordinary tape frees its recording after one `gradient` call; a second call raises `RuntimeError`.",
    )
    says(zh(C04), "普通磁带在一次 `gradient` 调用后就释放记录，第二次调用会引发 `RuntimeError`。")
    message = "A non-persistent GradientTape can only be used to compute one set of gradients"
    says(GUIDE_EN, f"`{message} (or jacobians)`")
    says(GUIDE_ZH, f"`{message} (or jacobians)`")
    x = tf.Variable([2.0])
    with tf.GradientTape() as tape:
        f, h = x**2, x**3
    tape.gradient(f, x)
    with pytest.raises(RuntimeError, match=message):
        tape.gradient(h, x)


def test_a_persistent_tape_answers_again_and_keeps_its_tensors_until_deleted():
    says(
        en(C04),
        "`persistent=True` allows several calls (`[4.]` and `[12.]` for $x^2$ and $x^3$ at 2)",
    )
    says(
        zh(C04),
        "`persistent=True` 允许多次调用（在 2 处，$x^2$ 和 $x^3$ 的导数分别为 `[4.]` 和 `[12.]`）",
    )
    says(
        GUIDE_EN,
        "A persistent tape keeps its recording (and the tensors it needs) until it is deleted. For one gradient call, the default frees memory sooner.",
    )
    says(
        GUIDE_ZH,
        "会一直保留记录（以及求导所需的张量），直到被删除。只求一次梯度时，默认的磁带能更早释放内存。",
    )
    x = tf.Variable([2.0])
    with tf.GradientTape(persistent=True) as tape:
        f, h = x**2, x**3
    assert tape.gradient(f, x).numpy().tolist() == [4.0]
    assert tape.gradient(h, x).numpy().tolist() == [12.0]
    del tape
    v = tf.Variable(2.0)
    for persistent in (False, True):
        with tf.GradientTape(persistent=persistent) as tape:
            u = v * 3.0
            y = tf.sin(u)  # the tape keeps u for sin's gradient
        kept = weakref.ref(u)
        del u
        tape.gradient(y, v)
        gc.collect()
        assert (kept() is not None) == persistent
        del tape
        gc.collect()
        assert kept() is None


def test_the_gradient_of_a_non_scalar_target_is_the_gradient_of_its_sum():
    says(
        GUIDE_EN,
        "`gradient` sums over the target's elements; for one gradient per element use `tape.jacobian`.",
    )
    says(
        GUIDE_ZH, "`gradient` 会对目标的所有元素求和；想对每个元素分别求梯度，用 `tape.jacobian`。"
    )
    x = tf.Variable(2.0)
    with tf.GradientTape(persistent=True) as tape:
        y = tf.stack([x**2, x**3])
    assert float(tape.gradient(y, x)) == 4.0 + 12.0
    assert tape.jacobian(y, x).numpy().tolist() == [4.0, 12.0]
    del tape


def test_an_ordinary_tape_stops_recording_at_gradient_a_persistent_one_goes_on():
    says(
        en(C04),
        "an ordinary tape stops recording at that call, but inside a persistent tape's block the gradient computation is recorded too",
    )
    says(
        zh(C04),
        "普通磁带在这次调用时就停止记录，但在持久磁带的代码块之内调用，求梯度的计算本身也会被记录",
    )
    says(
        GUIDE_EN,
        "Not for an ordinary tape: it stops recording when `gradient` is called. A persistent tape goes on recording, so inside its block the gradient computation itself is recorded too",
    )
    says(
        GUIDE_ZH,
        "对普通磁带没有区别：调用 `gradient` 时它就停止记录了。持久磁带会继续记录，所以在它的代码块里调用时，求梯度的计算本身也会被记录",
    )
    x = tf.Variable(3.0)
    with tf.GradientTape() as tape:
        y = x**2
        tape.gradient(y, x)
        recording = tape._recording  # private: what backprop.py clears when the tape stops
    assert recording is False
    with tf.GradientTape(persistent=True) as tape:
        y = x**2
        dy_dx = tape.gradient(y, x)
        recording = tape._recording
    assert recording is True
    assert float(tape.gradient(dy_dx, x)) == 2.0  # the gradient computation was recorded
    del tape


def test_the_persistent_tape_warning_is_logged_once_per_process():
    says(
        en(C04),
        "TensorFlow logs this warning only once per Python process: run the notebook a second time in the same kernel and the cell shows no warning",
    )
    says(
        zh(C04),
        "这条警告在一个 Python 进程里只出现一次：在同一个内核里把笔记本再运行一遍，这个单元格就不会再显示警告了",
    )
    says(GUIDE_EN, "(TensorFlow logs a warning about it, once per process)")
    says(GUIDE_ZH, "（TensorFlow 会为此给出一条警告，每个进程只出现一次）")
    out = run_fresh(
        """
        import tensorflow as tf
        from autodiff_course.tf_warnings import shown_tf_warnings

        x = tf.Variable(3.0)
        for run in (1, 2):
            with shown_tf_warnings(), tf.GradientTape(persistent=True) as tape:
                y = x**2
                tape.gradient(y, x)
            print("end of run", run)
        """
    )
    first, second = out.split("end of run 1")
    assert "Calling GradientTape.gradient on a persistent tape" in first
    assert "warning" not in second


# 05 · Tapes inside tf.function


def test_tf_function_traces_once_per_kind_of_input_and_adds_the_derivative_to_the_graph():
    says(
        en(C05),
        "`@tf.function` traces the Python body once per kind of input (twice on a first call that creates variables) and then runs the recorded graph",
    )
    says(
        zh(C05),
        "`@tf.function` 对每一类输入追踪一次 Python 函数体（第一次调用会创建变量时追踪两次），之后运行记录下来的计算图",
    )
    says(
        en(C05),
        "Every new Python number means a new trace; tensors of the same dtype and shape share one.",
    )
    says(
        zh(C05), "每个新的 Python 数字都会引起一次新的追踪；数据类型和形状相同的张量共用一次追踪。"
    )
    says(
        en(C05),
        "The sources' results: `(-2, 1)` at 0, `(0, 0)` at 1, `(4, 4)` at 3, `(2, 1)` at 2.",
    )

    @tf.function
    def get_gradient(x):
        x = tf.cast(x, tf.float32)
        with tf.GradientTape() as tape:
            tape.watch(x)
            y = parabola(x)
        return tape.gradient(y, x), y

    results = [tuple(float(t) for t in get_gradient(n)) for n in (0, 1, 3, 2)]
    assert results == [(-2.0, 1.0), (0.0, 0.0), (4.0, 4.0), (2.0, 1.0)]
    assert get_gradient.experimental_get_tracing_count() == 4  # one per Python number
    for value in (3.0, 1.0, 2.0, 7.5):
        get_gradient(tf.constant(value))
    get_gradient(3)  # seen before
    assert get_gradient.experimental_get_tracing_count() == 5
    graph = get_gradient.get_concrete_function(tf.constant(0.0)).graph
    assert "AddN" in {op.type for op in graph.get_operations()}  # from the derivative


def test_a_first_call_that_creates_variables_traces_twice():
    says(
        en(C05),
        "(If that first call creates variables, as a Keras optimizer does when it builds its slots, the body is traced twice.)",
    )
    says(
        zh(C05),
        "（如果第一次调用会创建变量，比如 Keras 优化器构建它的槽变量，函数体会被追踪两次。）",
    )
    x = tf.Variable(0.0)
    runs = []

    def step_with(optimizer):
        @tf.function
        def step():
            runs.append(1)  # Python: runs while tracing only
            with tf.GradientTape() as tape:
                y = parabola(x)
            optimizer.apply_gradients([(tape.gradient(y, x), x)])

        return step

    step = step_with(tf.keras.optimizers.Adam(0.1))  # builds its slots in the first call
    step()
    step()
    assert len(runs) == 2 and step.experimental_get_tracing_count() == 2
    runs.clear()
    built = tf.keras.optimizers.Adam(0.1)
    built.build([x])  # slots exist before the call: nothing to create
    step = step_with(built)
    step()
    step()
    assert len(runs) == 1 and step.experimental_get_tracing_count() == 1


def test_a_python_number_is_a_constant_in_the_graph_and_reduce_retracing_does_not_help():
    says(
        en(C05),
        "for a Python number, it is **the value itself**, because the value is baked into the graph as a constant.",
    )
    says(zh(C05), "对 Python 数字来说，却是**数值本身**，因为这个值会作为常量写进计算图。")
    says(en(C05), "It does not help with Python numbers, which are still values, not shapes.")
    says(zh(C05), "它对 Python 数字没有帮助，因为数字仍然按值区分，而不是按形状。")

    def times_two(n):
        return tf.constant(2.0) * n

    graph = tf.function(times_two).get_concrete_function(3.5).graph
    constants = [
        float(tf.make_ndarray(op.get_attr("value")))
        for op in graph.get_operations()
        if op.type == "Const"
    ]
    assert 3.5 in constants and not [
        op for op in graph.get_operations() if op.type == "Placeholder"
    ]
    general = tf.function(times_two, reduce_retracing=True)
    for n in (1.0, 2.0, 3.0, 4.0, 5.0):
        general(n)
    assert general.experimental_get_tracing_count() == 5


def test_a_graph_runs_without_python_and_can_be_saved_to_disk(tmp_path):
    says(
        en(C05),
        "A graph can be optimized as a whole, run without the Python interpreter in the loop, and saved to disk.",
    )
    says(zh(C05), "计算图可以作为一个整体来优化，运行时不需要 Python 解释器参与，还能保存到磁盘。")
    runs = []

    class Module(tf.Module):
        @tf.function(input_signature=[tf.TensorSpec([], tf.float32)])
        def slope(self, x):
            runs.append(1)  # Python: runs while tracing only
            with tf.GradientTape() as tape:
                tape.watch(x)
                y = parabola(x)
            return tape.gradient(y, x)

    module = Module()
    for value in (0.0, 3.0, 5.0):
        module.slope(tf.constant(value))
    assert len(runs) == 1  # three calls, the Python body ran once
    tf.saved_model.save(module, str(tmp_path))  # saving may trace once more
    traced = len(runs)
    loaded = tf.saved_model.load(str(tmp_path))  # the graph, without the Python body
    assert float(loaded.slope(tf.constant(3.0))) == 4.0 and len(runs) == traced
    # Grappler, TensorFlow's whole-graph optimizer, is on by default for tf.function graphs.
    options = tf.config.optimizer.get_experimental_options()
    assert not options.get("disable_meta_optimizer", False)


def test_the_cast_does_not_stop_retracing_tensors_or_a_signature_do():
    says(
        GUIDE_EN,
        "It does not prevent retracing: the cast runs after TensorFlow has picked the graph for the input",
    )
    says(GUIDE_ZH, "转换发生在 TensorFlow 为这个输入选好计算图之后")
    says(en(C05), "fix the inputs with `input_signature`")
    says(zh(C05), "用 `input_signature` 固定输入")
    traces = []

    def square(v):
        traces.append(1)  # as in the guide's failure mode 4
        return tf.cast(v, tf.float32) ** 2

    fn = tf.function(square)
    for v in [1.0, 2.0, 3.0]:
        fn(v)
    assert len(traces) == 3
    for v in [1.0, 2.0, 3.0]:
        fn(tf.constant(v))
    assert len(traces) == 4
    fixed = tf.function(square, input_signature=[tf.TensorSpec([], tf.float32)])
    for v in [3, 1, 2, 4.5]:
        fixed(v)
    assert fixed.experimental_get_tracing_count() == 1


def test_an_argument_tensor_needs_watch_a_variable_argument_is_watched():
    says(en(C05), "a Variable passed in stays a Variable and is watched")
    says(zh(C05), "传入的变量仍是变量，会被自动监视")

    @tf.function
    def slope(x):
        with tf.GradientTape() as tape:
            y = parabola(x)
        return tape.gradient(y, x)

    assert slope(tf.constant(0.0)) is None
    assert float(slope(tf.Variable(0.0))) == -2.0


def test_print_runs_while_tracing_tf_print_on_every_call_to_stderr_by_default():
    says(en(C05), "`print` runs only while tracing; `tf.print` runs on every call.")
    says(zh(C05), "`print` 只在追踪时执行；`tf.print` 每次调用都执行。")
    says(
        en(C05),
        "In a Python script run from a terminal it goes to standard error, its default `output_stream`",
    )
    says(
        zh(C05),
        "在终端里运行 Python 脚本时，它会写到标准错误，因为它默认的 `output_stream` 就是标准错误",
    )
    says(GUIDE_EN, "the graph runs on later calls, and `tf.print` is an operation in that graph")
    says(GUIDE_ZH, "之后的调用直接执行计算图，而 `tf.print` 是图中的一个运算")
    out = run_fresh(
        """
        import os, sys, tempfile
        import tensorflow as tf

        scratch = tempfile.TemporaryFile()
        os.dup2(scratch.fileno(), 2)  # the process's standard error, where tf.print writes

        def show(x):
            print("python-print")
            tf.print("tf-print", x)
            return x

        show = tf.function(show, autograph=False)
        for value in (1.0, 2.0, 3.0):
            show(tf.constant(value))
        scratch.seek(0)
        print("tf.print lines on stderr:", scratch.read().decode().count("tf-print"))
        """
    )
    assert out.count("python-print") == 1  # one trace
    assert "tf-print 1" not in out  # tf.print did not write to stdout
    assert "tf.print lines on stderr: 3" in out  # one per call


def test_autograph_turns_if_and_for_over_tensors_into_graph_control_flow():
    says(en(C05), "AutoGraph turns `if` and `for` over tensors into graph control flow.")
    says(zh(C05), "AutoGraph 把以张量为条件的 `if` 和遍历张量的 `for` 改写成计算图中的控制流。")

    @tf.function
    def branch_and_loop(x, n):
        if x > 0:
            x = -x
        for _ in tf.range(n):
            x += 1.0
        return x

    graph = branch_and_loop.get_concrete_function(tf.constant(1.0), tf.constant(3)).graph
    assert {"StatelessIf", "StatelessWhile"} <= {op.type for op in graph.get_operations()}
    assert float(branch_and_loop(tf.constant(2.0), tf.constant(3))) == 1.0


def test_the_retracing_warning_comes_at_most_twice_for_the_same_python_code():
    says(
        en(C05),
        "TensorFlow warns at most twice for the same Python code in one process, and all three `tf.function`s here run `get_gradient`'s code",
    )
    says(
        en(C05),
        "run this notebook a second time in the same kernel and this cell prints no warning at all",
    )
    says(zh(C05), "对同一段 Python 代码，TensorFlow 在一个进程里最多警告两次")
    says(zh(C05), "在同一个内核里把本笔记本再运行一遍，这个单元格一条警告也不会打印")
    says(GUIDE_EN, "at most twice for the same Python code in one process")
    says(GUIDE_ZH, "但对同一段 Python 代码，一个进程里最多警告两次")
    out = run_fresh(
        """
        import linecache

        import tensorflow as tf
        from autodiff_course.tf_warnings import shown_tf_warnings

        DEF = "def get_gradient(x):\\n    return tf.cast(x, tf.float32) * 2.0\\n"

        # ipykernel names a cell's code after a hash of its text: a re-run gives an equal code object
        linecache.cache["<cell>"] = (len(DEF), None, DEF.splitlines(True), "<cell>")

        for run in (1, 2):  # the cells, then the cells again (a second Run All)
            exec(compile(DEF, "<cell>", "exec"))  # the def runs again: a new function object
            with_numbers = tf.function(get_gradient)
            with_tensors = tf.function(get_gradient)
            with shown_tf_warnings():
                for i in range(20):
                    with_numbers(i)
                    with_tensors(tf.constant(i, dtype=tf.float32))
            # §7 makes get_gradient_fixed from the same function; it stays alive until the
            # second run replaces it, and so does the detector TensorFlow keeps for the code.
            get_gradient_fixed = tf.function(get_gradient)
            print("end of run", run)
        """
    )
    first, second = out.split("end of run 1")
    assert first.count("triggered tf.function retracing") == 2
    assert "warning" not in second


def test_the_guide_snippet_is_too_short_for_the_retracing_warning():
    says(
        GUIDE_EN,
        "This snippet is too short to draw TensorFlow's warning: it needs 5 traced calls among\nthe last 10 calls, so call with five or more different Python numbers (chapter 05 uses 20).",
    )
    says(
        GUIDE_ZH,
        "这段代码太短，不会引出 TensorFlow 的警告：最近 10 次调用中至少要有 5 次触发追踪，所以要用 5 个或更多不同的 Python 数字调用（第 05 章用了 20 个）。",
    )
    out = run_fresh(
        """
        import tensorflow as tf
        from autodiff_course.tf_warnings import shown_tf_warnings

        traces = []

        @tf.function
        def square(v):
            traces.append(1)
            return v * v

        with shown_tf_warnings():
            for v in [1.0, 2.0, 3.0]:
                square(v)
            for v in [1.0, 2.0, 3.0]:
                square(tf.constant(v))
        print("guide snippet traces:", len(traces))

        # TensorFlow counts the traces per Python function: one new function per count.
        def square4(v):
            return v * v

        def square5(v):
            return v * v

        for count, function in ((4, tf.function(square4)), (5, tf.function(square5))):
            print("numbers:", count)
            with shown_tf_warnings():
                for v in range(count):
                    function(float(v))
        """
    )
    guide, four, five = out.split("numbers:")
    assert "guide snippet traces: 4" in guide and "retracing" not in guide
    assert "retracing" not in four and "5 out of the last 5 calls" in five


def test_the_first_call_of_a_tf_function_costs_far_more_than_later_calls():
    says(GUIDE_EN, "Its first call traces, which takes far longer than running the traced graph")
    says(GUIDE_ZH, "第一次调用要追踪，耗时远远超过运行追踪好的计算图")
    fn = tf.function(lambda t: t * 2.0 + 1.0)
    start = time.perf_counter()
    fn(tf.constant(1.0))
    first = time.perf_counter() - start
    later = []
    for _ in range(21):
        start = time.perf_counter()
        fn(tf.constant(1.0))
        later.append(time.perf_counter() - start)
    # measured on 2 shared cores: the first call took 30 to 110 times a later one
    assert first > 2 * sorted(later)[10]
    assert fn.experimental_get_tracing_count() == 1


# 06 · Gradient descent


def test_descent_by_hand_and_with_sgd_reach_the_same_float32_plateau():
    says(en(C06), "Both reach 0.999998569 after 1 000 steps with lr = 0.01.")
    says(zh(C06), "学习率 0.01、1000 步之后，两种写法都得到 0.999998569。")
    by_hand = descend32(0.01, 1000)[-1]
    x = tf.Variable(0.0)
    optimizer = tf.keras.optimizers.SGD(learning_rate=0.01)
    for _ in range(1000):
        with tf.GradientTape() as tape:
            y = parabola(x)
        optimizer.apply_gradients([(tape.gradient(y, x), x)])
    assert by_hand == x.numpy() == np.float32(0.999998569)


def test_keras_3_optimizers_have_no_minimize():
    says(en(C06), "Keras 3 optimizers (TensorFlow ≥ 2.16) have no `minimize`")
    says(zh(C06), "Keras 3 优化器（TensorFlow ≥ 2.16）没有 `minimize`")
    says(GUIDE_EN, "`AttributeError: 'SGD' object has no attribute 'minimize'`")
    says(GUIDE_ZH, "`AttributeError: 'SGD' object has no attribute 'minimize'`")
    import keras

    assert keras.__version__.startswith("3.") and tf.keras.optimizers.SGD is keras.optimizers.SGD
    with pytest.raises(AttributeError, match="'SGD' object has no attribute 'minimize'"):
        tf.keras.optimizers.SGD(learning_rate=0.01).minimize  # noqa: B018


PACKAGE = """
def package(cls):
    return cls.__module__.split(".")[0]
"""


def test_legacy_keras_set_before_importing_tensorflow_switches_tf_keras_and_its_shortcuts():
    says(en(C06), "the rule is to set it before importing TensorFlow")
    says(
        en(C06),
        "It switches `tf.keras` and its shortcuts such as `tf.optimizers`, `tf.losses` and `tf.metrics`; `import keras` still gives Keras 3.",
    )
    says(
        en(C06),
        "`TF_USE_LEGACY_KERAS=1`, set before importing TensorFlow, makes `tf.keras` (and `tf.optimizers`, `tf.losses`, `tf.metrics`) the Keras 2 package `tf_keras`",
    )
    says(zh(C06), "规则是在导入 TensorFlow 之前设置它")
    says(
        zh(C06),
        "它切换的是 `tf.keras` 以及 `tf.optimizers`、`tf.losses`、`tf.metrics` 这类简写；`import keras` 得到的仍是 Keras 3。",
    )
    says(
        zh(C06),
        "在导入 TensorFlow 之前设置 `TF_USE_LEGACY_KERAS=1`，`tf.keras`（以及 `tf.optimizers`、`tf.losses`、`tf.metrics`）就变成 Keras 2 的包 `tf_keras`",
    )
    says(GUIDE_EN, "with `TF_USE_LEGACY_KERAS=1`, set before importing TensorFlow")
    says(GUIDE_ZH, "并在导入 TensorFlow 之前设置 `TF_USE_LEGACY_KERAS=1`")
    code = """
import keras
import tensorflow as tf
from tensorflow.keras.optimizers import SGD

names = [tf.keras.optimizers.SGD, SGD, tf.optimizers.SGD, tf.losses.MeanSquaredError,
         tf.metrics.Mean]
print(sorted({package(c) for c in names}), keras.__version__[0])
print(hasattr(tf.keras.optimizers.SGD(learning_rate=0.1), "minimize"))
"""
    out = run_fresh(PACKAGE + code, env={"TF_USE_LEGACY_KERAS": "1"})
    assert out.splitlines() == ["['tf_keras'] 3", "True"]


def test_legacy_keras_is_read_once_at_the_first_use_of_tf_keras():
    says(en(C06), "`tf.keras` reads it once, the first time it is used.")
    says(
        en(C06),
        "Set later, it is unreliable: once `tf.keras` has been used (this notebook used it in section 2) it does nothing, and even before that, `from tensorflow.keras.optimizers import SGD` still gives Keras 3.",
    )
    says(zh(C06), "`tf.keras` 在第一次被使用时读取它，只读一次。")
    says(
        zh(C06),
        "之后再设置靠不住：`tf.keras` 一旦用过（本笔记本第 2 小节就用过），设置完全不起作用；即使还没用过，`from tensorflow.keras.optimizers import SGD` 得到的仍是 Keras 3。",
    )
    says(en(C06), "optimizer = tf.keras.optimizers.SGD(learning_rate=0.01)")  # section 2
    start = """
import os
import tensorflow as tf
"""
    used_first = """
tf.keras.optimizers.SGD  # tf.keras used, as in section 2
os.environ["TF_USE_LEGACY_KERAS"] = "1"
print(package(tf.keras.optimizers.SGD))
from tensorflow.keras.optimizers import SGD

print(package(SGD))
"""
    read_at_first_use = """
os.environ["TF_USE_LEGACY_KERAS"] = "1"  # after the import, before any use
print(package(tf.keras.optimizers.SGD))
del os.environ["TF_USE_LEGACY_KERAS"]  # read once: unsetting it changes nothing
print(package(tf.keras.optimizers.SGD))
"""
    imported_first = """
os.environ["TF_USE_LEGACY_KERAS"] = "1"
from tensorflow.keras.optimizers import SGD

print(package(SGD))
"""
    assert run_fresh(PACKAGE + start + used_first).split() == ["keras", "keras"]
    assert run_fresh(PACKAGE + start + read_at_first_use).split() == ["tf_keras", "tf_keras"]
    assert run_fresh(PACKAGE + start + imported_first).split() == ["keras"]


def test_the_learning_rate_decides_converge_overshoot_oscillate_or_diverge():
    says(
        en(C06),
        "descent converges iff $0 < \\text{lr} < 1/a$, without overshooting iff $\\text{lr} \\le 1/(2a)$; lr = 1 oscillates 0, 2, 0, 2 and larger rates diverge",
    )
    says(
        zh(C06),
        "当且仅当 $0 < \\text{lr} < 1/a$ 时收敛，当且仅当 $\\text{lr} \\le 1/(2a)$ 时不会冲过头；lr = 1 在 0、2、0、2 之间摆动，更大的学习率会发散",
    )
    says(
        GUIDE_EN,
        "For this parabola, anything between 0 and 1 converges; 0.5 lands on the minimum in one step",
    )
    says(GUIDE_ZH, "对这条抛物线，0 到 1 之间的任何值都收敛；取 0.5 一步就到最低点")
    for lr in (0.1, 0.4, 0.5):  # from one side, or onto x* at once
        path = descend32(lr, 40)
        assert all(x <= 1.0 for x in path) and path[-1] > 0.99
    assert descend32(0.5, 1)[1] == 1.0
    assert descend32(0.6, 1)[1] > 1.0  # past 1/(2a): overshoots
    assert abs(descend32(0.9, 60)[-1] - 1.0) < 1e-4  # and still converges
    assert descend32(1.0, 4) == (0.0, 2.0, 0.0, 2.0, 0.0)
    assert abs(descend32(1.1, 30)[-1]) > 100  # diverges
    says(GUIDE_EN, "| 1.1 | −5.191738 | factor −1.2: each step 20 % farther away |")
    says(GUIDE_ZH, "| 1.1 | −5.191738 | 系数 −1.2：每一步离最低点远 20% |")
    table = {0.01: 0.18292719, 0.1: 0.8926258, 0.5: 1.0, 1.0: 0.0, 1.1: -5.191738}
    for lr, x10 in table.items():  # the guide's failure mode 3: x after 10 steps
        assert descend32(lr, 10)[-1] == np.float32(x10)


def test_float32_descent_stalls_where_the_learning_rate_decides():
    says(en(C06), "Float32 descent stops at 0.99999857 from step 659 on")
    says(zh(C06), "float32 下的梯度下降从第 659 步起停在 0.99999857")
    says(GUIDE_EN, "from step 659 on, x no longer changes")
    says(GUIDE_EN, "lr = 0.1 gets to 2 spacings below 1, lr = 0.5 reaches 1 exactly")
    says(GUIDE_ZH, "lr = 0.1 能走到比 1 小 2 个间隔处，lr = 0.5 正好到达 1")
    path = descend32(0.01, 1000)
    last_move = max(k for k in range(1, 1001) if path[k] != path[k - 1])
    assert last_move == 659 and path[-1] == np.float32(0.99999857)
    after = descend32(0.1, 40, x0=float(path[-1]))[-1]
    assert (1.0 - float(after)) / 2.0**-24 == 2.0
    assert descend32(0.5, 1, x0=float(path[-1]))[-1] == 1.0


def test_the_plateau_is_rounding_not_a_vanishing_gradient_and_its_loss_is_cancellation():
    says(
        GUIDE_EN,
        "The gradient at the plateau, −2.86e-6, and the update, −2.86e-8, are ordinary float32 numbers",
    )
    says(GUIDE_ZH, "停滞点的梯度 −2.86e-6 和更新量 −2.86e-8 都是普通的 float32 数")
    says(GUIDE_EN, "The float32 loss is already 0 at step 429")
    says(GUIDE_ZH, "float32 的损失在第 429 步就已经是 0")
    path = descend32(0.01, 1000)
    x = tf.Variable(path[-1])
    with tf.GradientTape() as tape:
        loss = parabola(x)
    gradient = tape.gradient(loss, x)
    update = 0.01 * gradient
    assert f"{float(gradient):.3g}" == "-2.86e-06" and f"{float(update):.3g}" == "-2.86e-08"
    assert float(x + update) == float(x)  # lost in the sum, not in the gradient
    assert float(loss) == 0.0
    assert [float(parabola(tf.constant(p))) for p in path].index(0.0) == 429


def test_float64_moves_the_plateau_closer_to_1():
    says(GUIDE_EN, "it stalls at step 1654, 2.7e-15 below 1")
    says(GUIDE_ZH, "到第 1654 步也会停下，此时离 1 只有 2.7e-15")
    # NumPy float64 follows TensorFlow's float64 path bit for bit (chapter 06 checks 1000 steps)
    x, path = np.float64(0.0), [np.float64(0.0)]
    for _ in range(3000):
        x = x - np.float64(0.01) * (np.float64(2.0) * x - np.float64(2.0))
        path.append(x)
    last_move = max(k for k in range(1, 3001) if path[k] != path[k - 1])
    assert last_move == 1654 and f"{1.0 - path[-1]:.2g}" == "2.7e-15"


# 07 · Graph mode


def test_a_whole_training_loop_fits_in_one_tf_function_and_is_traced_once():
    says(en(C07), "gives the sources' 0 and 0.999998569")
    says(zh(C07), "就能得到参考资料的 0 和 0.999998569")
    says(en(C07), "10 000 steps give the same `x` as 1000")
    says(zh(C07), "10000 步得到的 `x` 和 1000 步相同")
    says(GUIDE_EN, "The first call traces; that cost is paid once.")
    says(GUIDE_ZH, "第一次调用要追踪，这个开销只付一次。")
    x = tf.Variable(0.0)
    optimizer = tf.keras.optimizers.SGD(learning_rate=0.01)

    @tf.function
    def train(steps):
        for _ in tf.range(steps):
            with tf.GradientTape() as tape:
                y = parabola(x)
            optimizer.apply_gradients([(tape.gradient(y, x), x)])
        return parabola(x)

    assert float(train(tf.constant(1000))) == 0.0 and x.numpy() == np.float32(0.999998569)
    x.assign(0.0)
    train(tf.constant(10000))
    assert x.numpy() == np.float32(0.999998569)
    assert train.experimental_get_tracing_count() == 1


def graph_of_loop(steps) -> tuple[int, set[str]]:
    """The size and the operation types of a tf.function looping `for _ in range(steps)`."""

    @tf.function
    def run(n):
        total = tf.constant(0.0)
        for _ in range(n):
            total = total * 0.5 + 1.0
        return total

    operations = run.get_concrete_function(steps).graph.get_operations()
    return len(operations), {op.type for op in operations}


def test_range_over_a_python_number_is_unrolled_over_a_tensor_it_is_a_graph_loop():
    says(en(C07), "a `range` over a Python number is unrolled at trace time")
    says(en(C07), "(AutoGraph turns `range(n)` with a tensor `n` into a graph loop)")
    says(zh(C07), "遍历 Python 数字的 `range` 会在追踪时被展开")
    says(zh(C07), "（`range(n)` 中的 `n` 是张量时，AutoGraph 会把它改写成计算图中的循环）")
    says(GUIDE_EN, "A `range` over a Python number is unrolled while tracing")
    says(GUIDE_EN, "(so does `range(n)` when `n` is a tensor: AutoGraph converts it)")
    says(GUIDE_ZH, "遍历 Python 数字的 `range` 循环在追踪时会被展开")
    says(GUIDE_ZH, "（`range(n)` 中的 `n` 是张量时也一样：AutoGraph 会改写它）")
    (size10, types), (size20, _) = graph_of_loop(10), graph_of_loop(20)
    assert size20 - size10 >= 10 and "StatelessWhile" not in types  # unrolled
    (size10, types), (size20, _) = graph_of_loop(tf.constant(10)), graph_of_loop(tf.constant(20))
    assert size10 == size20 and "StatelessWhile" in types  # one graph loop


def test_an_optimizer_serves_only_the_variables_it_was_built_with():
    says(
        en(C07),
        "An optimizer serves only the variables it was built with: use one per set of variables",
    )
    says(zh(C07), "一个优化器只服务于构建它时的那些变量：每组变量用一个优化器")
    says(
        GUIDE_EN,
        "a Keras 3 optimizer is bound to the variables it was built with (`ValueError: Unknown variable …`)",
    )
    says(GUIDE_ZH, "Keras 3 的优化器绑定在构建它时的那些变量上（`ValueError: Unknown variable …`）")
    optimizer = tf.keras.optimizers.SGD(learning_rate=0.1)
    x, w = tf.Variable(0.0), tf.Variable(5.0)
    optimizer.apply_gradients([(tf.constant(1.0), x)])
    with pytest.raises(ValueError, match="Unknown variable"):
        optimizer.apply_gradients([(tf.constant(1.0), w)])


def test_a_stateful_optimizer_must_be_built_before_a_tf_function_that_has_run():
    says(
        en(C07),
        "build one that keeps state (Adam, momentum) with `optimizer.build(variables)` before passing it to a `tf.function` that has already run, or give it its own `tf.function`",
    )
    says(
        zh(C07),
        "保存状态的优化器（Adam、动量）要先用 `optimizer.build(variables)` 构建好，再传给已经运行过的 `tf.function`，或者给它单独准备一个 `tf.function`",
    )
    says(GUIDE_EN, "Passing a new one into the same `tf.function` works for plain SGD only")
    says(GUIDE_ZH, "把新的优化器传进同一个 `tf.function`，只对普通 SGD 可行")
    w = tf.Variable(5.0)

    def train_with(optimizer, steps):
        for _ in tf.range(steps):
            with tf.GradientTape() as tape:
                y = (w - 3.0) ** 2
            optimizer.apply_gradients([(tape.gradient(y, w), w)])
        return (w - 3.0) ** 2

    shared = tf.function(train_with)
    shared(tf.keras.optimizers.SGD(learning_rate=0.1), tf.constant(5))
    shared(tf.keras.optimizers.SGD(learning_rate=0.1), tf.constant(5))  # plain SGD: fine
    with pytest.raises(ValueError, match="Creating variables on a non-first call"):
        shared(tf.keras.optimizers.Adam(learning_rate=0.1), tf.constant(5))
    with pytest.raises(ValueError, match="Variables created on the first call"):
        shared(tf.keras.optimizers.SGD(learning_rate=0.1, momentum=0.9), tf.constant(5))
    built = tf.keras.optimizers.Adam(learning_rate=0.1)
    built.build([w])
    w.assign(5.0)
    assert float(shared(built, tf.constant(100))) < 1e-3
    own = tf.function(train_with)  # its first call may create Adam's variables
    w.assign(5.0)
    assert float(own(tf.keras.optimizers.Adam(learning_rate=0.1), tf.constant(100))) < 1e-3


def test_graph_mode_was_many_times_faster_and_the_check_asks_only_for_2x():
    says(
        en(C07),
        "Measure speed fairly: same work, tracing excluded, repeated runs, median. Here graph mode was many times faster than eager.",
    )
    says(
        zh(C07),
        "公平地测速度：工作量相同、不计追踪时间、重复运行、取中位数。在这里，图模式的速度是 Eager 的很多倍。",
    )
    says(
        GUIDE_EN,
        "the notebook checks only a verdict that does not flip from machine to machine: eager mode takes more than twice as long as graph mode.",
    )
    says(GUIDE_ZH, "笔记本只检查一个不会因机器而翻转的结论：Eager 模式的耗时是图模式的 2 倍以上。")
    for lang in ("en", "zh"):
        says(f"chapters/{lang}/{C07}.md", "{eager_s > 2 * graph_s}")
        assert "True" in recorded(C07, "eager_s > 2 * graph_s", lang)
        times = recorded(C07, "eager_s / graph_s", lang)
        eager_ms, graph_ms = (float(t) for t in re.findall(r"([\d.]+) (?:ms|毫秒)", times))
        assert eager_ms > 10 * graph_ms  # "many times": over 200x when recorded


def test_numpy_scalars_give_the_graphs_bits_and_run_faster():
    says(
        en(C07),
        "NumPy scalars doing the same operations in the same order give the same bits, more than ten times faster on the machine that recorded this notebook",
    )
    says(
        zh(C07),
        "用 NumPy 标量按同样的顺序做同样的运算，结果逐位相同；在录制本笔记本的机器上，耗时不到计算图的 1/10",
    )
    says(GUIDE_EN, "NumPy scalars doing the same operations in the same order give the same bits")
    says(GUIDE_ZH, "用 NumPy 标量按同样的顺序做同样的运算，结果逐位相同")
    from autodiff_course.explorers import descent_core, numpy_descent_path

    core = descent_core()
    args = [tf.constant(v) for v in (1.0, -2.0, 1.0, 0.0, 0.01)]

    def graph():
        return core(*args, tf.constant(1000)).numpy()

    def numpy():
        return numpy_descent_path(1.0, -2.0, 0.0, 0.01, 1000, "float32")

    assert np.array_equal(graph(), numpy())

    def median_seconds(run):
        times = []
        for _ in range(15):
            start = time.perf_counter()
            run()
            times.append(time.perf_counter() - start)
        return sorted(times)[7]

    # measured 12 to 20 times faster on 2 shared cores, under load too
    assert median_seconds(graph) > median_seconds(numpy)


def test_interrupting_the_kernel_does_not_stop_a_running_graph_loop():
    says(
        "solutions/en/07_graph_mode_training.md",
        "interrupting the kernel does not stop it: the loop runs inside TensorFlow's C++ runtime, which does not see the interrupt, so you would have to restart the kernel",
    )
    says(
        "solutions/zh/07_graph_mode_training.md",
        "而且中断内核也停不下它：这个循环在 TensorFlow 的 C++ 运行时里执行，收不到中断信号，只能重启内核",
    )
    code = textwrap.dedent(
        """
        import tensorflow as tf

        def forever():
            x = tf.constant(0.0)
            return tf.while_loop(lambda x: x < 1.0, lambda x: x * 1.0, [x])  # x stays 0

        print("looping", flush=True)
        tf.function(forever)()
        """
    )
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}
    proc = subprocess.Popen(
        [sys.executable, "-c", code], stdout=subprocess.PIPE, text=True, env=env, cwd=ROOT
    )
    try:
        assert proc.stdout.readline().strip() == "looping"
        time.sleep(2)  # inside the graph loop by now
        proc.send_signal(signal.SIGINT)  # what Kernel → Interrupt sends
        with pytest.raises(subprocess.TimeoutExpired):
            proc.wait(timeout=5)
    finally:
        proc.kill()
        proc.wait()


# Claims the EN review of 2026-12-07 found untested.


def test_the_gradient_of_pow_is_computed_as_n_times_pow_n_minus_1():
    says(en(C03), "The gradient of `tf.pow(x, n)` is computed as `n * tf.pow(x, n - 1)`.")
    says(zh(C03), "`tf.pow(x, n)` 的梯度是按 `n * tf.pow(x, n - 1)` 计算的。")

    def slope(x0, n):
        x = tf.constant(x0)
        with tf.GradientTape() as tape:
            tape.watch(x)
            y = tf.pow(x, n)
        return float(tape.gradient(y, x))

    assert slope(2.0, 3.0) == 3.0 * 2.0**2
    # x⁰ is the constant 1, yet at 0 the formula gives 0 · 0⁻¹ = 0 · ∞ = nan.
    assert slope(2.0, 0.0) == 0.0 and np.isnan(slope(0.0, 0.0))


def test_keras_3_optimizers_keep_apply_gradients_and_apply_but_not_minimize():
    says(
        en(C06),
        "they keep `apply_gradients(pairs)` and `apply(grads, variables)`, while computing the gradients is left to the backend",
    )
    says(zh(C06), "保留了 `apply_gradients(梯度变量对)` 和 `apply(梯度, 变量)`")
    x, z = tf.Variable(1.0), tf.Variable(1.0)
    for variable, update in (
        (x, lambda opt, g: opt.apply_gradients([(g, x)])),
        (z, lambda opt, g: opt.apply([g], [z])),
    ):
        optimizer = tf.keras.optimizers.SGD(learning_rate=0.5)
        update(optimizer, tf.constant(2.0))
        assert float(variable) == 0.0
        assert not hasattr(optimizer, "minimize")


def test_an_update_is_lost_next_to_a_float16_weight_long_before_a_float32_one():
    says(
        en(C06),
        "an update is lost next to a float16 weight much sooner than next to a float32 one.",
    )
    says(zh(C06), "同样大小的更新量加到 float16 权重上，远比加到 float32 权重上更容易被舍入掉。")
    says(
        en(C06),
        "That is why mixed precision computes in 16 bits but keeps float32 *master weights*",
    )
    for update in (1e-4, 4e-4):  # below half a float16 spacing at 1 (2⁻¹¹ ≈ 4.9e-4)
        assert np.float16(1.0) + np.float16(update) == np.float16(1.0)
        assert np.float32(1.0) + np.float32(update) != np.float32(1.0)
    # The smallest update a float32 weight of 1 loses is 8192 times smaller (2⁻²⁴ vs 2⁻¹¹).
    assert np.spacing(np.float16(1.0)) / np.spacing(np.float32(1.0)) == 8192
    layer = tf.keras.layers.Dense(2, dtype="mixed_float16")
    out = layer(tf.ones((1, 3)))
    assert out.dtype == tf.float16 and {v.dtype for v in layer.weights} == {"float32"}


def test_an_unrolled_graph_of_1000_steps_holds_tens_of_thousands_of_operations():
    says(en(C07), "At 1000 steps the unrolled graph would hold tens of thousands of operations.")
    says(zh(C07), "如果是 1000 步，展开后的计算图会有好几万个运算。")

    def size(steps):  # chapter 07's make_minimizer with `range`
        var = tf.Variable(0.0)
        opt = tf.keras.optimizers.SGD(learning_rate=0.01)

        @tf.function
        def run():
            for _ in range(steps):
                with tf.GradientTape() as tape:
                    y = tf.pow(var, 2) - 2.0 * var + 1.0
                opt.apply_gradients([(tape.gradient(y, var), var)])
            return var.read_value()

        return len(run.get_concrete_function().graph.get_operations())

    per_step = (size(20) - size(10)) / 10
    assert 20_000 <= size(10) + 990 * per_step < 100_000


def test_plain_sgd_keeps_no_state_for_each_variable_adam_and_momentum_do():
    says(en(C07), "That works because plain SGD keeps no state for each variable.")
    says(zh(C07), "这样可行，是因为普通 SGD 不为每个变量保存状态。")
    says(
        en(C07),
        "An optimizer that does, such as `Adam` or `SGD` with momentum, creates its variables in its first `apply_gradients`.",
    )

    def slots(optimizer):
        v = tf.Variable([1.0, 2.0])
        optimizer.build([v])
        before = len(optimizer.variables)
        v2 = tf.Variable([1.0, 2.0, 3.0])
        fresh = type(optimizer).from_config(optimizer.get_config())
        fresh.build([v, v2])
        return len(fresh.variables) - before  # what one more variable adds

    assert slots(tf.keras.optimizers.SGD(0.1)) == 0
    assert slots(tf.keras.optimizers.SGD(0.1, momentum=0.9)) == 1
    assert slots(tf.keras.optimizers.Adam(0.1)) == 2


def test_a_graph_loop_pays_a_fixed_cost_per_trip():
    says(
        en(C07),
        "A graph loop pays a fixed cost per trip; with 25 copies of the step per trip, 1000 steps take only 40 trips, and the graph stays small.",
    )
    says(
        zh(C07),
        "计算图循环每一轮都有固定开销；每轮展开 25 步，1000 步只需循环 40 轮，计算图也仍然不大。",
    )

    @tf.function
    def trips(n):  # a body that does almost nothing: what is left is the cost of a trip
        return tf.while_loop(lambda i: i < n, lambda i: i + 1, [tf.constant(0)])

    def seconds(n):
        trips(tf.constant(n))
        times = []
        for _ in range(5):
            start = time.perf_counter()
            trips(tf.constant(n))
            times.append(time.perf_counter() - start)
        return min(times)

    assert seconds(20_000) > 10 * seconds(20)  # 1000 times the trips: far more time


def test_overshooting_paths_end_in_nan_and_downward_parabolas_stay_infinite():
    says(
        en(C07),
        "Paths that overshoot further at every step, as in chapter 06 ($a > 0$, lr $> 1/a$), overflow to ±inf and then give nan (∞ − ∞); paths on a downward parabola ($a < 0$) overflow to ±inf and stay there.",
    )
    says(zh(C07), "开口向下的抛物线（$a < 0$）上的路径溢出为 ±inf 后就停在那里。")
    from autodiff_course.explorers import numpy_descent_path

    rng = np.random.default_rng(0)  # chapter 07 §7's 40 settings
    kinds = set()
    for i in range(40):
        dtype = ("float32", "float64")[i % 2]
        a, b, c, x0 = (float(v) for v in np.round(rng.uniform(-5, 5, 4), 1))
        lr, n = round(float(10 ** rng.uniform(-3, 0)), 3), int(rng.integers(0, 2001))
        path = numpy_descent_path(a, b, x0, lr, n, dtype)
        finite = np.isfinite(path)
        if finite.all():
            continue
        first = int(np.argmin(finite))
        if a > 0:
            assert lr > 1 / a and np.isinf(path[first]) and np.isnan(path[first + 1 :]).all()
            kinds.add("nan")
        else:
            assert a < 0 and np.isinf(path[first:]).all() and (path[first:] == path[first]).all()
            kinds.add("inf")
    assert kinds == {"nan", "inf"}  # both kinds occur in that cell


def test_tensorflow_float64_descent_also_stalls_at_step_1654():
    says(GUIDE_ZH, "到第 1654 步也会停下，此时离 1 只有 2.7e-15")
    says(GUIDE_EN, "it stalls at step 1654, 2.7e-15 below 1")

    x = tf.Variable(0.0, dtype=tf.float64)

    @tf.function
    def path64(steps):
        xs = tf.TensorArray(tf.float64, size=steps + 1).write(0, x.read_value())
        for k in tf.range(1, steps + 1):
            with tf.GradientTape() as tape:
                y = (
                    tf.constant(1.0, tf.float64) * tf.pow(x, 2)
                    + tf.constant(-2.0, tf.float64) * x
                    + 1.0
                )
            x.assign_sub(tf.constant(0.01, tf.float64) * tape.gradient(y, x))
            xs = xs.write(k, x.read_value())
        return xs.stack()

    path = path64(tf.constant(3000)).numpy()
    moved = np.flatnonzero(np.diff(path)) + 1
    assert moved[-1] == 1654 and f"{1.0 - path[-1]:.2g}" == "2.7e-15"
