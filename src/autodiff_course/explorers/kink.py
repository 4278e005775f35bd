"""The kink explorer (chapter 09): the tape's gradient, a finite difference and a custom gradient
side by side as x slides toward the kink of |x| or ReLU, or toward 0 under √x.

One `tf.function` core (traced once per dtype) evaluates all three functions on a fixed grid
plus the chosen x: the value, the tape's gradient, the central difference
(f(x + h) − f(x − h)) / 2h and a `tf.custom_gradient` version. For |x| and ReLU the custom
gradient is the subgradient the tape already picks (0 at the kink); for √x it is the safe one,
0.5 / √max(x, 10⁻⁶), finite at 0. `kink_status` turns each bad input (x at the kink, a step
across it, √ of a negative number, h lost to rounding) into a sentence.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from autodiff_course import i18n
from autodiff_course.explorers import base
from autodiff_course.explorers.canvas import Canvas, figure_lang
from autodiff_course.explorers.formatting import number
from autodiff_course.explorers.kink_text import TEXT

FUNCTIONS = ("abs", "relu", "sqrt")
SAFE_EPS = 1e-6  # the custom √ gradient uses √max(x, SAFE_EPS): at most 500
AGREE = 1e-3  # relative difference below which the finite difference "agrees"
GRID = np.linspace(-1.0, 1.0, 401)  # holds 0 exactly
H_RANGE = (1e-9, 1e-1)


CORE = "kink"
_TRACES = base.trace_counter(CORE)
_CORE: list = []

# The explorer's verdicts and their colours in the widget's status line.
base.STATUS_COLOURS.update(
    {
        "kink_agree": "#1a7f37",
        "kink_warning": "#9a6700",
        "kink_broken": "#cf222e",
    }
)


def kink_core():
    """Values, tape gradients, central differences and custom gradients of |x|, ReLU and √x.

    Takes a vector x and a scalar h of one dtype; returns a [3, 4, n] tensor (function ×
    value / tape / finite difference / custom). Traced once per dtype.
    """
    if not _CORE:
        tf = base.tf()

        def safe_sqrt(x):
            @tf.custom_gradient
            def f(x):
                def grad(upstream):
                    eps = tf.constant(SAFE_EPS, x.dtype)
                    return upstream * 0.5 / tf.sqrt(tf.maximum(x, eps))

                return tf.sqrt(x), grad

            return f(x)

        def subgradient(fn, slope):
            @tf.custom_gradient
            def f(x):
                def grad(upstream):
                    return upstream * slope(x)

                return fn(x), grad

            return f

        plain = [tf.abs, tf.nn.relu, tf.sqrt]
        custom = [
            subgradient(tf.abs, tf.sign),  # sign(0) = 0: the subgradient the tape also picks
            subgradient(tf.nn.relu, lambda x: tf.cast(x > 0, x.dtype)),
            safe_sqrt,
        ]

        @tf.function(autograph=False, reduce_retracing=True)
        def kink(x, h):
            _TRACES[x.dtype.name] += 1  # Python code: runs only while tracing
            rows = []
            for fn, fn_custom in zip(plain, custom, strict=True):
                with tf.GradientTape(persistent=True) as tape:
                    tape.watch(x)
                    y = fn(x)
                    y_custom = fn_custom(x)
                # Elementwise functions: the gradient of the sum is the derivative at each x.
                g_tape = tape.gradient(y, x)
                g_custom = tape.gradient(y_custom, x)
                del tape
                fd = (fn(x + h) - fn(x - h)) / (2 * h)
                rows.append(tf.stack([y, g_tape, fd, g_custom]))
            return tf.stack(rows)

        _CORE.append(kink)
    return _CORE[0]


@dataclass(frozen=True)
class KinkValues:
    """The three gradients at x (and on the plotting grid) for one function."""

    function: str
    x: float
    h: float
    dtype: str
    value: float
    tape: float
    fd: float
    custom: float
    exact: float | None  # None at a kink; nan where the function is undefined
    x_lo: float  # x − h and x + h as the dtype rounds them
    x_hi: float
    grid: np.ndarray
    curves: np.ndarray  # [4, len(grid)]: value, tape, finite difference, custom

    @property
    def relative_error(self) -> float:
        return abs(self.fd - self.tape) / max(1.0, abs(self.tape))


def _exact(function: str, x: float) -> float | None:
    if function == "sqrt":
        return math.nan if x < 0 else (math.inf if x == 0 else 0.5 / math.sqrt(x))
    if x == 0:
        return None
    if function == "abs":
        return math.copysign(1.0, x)
    return 1.0 if x > 0 else 0.0


def kink_values(
    function: str = "abs", x: float = 0.3, h: float = 1e-3, dtype: str = "float32"
) -> KinkValues:
    """All three gradients of `function` at x with step h, in `dtype` (plain numbers)."""
    tf = base.tf()
    base.check_dtype(dtype)
    if function not in FUNCTIONS:
        raise ValueError(f"function must be one of {FUNCTIONS}, not {function!r}")
    h = float(h)  # a non-finite or non-positive h gets a sentence from kink_status
    np_dtype = np.dtype(dtype)
    with np.errstate(over="ignore", invalid="ignore"):  # inf and nan get a sentence
        xs = np.append(GRID, float(x)).astype(np_dtype)
    out = kink_core()(tf.constant(xs), tf.constant(h, dtype=dtype)).numpy()
    row = out[FUNCTIONS.index(function)]
    with np.errstate(over="ignore", invalid="ignore"):
        x_d, h_d = np_dtype.type(x), np_dtype.type(h)
        x_lo, x_hi = x_d - h_d, x_d + h_d
    return KinkValues(
        function=function,
        x=float(x_d),
        h=float(h_d),
        dtype=dtype,
        value=float(row[0, -1]),
        tape=float(row[1, -1]),
        fd=float(row[2, -1]),
        custom=float(row[3, -1]),
        exact=_exact(function, float(x_d)),
        x_lo=float(x_lo),
        x_hi=float(x_hi),
        grid=xs[:-1].astype(np.float64),
        curves=row[:, :-1].astype(np.float64),
    )


def _third_derivative(function: str, x: float) -> float:
    # |x| and ReLU are linear away from the kink; (√x)‴ = (3/8)·x^(−5/2)
    return 0.375 * x**-2.5 if function == "sqrt" and x > 0 else 0.0


def kink_status(v: KinkValues, lang: str = "en") -> tuple[str, str]:
    """(kind, sentence): what to make of the three numbers, in the learner's language."""
    name = i18n.text(TEXT, f"name.{v.function}", lang)
    fmt = {"fd": number(v.fd), "h": number(v.h, 3), "x": number(v.x), "dtype": v.dtype}
    if not (math.isfinite(v.x) and math.isfinite(v.h) and v.h > 0):
        return "kink_broken", i18n.text(TEXT, "status.bad_number", lang, x=fmt["x"], h=fmt["h"])
    if v.function == "sqrt" and v.x < 0:
        return "kink_broken", i18n.text(TEXT, "status.negative", lang, c=number(v.custom))
    if v.function == "sqrt" and v.x == 0:
        return "kink_broken", i18n.text(TEXT, "status.sqrt_zero", lang, c=number(v.custom))
    if v.x_lo == v.x_hi:
        return "kink_broken", i18n.text(TEXT, "status.h_lost", lang, **fmt)
    if v.function != "sqrt" and v.x == 0:
        return "kink_warning", i18n.text(
            TEXT, "status.at_kink", lang, name=name, g=number(v.tape), **fmt
        )
    if v.function == "sqrt" and v.x_lo < 0:
        return "kink_broken", i18n.text(TEXT, "status.sqrt_across", lang)
    if v.function != "sqrt" and v.x_lo < 0 < v.x_hi:
        return "kink_warning", i18n.text(TEXT, "status.across", lang, g=number(v.tape), **fmt)
    err = v.relative_error
    if err > AGREE:
        eps = float(np.finfo(v.dtype).eps)
        rounding = eps * max(abs(v.value), abs(v.x), 1e-30) / v.h
        truncation = v.h**2 * _third_derivative(v.function, v.x) / 6
        key = "status.rounding" if rounding >= truncation else "status.truncation"
        return "kink_warning", i18n.text(TEXT, key, lang, err=number(err, 2), **fmt)
    return "kink_agree", i18n.text(TEXT, "status.agree", lang, err=number(err, 2))


