"""Which regime a learning rate puts gradient descent in, and the sentence that says so."""

from __future__ import annotations

import math
from dataclasses import dataclass

from autodiff_course import i18n
from autodiff_course.explorers.formatting import number

TEXT = i18n.strings(
    __name__,
    {
        "rule": {
            "en": "Rule: each step multiplies the distance to the minimum by 1 − 2a·lr, "
            "so descent converges exactly when |1 − 2a·lr| < 1, i.e. 0 < lr < 1/a.",
            "zh": "规律：每一步都把到最小值点的距离乘以 1 − 2a·lr，"
            "所以当且仅当 |1 − 2a·lr| < 1（即 0 < lr < 1/a）时梯度下降收敛。",
        },
        "factor": {
            "en": "|1 − 2a·lr| = |1 − 2·{a}·{lr}| = {r}",
            "zh": "|1 − 2a·lr| = |1 − 2·{a}·{lr}| = {r}",
        },
        "no_minimum": {
            "en": "No minimum: with a = {a} ≤ 0 the curve {shape}, so gradient descent "
            "has nowhere to settle: wherever the slope is not 0 it keeps going downhill. "
            "Make a positive to get a minimum.",
            "zh": "没有最小值。a = {a} ≤ 0 时曲线{shape}，梯度下降没有可以停下的地方："
            "只要斜率不为 0，它就会一直往下走。把 a 调成正数才有最小值。",
        },
        "heads_off": {
            "en": " Here x heads off towards {inf}.",
            "zh": "这里 x 一路走向 {inf}。",
        },
        "stays": {
            "en": " Here x stays at x₀ = {x0}: {reason}.",
            "zh": "这里 x 停在 x₀ = {x0}：{reason}。",
        },
        "stays.no_steps": {"en": "no step is taken", "zh": "一步也没有走"},
        "stays.no_move": {"en": "the learning rate is 0", "zh": "学习率为 0"},
        "stays.flat": {
            "en": "f′(x₀) = 2a·x₀ + b = 0 there, so no step moves it",
            "zh": "x₀ 处 f′(x₀) = 2a·x₀ + b = 0，所以每一步都原地不动",
        },
        "stays.tiny": {
            "en": "each step lr·f′(x) is too small to change x in {dtype}",
            "zh": "每一步的 lr·f′(x) 都太小，在 {dtype} 下改变不了 x",
        },
        # The explorer's left plot shows the path near x₀ and the minimum only.
        "leaves": {
            "en": " The path leaves the left plot at step {k}.",
            "zh": "路径在第 {k} 步离开左图。",
        },
        "shape_line": {"en": "is a straight line", "zh": "是一条直线"},
        # a = 0 and b = 0: f(x) = c, every x is as low as any other.
        "constant": {
            "en": "Constant: with a = 0 and b = 0, f(x) = c everywhere. The slope is 0, so x "
            "never moves, and every x is as low as any other: there is no single minimum.",
            "zh": "常数函数。a = 0 且 b = 0 时，处处都有 f(x) = c。斜率为 0，所以 x 从不移动；"
            "每个 x 都一样低，没有唯一的最小值点。",
        },
        "shape_down": {"en": "opens downwards", "zh": "开口向下"},
        "no_steps": {
            "en": "0 steps: nothing happens, x stays at x₀.",
            "zh": "0 步，什么也不会发生，x 停在 x₀。",
        },
        "no_move": {
            "en": "Learning rate 0: every step is x ← x − 0·f′(x), so x never moves.",
            "zh": "学习率为 0。每一步都是 x ← x − 0·f′(x)，x 永远不动。",
        },
        "uphill": {
            "en": "A negative learning rate climbs uphill: {factor} > 1, "
            "so x moves away from the minimum. {rule}",
            "zh": "学习率为负数会往坡上走。{factor} > 1，x 离最小值点越来越远。{rule}",
        },
        "converges": {
            "en": "Converges: {factor} < 1, the distance to the minimum shrinks "
            "by this factor every step, without overshooting. {rule}",
            "zh": "收敛。{factor} < 1，到最小值点的距离每一步都按这个倍数缩小，"
            "而且不会越过最小值点。{rule}",
        },
        "one_step": {
            "en": "Converges in one step: 1 − 2a·lr = 0 (lr = 1/(2a)), "
            "so the first step lands exactly on the minimum. {rule}",
            "zh": "一步收敛。1 − 2a·lr = 0（lr = 1/(2a)），第一步就正好落在最小值点上。{rule}",
        },
        "oscillates_converges": {
            "en": "Oscillates and converges: 1 − 2a·lr is negative, so x jumps "
            "across the minimum every step, but {factor} < 1, so the jumps shrink. {rule}",
            "zh": "振荡收敛。1 − 2a·lr 为负，x 每一步都跳到最小值点的另一侧，"
            "但 {factor} < 1，所以跳动越来越小。{rule}",
        },
        "oscillates_forever": {
            "en": "Oscillates forever: 1 − 2a·lr = −1 (lr = 1/a), so x jumps between two "
            "points at the same distance from the minimum and never converges. {rule}",
            "zh": "永远振荡。1 − 2a·lr = −1（lr = 1/a），x 在到最小值点距离相同的"
            "两个点之间来回跳，永远不收敛。{rule}",
        },
        "diverges": {
            "en": "Diverges: {factor} > 1, every step overshoots further than the last, "
            "and x runs away from the minimum. {rule}",
            "zh": "发散。{factor} > 1，每一步都比上一步冲得更远，x 离最小值点越来越远。{rule}",
        },
        "overflow": {
            "en": " In {dtype}, x overflows to {inf} at step {k} and stays there.",
            "zh": "在 {dtype} 下，x 在第 {k} 步溢出为 {inf}，之后一直是 {inf}。",
        },
        # Overflow on the last step shown: what comes next is not computed, so say no more.
        "overflow_at_end": {
            "en": " In {dtype}, x overflows to {inf} at step {k}.",
            "zh": "在 {dtype} 下，x 在第 {k} 步溢出为 {inf}。",
        },
        # x = ±∞ with a > 0: the next step computes x − lr·f′(x) = ∞ − ∞.
        "overflow_nan": {
            "en": " In {dtype}, x overflows to {inf} at step {k}; the next step computes "
            "∞ − ∞, so from step {j} on x is nan (not a number).",
            "zh": "在 {dtype} 下，x 在第 {k} 步溢出为 {inf}；下一步要计算 ∞ − ∞，"
            "所以从第 {j} 步起 x 是 nan（非数，NaN）。",
        },
        "nan": {
            "en": " In {dtype}, x becomes nan (not a number) at step {k}.",
            "zh": "在 {dtype} 下，x 在第 {k} 步变成 nan（非数，NaN）。",
        },
        # Round to nearest: x + step gives x back once the step is below half the spacing.
        "plateau": {
            "en": " In {dtype}, x stops changing after step {k}: the step has become "
            "smaller than half the spacing between {dtype} numbers near x.",
            "zh": "在 {dtype} 下，x 在第 {k} 步之后不再变化：步长已经小于 x 附近"
            "相邻两个 {dtype} 数之间间隔的一半。",
        },
        # x lands on x* itself: no rounding involved, the path has simply arrived.
        "reached": {
            "en": " In {dtype}, x reaches the minimum x* = {x} exactly at step {k} "
            "and stays there.",
            "zh": "在 {dtype} 下，x 在第 {k} 步正好到达最小值点 x* = {x}，之后一直停在那里。",
        },
    },
)

