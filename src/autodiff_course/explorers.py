"""Slider explorers: the tangent line (chapters 01 and 03) and gradient descent (06 and 07).

Each explorer is two layers:

- a plain function that computes the numbers (`tangent_values`, `descent_path`), backed by a
  `tf.function` that takes tensors, so moving a slider never retraces: one trace per dtype,
  whatever the values (`trace_counts()` says how many there were);
- a thin ipywidgets layer (`tangent_explorer`, `descent_explorer`) that reads the sliders, calls
  the plain function and redraws one reused matplotlib figure into an image.

A notebook shows the widget, then calls the same plain function with fixed values
(`tangent_report`, `descent_report`) so that its recorded output can be checked.
Importing this module imports neither TensorFlow nor ipywidgets; the first call does.
"""

from __future__ import annotations

import io
import math
from collections import Counter
from dataclasses import dataclass, field

import numpy as np

from autodiff_course.quadratic import gradient_descent_closed_form, quadratic_minimum

DTYPES = ("float32", "float64")
MAX_STEPS = 10_000
# The descent loop does this many steps per trip round the tf.while_loop: a graph loop pays a
# fixed cost per iteration, and 1 000 one-step iterations cost more than the arithmetic itself.
STEPS_PER_ITERATION = 25

# How often each compute core was traced, per dtype: {"tangent": Counter, "descent": Counter}.
_TRACES: dict[str, Counter] = {"tangent": Counter(), "descent": Counter()}
_CORES: dict[str, object] = {}


def trace_counts() -> dict[str, dict[str, int]]:
    """How many times each compute core has been traced so far, per dtype."""
    return {name: dict(sorted(counter.items())) for name, counter in _TRACES.items()}


def _tf():
    from autodiff_course.environment import import_tensorflow_quietly

    return import_tensorflow_quietly()


def _check_dtype(dtype: str) -> str:
    if dtype not in DTYPES:
        raise ValueError(f"dtype must be one of {DTYPES}, not {dtype!r}")
    return dtype


# --------------------------------------------------------------------------- compute cores


def _tangent_core():
    """f, f′ and f″ at x, from a pair of nested tapes, compiled once per dtype."""
    if "tangent" not in _CORES:
        tf = _tf()

        @tf.function(autograph=False)
        def tangent(a, b, c, x):
            _TRACES["tangent"][x.dtype.name] += 1  # Python code: runs only while tracing
            with tf.GradientTape() as outer:
                outer.watch(x)
                with tf.GradientTape() as inner:
                    inner.watch(x)
                    y = a * tf.pow(x, 2) + b * x + c
                dy_dx = inner.gradient(y, x)
            d2y_dx2 = outer.gradient(dy_dx, x)
            return y, dy_dx, d2y_dx2

        _CORES["tangent"] = tangent
    return _CORES["tangent"]


def _descent_core():
    """x₀, x₁, …, x_steps of plain gradient descent, compiled once per dtype.

    `steps` is a tensor, so any number of steps uses the same graph. Each step opens its own
    tape, exactly as an eager loop would, and the arithmetic is the eager one (no XLA: its fused
    multiply-adds would change the last bits of float32 results such as 0.99999857).
    """
    if "descent" not in _CORES:
        tf = _tf()
        per_trip = STEPS_PER_ITERATION

        @tf.function(autograph=False)
        def descent(a, b, c, x0, learning_rate, steps):
            _TRACES["descent"][x0.dtype.name] += 1  # Python code: runs only while tracing
            trips = (steps + per_trip - 1) // per_trip
            chunks = tf.TensorArray(x0.dtype, size=trips, element_shape=(per_trip,))

            def body(trip, x, chunks):
                xs = []
                for _ in range(per_trip):
                    with tf.GradientTape() as tape:
                        tape.watch(x)
                        y = a * tf.pow(x, 2) + b * x + c
                    x = x - learning_rate * tape.gradient(y, x)
                    xs.append(x)
                return trip + 1, x, chunks.write(trip, tf.stack(xs))

            _, _, chunks = tf.while_loop(
                lambda trip, x, chunks: trip < trips, body, (tf.constant(0), x0, chunks)
            )
            # The last trip may run past `steps`; those extra points are cut off here.
            path = tf.concat([tf.reshape(x0, [1]), tf.reshape(chunks.stack(), [-1])], axis=0)
            return path[: steps + 1]

        _CORES["descent"] = descent
    return _CORES["descent"]


# --------------------------------------------------------------------------- tangent: numbers


@dataclass(frozen=True)
class TangentValues:
    """What the tapes say at x, and what calculus says."""

    a: float
    b: float
    c: float
    x: float
    dtype: str
    f: float
    slope: float
    curvature: float
    exact_f: float
    exact_slope: float
    exact_curvature: float


def tangent_values(a: float, b: float, c: float, x: float, dtype: str = "float32") -> TangentValues:
    """f(x), f′(x) and f″(x) from `tf.GradientTape` (nested for f″), next to the exact values."""
    tf = _tf()
    _check_dtype(dtype)
    args = [tf.constant(float(v), dtype=dtype) for v in (a, b, c, x)]
    y, slope, curvature = (float(t.numpy()) for t in _tangent_core()(*args))
    a, b, c, x = (float(v) for v in (a, b, c, x))
    return TangentValues(
        a, b, c, x, dtype, y, slope, curvature,
        exact_f=a * x * x + b * x + c, exact_slope=2 * a * x + b, exact_curvature=2 * a,
    )  # fmt: skip


