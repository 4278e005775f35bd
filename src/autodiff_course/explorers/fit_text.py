"""What the fit explorer (chapter 12) says, in English and Chinese (key → {en, zh})."""

from autodiff_course import i18n

TEXT = i18n.strings(
    __name__,
    {
        "final": {
            "en": "after {n} steps: y = {w}·x + ({b})",
            "zh": "{n} 步之后：y = {w}·x + ({b})",
        },
        "loss": {
            "en": "loss: {first} → {last} (least squares: {best})",
            "zh": "损失：{first} → {last}（最小二乘：{best}）",
        },
        "limit": {
            "en": "full-batch limits: overshoots above lr = {half}, diverges above lr = {edge}",
            "zh": "全批量的界限：lr > {half} 时越过最小值点，lr > {edge} 时发散",
        },
        "status": {"en": "status: {s}", "zh": "状态：{s}"},
        "rule": {
            "en": "Rule (chapter 06, with the Hessian's eigenvalues λ): each full-batch step "
            "multiplies the distance to the best (w, b) by 1 − lr·λ in each direction, so "
            "descent converges when lr < 2/λmax = {edge}.",
            "zh": "规律（第 06 章，λ 为黑塞矩阵的特征值）：全批量的每一步在每个方向上把到"
            "最优 (w, b) 的距离乘以 1 − lr·λ，所以 lr < 2/λmax = {edge} 时收敛。",
        },
        "no_steps": {
            "en": "0 steps: nothing happens, the line stays at w = 0, b = 0.",
            "zh": "0 步，什么也不会发生，直线停在 w = 0，b = 0。",
        },
        "no_move": {
            "en": "Learning rate 0: every step is w ← w − 0·gradient, so the line never moves.",
            "zh": "学习率为 0。每一步都是 w ← w − 0·梯度，直线永远不动。",
        },
        "uphill": {
            "en": "A negative learning rate climbs uphill: the loss grows from the first step.",
            "zh": "学习率为负数会往坡上走。损失从第一步起就在增大。",
        },
        "converges": {
            "en": "Converges: lr·λmax = {x} < 1, every direction shrinks without overshooting. "
            "{rule}",
            "zh": "收敛。lr·λmax = {x} < 1，每个方向都在缩小，而且不会越过最小值点。{rule}",
        },
        "oscillates_converges": {
            "en": "Oscillates and converges: 1 < lr·λmax = {x} < 2, along the direction of "
            "largest curvature (λmax) every step jumps across the minimum, but the jumps "
            "shrink. {rule}",
            "zh": "振荡收敛。1 < lr·λmax = {x} < 2，沿曲率最大的方向（λmax），每一步都跳到"
            "最小值点的另一侧，但跳动越来越小。{rule}",
        },
        "oscillates_forever": {
            "en": "Oscillates forever: lr·λmax = 2, along the direction of largest curvature "
            "every step jumps between two points and never settles. {rule}",
            "zh": "永远振荡。lr·λmax = 2，沿曲率最大的方向，每一步都在两个点之间来回跳，"
            "永远停不下来。{rule}",
        },
        "diverges": {
            "en": "Diverges: lr·λmax = {x} > 2, every step overshoots further than the last "
            "and the loss grows. {rule}",
            "zh": "发散。lr·λmax = {x} > 2，每一步都比上一步冲得更远，损失越来越大。{rule}",
        },
        "diverges_batch": {
            "en": "Diverges: with batches of size {batch} the loss grows, although the "
            "full-batch rule allows this learning rate: the loss of a small batch can curve "
            "more sharply than that of all the data (a larger λmax), and one such batch is "
            "enough to overshoot.",
            "zh": "发散。每批 {batch} 个点时损失越来越大，尽管全批量的规律允许这个学习率："
            "小批量损失的曲率可能比全部数据的更大（λmax 更大），一个这样的批次就足以冲过头。",
        },
        "noisy": {
            "en": " Batches of {batch} of the {n} points: each step follows a noisy gradient, "
            "so the loss jitters near the minimum instead of settling on it.",
            "zh": "每批只用 {n} 个点中的 {batch} 个：每一步沿着带噪声的梯度走，"
            "所以损失在最小值附近抖动，而不是停在上面。",
        },
        "overflow": {
            "en": " The loss overflows (to ∞, then nan) at step {k}.",
            "zh": "损失在第 {k} 步溢出（先是 ∞，然后是 nan）。",
        },
        "bad_lr": {
            "en": "The learning rate must be a finite number, not {v}.",
            "zh": "学习率必须是一个有限的数，而不是 {v}。",
        },
        "bad_steps": {
            "en": "The number of steps must be a whole number from 0 to {max}, not {v}.",
            "zh": "步数必须是 0 到 {max} 之间的整数，而不是 {v}。",
        },
        "bad_batch": {
            "en": "The batch size must be a whole number from 1 to {n}, not {v}.",
            "zh": "批量大小必须是 1 到 {n} 之间的整数，而不是 {v}。",
        },
        "data_title": {"en": "data and the fitted line", "zh": "数据与拟合的直线"},
        "loss_title": {"en": "loss after step k (log scale)", "zh": "第 k 步后的损失（对数坐标）"},
        "label.learning_rate": {"en": "learning rate", "zh": "学习率"},
        "label.steps": {"en": "steps", "zh": "步数"},
        "label.batch_size": {"en": "batch size", "zh": "批量大小"},
        "tooltip.learning_rate": {
            "en": "the learning rate of SGD: (w, b) ← (w, b) − lr·gradient",
            "zh": "SGD 的学习率：(w, b) ← (w, b) − lr·梯度",
        },
        "tooltip.steps": {"en": "how many SGD steps to take", "zh": "SGD 要走多少步"},
        "tooltip.batch_size": {
            "en": "how many of the 64 points each step uses (64: all of them)",
            "zh": "每一步使用 64 个点中的多少个（64：全部）",
        },
    },
)