# Learning rates on a boundary (lr = 1/(2a), lr = 1/a) are found with this tolerance on
# 1 − 2a·lr, so that a slider value such as a = 2.5, lr = 0.2 counts as the boundary.
BOUNDARY_TOLERANCE = 1e-9


@dataclass(frozen=True)
class Status:
    """Which regime a learning rate puts gradient descent in, and the sentence that says so."""

    kind: str  # constant, no_minimum, no_steps, no_move, uphill, converges, one_step,
    #            oscillates_converges, oscillates_forever, diverges
    message: str


def descent_status(
    a: float, learning_rate: float, steps: int = 1, lang: str = "en", b: float | None = None
) -> Status:
    """The regime of gradient descent on a·x² + b·x + c, from the rule |1 − 2a·lr| < 1."""
    lang = i18n.language(lang)
    a, lr = float(a), float(learning_rate)
    if a == 0 and b == 0:
        return Status("constant", i18n.text(TEXT, "constant", lang))
    if not a > 0:
        shape = i18n.text(TEXT, "shape_line" if a == 0 else "shape_down", lang)
        return Status("no_minimum", i18n.text(TEXT, "no_minimum", lang, a=number(a), shape=shape))
    if steps == 0:
        return Status("no_steps", i18n.text(TEXT, "no_steps", lang))
    if lr == 0:
        return Status("no_move", i18n.text(TEXT, "no_move", lang))
    r = 1.0 - 2.0 * a * lr
    factor = i18n.text(TEXT, "factor", lang, a=number(a), lr=number(lr), r=number(abs(r), 4))
    if lr < 0:
        kind = "uphill"
    elif abs(r) <= BOUNDARY_TOLERANCE:
        kind = "one_step"
    elif r > 0:
        kind = "converges"
    elif abs(r + 1.0) <= BOUNDARY_TOLERANCE:
        kind = "oscillates_forever"
    elif r > -1:
        kind = "oscillates_converges"
    else:
        kind = "diverges"
    rule = i18n.text(TEXT, "rule", lang)
    return Status(kind, i18n.text(TEXT, kind, lang, factor=factor, rule=rule))