def _g(v: float, digits: int = 6) -> str:
    """A number for people: 6 significant digits, −0 shown as 0, and a true minus sign."""
    if not math.isfinite(v):
        return {math.inf: "∞", -math.inf: "−∞"}.get(v, "nan")
    text = f"{v + 0.0:.{digits}g}"
    return text.replace("-", "−")


TANGENT_TEXT = {
    "en": {
        "f": "f({x}) = {v} (exact {e})",
        "slope": "f′({x}) from the tape = {v} (exact 2ax + b = {e})",
        "curv": "f″({x}) from a nested tape = {v} (exact 2a = {e})",
        "traces": "compute core traced: {t}",
        "none": "not yet",
        "title": "f(x) = a·x² + b·x + c and its tangent at x",
        "xlabel": "x",
        "tangent": "tangent",
        "tooltips": {
            "a": "a in f(x) = a·x² + b·x + c: how curved the parabola is",
            "b": "b in f(x) = a·x² + b·x + c: the slope at x = 0",
            "c": "c in f(x) = a·x² + b·x + c: lifts the curve up or down",
            "x": "the point where the tape measures the slope",
        },
        "labels": {"a": "a", "b": "b", "c": "c", "x": "x"},
    },
    "zh": {
        "f": "f({x}) = {v}（精确值 {e}）",
        "slope": "磁带求得 f′({x}) = {v}（精确值 2ax + b = {e}）",
        "curv": "嵌套磁带求得 f″({x}) = {v}（精确值 2a = {e}）",
        "traces": "计算核心的追踪次数：{t}",
        "none": "尚未追踪",
        "title": "f(x) = a·x² + b·x + c 及其在 x 处的切线",
        "xlabel": "x",
        "tangent": "切线",
        "tooltips": {
            "a": "f(x) = a·x² + b·x + c 中的 a：抛物线弯曲的程度",
            "b": "f(x) = a·x² + b·x + c 中的 b：x = 0 处的斜率",
            "c": "f(x) = a·x² + b·x + c 中的 c：把曲线整体上移或下移",
            "x": "磁带在这一点求斜率",
        },
        "labels": {"a": "a", "b": "b", "c": "c", "x": "x"},
    },
}


def _text(table: dict, lang: str) -> dict:
    if lang not in table:
        raise ValueError(f"lang must be one of {tuple(table)}, not {lang!r}")
    return table[lang]


def _traces_text(name: str, lang: str, none: str) -> str:
    counts = trace_counts()[name]
    return ", ".join(f"{dtype} × {n}" for dtype, n in counts.items()) or none


def tangent_lines(values: TangentValues, lang: str = "en", show_curvature: bool = False):
    """The numbers an explorer shows, one line each, in the notebook's language."""
    t = _text(TANGENT_TEXT, lang)
    x = _g(values.x)
    lines = [
        t["f"].format(x=x, v=_g(values.f), e=_g(values.exact_f)),
        t["slope"].format(x=x, v=_g(values.slope), e=_g(values.exact_slope)),
    ]
    if show_curvature:
        lines.append(t["curv"].format(x=x, v=_g(values.curvature), e=_g(values.exact_curvature)))
    return lines


def tangent_report(
    a: float = 1.0,
    b: float = -2.0,
    c: float = 1.0,
    x: float = 10.0,
    dtype: str = "float32",
    lang: str = "en",
    show_curvature: bool = False,
) -> str:
    """What the tangent explorer computes for these values, as text (deterministic)."""
    t = _text(TANGENT_TEXT, lang)
    values = tangent_values(a, b, c, x, dtype)
    lines = tangent_lines(values, lang, show_curvature)
    lines.append(t["traces"].format(t=_traces_text("tangent", lang, t["none"])))
    return "\n".join(lines)


# --------------------------------------------------------------------------- descent: numbers


@dataclass(frozen=True)
class Status:
    """Which regime a learning rate puts gradient descent in, and the sentence that says so."""

    kind: str  # no_minimum, no_steps, no_move, uphill, converges, one_step,
    #            oscillates_converges, oscillates_forever, diverges
    message: str


