"""What the kink explorer (chapter 09) says, in English and Chinese (key → {en, zh})."""

from autodiff_course import i18n

TEXT = i18n.strings(
    __name__,
    {
        "name.abs": {"en": "|x|", "zh": "|x|"},
        "name.relu": {"en": "ReLU(x)", "zh": "ReLU(x)"},
        "name.sqrt": {"en": "√x", "zh": "√x"},
        "value": {"en": "f(x) = {name} at x = {x}: {v}", "zh": "x = {x} 处，f(x) = {name} = {v}"},
        "tape": {"en": "tape's gradient: {v}", "zh": "磁带给出的梯度：{v}"},
        "fd": {"en": "finite difference, h = {h}: {v}", "zh": "有限差分，h = {h}：{v}"},
        "custom": {"en": "custom gradient: {v}", "zh": "自定义梯度：{v}"},
        "exact": {"en": "exact derivative: {v}", "zh": "精确导数：{v}"},
        "no_derivative": {"en": "none (a kink)", "zh": "不存在（尖点）"},
        "undefined": {"en": "undefined", "zh": "无定义"},
        "title.f": {"en": "f and the tape's tangent at x", "zh": "f 与磁带给出的切线"},
        "title.g": {
            "en": "f′: tape, finite difference, custom",
            "zh": "f′：磁带、有限差分、自定义梯度",
        },
        "legend.tape": {"en": "tape", "zh": "磁带"},
        "legend.fd": {"en": "finite difference", "zh": "有限差分"},
        "legend.custom": {"en": "custom", "zh": "自定义"},
        "status.bad_number": {
            "en": "x = {x} and h = {h} cannot be used: x must be a finite number and h a "
            "finite number above 0 (in the chosen dtype).",
            "zh": "x = {x}、h = {h} 无法使用：x 必须是有限的数，h 必须是大于 0 的有限数"
            "（在所选的数据类型下）。",
        },
        "status.negative": {
            "en": "√x is not defined for x < 0: the value, the tape's gradient and the finite "
            "difference are nan, and the custom gradient's {c} means nothing here. "
            "Move x to 0 or above.",
            "zh": "x < 0 时 √x 没有定义：函数值、磁带给出的梯度和有限差分都是 nan，"
            "自定义梯度给出的 {c} 在这里也没有意义。请把 x 移到 0 或以上。",
        },
        "status.h_lost": {
            "en": "h = {h} is too small for {dtype} at x = {x}: x + h and x − h round to the "
            "same number, so the finite difference is {fd} whatever the slope. "
            "Make h larger or switch to float64.",
            "zh": "在 {dtype} 下，h = {h} 对 x = {x} 来说太小了：x + h 和 x − h 舍入成同一个数，"
            "所以无论斜率是多少，有限差分都是 {fd}。请增大 h，或改用 float64。",
        },
        "status.at_kink": {
            "en": "x is at the kink: {name} has no derivative here. The tape and the custom "
            "gradient return the subgradient {g}; the finite difference averages the two "
            "sides and gives {fd}.",
            "zh": "x 正好在尖点上：{name} 在这里不可导。磁带和自定义梯度都返回次梯度 {g}；"
            "有限差分取两侧的平均，得到 {fd}。",
        },
        "status.across": {
            "en": "The step crosses the kink at 0 (|x| < h): the finite difference {fd} is the "
            "average slope over [x − h, x + h] (a secant slope), not the derivative {g}. "
            "A gradient check here fails even for a correct gradient; make h smaller than |x|.",
            "zh": "差分步长跨过了 0 处的尖点（|x| < h）：有限差分 {fd} 是区间 [x − h, x + h] "
            "上的平均斜率（割线斜率），而不是导数 {g}。"
            "在这里做梯度检验，即使梯度正确也会失败；请让 h 小于 |x|。",
        },
        "status.sqrt_zero": {
            "en": "At x = 0 the tape's gradient of √x is ∞ (1 / (2√0)), and that ∞ becomes nan "
            "as soon as the backward pass multiplies it by a 0. The custom gradient caps it at "
            "{c}; the finite difference needs √(−h) and gives nan.",
            "zh": "在 x = 0 处，磁带给出的 √x 的梯度是 ∞（1 / (2√0)），反向传播中这个 ∞ 一旦乘上 0 "
            "就变成 nan。自定义梯度把它限制在 {c}；有限差分要用到 √(−h)，得到 nan。",
        },
        "status.sqrt_across": {
            "en": "x − h < 0: the finite difference takes the square root of a negative "
            "number and gives nan. Make h smaller than x.",
            "zh": "x − h < 0：有限差分对负数开平方，得到 nan。请让 h 小于 x。",
        },
        "status.rounding": {
            "en": "The finite difference is off by {err} (relative): at this h the rounding "
            "error of {dtype}, about ε·|f| / h, dominates. Try a larger h or float64.",
            "zh": "有限差分的相对误差为 {err}：在这个 h 下，{dtype} 的舍入误差（约 ε·|f| / h）"
            "占主导。请试试更大的 h 或 float64。",
        },
        "status.truncation": {
            "en": "The finite difference is off by {err} (relative): h is too large here. The "
            "truncation error of a central difference is about h²·|f‴| / 6, set by the third "
            "derivative f‴. Try a smaller h.",
            "zh": "有限差分的相对误差为 {err}：这里的 h 太大了。中心差分的截断误差约为 "
            "h²·|f‴| / 6，由三阶导数 f‴ 决定。请试试更小的 h。",
        },
        "status.agree": {
            "en": "The finite difference agrees with the tape to {err} (relative).",
            "zh": "有限差分与磁带的结果一致，相对误差为 {err}。",
        },
        "tooltip.function": {
            "en": "the function: |x| and ReLU have a kink at 0, √x an infinite slope",
            "zh": "函数：|x| 和 ReLU 在 0 处有尖点，√x 在 0 处斜率无穷大",
        },
        "tooltip.x": {
            "en": "the point where all three gradients are taken",
            "zh": "三种梯度都在这一点计算",
        },
        "tooltip.h": {
            "en": "the finite-difference step h (log scale)",
            "zh": "有限差分的步长 h（对数刻度）",
        },
        "tooltip.dtype": {
            "en": "float32 or float64 for every number",
            "zh": "所有数都用 float32 或 float64",
        },
        "label.function": {"en": "function", "zh": "函数"},
        "label.dtype": {"en": "dtype", "zh": "数据类型"},
    },
)
