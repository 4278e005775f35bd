"""The fit explorer (chapter 12): SGD fits a line to data, with learning rate, steps, batch size.

The data are chapter 12's: 64 points x in [−1, 3], y = 3x − 1 plus noise, from a seeded NumPy
generator. The model is y = w·x + b from w = b = 0; each step takes a batch of `batch_size`
points, records the batch loss on a tape and moves (w, b) against its gradient.

A batch size changes the shape of a batch, and a new shape would mean a new trace. So the core
always works on all 64 points: at step k it rotates the (once shuffled) data by k·batch_size and
weights the first `batch_size` points by 1/batch_size, the others by 0. Any batch size, learning
rate and number of steps then runs the same graph: one trace in all.

The status carries chapter 06's rule over: the loss of a line is a quadratic in (w, b), each
direction shrinks by |1 − lr·λ| per full-batch step, where λ runs over the eigenvalues of the
loss's Hessian, so descent converges iff lr < 2/λmax and overshoots iff lr > 1/λmax.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from autodiff_course import i18n
from autodiff_course.explorers import base
from autodiff_course.explorers.canvas import Canvas, figure_lang
from autodiff_course.explorers.fit_text import TEXT
from autodiff_course.explorers.formatting import number, power_of_ten

MAX_STEPS = 2000
N_POINTS = 64
SEED = 2026
# Steps per trip round the tf.while_loop (a graph loop pays a fixed cost per iteration).
STEPS_PER_ITERATION = 10
DTYPE = "float32"
BOUNDARY_TOLERANCE = 1e-9
CORE = "fit"
_TRACES = base.trace_counter(CORE)
_CORE: list = []


def fit_data() -> tuple[np.ndarray, np.ndarray]:
    """Chapter 12's data: x (64, 1) sorted in [−1, 3] and y = 3x − 1 + noise, float32."""
    rng = np.random.default_rng(SEED)
    x = np.sort(rng.uniform(-1.0, 3.0, size=(N_POINTS, 1)), axis=0).astype(np.float32)
    noise = rng.normal(0.0, 0.1, size=(N_POINTS, 1)).astype(np.float32)
    return x, 3.0 * x - 1.0 + noise


@dataclass(frozen=True, eq=False)  # holds arrays: compared (and hashed) by identity
class Problem:
    """What the rule needs, computed once from the data in float64."""

    x: np.ndarray  # shuffled once, the order the batches take, float32 (N,)
    y: np.ndarray
    best_w: float
    best_b: float
    best_loss: float
    eigenvalues: tuple[float, float]

    @property
    def edge(self) -> float:
        return 2.0 / self.eigenvalues[1]


_PROBLEM: list[Problem] = []


def problem() -> Problem:
    if not _PROBLEM:
        x, y = fit_data()
        order = np.random.default_rng(SEED + 1).permutation(N_POINTS)
        design = np.hstack([x, np.ones_like(x)]).astype(np.float64)
        target = y.astype(np.float64).ravel()
        (w, b), *_ = np.linalg.lstsq(design, target, rcond=None)
        best = float(np.mean((design @ [w, b] - target) ** 2))
        low, high = np.linalg.eigvalsh(2.0 * design.T @ design / N_POINTS)
        _PROBLEM.append(
            Problem(
                x.ravel()[order],
                y.ravel()[order],
                float(w),
                float(b),
                best,
                (float(low), float(high)),
            )
        )
    return _PROBLEM[0]


def fit_core():
    """Losses L₀ … L_steps and the final (w, b) of mini-batch SGD: one trace in all."""
    if not _CORE:
        tf = base.tf()
        per_trip = STEPS_PER_ITERATION

        @tf.function(autograph=False)
        def fit(x, y, learning_rate, steps, batch_size):
            _TRACES[x.dtype.name] += 1  # Python code: runs only while tracing
            n = tf.shape(x)[0]
            positions = tf.range(n)
            weights = tf.cast(positions < batch_size, x.dtype) / tf.cast(batch_size, x.dtype)
            trips = (steps + per_trip - 1) // per_trip
            losses = tf.TensorArray(x.dtype, size=trips, element_shape=(per_trip,))

            def body(trip, w, b, losses):
                chunk = []
                for i in range(per_trip):
                    k = trip * per_trip + i
                    rows = (k * batch_size + positions) % n  # this step's batch comes first
                    xb, yb = tf.gather(x, rows), tf.gather(y, rows)
                    with tf.GradientTape() as tape:
                        tape.watch([w, b])
                        residual = w * xb + b - yb
                        batch_loss = tf.reduce_sum(weights * residual * residual)
                    chunk.append(tf.reduce_mean(residual * residual))  # all points, before
                    grad_w, grad_b = tape.gradient(batch_loss, [w, b])
                    active = k < steps  # the last trip may run past `steps`
                    w = tf.where(active, w - learning_rate * grad_w, w)
                    b = tf.where(active, b - learning_rate * grad_b, b)
                return trip + 1, w, b, losses.write(trip, tf.stack(chunk))

            zero = tf.zeros([], x.dtype)
            _, w, b, losses = tf.while_loop(
                lambda trip, w, b, losses: trip < trips,
                body,
                (tf.constant(0), zero, zero, losses),
            )
            last = tf.reduce_mean(tf.square(w * x + b - y))
            path = tf.concat([tf.reshape(losses.stack(), [-1])[:steps], [last]], axis=0)
            return path, w, b

        _CORE.append(fit)
    return _CORE[0]