STATUS_TEXT = {
    "en": {
        "rule": "Rule: each step multiplies the distance to the minimum by 1 − 2a·lr, "
        "so descent converges exactly when |1 − 2a·lr| < 1, i.e. 0 < lr < 1/a.",
        "factor": "|1 − 2a·lr| = |1 − 2·{a}·{lr}| = {r}",
        "no_minimum": "No minimum: with a = {a} ≤ 0 the curve {shape}, so gradient descent "
        "keeps going downhill and never settles. Make a positive to get a minimum.",
        "shape_line": "is a straight line",
        "shape_down": "opens downwards",
        "no_steps": "0 steps: nothing happens, x stays at x₀.",
        "no_move": "Learning rate 0: every step is x ← x − 0·f′(x), so x never moves.",
        "uphill": "A negative learning rate climbs uphill: {factor} > 1, "
        "so x moves away from the minimum. {rule}",
        "converges": "Converges: {factor} < 1, the distance to the minimum shrinks "
        "by this factor every step, without overshooting. {rule}",
        "one_step": "Converges in one step: 1 − 2a·lr = 0 (lr = 1/(2a)), "
        "so the first step lands exactly on the minimum. {rule}",
        "oscillates_converges": "Oscillates and converges: 1 − 2a·lr is negative, so x jumps "
        "across the minimum every step, but {factor} < 1, so the jumps shrink. {rule}",
        "oscillates_forever": "Oscillates forever: 1 − 2a·lr = −1 (lr = 1/a), so x jumps "
        "between two points at the same distance from the minimum and never converges. {rule}",
        "diverges": "Diverges: {factor} > 1, every step overshoots further than the last, "
        "and x runs away from the minimum. {rule}",
        "overflow": " In {dtype}, x overflows to ±∞ at step {k}.",
        "plateau": " In {dtype}, x stops changing after step {k}: the step has become "
        "smaller than the spacing between {dtype} numbers near x.",
    },
    "zh": {
        "rule": "规律：每一步都把到最小值的距离乘以 1 − 2a·lr，"
        "所以当且仅当 |1 − 2a·lr| < 1（即 0 < lr < 1/a）时梯度下降收敛。",
        "factor": "|1 − 2a·lr| = |1 − 2·{a}·{lr}| = {r}",
        "no_minimum": "没有最小值：a = {a} ≤ 0 时曲线{shape}，梯度下降会一直往下走，"
        "永远停不下来。把 a 调成正数才有最小值。",
        "shape_line": "是一条直线",
        "shape_down": "开口向下",
        "no_steps": "0 步：什么也不会发生，x 停在 x₀。",
        "no_move": "学习率为 0：每一步都是 x ← x − 0·f′(x)，x 永远不动。",
        "uphill": "学习率为负数会往坡上走：{factor} > 1，x 离最小值越来越远。{rule}",
        "converges": "收敛：{factor} < 1，到最小值的距离每一步都按这个倍数缩小，"
        "而且不会越过最小值。{rule}",
        "one_step": "一步收敛：1 − 2a·lr = 0（lr = 1/(2a)），第一步就正好落在最小值上。{rule}",
        "oscillates_converges": "振荡收敛：1 − 2a·lr 为负，x 每一步都跳到最小值的另一侧，"
        "但 {factor} < 1，所以跳动越来越小。{rule}",
        "oscillates_forever": "永远振荡：1 − 2a·lr = −1（lr = 1/a），x 在到最小值距离相同的"
        "两个点之间来回跳，永远不收敛。{rule}",
        "diverges": "发散：{factor} > 1，每一步都比上一步冲得更远，x 离最小值越来越远。{rule}",
        "overflow": "在 {dtype} 下，x 在第 {k} 步溢出为 ±∞。",
        "plateau": "在 {dtype} 下，x 在第 {k} 步之后不再变化：步长已经小于 x 附近"
        "相邻两个 {dtype} 数之间的间隔。",
    },
}

# Learning rates on a boundary (lr = 1/(2a), lr = 1/a) are found with this tolerance on
# 1 − 2a·lr, so that a slider value such as a = 2.5, lr = 0.2 counts as the boundary.
_BOUNDARY_TOLERANCE = 1e-9


def descent_status(a: float, learning_rate: float, steps: int = 1, lang: str = "en") -> Status:
    """The regime of gradient descent on a·x² + b·x + c, from the rule |1 − 2a·lr| < 1."""
    t = _text(STATUS_TEXT, lang)
    a, lr = float(a), float(learning_rate)
    if not a > 0:
        shape = t["shape_line"] if a == 0 else t["shape_down"]
        return Status("no_minimum", t["no_minimum"].format(a=_g(a), shape=shape))
    if steps == 0:
        return Status("no_steps", t["no_steps"])
    if lr == 0:
        return Status("no_move", t["no_move"])
    r = 1.0 - 2.0 * a * lr
    factor = t["factor"].format(a=_g(a), lr=_g(lr), r=_g(abs(r), 4))
    if lr < 0:
        kind = "uphill"
    elif abs(r) <= _BOUNDARY_TOLERANCE:
        kind = "one_step"
    elif r > 0:
        kind = "converges"
    elif abs(r + 1.0) <= _BOUNDARY_TOLERANCE:
        kind = "oscillates_forever"
    elif r > -1:
        kind = "oscillates_converges"
    else:
        kind = "diverges"
    return Status(kind, t[kind].format(factor=factor, rule=t["rule"]))


@dataclass(frozen=True)
class DescentResult:
    """The path of gradient descent, what the closed form says, and the regime."""

    a: float
    b: float
    c: float
    x0: float
    learning_rate: float
    steps: int
    dtype: str
    path: np.ndarray = field(repr=False)  # x₀ … x_steps, in `dtype`; ±inf/nan after overflow
    x_star: float | None  # the minimum, or None when a ≤ 0
    closed_form: float  # x_steps in exact (float64) arithmetic, ±inf when it overflows
    status: Status
    overflow_step: int | None  # first step whose x is not finite
    plateau_step: int | None  # last step that changed x, when x then stands still

    @property
    def final_x(self):
        return self.path[-1]


def _closed_form(x0, steps, lr, a, b) -> float:
    return float(gradient_descent_closed_form(x0, steps, lr, a, b))


