"""What the Hessian explorer (chapter 08) says, in English and Chinese (key → {en, zh})."""

from autodiff_course import i18n

TEXT = i18n.strings(
    __name__,
    {
        "name.bowl": {"en": "bowl", "zh": "碗形"},
        "name.rosenbrock": {"en": "Rosenbrock", "zh": "Rosenbrock"},
        "formula.bowl": {
            "en": "f = {a}·x² {b}·x·y {c}·y²",
            "zh": "f = {a}·x² {b}·x·y {c}·y²",
        },
        "formula.rosenbrock": {
            "en": "f = (1 − x)² + 100·(y − x²)²",
            "zh": "f = (1 − x)² + 100·(y − x²)²",
        },
        "value": {"en": "f({x}, {y}) = {v}", "zh": "f({x}, {y}) = {v}"},
        "gradient": {
            "en": "gradient, tape: ({g1}, {g2})",
            "zh": "梯度，磁带：({g1}, {g2})",
        },
        "gradient.exact": {
            "en": "gradient, closed form: ({g1}, {g2})",
            "zh": "梯度，解析式：({g1}, {g2})",
        },
        "hessian": {
            "en": "Hessian, tape: [[{h11}, {h12}], [{h21}, {h22}]]",
            "zh": "黑塞矩阵，磁带：[[{h11}, {h12}], [{h21}, {h22}]]",
        },
        "hessian.exact": {
            "en": "Hessian, closed form: [[{h11}, {h12}], [{h21}, {h22}]]",
            "zh": "黑塞矩阵，解析式：[[{h11}, {h12}], [{h21}, {h22}]]",
        },
        "eigen": {
            "en": "eigenvalue {l} along ({v1}, {v2})",
            "zh": "特征值 {l}，方向 ({v1}, {v2})",
        },
        "newton": {
            "en": "one Newton step → ({x}, {y})",
            "zh": "牛顿法一步 → ({x}, {y})",
        },
        "newton.none": {"en": "one Newton step: not unique", "zh": "牛顿法一步：不唯一"},
        "title": {
            "en": "{name}: contours, gradient, eigen-directions",
            "zh": "{name}：等高线、梯度、特征方向",
        },
        "legend.gradient": {"en": "gradient (direction)", "zh": "梯度（方向）"},
        "legend.up": {"en": "curves up (λ > 0)", "zh": "向上弯（λ > 0）"},
        "legend.down": {"en": "curves down (λ < 0)", "zh": "向下弯（λ < 0）"},
        "legend.newton": {"en": "Newton step", "zh": "牛顿法一步"},
        "status.minimum": {
            "en": "Both eigenvalues are positive: the function curves up in every direction, "
            "and one Newton step goes to ({x}, {y}).",
            "zh": "两个特征值都是正的：函数在每个方向上都向上弯，牛顿法一步走到 ({x}, {y})。",
        },
        "status.minimum_exact": {
            "en": "Both eigenvalues are positive: a bowl with its minimum at (0, 0), and one "
            "Newton step lands on it from any point, here ({x}, {y}).",
            "zh": "两个特征值都是正的：这是一个碗形函数，最小值点在 (0, 0)，"
            "牛顿法从任何一点出发都一步落到那里；这一步实际落在 ({x}, {y})。",
        },
        "status.saddle": {
            "en": "One eigenvalue is negative ({l}): the function curves down along the dashed "
            "direction. A Newton step goes to ({x}, {y}), the stationary point of the local "
            "quadratic model, which is a saddle, not a minimum; descent should not take it.",
            "zh": "有一个特征值是负的（{l}）：函数沿虚线方向向下弯。"
            "牛顿法一步走到 ({x}, {y})，即局部二次模型的驻点，它是鞍点而不是最小值点；"
            "下降时不应该走这一步。",
        },
        "status.maximum": {
            "en": "Both eigenvalues are negative: the function curves down in every direction. "
            "A Newton step goes to ({x}, {y}), uphill towards a maximum.",
            "zh": "两个特征值都是负的：函数在每个方向上都向下弯。牛顿法一步走到 ({x}, {y})："
            "这一步往坡上走，朝向极大值点。",
        },
        "status.singular": {
            "en": "The Hessian is singular (an eigenvalue is 0, determinant {d}): the function "
            "has zero curvature along ({v1}, {v2}) and H cannot be inverted, so H·s = gradient "
            "has no unique solution s and there is no unique Newton step. For the bowl this "
            "happens when b² = 4ac, and then that equation has infinitely many solutions.",
            "zh": "黑塞矩阵是奇异的（有一个特征值为 0，行列式为 {d}）："
            "函数沿 ({v1}, {v2}) 方向的曲率为零，H 不可逆，所以方程 H·s = g（g 为梯度）没有唯一解，"
            "牛顿法的这一步也就不唯一。碗形函数在 b² = 4ac 时就是这样，此时这个方程有无穷多个解。",
        },
        "status.overflow": {
            "en": "At ({x}, {y}) the numbers are not finite in {dtype} (an overflow, or an "
            "input that is not a number): no gradient, Hessian or Newton step can be shown. "
            "Move the point closer to the origin or use float64.",
            "zh": "在 ({x}, {y}) 处，{dtype} 下的数不是有限值（溢出，或者输入是 NaN）："
            "无法给出梯度、黑塞矩阵和牛顿法的一步。请把点移近原点，或改用 float64。",
        },
        "tooltip.function": {
            "en": "a quadratic bowl (coefficients a, b, c) or the Rosenbrock function",
            "zh": "二次碗形函数（系数 a、b、c）或 Rosenbrock 函数",
        },
        "tooltip.x": {"en": "the point's x", "zh": "点的 x 坐标"},
        "tooltip.y": {"en": "the point's y", "zh": "点的 y 坐标"},
        "tooltip.a": {"en": "coefficient of x² (bowl only)", "zh": "x² 的系数（仅碗形函数）"},
        "tooltip.b": {"en": "coefficient of x·y (bowl only)", "zh": "x·y 的系数（仅碗形函数）"},
        "tooltip.c": {"en": "coefficient of y² (bowl only)", "zh": "y² 的系数（仅碗形函数）"},
        "tooltip.dtype": {
            "en": "float32 or float64 for every number",
            "zh": "所有数都用 float32 或 float64",
        },
        "label.function": {"en": "function", "zh": "函数"},
        "label.dtype": {"en": "dtype", "zh": "数据类型"},
    },
)