def kink_lines(v: KinkValues, lang: str = "en") -> list[str]:
    """The numbers panel: value, the three gradients and the exact derivative."""
    name = i18n.text(TEXT, f"name.{v.function}", lang)
    if v.exact is None:
        exact = i18n.text(TEXT, "no_derivative", lang)
    elif math.isnan(v.exact):
        exact = i18n.text(TEXT, "undefined", lang)
    else:
        exact = number(v.exact)
    return [
        i18n.text(TEXT, "value", lang, name=name, x=number(v.x), v=number(v.value)),
        i18n.text(TEXT, "tape", lang, v=number(v.tape)),
        i18n.text(TEXT, "fd", lang, h=number(v.h, 3), v=number(v.fd)),
        i18n.text(TEXT, "custom", lang, v=number(v.custom)),
        i18n.text(TEXT, "exact", lang, v=exact),
    ]


def kink_report(
    function: str = "abs", x: float = 0.3, h: float = 1e-3, dtype: str = "float32", lang="en"
) -> str:
    """What the kink explorer shows for these values, as text (deterministic)."""
    lang = i18n.language(lang)
    v = kink_values(function, x, h, dtype)
    return "\n".join(kink_lines(v, lang) + [kink_status(v, lang)[1]])


Y_LIMITS = {"abs": (-1.5, 1.5), "relu": (-0.5, 1.5), "sqrt": (-0.5, 5.0)}
F_LIMITS = {"abs": (-0.1, 1.1), "relu": (-0.1, 1.1), "sqrt": (-0.1, 1.1)}


