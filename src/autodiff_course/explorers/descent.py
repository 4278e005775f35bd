"""The gradient-descent explorer (chapters 06 and 07): the path of x, in float32 or float64.

Two functions compute the same path. `descent_core` is the reference the chapters teach: a
`tf.function` with a fresh tape at every step. `numpy_descent_path`, which the sliders and
`descent_path` use, replays the tape's arithmetic on NumPy scalars: the same IEEE operations in
the same order, so the same bits (tests and chapter 07 §7 check this), over ten times faster,
because each TensorFlow op here works on one number and costs far more than its arithmetic.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from autodiff_course import i18n
from autodiff_course.explorers import base
from autodiff_course.explorers.canvas import (
    Canvas,
    decades,
    figure_lang,
    ladder,
    nice_limits,
    padded,
)
from autodiff_course.explorers.formatting import dtype_number, number, power_of_ten, wrap
from autodiff_course.explorers.regimes import (
    PathFacts,
    Status,
    descent_status,
    with_float_remarks,
)
from autodiff_course.quadratic import gradient_descent_closed_form, quadratic, quadratic_minimum

MAX_STEPS = 10_000
# The descent loop does this many steps per trip round the tf.while_loop: a graph loop pays a
# fixed cost per iteration, and 1 000 one-step iterations cost more than the arithmetic itself.
STEPS_PER_ITERATION = 25
CORE = "descent"
_TRACES = base.trace_counter(CORE)
_CORE = []

TEXT = i18n.strings(
    __name__,
    {
        "final": {"en": "x after {n} steps ({dtype}): {x}", "zh": "{n} 步之后的 x（{dtype}）：{x}"},
        "closed": {"en": "closed form (float64): {x}", "zh": "解析式（float64）：{x}"},
        "closed_overflow": {
            "en": "closed form (float64): overflows float64",
            "zh": "解析式（float64）：超出 float64 的范围",
        },
        "minimum": {"en": "minimum x* = {x}", "zh": "最小值点 x* = {x}"},
        "no_minimum": {"en": "no minimum (a ≤ 0)", "zh": "没有最小值（a ≤ 0）"},
        "status": {"en": "status: {s}", "zh": "状态：{s}"},
        "path_title": {"en": "path of x on f(x)", "zh": "x 在 f(x) 上的下降路径"},
        "dist_title": {
            "en": "distance |xₖ − x*| after step k",
            "zh": "第 k 步后到最小值点的距离 |xₖ − x*|",
        },
        "leaves_plot": {
            "en": "leaves the plot at step {k}",
            "zh": "第 {k} 步离开图框",
        },
        "away_title": {
            "en": "distance |xₖ − x₀| after step k",
            "zh": "第 k 步后离起点的距离 |xₖ − x₀|",
        },
        "label.a": {"en": "a", "zh": "a"},
        "label.b": {"en": "b", "zh": "b"},
        "label.c": {"en": "c", "zh": "c"},
        "label.x0": {"en": "start x₀", "zh": "起点 x₀"},
        "label.learning_rate": {"en": "learning rate", "zh": "学习率"},
        "label.steps": {"en": "steps", "zh": "步数"},
        "label.dtype": {"en": "precision", "zh": "精度"},
        "tooltip.a": {
            "en": "a in f(x) = a·x² + b·x + c: a > 0 gives a minimum",
            "zh": "f(x) = a·x² + b·x + c 中的 a：a > 0 才有最小值",
        },
        "tooltip.b": {
            "en": "b in f(x) = a·x² + b·x + c: moves the minimum x* = −b/(2a)",
            "zh": "f(x) = a·x² + b·x + c 中的 b：决定最小值点 x* = −b/(2a)",
        },
        "tooltip.c": {
            "en": "c in f(x) = a·x² + b·x + c: lifts the curve, the path stays the same",
            "zh": "f(x) = a·x² + b·x + c 中的 c：只抬高曲线，不改变路径",
        },
        "tooltip.x0": {"en": "where gradient descent starts", "zh": "梯度下降的起点"},
        "tooltip.learning_rate": {
            "en": "the learning rate: each step is x ← x − lr·f′(x)",
            "zh": "学习率：每一步 x ← x − lr·f′(x)",
        },
        "tooltip.steps": {"en": "how many steps to take", "zh": "要走多少步"},
        "tooltip.dtype": {
            "en": "float32 (TensorFlow's default) or float64",
            "zh": "float32（TensorFlow 的默认类型）或 float64",
        },
    },
)


def descent_core():
    """x₀, x₁, …, x_steps of plain gradient descent: a tf.function traced once per dtype.

    The reference for `numpy_descent_path` (chapter 07 §7 compares the two).

    `steps` is a tensor, so any number of steps uses the same graph. Each step opens its own
    tape, exactly as an eager loop would, and the arithmetic is the eager one (no XLA: its fused
    multiply-adds would change the last bits of float32 results such as 0.99999857).
    """
    if not _CORE:
        tf = base.tf()
        per_trip = STEPS_PER_ITERATION

        @tf.function(autograph=False)
        def descent(a, b, c, x0, learning_rate, steps):
            _TRACES[x0.dtype.name] += 1  # Python code: runs only while tracing
            trips = (steps + per_trip - 1) // per_trip
            chunks = tf.TensorArray(x0.dtype, size=trips, element_shape=(per_trip,))

            def body(trip, x, chunks):
                xs = []
                for _ in range(per_trip):
                    with tf.GradientTape() as tape:
                        tape.watch(x)
                        y = base.graph_parabola(a, b, c, x)
                    x = x - learning_rate * tape.gradient(y, x)
                    xs.append(x)
                return trip + 1, x, chunks.write(trip, tf.stack(xs))

            _, _, chunks = tf.while_loop(
                lambda trip, x, chunks: trip < trips, body, (tf.constant(0), x0, chunks)
            )
            # The last trip may run past `steps`; those extra points are cut off here.
            path = tf.concat([tf.reshape(x0, [1]), tf.reshape(chunks.stack(), [-1])], axis=0)
            return path[: steps + 1]

        _CORE.append(descent)
    return _CORE[0]


def numpy_descent_path(a, b, x0, learning_rate, steps: int, dtype: str = "float32") -> np.ndarray:
    """x₀ … x_steps as `descent_core` computes them, bit for bit, on NumPy scalars of `dtype`.

    The tape's gradient of a·x² + b·x + c is (a·2)·x + b (tf.pow's gradient is 2·x¹, and
    x¹ = x exactly; c adds nothing), and each step is x − lr·gradient: every operation rounds to
    `dtype`, with no fused multiply-add, exactly as the graph's separate ops do.
    """
    scalar = np.dtype(base.check_dtype(dtype)).type
    a, b, lr, x = scalar(a), scalar(b), scalar(learning_rate), scalar(x0)
    two_a = a * scalar(2)
    xs = [x]
    with np.errstate(all="ignore"):  # overflow to ±inf, then nan, as in TensorFlow
        for _ in range(steps):
            x = x - lr * (two_a * x + b)
            xs.append(x)
    return np.array(xs, dtype=dtype)


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
    closed_form: float  # x_steps from the closed form in float64, ±inf when it overflows
    status: Status
    overflow_step: int | None  # first step whose x is not finite
    plateau_step: int | None  # last step that changed x, when x then stands still
    leaves_step: int | None  # first step outside the left plot's window (`path_window`)

    @property
    def final_x(self):
        return self.path[-1]


def _direction(path: np.ndarray, overflow: int | None) -> float:
    """+1 or −1: where x went from x₀ (up to its overflow); 0 when it never moved."""
    end = path[-1] if overflow is None else path[overflow]
    return 0.0 if np.isnan(end) else float(np.sign(float(end) - float(path[0])))


def path_window(path, x0: float, x_star: float | None) -> tuple[float, np.ndarray]:
    """The left plot's window [−half, half] and which steps it shows (those before it leaves).

    The window holds x₀, the minimum and the path close to them (within 4 times the start's
    distance): a path that runs away leaves it instead of squashing the plot. The half width is
    on the ladder 1, 2, 5, 10, …, so it changes only rarely.
    """
    with np.errstate(all="ignore"):
        path = np.asarray(path, dtype=np.float64)
        finite = np.isfinite(path)
        ref = x_star if x_star is not None else x0
        span = max(1.0, abs(x0 - ref))
        near = path[finite & (np.abs(path - ref) <= 4.0 * span)]
        lo = min(float(near.min()) if near.size else x0, ref, x0)
        hi = max(float(near.max()) if near.size else x0, ref, x0)
        half = ladder(max(abs(lo), abs(hi), 0.5) * 1.05, up=True)
        inside = finite & (np.abs(path) <= half)
    # Once the path has left, it stays left out, even where a later jump lands inside again.
    return half, np.cumprod(inside).astype(bool)


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
    base.check_dtype(dtype)
    if isinstance(steps, bool) or int(steps) != steps or not 0 <= steps <= MAX_STEPS:
        raise ValueError(f"steps must be a whole number from 0 to {MAX_STEPS}, not {steps!r}")
    steps = int(steps)
    a, b, c, x0, lr = (float(v) for v in (a, b, c, x0, learning_rate))
    path = numpy_descent_path(a, b, x0, lr, steps, dtype)
    minimum = quadratic_minimum(a, b, c)
    x_star = None if minimum is None else minimum[0]
    status = descent_status(a, lr, steps, lang, b=b)
    finite = np.isfinite(path)
    overflow = None if finite.all() else int(np.argmin(finite))
    nans = np.flatnonzero(np.isnan(path))
    plateau = None
    if status.kind in ("converges", "oscillates_converges") and steps > 1 and finite.all():
        moved = np.flatnonzero(path[1:] != path[:-1])  # steps k+1 that changed x
        if moved.size and moved[-1] + 1 < steps:
            plateau = int(moved[-1] + 1)
    _, shown = path_window(path, x0, x_star)
    facts = PathFacts(
        dtype,
        x0,
        overflow=overflow,
        overflow_to=float(path[overflow]) if overflow is not None else np.inf,
        nan_step=int(nans[0]) if nans.size else None,
        plateau=plateau,
        at_minimum=x_star
        if plateau is not None and path[plateau] == np.dtype(dtype).type(x_star)
        else None,
        leaves=None if shown.all() else int(np.argmin(shown)),
        towards=_direction(path, overflow),
        stays_reason="no_steps"
        if steps == 0
        else "no_move"
        if lr == 0
        else "flat"
        # f′(x₀) = 0 up to rounding: float32 sliders give e.g. 2·(−1.6)·(−1.5) − 4.8 ≈ 9e-16
        if math.isclose(2 * a * x0, -b, rel_tol=1e-9, abs_tol=1e-12)
        else "tiny",
        last=steps,
    )
    return DescentResult(
        a, b, c, x0, lr, steps, dtype, path,
        x_star=x_star,
        closed_form=float(gradient_descent_closed_form(x0, steps, lr, a, b)),
        status=with_float_remarks(status, facts, lang),
        overflow_step=overflow,
        plateau_step=plateau,
        leaves_step=facts.leaves,
    )  # fmt: skip


def descent_lines(result: DescentResult, lang: str = "en") -> list[str]:
    """The numbers an explorer shows, one line each, in the notebook's language."""
    if result.x_star is None:
        minimum = i18n.text(TEXT, "no_minimum", lang)
    else:
        minimum = i18n.text(TEXT, "minimum", lang, x=number(result.x_star, 10))
    final = dtype_number(result.final_x, result.dtype)
    return [
        i18n.text(TEXT, "final", lang, n=result.steps, dtype=result.dtype, x=final),
        i18n.text(TEXT, "closed", lang, x=number(result.closed_form, 10))
        if math.isfinite(result.closed_form)
        else i18n.text(TEXT, "closed_overflow", lang),
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
    i18n.language(lang)
    result = descent_path(a, b, c, x0, learning_rate, steps, dtype, lang)
    lines = descent_lines(result, lang)
    lines.append(wrap(i18n.text(TEXT, "status", lang, s=result.status.message), lang))
    return "\n".join(lines)


class DescentFigure(Canvas):
    """Path on the parabola and distance to the minimum per step (log scale)."""

    def __init__(self, lang: str = "en"):
        import matplotlib as mpl
        from matplotlib import ticker

        self.lang = figure_lang(lang)
        super().__init__(self.lang, (6.4, 3.4), 2)
        self.figure.subplots_adjust(left=0.09, right=0.96, bottom=0.15, top=0.9, wspace=0.3)
        ax, dist = self.axes
        (self.curve,) = ax.plot([], [], color="black", lw=1.2)
        (self.path,) = ax.plot([], [], "-o", color="tab:blue", ms=3, lw=0.8, alpha=0.8)
        (self.start,) = ax.plot([], [], "o", color="tab:green", ms=7)
        (self.end,) = ax.plot([], [], "o", color="tab:red", ms=7)
        (self.distance,) = dist.plot([], [], color="tab:blue", lw=1.2)
        # Where the path leaves the window: "→ leaves the plot at step k" at that side.
        with mpl.rc_context(self.rc):  # the text takes its font (a CJK one for zh) from here
            self.leaving = ax.text(0, 0, "", transform=ax.transAxes, fontsize=9, color="tab:blue")
        self.artists = [self.curve, self.path, self.start, self.end, self.distance, self.leaving]
        self.titles[0].set_text(i18n.text(TEXT, "path_title", self.lang))
        dist.set_yscale("log")
        dist.yaxis.set_major_locator(ticker.LogLocator(numticks=6))
        dist.yaxis.set_major_formatter(ticker.FuncFormatter(power_of_ten))
        dist.yaxis.set_minor_locator(ticker.NullLocator())

    def update(self, r: DescentResult) -> bytes:
        ax, dist = self.axes
        with np.errstate(all="ignore"):
            path = r.path.astype(np.float64)
            finite = np.isfinite(path)
            ref = r.x_star if r.x_star is not None else r.x0
            half, shown = path_window(path, r.x0, r.x_star)
            lo, hi = -half, half
            xs = np.linspace(lo, hi, 161)
            ys = quadratic(xs, r.a, r.b, r.c)
            drawn = shown.copy()
            k = r.leaves_step
            if k is not None and np.isfinite(quadratic(path[k], r.a, r.b, r.c)):
                drawn[k] = True  # the step that leaves: its segment runs out of the axes
            px = np.where(drawn, path, np.nan)
            self.curve.set_data(xs, ys)
            self.path.set_data(px, quadratic(px, r.a, r.b, r.c))
            self.start.set_data([r.x0], [quadratic(r.x0, r.a, r.b, r.c)])
            last = np.where(shown, path, np.nan)[-1]
            self.end.set_data([last], [quadratic(last, r.a, r.b, r.c)])
            ax.set_xlim(lo, hi)
            y_lo, y_hi = padded(float(ys.min()), float(ys.max()), 0.05)
            ax.set_ylim(ladder(y_lo, up=False, mantissas=(1.0,)), ladder(y_hi, up=True))
            self._mark_leaving(r, path, ys)

            d = np.abs(path - ref)
            d = np.where(finite & (d > 0), d, np.nan)
            self.distance.set_data(np.arange(path.size), d)
            good = d[np.isfinite(d)]
            if good.size:
                dist.set_ylim(*decades(float(good.min()), float(good.max())))
            else:
                dist.set_ylim(1e-3, 1.0)
            dist.set_xlim(0, nice_limits(0, max(r.steps, 10), 10)[1])
        title = "dist_title" if r.x_star is not None else "away_title"
        self.titles[1].set_text(i18n.text(TEXT, title, self.lang))
        return self.png()

    def _mark_leaving(self, r: DescentResult, path: np.ndarray, ys: np.ndarray) -> None:
        """Write "leaves the plot at step k →" in a corner that the curve leaves free."""
        if r.leaves_step is None:
            self.leaving.set_text("")
            return
        k = r.leaves_step
        right = (path[k] if not np.isnan(path[k]) else path[k - 1]) > 0
        y_lo, y_hi = self.axes[0].get_ylim()
        # Room between the curve at each side edge and the bottom or top, as a fraction.
        room = {}
        for side, y in (("right", ys[-1]), ("left", ys[0])):
            height = (y - y_lo) / (y_hi - y_lo)
            room[side, "bottom"], room[side, "top"] = height, 1.0 - height
        # The exit side's bottom corner first (a diverging path on a parabola climbs its walls).
        exit_side = "right" if right else "left"
        free = [key for key in ((exit_side, "bottom"), (exit_side, "top")) if room[key] >= 0.25]
        side, vertical = free[0] if free else max(room, key=room.get)
        text = i18n.text(TEXT, "leaves_plot", self.lang, k=k)
        self.leaving.set_text(f"{text} →" if right else f"← {text}")
        self.leaving.set_position(
            (0.98 if side == "right" else 0.02, 0.03 if vertical == "bottom" else 0.97)
        )
        self.leaving.set_horizontalalignment(side)
        self.leaving.set_verticalalignment(vertical)


class DescentModel:
    """The gradient-descent explorer's model (see `base.Model`)."""

    core = None  # NumPy: no TensorFlow core, nothing traced

    def __init__(self, lang: str = "en"):
        self.lang = i18n.language(lang)
        self.figure = DescentFigure(lang)

    def compute(self, **values) -> DescentResult:
        return descent_path(lang=self.lang, **values)

    def render(self, result: DescentResult) -> bytes:
        return self.figure.update(result)

    def describe(self, result: DescentResult, lang: str) -> list[str]:
        return descent_lines(result, lang)

    def status(self, result: DescentResult, lang: str) -> tuple[str, str]:
        return result.status.kind, result.status.message

    def report(self, **values) -> str:
        return descent_report(lang=self.lang, **values)


def descent_explorer(lang: str = "en") -> base.Explorer:
    """Sliders a, b, c, x₀, learning rate, steps and a float32/float64 switch."""
    model = DescentModel(lang)

    def control(name, *args):
        label = i18n.text(TEXT, f"label.{name}", lang)
        return base.slider(args[0], label, i18n.text(TEXT, f"tooltip.{name}", lang), *args[1:])

    controls = {
        "a": control("a", "float", 1.0, -2.0, 5.0, 0.1, ".1f"),
        "b": control("b", "float", -2.0, -5.0, 5.0, 0.1, ".1f"),
        "c": control("c", "float", 1.0, -5.0, 5.0, 0.1, ".1f"),
        "x0": control("x0", "float", 0.0, -5.0, 5.0, 0.1, ".1f"),
        "learning_rate": control("learning_rate", "float", 0.01, 0.0, 1.5, 0.01, ".2f"),
        "steps": control("steps", "int", 1000, 0, 2000, 10, "d"),
        "dtype": base.dtype_switch(
            i18n.text(TEXT, "label.dtype", lang), i18n.text(TEXT, "tooltip.dtype", lang)
        ),
    }
    return base.Explorer(model, controls, lang)
