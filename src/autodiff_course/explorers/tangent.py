"""The tangent explorer (chapters 01 and 03): f, f′ and f″ from tapes, next to calculus."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from autodiff_course import i18n
from autodiff_course.explorers import base
from autodiff_course.explorers.canvas import Canvas, figure_lang, ladder_limits, padded
from autodiff_course.explorers.formatting import number
from autodiff_course.quadratic import quadratic, quadratic_curvature, quadratic_slope

TEXT = i18n.strings(
    __name__,
    {
        "f": {
            "en": "f({x}) = {v} (exact ax² + bx + c = {e})",
            "zh": "f({x}) = {v}（公式 ax² + bx + c = {e}）",
        },
        "slope": {
            "en": "f′({x}) from the tape = {v} (exact 2ax + b = {e})",
            "zh": "磁带求得 f′({x}) = {v}（公式 2ax + b = {e}）",
        },
        "curv": {
            "en": "f″({x}) from a nested tape = {v} (exact 2a = {e})",
            "zh": "嵌套磁带求得 f″({x}) = {v}（公式 2a = {e}）",
        },
        "title": {
            "en": "f(x) = a·x² + b·x + c and its tangent at x",
            "zh": "f(x) = a·x² + b·x + c 及其在 x 处的切线",
        },
        "tooltip.a": {
            "en": "a in f(x) = a·x² + b·x + c: how curved the parabola is",
            "zh": "f(x) = a·x² + b·x + c 中的 a：抛物线弯曲的程度",
        },
        "tooltip.b": {
            "en": "b in f(x) = a·x² + b·x + c: the slope at x = 0",
            "zh": "f(x) = a·x² + b·x + c 中的 b：x = 0 处的斜率",
        },
        "tooltip.c": {
            "en": "c in f(x) = a·x² + b·x + c: lifts the curve up or down",
            "zh": "f(x) = a·x² + b·x + c 中的 c：把曲线整体上移或下移",
        },
        "tooltip.x": {
            "en": "the point where the tape measures the slope",
            "zh": "磁带在这一点求斜率",
        },
    },
)
CORE = "tangent"
_TRACES = base.trace_counter(CORE)
_CORE = []


def tangent_core():
    """f, f′ and f″ at x from a pair of nested tapes: a tf.function traced once per dtype."""
    if not _CORE:
        tf = base.tf()

        @tf.function(autograph=False)
        def tangent(a, b, c, x):
            _TRACES[x.dtype.name] += 1  # Python code: runs only while tracing
            with tf.GradientTape() as outer:
                outer.watch(x)
                with tf.GradientTape() as inner:
                    inner.watch(x)
                    y = base.graph_parabola(a, b, c, x)
                dy_dx = inner.gradient(y, x)
            d2y_dx2 = outer.gradient(dy_dx, x)
            return y, dy_dx, d2y_dx2

        _CORE.append(tangent)
    return _CORE[0]


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
    tf = base.tf()
    base.check_dtype(dtype)
    args = [tf.constant(float(v), dtype=dtype) for v in (a, b, c, x)]
    y, slope, curvature = (float(t.numpy()) for t in tangent_core()(*args))
    a, b, c, x = (float(v) for v in (a, b, c, x))
    return TangentValues(
        a, b, c, x, dtype, y, slope, curvature,
        exact_f=quadratic(x, a, b, c),
        exact_slope=quadratic_slope(x, a, b),
        exact_curvature=quadratic_curvature(a),
    )  # fmt: skip


def tangent_lines(values: TangentValues, lang: str = "en", show_curvature: bool = False):
    """The numbers an explorer shows, one line each, in the notebook's language."""
    x = number(values.x)
    keys = [("f", values.f, values.exact_f), ("slope", values.slope, values.exact_slope)]
    if show_curvature:
        keys.append(("curv", values.curvature, values.exact_curvature))
    return [i18n.text(TEXT, key, lang, x=x, v=number(v), e=number(e)) for key, v, e in keys]


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
    i18n.language(lang)
    return "\n".join(tangent_lines(tangent_values(a, b, c, x, dtype), lang, show_curvature))


X_VIEW = (-5.5, 5.5)  # the tangent explorer's fixed window: x slider range plus a margin


class TangentFigure(Canvas):
    """Parabola, point and tangent line; `update(values)` moves them and returns PNG bytes."""

    def __init__(self, lang: str = "en"):
        self.lang = figure_lang(lang)
        super().__init__(self.lang, (5.8, 3.5), 1)
        self.figure.subplots_adjust(left=0.11, right=0.97, bottom=0.13, top=0.9)
        ax = self.ax = self.axes[0]
        self.xs = np.linspace(*X_VIEW, 221)
        (self.curve,) = ax.plot([], [], color="black", lw=1.5)
        (self.tangent,) = ax.plot([], [], color="tab:red", lw=1.5)
        (self.point,) = ax.plot([], [], "o", color="tab:red", ms=7)
        self.artists = [self.curve, self.tangent, self.point]
        ax.set_xlim(*X_VIEW)
        self.titles[0].set_text(i18n.text(TEXT, "title", self.lang))

    def update(self, v: TangentValues) -> bytes:
        ys = quadratic(self.xs, v.a, v.b, v.c)
        self.curve.set_data(self.xs, ys)
        self.tangent.set_data(self.xs, v.f + v.slope * (self.xs - v.x))
        self.point.set_data([v.x], [v.f])
        self.ax.set_ylim(*ladder_limits(*padded(float(ys.min()), float(ys.max()), 0.05)))
        return self.png()


class TangentModel:
    """The tangent explorer's model (see `base.Model`)."""

    core = CORE

    def __init__(self, lang: str = "en", show_curvature: bool = False):
        self.lang = i18n.language(lang)
        self.show_curvature = show_curvature
        self.figure = TangentFigure(lang)

    def compute(self, **values) -> TangentValues:
        return tangent_values(**values)

    def render(self, result: TangentValues) -> bytes:
        return self.figure.update(result)

    def describe(self, result: TangentValues, lang: str) -> list[str]:
        return tangent_lines(result, lang, self.show_curvature)

    def status(self, result: TangentValues, lang: str) -> None:
        return None

    def report(self, **values) -> str:
        return tangent_report(lang=self.lang, show_curvature=self.show_curvature, **values)


def tangent_explorer(lang: str = "en", show_curvature: bool = False) -> base.Explorer:
    """Sliders a, b, c, x: the parabola, the point and the tangent whose slope the tape gives."""
    model = TangentModel(lang, show_curvature)
    controls = {
        name: base.slider(
            "float", name, i18n.text(TEXT, f"tooltip.{name}", lang), value, lo, hi, 0.1, ".1f"
        )
        for name, value, lo, hi in [
            ("a", 1.0, -3.0, 3.0),
            ("b", -2.0, -5.0, 5.0),
            ("c", 1.0, -5.0, 5.0),
            ("x", 2.5, -5.0, 5.0),
        ]
    }
    return base.Explorer(model, controls, lang)