class KinkFigure(Canvas):
    """Left: f with the tape's tangent at x. Right: the three gradients along x."""

    CACHE_SIZE = 32  # backgrounds per axes, with their curves: about 0.4 MB each

    def __init__(self, lang: str = "en"):
        self.lang = figure_lang(lang)
        super().__init__(self.lang, (6.4, 3.3), 2)
        self.figure.subplots_adjust(left=0.08, right=0.98, bottom=0.13, top=0.88, wspace=0.25)
        left, right = self.axes
        (self.curve,) = left.plot([], [], color="black", lw=1.5)
        (self.tangent,) = left.plot([], [], color="tab:red", lw=1.3)
        (self.point,) = left.plot([], [], "o", color="tab:red", ms=6)
        (self.g_tape,) = right.plot([], [], color="black", lw=1.5)
        (self.g_fd,) = right.plot([], [], color="tab:orange", lw=1.3)
        (self.g_custom,) = right.plot([], [], color="tab:blue", lw=1.3, ls="--")
        (self.marker,) = right.plot([], [], color="tab:red", lw=0.8, ls=":")
        # Drawn at every move; f and its three gradients along x depend on the function, h and
        # the dtype, not on x: they go in the cached background (`backdrop_keys`, see update).
        self.artists = [self.tangent, self.point, self.marker]
        for ax in self.axes:
            ax.set_xlim(-1.05, 1.05)
        self.titles[0].set_text(i18n.text(TEXT, "title.f", self.lang))
        self.titles[1].set_text(i18n.text(TEXT, "title.g", self.lang))
        handles = [self.g_tape, self.g_fd, self.g_custom]
        labels = [i18n.text(TEXT, f"legend.{k}", self.lang) for k in ("tape", "fd", "custom")]
        import matplotlib as mpl

        with mpl.rc_context(self.rc):  # the legend's font is fixed when it is made: CJK too
            # upper left: empty for all three functions (their slopes there are ≤ 0 or undefined)
            right.legend(handles, labels, loc="upper left", fontsize=8.5, frameon=False)

    def update(self, v: KinkValues) -> bytes:
        left, right = self.axes
        # Non-finite points are left out of the lines (matplotlib breaks a line at nan).
        self.curve.set_data(v.grid, v.curves[0])
        ok = math.isfinite(v.value) and math.isfinite(v.tape)
        xs = np.array([v.x - 0.4, v.x + 0.4])
        self.tangent.set_data(xs if ok else [], v.value + v.tape * (xs - v.x) if ok else [])
        shown = math.isfinite(v.value)
        self.point.set_data([v.x] if shown else [], [v.value] if shown else [])
        self.g_tape.set_data(v.grid, np.where(np.isfinite(v.curves[1]), v.curves[1], np.nan))
        self.g_fd.set_data(v.grid, np.where(np.isfinite(v.curves[2]), v.curves[2], np.nan))
        self.g_custom.set_data(v.grid, v.curves[3])
        marked = math.isfinite(v.x)
        ys = list(Y_LIMITS[v.function])
        self.marker.set_data([v.x, v.x] if marked else [], ys if marked else [])
        left.set_ylim(*F_LIMITS[v.function])
        right.set_ylim(*Y_LIMITS[v.function])
        self.backdrop_keys = [(v.function, v.dtype), (v.function, v.h, v.dtype)]
        return self.png()