def descent_path(
    a: float,
    b: float,
    c: float,
    x0: float,
    learning_rate: float,
    steps: int,
    dtype: str = "float32",
    lang: str = "en",
) -> DescentResult:
    """Run `steps` gradient-descent steps on f(x) = a·x² + b·x + c from x0, in `dtype`."""
    tf = _tf()
    _check_dtype(dtype)
    if isinstance(steps, bool) or int(steps) != steps or not 0 <= steps <= MAX_STEPS:
        raise ValueError(f"steps must be a whole number from 0 to {MAX_STEPS}, not {steps!r}")
    steps = int(steps)
    args = [tf.constant(float(v), dtype=dtype) for v in (a, b, c, x0, learning_rate)]
    path = _descent_core()(*args, tf.constant(steps, dtype=tf.int32)).numpy()
    a, b, c, x0, lr = (float(v) for v in (a, b, c, x0, learning_rate))
    minimum = quadratic_minimum(a, b, c)
    status = descent_status(a, lr, steps, lang)
    finite = np.isfinite(path)
    overflow = None if finite.all() else int(np.argmin(finite))
    plateau = None
    if status.kind in ("converges", "oscillates_converges") and steps > 1 and finite.all():
        moved = np.flatnonzero(path[1:] != path[:-1])  # steps k+1 that changed x
        if moved.size and moved[-1] + 1 < steps:
            plateau = int(moved[-1] + 1)
    t = _text(STATUS_TEXT, lang)
    message = status.message
    if overflow is not None:
        message += t["overflow"].format(dtype=dtype, k=overflow)
    if plateau is not None:
        message += t["plateau"].format(dtype=dtype, k=plateau)
    closed = _closed_form(x0, steps, lr, a, b)
    return DescentResult(
        a, b, c, x0, lr, steps, dtype, path,
        x_star=None if minimum is None else minimum[0],
        closed_form=closed,
        status=Status(status.kind, message),
        overflow_step=overflow,
        plateau_step=plateau,
    )  # fmt: skip


def _x_text(value, dtype: str) -> str:
    """x as its dtype prints it (shortest digits that round-trip), e.g. 0.99999857 in float32."""
    value = np.dtype(dtype).type(value)
    if not np.isfinite(value):
        return _g(float(value))
    if value != 0 and not 1e-4 <= abs(value) < 1e6:
        return np.format_float_scientific(value, unique=True).replace("-", "−")
    return np.format_float_positional(value, unique=True, trim="-").replace("-", "−")


DESCENT_TEXT = {
    "en": {
        "final": "x after {n} steps ({dtype}): {x}",
        "closed": "closed form, exact arithmetic: {x}",
        "minimum": "minimum x* = {x}",
        "no_minimum": "no minimum (a ≤ 0)",
        "status": "status: {s}",
        "traces": "compute core traced: {t}",
        "none": "not yet",
        "path_title": "path of x on f(x)",
        "dist_title": "distance |xₖ − x*| after step k",
        "away_title": "distance |xₖ − x₀| after step k",
        "step": "step k",
        "labels": {
            "a": "a",
            "b": "b",
            "c": "c",
            "x0": "start x₀",
            "lr": "learning rate",
            "steps": "steps",
            "dtype": "precision",
        },
        "tooltips": {
            "a": "a in f(x) = a·x² + b·x + c: a > 0 gives a minimum",
            "b": "b in f(x) = a·x² + b·x + c: moves the minimum x* = −b/(2a)",
            "c": "c in f(x) = a·x² + b·x + c: lifts the curve, the path stays the same",
            "x0": "where gradient descent starts",
            "lr": "the learning rate: each step is x ← x − lr·f′(x)",
            "steps": "how many steps to take",
            "dtype": "float32 (TensorFlow's default) or float64",
        },
    },
    "zh": {
        "final": "{n} 步之后的 x（{dtype}）：{x}",
        "closed": "闭式解（精确计算）：{x}",
        "minimum": "最小值点 x* = {x}",
        "no_minimum": "没有最小值（a ≤ 0）",
        "status": "状态：{s}",
        "traces": "计算核心的追踪次数：{t}",
        "none": "尚未追踪",
        "path_title": "x 在 f(x) 上的下降路径",
        "dist_title": "第 k 步后到最小值的距离 |xₖ − x*|",
        "away_title": "第 k 步后离起点的距离 |xₖ − x₀|",
        "step": "步数 k",
        "labels": {
            "a": "a",
            "b": "b",
            "c": "c",
            "x0": "起点 x₀",
            "lr": "学习率",
            "steps": "步数",
            "dtype": "精度",
        },
        "tooltips": {
            "a": "f(x) = a·x² + b·x + c 中的 a：a > 0 才有最小值",
            "b": "f(x) = a·x² + b·x + c 中的 b：决定最小值点 x* = −b/(2a)",
            "c": "f(x) = a·x² + b·x + c 中的 c：只抬高曲线，不改变路径",
            "x0": "梯度下降的起点",
            "lr": "学习率：每一步 x ← x − lr·f′(x)",
            "steps": "要走多少步",
            "dtype": "float32（TensorFlow 的默认类型）或 float64",
        },
    },
}


