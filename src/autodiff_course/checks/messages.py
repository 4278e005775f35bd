"""What a check says, in both languages: the verdict lines and what can be wrong with an answer.

The marks are ✓ ✗ … ⚠ (no emoji): DejaVu (Debian), macOS and Windows fonts all draw them, where
an emoji without an emoji font shows as an empty box. {placeholders} describe the learner's
answer, never the expected one (a shape or dtype the exercise text already names is fine).
Each chapter's hints live with its exercises, in chNN.py.
"""

from __future__ import annotations

from autodiff_course.i18n import strings

MESSAGES = strings(
    __name__,
    {
        # the verdict lines
        "correct": {"en": "✓ Exercise {id}: correct.", "zh": "✓ 练习 {id}：正确。"},
        "not attempted": {
            "en": "… Exercise {id}: not attempted yet. Replace the `...` with your answer, "
            "run that cell, then run this check again.",
            "zh": "… 练习 {id}：尚未作答。把 `...` 换成你的答案，运行那个单元格，再运行这个检查。",
        },
        "wrong": {
            "en": "✗ Exercise {id}: {what}\n   Hint: {hint}",
            "zh": "✗ 练习 {id}：{what}\n   提示：{hint}",
        },
        "unknown exercise": {
            "en": "⚠ There is no exercise {id} in this course: check the first argument of "
            "`check`.",
            "zh": "⚠ 本课程没有编号为 {id} 的练习：请检查 `check` 的第一个参数。",
        },
        "unknown language": {
            "en": "⚠ Exercise {id} was not checked: {message}.",
            "zh": "⚠ 练习 {id} 没有检查：{message}。",
        },
        # where in the answer
        "item": {"en": "item {i}: ", "zh": "第 {i} 项，"},
        "call": {"en": "for {call}: ", "zh": "调用 {call} 时，"},
        # what is wrong
        "none": {"en": "the answer is None.", "zh": "得到的是 None。"},
        "python_number": {
            "en": "got the Python {type} {got}, not a tensor.",
            "zh": "得到的是 Python 的 {type} 值 {got}，而不是张量。",
        },
        "not_tensor": {
            "en": "got a value of type {type}, not a TensorFlow tensor.",
            "zh": "得到的是 {type} 类型的值，而不是 TensorFlow 张量。",
        },
        "dtype": {
            "en": "wrong dtype: got {got}, this exercise wants {want}.",
            "zh": "数据类型（dtype）不对：得到 {got}，本题要求 {want}。",
        },
        "shape": {
            "en": "wrong shape: got {got}, this exercise wants {want}.",
            "zh": "形状不对：得到 {got}，本题要求 {want}。",
        },
        "value": {"en": "wrong value: got {got}.", "zh": "数值不对：得到 {got}。"},
        # a wrong value named more precisely (engine.judge_values)
        "sign": {
            "en": "wrong value: got {got}; check the signs in your computation.",
            "zh": "数值不对：得到 {got}；请检查计算中的正负号。",
        },
        "entries": {
            "en": "wrong value: got {got}; entries off: {entries} ({count} of {total}).",
            "zh": "数值不对：得到 {got}；不对的元素位置：{entries}（{total} 个中有 {count} 个）。",
        },
        "float_not_int": {
            "en": "got the float {got}; this exercise asks for an int.",
            "zh": "得到的是浮点数 {got}；本题要求整数（int）。",
        },
        "wrong_text": {"en": "wrong answer: got {got}.", "zh": "答案不对：得到 {got}。"},
        "not_choice": {
            "en": "got {got}, which is not one of the strings this exercise names.",
            "zh": "得到 {got}，它不是本题列出的几个字符串之一。",
        },
        "not_number": {
            "en": "got a value of type {type}, not a number.",
            "zh": "得到的是 {type} 类型的值，而不是一个数。",
        },
        "not_integer": {
            "en": "got {got}, but the answer is a whole number.",
            "zh": "得到 {got}，但答案应是整数。",
        },
        "not_text": {
            "en": "got a value of type {type}, not a string.",
            "zh": "得到的是 {type} 类型的值，而不是字符串。",
        },
        "exception_object": {
            "en": "got an exception object; store the name of its class, a string.",
            "zh": "得到的是一个异常对象；请保存它的类名（字符串）。",
        },
        "not_sequence": {
            "en": "got a value of type {type}; this exercise wants a tuple of {want} items.",
            "zh": "得到的是 {type} 类型的值；本题要求一个包含 {want} 项的元组。",
        },
        "backward_failed": {
            "en": "the backward pass failed on the Value your tanh returned: its local "
            "derivative must be a number.",
            "zh": "对你的 tanh 返回的 Value 做反向传播时出错：它的局部导数必须是一个数。",
        },
        "not_list": {
            "en": "got a value of type {type}; this exercise wants a list of length {want}.",
            "zh": "得到的是 {type} 类型的值；本题要求一个包含 {want} 项的列表。",
        },
        "length": {
            "en": "got {got} items; this exercise wants {want}.",
            "zh": "得到 {got} 项；本题要求 {want} 项。",
        },
        "not_function": {
            "en": "got a value of type {type}, not a function.",
            "zh": "得到的是 {type} 类型的值，而不是函数。",
        },
        "not_graph": {
            "en": "your function runs eagerly: it is not a `tf.function`.",
            "zh": "你的函数以 Eager 模式运行：它不是 `tf.function`。",
        },
        "unrolled": {
            "en": "your loop was unrolled while tracing, not built into the graph: loop over "
            "`tf.range(steps)`.",
            "zh": "你的循环在追踪时被展开了，没有成为计算图中的循环："
            "请改用 `for _ in tf.range(steps):` 循环。",
        },
        "no_signature": {
            "en": "your function has no `input_signature`.",
            "zh": "你的函数没有设置 `input_signature`。",
        },
        "retraced": {
            "en": "your function traced {got} times for calls that should share one trace.",
            "zh": "本该共用一次追踪的调用，你的函数却追踪了 {got} 次。",
        },
        "raised": {
            "en": "calling your function raised {name}: {message}",
            "zh": "调用你的函数时抛出了 {name}：{message}",
        },
        "exited": {
            "en": "your function raised {name} instead of returning a result: the check needs "
            "the value it returns.",
            "zh": "你的函数抛出了 {name}，而没有返回结果：检查程序需要的是它返回的值。",
        },
        "interrupted": {
            "en": "⚠ Exercise {id} was not checked: the check was interrupted ({name}). Run "
            "this cell again.",
            "zh": "⚠ 练习 {id} 没有检查完：检查被中断了（{name}）。请再运行一次这个单元格。",
        },
        # how the answer was computed (technique.py): asked after the value is right
        "optimizer_steps": {
            "en": "the optimizer took {got} steps where {want} were asked.",
            "zh": "优化器走了 {got} 步，而题目要求 {want} 步。",
        },
        "technique_missing": {
            "en": "right value, but not computed with {api}: {why}",
            "zh": "数值正确，但不是用 {api} 算出来的：{why}",
        },
        "technique_forbidden": {
            "en": "right value, but computed with {api}, which this exercise rules out: {why}",
            "zh": "数值正确，但用了本题不允许的 {api}：{why}",
        },
        "technique_count": {
            "en": "right value, but the number of uses of {api} is {got} where this exercise "
            "wants {want}: {why}",
            "zh": "数值正确，但 {api} 用了 {got} 次，本题要求 {want} 次：{why}",
        },
        "technique_jacobian": {
            "en": "right value, but it is what `tape.jacobian` returned, not `tape.gradient`: "
            "{why}",
            "zh": "数值正确，但这个结果是 `tape.jacobian` 返回的，不是 `tape.gradient` 返回的："
            "{why}",
        },
        "technique_not_returned": {
            "en": "right value, but not the tensor `tape.gradient` returned (computed another "
            "way, or changed or copied afterwards): {why}",
            "zh": "数值正确，但不是 `tape.gradient` 返回的那个张量（是用别的方法算出的，"
            "或者之后又被改动或复制过）：{why}",
        },
        "technique_changed": {
            "en": "right value, but not the tensor `tape.gradient` returned: one computed from "
            "it afterwards (changed or copied): {why}",
            "zh": "数值正确，但不是 `tape.gradient` 返回的那个张量，而是之后由它改动或复制出的"
            "张量：{why}",
        },
        "technique_cast": {
            "en": "right value, but it is a `tf.cast` of the {dtype} tensor `tape.gradient` "
            "returned, a new tensor, not the tape's own (compute in the dtype you return from "
            "the start): {why}",
            "zh": "数值正确，但你返回的是把 `tape.gradient` 的 {dtype} 结果用 `tf.cast` 转换后的"
            "新张量，不是磁带返回的那个张量。应当一开始就用要返回的数据类型计算。{why}",
        },
        "nested_tapes": {"en": "{n} nested tapes", "zh": "{n} 盘嵌套的磁带"},
        "a_graph_loop": {
            "en": "a loop in the graph (`tf.while_loop`)",
            "zh": "计算图中的循环（`tf.while_loop`）",
        },
        "timeout": {
            "en": "your function did not return within {seconds} s; the check stopped it. "
            "Does its loop ever end?",
            "zh": "你的函数在 {seconds} 秒内没有返回，检查程序已将其中止。它的循环会结束吗？",
        },
        # a hint several chapters share
        "hint_unwatched": {
            "en": "A None gradient means the tape never saw that tensor: only trainable "
            "Variables are watched automatically; anything else needs `tape.watch`.",
            "zh": "梯度为 None 说明磁带没有监视这个张量：只有可训练的变量会被自动监视，"
            "其他张量需要 `tape.watch`。",
        },
        "unreadable": {
            "en": "the check could not read your answer ({name}: {message}).",
            "zh": "检查程序无法读取你的答案（{name}：{message}）。",
        },
        # answers on chapter 11's own tape (autodiff_course.minitape), not tensors
        "not_value": {
            "en": "got a value of type {type}, not a Value of the chapter's tape.",
            "zh": "得到的是 {type} 类型的值，而不是本章磁带的 Value。",
        },
        "not_recorded": {
            "en": "the tape did not record the result, so the backward pass cannot reach the "
            "input.",
            "zh": "磁带没有记录这个结果，所以反向传播到不了输入。",
        },
        "technique_records": {
            "en": "right value, but your tanh put {got} records on the tape, where the exercise "
            "asks for one: a single new Value with v as its only parent.",
            "zh": "数值正确，但你的 tanh 在磁带上留下了 {got} 条记录，而本题要求只有一条："
            "新建一个以 v 为唯一父节点的 Value。",
        },
        "technique_parents": {
            "en": "right value, but the Value your tanh returns does not have v as its only "
            "parent.",
            "zh": "数值正确，但你的 tanh 返回的 Value 并非只以 v 为父节点。",
        },
        # a technique message of chapters 08 and 10 (the calls of f seen by technique.counted_at)
        "technique_finite": {
            "en": "right value, but computed by finite differences: your function evaluated f "
            "at points other than the one the check gave. {why}",
            "zh": "数值正确，但这是用有限差分算出来的：你的函数在检查给定的点以外计算了 f。{why}",
        },
        # chapter 08: Jacobians, VJPs and Newton steps that are wrong in a known way
        "summed_jacobian": {
            "en": "got shape {got}, the shape of a gradient: the derivatives of the target's "
            "entries are added together, not kept apart as in a Jacobian.",
            "zh": "得到的形状是 {got}，这是梯度的形状：目标各元素的导数被加在了一起，"
            "而不是像雅可比矩阵那样分开保存。",
        },
        "unweighted": {
            "en": "got {got}, the sum of the Jacobian's rows: the weights u were not used.",
            "zh": "得到 {got}，即雅可比矩阵各行之和：没有用上权重 u。",
        },
        "batch_sum": {
            "en": "each example's block also holds the derivatives of the other examples' "
            "outputs, added in: the examples here interact.",
            "zh": "每个样本的块里还加进了其他样本的输出对它的导数：这里的样本之间相互影响。",
        },
        "gradient_step": {
            "en": "got {got}, a plain gradient step, not a Newton step.",
            "zh": "得到 {got}，这是普通的梯度下降一步，不是牛顿法的一步。",
        },
        "uphill": {
            "en": "got {got}: the step was added, v + H⁻¹g, not subtracted.",
            "zh": "得到 {got}：这一步是加上去的（v + H⁻¹g），而不是减去。",
        },
        "ascent": {
            "en": "got {got}, what a step uphill gives: the weights moved along the gradient, "
            "not against it.",
            "zh": "得到 {got}，这是朝上坡走一步的结果：权重是顺着梯度移动的，而不是逆着梯度。",
        },
        "multiplied": {
            "en": "got {got}: the step multiplies the gradient by the Hessian.",
            "zh": "得到 {got}：这一步用黑塞矩阵乘了梯度。",
        },
        # chapter 09: gradients that are wrong in a known way
        "gradient": {"en": "wrong gradient: got {got}.", "zh": "梯度不对：得到 {got}。"},
        "target_moves": {
            "en": "the gradient is {got}: the target still moves with θ, so the loss also pulls "
            "the target toward the prediction.",
            "zh": "梯度是 {got}：目标值仍随 θ 移动，所以损失也在把目标值拉向预测值。",
        },
        "prediction_stopped": {
            "en": "the gradient is {got}: the prediction is held fixed and the target moves, "
            "so the stop is on the wrong term.",
            "zh": "梯度是 {got}：预测值被固定住了，目标值却在移动，停止梯度放错了位置。",
        },
        "rejects_correct": {
            "en": "your check reports a difference of {got} for a gradient that is correct: "
            "its finite difference is off.",
            "zh": "对一个正确的梯度，你的检验报告的差值是 {got}：其中的有限差分不准。",
        },
        "accepts_wrong": {
            "en": "your check reports a difference of only {got} for a gradient that is clearly "
            "wrong: it must see that.",
            "zh": "对一个明显错误的梯度，你的检验只报告了 {got} 的差值：它应当发现这个错误。",
        },
        "not_largest": {
            "en": "your check reports {got} for a gradient whose entries are off by different "
            "amounts, some more than others: return the largest absolute difference, not the "
            "smallest, a mean, a sum or a signed difference.",
            "zh": "梯度各个元素的误差大小不一，你的检验却报告了 {got}：请返回绝对差值中最大的那个，"
            "而不是最小值、平均值、总和或带符号的差值。",
        },
    },
)