@dataclass(frozen=True)
class Status:
    kind: str
    message: str


@dataclass(frozen=True, eq=False)
class FitResult:
    learning_rate: float
    steps: int
    batch_size: int
    losses: np.ndarray = field(repr=False)  # full-data loss before step 1 … after the last
    w: float
    b: float
    status: Status
    overflow_step: int | None

    @property
    def final_loss(self) -> float:
        return float(self.losses[-1])


def _status(lr: float, steps: int, batch: int, losses: np.ndarray, lang: str) -> Status:
    p = problem()
    edge = number(p.edge, 4)
    rule = i18n.text(TEXT, "rule", lang, edge=edge)
    if steps == 0:
        return Status("no_steps", i18n.text(TEXT, "no_steps", lang))
    if lr == 0:
        return Status("no_move", i18n.text(TEXT, "no_move", lang))
    if lr < 0:
        return Status("uphill", i18n.text(TEXT, "uphill", lang))
    finite = np.isfinite(losses)
    overflow = None if finite.all() else int(np.argmin(finite))
    x = lr * p.eigenvalues[1]
    if abs(x - 2.0) <= BOUNDARY_TOLERANCE:
        kind = "oscillates_forever"
    elif x > 2.0:
        kind = "diverges"
    elif x > 1.0:
        kind = "oscillates_converges"
    else:
        kind = "converges"
    grew = overflow is not None or losses[-1] > losses[0]
    if batch < N_POINTS and grew and kind != "diverges":
        message = i18n.text(TEXT, "diverges_batch", lang, batch=batch)
        kind = "diverges"
    else:
        message = i18n.text(TEXT, kind, lang, x=number(x, 5), rule=rule)
        if batch < N_POINTS and kind != "diverges":
            message += i18n.text(TEXT, "noisy", lang, batch=batch, n=N_POINTS)
    if overflow is not None:
        message += i18n.text(TEXT, "overflow", lang, k=overflow)
    return Status(kind, message)


def _whole(value, lo: int, hi: int) -> bool:
    """True for a whole number (int, or a float such as 3.0) from lo to hi; never for a bool."""
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        return False
    return math.isfinite(value) and int(value) == value and lo <= value <= hi


def fit_path(learning_rate: float, steps: int, batch_size: int = N_POINTS, lang: str = "en"):
    """Run `steps` SGD steps on the line with this learning rate and batch size."""
    lang = i18n.language(lang)
    tf = base.tf()
    try:
        lr = float(learning_rate)
    except (TypeError, ValueError):
        lr = math.nan
    if not math.isfinite(lr):
        raise ValueError(i18n.text(TEXT, "bad_lr", lang, v=repr(learning_rate)))
    if not _whole(steps, 0, MAX_STEPS):
        raise ValueError(i18n.text(TEXT, "bad_steps", lang, max=MAX_STEPS, v=repr(steps)))
    if not _whole(batch_size, 1, N_POINTS):
        raise ValueError(i18n.text(TEXT, "bad_batch", lang, n=N_POINTS, v=repr(batch_size)))
    steps, batch_size = int(steps), int(batch_size)
    p = problem()
    with np.errstate(all="ignore"):
        path, w, b = fit_core()(
            tf.constant(p.x),
            tf.constant(p.y),
            tf.constant(lr, tf.float32),
            tf.constant(steps, tf.int32),
            tf.constant(batch_size, tf.int32),
        )
        losses = path.numpy().astype(np.float64)
    status = _status(lr, steps, batch_size, losses, lang)
    finite = np.isfinite(losses)
    return FitResult(
        lr, steps, batch_size, losses, float(w), float(b), status,
        None if finite.all() else int(np.argmin(finite)),
    )  # fmt: skip


def fit_lines(result: FitResult, lang: str = "en") -> list[str]:
    p = problem()
    return [
        i18n.text(
            TEXT, "final", lang, n=result.steps, w=number(result.w, 4), b=number(result.b, 4)
        ),
        i18n.text(
            TEXT, "loss", lang,
            first=number(result.losses[0], 4), last=number(result.final_loss, 4),
            best=number(p.best_loss, 4),
        ),
        i18n.text(
            TEXT, "limit", lang, half=number(1.0 / p.eigenvalues[1], 4), edge=number(p.edge, 4)
        ),
    ]  # fmt: skip