def descent_lines(result: DescentResult, lang: str = "en") -> list[str]:
    """The numbers an explorer shows, one line each, in the notebook's language."""
    t = _text(DESCENT_TEXT, lang)
    minimum = (
        t["no_minimum"] if result.x_star is None else t["minimum"].format(x=_g(result.x_star, 10))
    )
    return [
        t["final"].format(
            n=result.steps, dtype=result.dtype, x=_x_text(result.final_x, result.dtype)
        ),
        t["closed"].format(x=_g(result.closed_form, 10)),
        minimum,
    ]


def descent_report(
    a: float = 1.0,
    b: float = -2.0,
    c: float = 1.0,
    x0: float = 0.0,
    learning_rate: float = 0.01,
    steps: int = 1000,
    dtype: str = "float32",
    lang: str = "en",
) -> str:
    """What the gradient-descent explorer computes for these values, as text (deterministic)."""
    t = _text(DESCENT_TEXT, lang)
    result = descent_path(a, b, c, x0, learning_rate, steps, dtype, lang)
    lines = descent_lines(result, lang)
    lines.append(t["status"].format(s=result.status.message))
    lines.append(t["traces"].format(t=_traces_text("descent", lang, t["none"])))
    return "\n".join(lines)


# --------------------------------------------------------------------------- figures


def _figure_lang(lang: str) -> str:
    """Chinese figure text only where a font can draw it; English otherwise."""
    from autodiff_course.plotting import can_draw_chinese

    return "zh" if lang == "zh" and can_draw_chinese() else "en"


def _rc(lang: str) -> dict:
    from autodiff_course.plotting import course_rc

    return {**course_rc(lang), "font.size": 10}


def _padded(lo: float, hi: float, fraction: float = 0.08, minimum: float = 1.0):
    span = hi - lo
    pad = fraction * span if span > 0 else minimum
    return lo - pad, hi + pad


def _nice_step(span: float, ticks: int = 4) -> float:
    """A round tick spacing (1, 2, 2.5 or 5 times a power of ten) for about `ticks` ticks."""
    raw = max(span, 1e-300) / ticks
    power = 10.0 ** math.floor(math.log10(raw))
    return next(m * power for m in (1.0, 2.0, 2.5, 5.0, 10.0) if m * power >= raw)


def _nice_limits(lo: float, hi: float, minimum_span: float = 1.0) -> tuple[float, float]:
    """Limits rounded outwards to round numbers.

    Round limits look calmer, and they repeat: many slider values share the same axes, so the
    figure can reuse their drawing (see `_Canvas`).
    """
    lo, hi = max(lo, -1e300), min(hi, 1e300)
    if hi - lo < minimum_span:
        middle = 0.5 * (lo + hi)
        lo, hi = middle - 0.5 * minimum_span, middle + 0.5 * minimum_span
    step = _nice_step(hi - lo)
    return math.floor(lo / step) * step, math.ceil(hi / step) * step


def _ladder(value: float, up: bool, mantissas=(1.0, 2.0, 5.0)) -> float:
    """The next number outwards on the ladder 0, ±1, ±2, ±5, ±10, ±20, … (and ±0.5, ±0.2, …)."""
    if value == 0:
        return 0.0
    magnitude = abs(value)
    power = 10.0 ** math.floor(math.log10(magnitude))
    rungs = [m * power for m in (mantissas[-1] / 10, *mantissas, 10.0)]
    if (value > 0) == up:  # moving away from zero
        return math.copysign(next(r for r in rungs if r >= magnitude * (1 - 1e-12)), value)
    return math.copysign(max(r for r in rungs if r <= magnitude * (1 + 1e-12)), value)


def _ladder_limits(lo: float, hi: float, minimum_span: float = 1.0) -> tuple[float, float]:
    """Limits on a coarse ladder of round numbers, so that most slider moves keep the axes."""
    lo, hi = max(lo, -1e300), min(hi, 1e300)
    if hi - lo < minimum_span:
        middle = 0.5 * (lo + hi)
        lo, hi = middle - 0.5 * minimum_span, middle + 0.5 * minimum_span
    return _ladder(lo, up=False), _ladder(hi, up=True)


def _decades(lo: float, hi: float) -> tuple[float, float]:
    """Log-axis limits around [lo, hi] on powers of ten that are multiples of 10⁵.

    Coarse on purpose: most slider moves then keep the same axes (see `_Canvas`).
    """
    # Kept well inside float64 (±308 decades): the log axis computes ticks beyond its limits.
    low = min(max(5 * math.floor(math.log10(lo) / 5), -150), 145)
    high = min(max(5 * math.ceil(math.log10(hi) / 5), low + 5), 150)
    return 10.0**low, 10.0**high


_SUPERSCRIPTS = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def _power_of_ten(value: float, _position=None) -> str:
    """Log-axis tick label 10⁻³ in plain text (mathtext labels are slow to draw)."""
    return "10" + str(round(math.log10(value))).translate(_SUPERSCRIPTS) if value > 0 else ""