@dataclass(frozen=True)
class PathFacts:
    """What the computed path did, beyond the regime: for the remarks after the status."""

    dtype: str
    x0: float
    overflow: int | None = None  # first step whose x is not finite
    overflow_to: float = math.inf  # x at that step: ±inf, or nan
    nan_step: int | None = None  # first step whose x is nan
    plateau: int | None = None  # last step that changed x, when x then stands still
    at_minimum: float | None = None  # x* when x stands still exactly on it
    leaves: int | None = None  # first step outside the explorer's left plot
    towards: float = 0.0  # +1 or −1: where x went; 0 when it never moved
    stays_reason: str = "tiny"  # why x never moved: no_steps, no_move, flat or tiny
    last: int | None = None  # the last step computed


def with_float_remarks(status: Status, facts: PathFacts, lang: str) -> Status:
    """The status, with what the path did: where it went, overflow, or x standing still."""
    message = status.message
    if status.kind == "no_minimum":
        if facts.towards:
            message += i18n.text(TEXT, "heads_off", lang, inf=number(facts.towards * math.inf))
        else:
            reason = i18n.text(TEXT, f"stays.{facts.stays_reason}", lang, dtype=facts.dtype)
            message += i18n.text(TEXT, "stays", lang, x0=number(facts.x0), reason=reason)
    if facts.leaves is not None:
        message += i18n.text(TEXT, "leaves", lang, k=facts.leaves)
    if facts.overflow is not None:
        if math.isnan(facts.overflow_to):
            message += i18n.text(TEXT, "nan", lang, dtype=facts.dtype, k=facts.overflow)
        else:
            inf = number(facts.overflow_to)
            if facts.nan_step is not None:
                kind, j = "overflow_nan", facts.nan_step
            else:
                kind, j = ("overflow_at_end" if facts.overflow == facts.last else "overflow"), None
            message += i18n.text(
                TEXT, kind, lang, dtype=facts.dtype, k=facts.overflow, inf=inf, j=j
            )
    if facts.plateau is not None and facts.at_minimum is not None:
        x = number(facts.at_minimum)
        message += i18n.text(TEXT, "reached", lang, dtype=facts.dtype, k=facts.plateau, x=x)
    elif facts.plateau is not None:
        message += i18n.text(TEXT, "plateau", lang, dtype=facts.dtype, k=facts.plateau)
    return Status(status.kind, message)