def fit_report(
    learning_rate: float = 0.1, steps: int = 200, batch_size: int = N_POINTS, lang: str = "en"
) -> str:
    """What the fit explorer computes for these values, as text (deterministic)."""
    lang = i18n.language(lang)
    try:
        result = fit_path(learning_rate, steps, batch_size, lang)
    except ValueError as err:  # bad input: the sentence, in the learner's language
        return str(err)
    lines = fit_lines(result, lang)
    lines.append(i18n.text(TEXT, "status", lang, s=result.status.message))
    return "\n".join(lines)


class FitFigure(Canvas):
    """The data with the fitted line, and the loss per step on a log scale."""

    def __init__(self, lang: str = "en"):
        from matplotlib import ticker

        self.lang = figure_lang(lang)
        super().__init__(self.lang, (6.4, 3.4), 2)
        self.figure.subplots_adjust(left=0.09, right=0.96, bottom=0.15, top=0.9, wspace=0.3)
        ax, loss = self.axes
        x, y = fit_data()
        p = problem()
        ax.plot(x.ravel(), y.ravel(), "o", color="tab:gray", ms=3)  # background: never changes
        ax.set_xlim(-1.2, 3.2)
        ax.set_ylim(-6.0, 10.0)
        (self.line,) = ax.plot([], [], color="tab:blue", lw=1.6)
        loss.axhline(p.best_loss, color="black", lw=0.8, ls="--")
        (self.loss,) = loss.plot([], [], color="tab:blue", lw=1.2)
        (self.end,) = loss.plot([], [], "o", color="tab:red", ms=5)  # visible with 0 steps too
        self.artists = [self.line, self.loss, self.end]
        self.titles[0].set_text(i18n.text(TEXT, "data_title", self.lang))
        self.titles[1].set_text(i18n.text(TEXT, "loss_title", self.lang))
        loss.set_yscale("log")
        loss.yaxis.set_major_locator(ticker.LogLocator(numticks=6))
        loss.yaxis.set_major_formatter(ticker.FuncFormatter(power_of_ten))
        loss.yaxis.set_minor_locator(ticker.NullLocator())

    def update(self, r: FitResult) -> bytes:
        ax, loss = self.axes
        xs = np.array([-1.2, 3.2])
        with np.errstate(all="ignore"):
            ys = r.w * xs + r.b
            if np.isfinite(ys).all():
                self.line.set_data(xs, ys)
            else:  # the line ran away: nothing sensible to draw, the status says why
                self.line.set_data([], [])
            finite = np.isfinite(r.losses) & (r.losses > 0)
            good = r.losses[finite]
            self.loss.set_data(np.arange(r.losses.size), np.where(finite, r.losses, np.nan))
            if finite[-1]:
                self.end.set_data([r.steps], [r.losses[-1]])
            else:
                self.end.set_data([], [])
            best = problem().best_loss
            lo = min(float(good.min()) if good.size else best, best)
            hi = max(float(good.max()) if good.size else 10.0, 10.0)
            # whole decades, capped inside float64 so the log axis can place its ticks
            low = max(math.floor(math.log10(lo) - 0.05), -30)
            high = min(max(math.ceil(math.log10(hi)), low + 1), 300)
            loss.set_ylim(10.0**low, 10.0**high)
            loss.set_xlim(0, _step_axis(r.steps))
        return self.png()


def _step_axis(steps: int) -> int:
    """The right end of the steps axis on a short ladder, so the axes change rarely."""
    for end in (10, 20, 50, 100, 200, 500, 1000, 2000):
        if steps <= end:
            return end
    return MAX_STEPS


class FitModel:
    """The fit explorer's model (see `base.Model`)."""

    core = CORE

    def __init__(self, lang: str = "en"):
        self.lang = i18n.language(lang)
        self.figure = FitFigure(lang)

    def compute(self, **values) -> FitResult:
        return fit_path(lang=self.lang, **values)

    def render(self, result: FitResult) -> bytes:
        return self.figure.update(result)

    def describe(self, result: FitResult, lang: str) -> list[str]:
        return fit_lines(result, lang)

    def status(self, result: FitResult, lang: str) -> tuple[str, str]:
        return result.status.kind, result.status.message

    def report(self, **values) -> str:
        return fit_report(lang=self.lang, **values)


def fit_explorer(lang: str = "en") -> base.Explorer:
    """Sliders learning rate, steps and batch size on chapter 12's line fit."""
    model = FitModel(lang)

    def control(name, *args):
        label = i18n.text(TEXT, f"label.{name}", lang)
        return base.slider(args[0], label, i18n.text(TEXT, f"tooltip.{name}", lang), *args[1:])

    controls = {
        "learning_rate": control("learning_rate", "float", 0.1, 0.0, 0.6, 0.005, ".3f"),
        "steps": control("steps", "int", 200, 0, 500, 10, "d"),
        "batch_size": control("batch_size", "int", N_POINTS, 1, N_POINTS, 1, "d"),
    }
    return base.Explorer(model, controls, lang)