class _Canvas:
    """A matplotlib figure drawn off screen (Agg) to PNG bytes; created once, then reused.

    Drawing axes, ticks and labels is most of the cost of a redraw, and they change only when
    the axis limits do. So the figure is drawn once per set of limits without its data lines,
    that background is kept, and an update pastes it back and draws just the lines on top.
    """

    CACHE_SIZE = 64

    def __init__(self, lang: str, figsize: tuple[float, float], ncols: int):
        import matplotlib as mpl
        from matplotlib import ticker
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure

        self.rc = _rc(lang)
        with mpl.rc_context(self.rc):
            self.figure = Figure(figsize=figsize, dpi=100)
            self.canvas = FigureCanvasAgg(self.figure)
            self.axes = self.figure.subplots(1, ncols, squeeze=False)[0]
            # Text is most of the cost of drawing axes: few ticks, no mathtext, and titles as
            # plain text (set_title and axis labels measure every tick label to find a spot).
            for ax in self.axes:
                ax.xaxis.set_major_locator(ticker.MaxNLocator(5))
                ax.yaxis.set_major_locator(ticker.MaxNLocator(5))
            self.titles = [
                ax.text(0.0, 1.03, "", transform=ax.transAxes, fontsize=10, va="bottom")
                for ax in self.axes
            ]
        self.artists: list = []  # the data lines, drawn on top of the cached background
        # Per axes: {(xlim, ylim, title): pixels of that axes drawn without data lines}.
        self._backgrounds: list[dict] = [{} for _ in self.axes]
        self._region_boxes = None
        self.full_draws = 0

    def _regions(self):
        """Pixel boxes, one per axes, that hold it with its tick labels and title."""
        from matplotlib.transforms import Bbox

        if self._region_boxes is None:
            width, height = self.canvas.get_width_height()
            edges = [0.0]
            for left, right in zip(self.axes[:-1], self.axes[1:], strict=True):
                # just right of the left axes' last tick label, left of the next one's labels
                edges.append(min(left.bbox.x1 + 14.0, 0.5 * (left.bbox.x1 + right.bbox.x0)))
            edges.append(float(width))
            pairs = zip(edges[:-1], edges[1:], strict=True)
            self._region_boxes = [Bbox([[x0, 0.0], [x1, float(height)]]) for x0, x1 in pairs]
        return self._region_boxes

    def png(self) -> bytes:
        import matplotlib as mpl
        from PIL import Image

        with mpl.rc_context(self.rc):
            keys = [
                (ax.get_xlim(), ax.get_ylim(), title.get_text())
                for ax, title in zip(self.axes, self.titles, strict=True)
            ]
            missing = [i for i, key in enumerate(keys) if key not in self._backgrounds[i]]
            if missing or self._region_boxes is None:
                # Draw the axes whose limits are new, without the data lines, and keep them.
                for artist in self.artists:
                    artist.set_visible(False)
                for i, ax in enumerate(self.axes):
                    ax.set_visible(i in missing)
                self.canvas.draw()
                for artist in self.artists:
                    artist.set_visible(True)
                for ax in self.axes:
                    ax.set_visible(True)
                for i in missing:
                    cache = self._backgrounds[i]
                    if len(cache) >= self.CACHE_SIZE:
                        cache.pop(next(iter(cache)))
                    cache[keys[i]] = self.canvas.copy_from_bbox(self._regions()[i])
                self.full_draws += 1
            for i, key in enumerate(keys):
                cache = self._backgrounds[i]
                cache[key] = cache.pop(key)  # most recently used last
                self.canvas.restore_region(cache[key])
            renderer = self.canvas.get_renderer()
            for artist in self.artists:
                artist.draw(renderer)
        width, height = self.canvas.get_width_height()
        image = Image.frombuffer("RGBA", (width, height), self.canvas.buffer_rgba(), "raw")
        buffer = io.BytesIO()
        image.convert("RGB").save(buffer, format="png", compress_level=1)
        return buffer.getvalue()


X_VIEW = (-5.5, 5.5)  # the tangent explorer's fixed window: x slider range plus a margin


class TangentFigure(_Canvas):
    """Parabola, point and tangent line; `update(values)` moves them and returns PNG bytes."""

    def __init__(self, lang: str = "en"):
        self.lang = _figure_lang(lang)
        super().__init__(self.lang, (5.8, 3.5), 1)
        self.figure.subplots_adjust(left=0.11, right=0.97, bottom=0.13, top=0.9)
        ax = self.ax = self.axes[0]
        self.xs = np.linspace(*X_VIEW, 221)
        (self.curve,) = ax.plot([], [], color="black", lw=1.5)
        (self.tangent,) = ax.plot([], [], color="tab:red", lw=1.5)
        (self.point,) = ax.plot([], [], "o", color="tab:red", ms=7)
        self.artists = [self.curve, self.tangent, self.point]
        ax.set_xlim(*X_VIEW)
        self.titles[0].set_text(TANGENT_TEXT[self.lang]["title"])

    def update(self, v: TangentValues) -> bytes:
        ys = v.a * self.xs**2 + v.b * self.xs + v.c
        self.curve.set_data(self.xs, ys)
        self.tangent.set_data(self.xs, v.f + v.slope * (self.xs - v.x))
        self.point.set_data([v.x], [v.f])
        self.ax.set_ylim(*_ladder_limits(*_padded(float(ys.min()), float(ys.max()), 0.05)))
        return self.png()