class KinkModel:
    """The kink explorer's model (see `base.Model`)."""

    core = CORE

    def __init__(self, lang: str = "en"):
        self.lang = i18n.language(lang)
        self.figure = KinkFigure(lang)

    def compute(self, **values) -> KinkValues:
        return kink_values(**values)

    def render(self, result: KinkValues) -> bytes:
        return self.figure.update(result)

    def describe(self, result: KinkValues, lang: str) -> list[str]:
        return kink_lines(result, lang)

    def status(self, result: KinkValues, lang: str) -> tuple[str, str]:
        return kink_status(result, lang)

    def report(self, **values) -> str:
        return kink_report(lang=self.lang, **values)


def kink_explorer(lang: str = "en", function: str = "abs", x: float = 0.3) -> base.Explorer:
    """Function, x, finite-difference step h (log slider) and dtype."""
    import ipywidgets as w

    lang = i18n.language(lang)
    choice = w.ToggleButtons(
        options=[(i18n.text(TEXT, f"name.{f}", lang), f) for f in FUNCTIONS],
        value=function,
        description=i18n.text(TEXT, "label.function", lang),
        # 3 × (68 + 4 of margins) pixels fit the 217 the row leaves beside the label
        style={**base.LABEL_STYLE, "button_width": "68px"},
        layout=w.Layout(**base.CONTROL_LAYOUT),
    )
    base.set_tooltip(choice, i18n.text(TEXT, "tooltip.function", lang))
    base.in_slider_row(choice)
    x_slider = base.slider(
        "float", "x", i18n.text(TEXT, "tooltip.x", lang), x, -1.0, 1.0, 0.001, ".3f"
    )
    h_slider = w.FloatLogSlider(
        value=1e-3,
        base=10,
        min=math.log10(H_RANGE[0]),
        max=math.log10(H_RANGE[1]),
        step=0.25,
        description="h",
        readout_format=".1e",
        style=base.LABEL_STYLE,
        layout=w.Layout(**base.CONTROL_LAYOUT),
    )
    base.set_tooltip(h_slider, i18n.text(TEXT, "tooltip.h", lang))
    dtype = base.dtype_switch(
        i18n.text(TEXT, "label.dtype", lang), i18n.text(TEXT, "tooltip.dtype", lang)
    )
    controls = {"function": choice, "x": x_slider, "h": h_slider, "dtype": dtype}
    return base.Explorer(KinkModel(lang), controls, lang)