class DescentFigure(_Canvas):
    """Path on the parabola and distance to the minimum per step (log scale)."""

    def __init__(self, lang: str = "en"):
        from matplotlib import ticker

        self.lang = _figure_lang(lang)
        super().__init__(self.lang, (6.4, 3.4), 2)
        self.figure.subplots_adjust(left=0.09, right=0.96, bottom=0.15, top=0.9, wspace=0.3)
        t = DESCENT_TEXT[self.lang]
        ax, dist = self.axes
        (self.curve,) = ax.plot([], [], color="black", lw=1.2)
        (self.path,) = ax.plot([], [], "-o", color="tab:blue", ms=3, lw=0.8, alpha=0.8)
        (self.start,) = ax.plot([], [], "o", color="tab:green", ms=7)
        (self.end,) = ax.plot([], [], "o", color="tab:red", ms=7)
        (self.distance,) = dist.plot([], [], color="tab:blue", lw=1.2)
        self.artists = [self.curve, self.path, self.start, self.end, self.distance]
        self.titles[0].set_text(t["path_title"])
        dist.set_yscale("log")
        dist.yaxis.set_major_locator(ticker.LogLocator(numticks=6))
        dist.yaxis.set_major_formatter(ticker.FuncFormatter(_power_of_ten))
        dist.yaxis.set_minor_locator(ticker.NullLocator())

    def update(self, r: DescentResult) -> bytes:
        t = DESCENT_TEXT[self.lang]
        ax, dist = self.axes
        with np.errstate(all="ignore"):
            path = r.path.astype(np.float64)
            finite = np.isfinite(path)
            ref = r.x_star if r.x_star is not None else r.x0
            span = max(1.0, abs(r.x0 - ref))
            # Show the start, the minimum and the path close to them; a path that runs away
            # leaves the window (the status line says so) instead of squashing the plot.
            shown = finite & (np.abs(path - ref) <= 4.0 * span)
            xs_shown = path[shown]
            lo = min(float(xs_shown.min()) if xs_shown.size else r.x0, ref, r.x0)
            hi = max(float(xs_shown.max()) if xs_shown.size else r.x0, ref, r.x0)
            # A window [−L, L] with L on the ladder 1, 2, 5, 10, …: it changes only rarely.
            half = _ladder(max(abs(lo), abs(hi), 0.5) * 1.05, up=True)
            lo, hi = -half, half
            xs = np.linspace(lo, hi, 161)
            ys = r.a * xs**2 + r.b * xs + r.c
            px = np.where(shown, path, np.nan)
            py = r.a * px**2 + r.b * px + r.c
            self.curve.set_data(xs, ys)
            self.path.set_data(px, py)
            self.start.set_data([r.x0], [r.a * r.x0**2 + r.b * r.x0 + r.c])
            last = px[-1]
            self.end.set_data([last], [r.a * last**2 + r.b * last + r.c])
            ax.set_xlim(lo, hi)
            y_lo, y_hi = _padded(float(ys.min()), float(ys.max()), 0.05)
            ax.set_ylim(_ladder(y_lo, up=False, mantissas=(1.0,)), _ladder(y_hi, up=True))

            d = np.abs(path - ref)
            d = np.where(finite & (d > 0), d, np.nan)
            self.distance.set_data(np.arange(path.size), d)
            good = d[np.isfinite(d)]
            if good.size:
                dist.set_ylim(*_decades(float(good.min()), float(good.max())))
            else:
                dist.set_ylim(1e-3, 1.0)
            dist.set_xlim(0, _nice_limits(0, max(r.steps, 10), 10)[1])
        self.titles[1].set_text(t["dist_title" if r.x_star is not None else "away_title"])
        return self.png()


# --------------------------------------------------------------------------- widgets


def _set_tooltip(widget, text: str) -> None:
    """ipywidgets 8 calls it `tooltip`; ipywidgets 7 only knows `description_tooltip`."""
    if "tooltip" in widget.keys:
        widget.tooltip = text
    else:  # pragma: no cover - ipywidgets 7
        widget.description_tooltip = text


LABEL_STYLE = {"description_width": "105px"}
CONTROL_LAYOUT = {"width": "330px"}


def _slider(kind: str, label: str, tooltip: str, value, lo, hi, step, fmt: str):
    import ipywidgets as w

    cls = w.FloatSlider if kind == "float" else w.IntSlider
    slider = cls(
        value=value,
        min=lo,
        max=hi,
        step=step,
        description=label,
        readout_format=fmt,
        continuous_update=True,
        style=LABEL_STYLE,
        layout=w.Layout(**CONTROL_LAYOUT),
    )
    _set_tooltip(slider, tooltip)
    return slider


class Explorer:
    """A slider explorer: `.widget` is what the notebook shows, `.compute` the plain function.

    Setting a control's `.value` runs `update` at once (also without a browser), so tests can
    drive it. `.status` and `.numbers` are HTML widgets, `.image` holds the figure as PNG.
    """

    def __init__(self, controls: dict, compute, render, describe, report, lang: str):
        import ipywidgets as w

        self.controls = controls
        self.compute = compute  # plain function: control values -> result
        self.report = report  # plain function -> deterministic text
        self._render = render  # result -> PNG bytes
        self._describe = describe  # result -> (numbers html, status html)
        self.lang = lang
        self.result = None
        self.updates = 0
        self._quiet = False
        self.numbers = w.HTML(layout=w.Layout(width="330px"))
        self.status = w.HTML(layout=w.Layout(width="100%"))
        self.image = w.Image(format="png", layout=w.Layout(max_width="100%"))
        left = w.VBox(list(controls.values()) + [self.numbers], layout=w.Layout(width="340px"))
        right = w.VBox([self.image, self.status], layout=w.Layout(flex="1 1 420px"))
        self.widget = w.HBox(
            [left, right], layout=w.Layout(flex_flow="row wrap", align_items="flex-start")
        )
        self.widget.add_class("autodiff-explorer")
        self.status.add_class("autodiff-status")
        self.image.add_class("autodiff-figure")
        for control in controls.values():
            control.observe(self._on_change, names="value")
        self.update()

    def values(self) -> dict:
        return {name: control.value for name, control in self.controls.items()}

    def update(self) -> None:
        """Recompute and redraw for the current control values."""
        self.result = self.compute(**self.values())
        self.image.value = self._render(self.result)
        self.numbers.value, self.status.value = self._describe(self.result)
        self.updates += 1

    def set_values(self, **values) -> None:
        """Set several controls at once and update once (the benchmark moves all of them)."""
        self._quiet = True
        try:
            for name, value in values.items():
                self.controls[name].value = value
        finally:
            self._quiet = False
        self.update()

    def _on_change(self, _change) -> None:
        if self._quiet:
            return
        try:
            self.update()
        except Exception as err:  # a learner should see a sentence, not a traceback
            self.status.value = f"<b>{type(err).__name__}</b>: {err}"

    def _ipython_display_(self):
        from IPython.display import display

        display(self.widget)


def _html_lines(lines: list[str]) -> str:
    import html

    return "<br>".join(html.escape(line) for line in lines)


STATUS_COLOURS = {
    "converges": "#1a7f37",
    "one_step": "#1a7f37",
    "oscillates_converges": "#9a6700",
    "oscillates_forever": "#bc4c00",
    "diverges": "#cf222e",
    "uphill": "#cf222e",
    "no_minimum": "#cf222e",
}


def tangent_explorer(lang: str = "en", show_curvature: bool = False) -> Explorer:
    """Sliders a, b, c, x: the parabola, the point and the tangent whose slope the tape gives."""
    import html

    t = _text(TANGENT_TEXT, lang)
    controls = {
        name: _slider("float", t["labels"][name], t["tooltips"][name], value, lo, hi, 0.1, ".1f")
        for name, value, lo, hi in [
            ("a", 1.0, -3.0, 3.0),
            ("b", -2.0, -5.0, 5.0),
            ("c", 1.0, -5.0, 5.0),
            ("x", 2.5, -5.0, 5.0),
        ]
    }
    figure = TangentFigure(lang)

    def describe(values: TangentValues):
        lines = tangent_lines(values, lang, show_curvature)
        traces = t["traces"].format(t=_traces_text("tangent", lang, t["none"]))
        return _html_lines(lines), f"<span style='color:#57606a'>{html.escape(traces)}</span>"

    def report(**kwargs):
        return tangent_report(lang=lang, show_curvature=show_curvature, **kwargs)

    return Explorer(controls, tangent_values, figure.update, describe, report, lang)


def descent_explorer(lang: str = "en") -> Explorer:
    """Sliders a, b, c, x₀, learning rate, steps and a float32/float64 switch."""
    import html

    import ipywidgets as w

    t = _text(DESCENT_TEXT, lang)
    labels, tips = t["labels"], t["tooltips"]
    controls = {
        "a": _slider("float", labels["a"], tips["a"], 1.0, -2.0, 5.0, 0.1, ".1f"),
        "b": _slider("float", labels["b"], tips["b"], -2.0, -5.0, 5.0, 0.1, ".1f"),
        "c": _slider("float", labels["c"], tips["c"], 1.0, -5.0, 5.0, 0.1, ".1f"),
        "x0": _slider("float", labels["x0"], tips["x0"], 0.0, -5.0, 5.0, 0.1, ".1f"),
        "learning_rate": _slider("float", labels["lr"], tips["lr"], 0.01, 0.0, 1.5, 0.01, ".2f"),
        "steps": _slider("int", labels["steps"], tips["steps"], 1000, 0, 2000, 10, "d"),
    }
    dtype = w.ToggleButtons(
        options=list(DTYPES),
        value="float32",
        description=labels["dtype"],
        style={**LABEL_STYLE, "button_width": "90px"},
        layout=w.Layout(**CONTROL_LAYOUT),
    )
    _set_tooltip(dtype, tips["dtype"])
    controls["dtype"] = dtype
    figure = DescentFigure(lang)

    def compute(**values):
        return descent_path(lang=lang, **values)

    def describe(result: DescentResult):
        lines = descent_lines(result, lang)
        traces = t["traces"].format(t=_traces_text("descent", lang, t["none"]))
        colour = STATUS_COLOURS.get(result.status.kind, "#24292f")
        status = (
            f"<div style='color:{colour};line-height:1.35'>{html.escape(result.status.message)}"
            f"</div><div style='color:#57606a'>{html.escape(traces)}</div>"
        )
        return _html_lines(lines), status

    def report(**kwargs):
        return descent_report(lang=lang, **kwargs)

    return Explorer(controls, compute, figure.update, describe, report, lang)
