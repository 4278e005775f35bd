"""The Hessian explorer (chapter 08): a function of two variables, its contours, the gradient
arrow and the Hessian's eigen-directions at a point, with one Newton step.

The functions are the quadratic bowl f = a·x² + b·x·y + c·y² and the Rosenbrock function
(1 − x)² + 100·(y − x²)². One `tf.function` core (traced once per dtype) evaluates f on the
contour grid and, at the point, its gradient and Hessian with two nested tapes (the outer one's
`jacobian` of the inner one's `gradient`), as chapter 08 does. The eigen-decomposition and the
Newton step are plain NumPy on that 2 × 2 Hessian; the closed forms are printed beside the tape's
numbers. `hessian_status` turns a singular or indefinite Hessian and a non-finite number into a
sentence.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from autodiff_course import i18n
from autodiff_course.explorers import base
from autodiff_course.explorers.canvas import Canvas, figure_lang
from autodiff_course.explorers.formatting import number
from autodiff_course.explorers.hessian_text import TEXT

FUNCTIONS = ("bowl", "rosenbrock")
POINT = (-3.0, 3.0)  # the x and y sliders' range
# Both axes, both functions: a unit wider than the sliders, so that the arrow and the
# eigen-directions of a point at a corner stay inside the chart.
VIEW = (-4.0, 4.0)
# Rosenbrock's valley is narrow (f < 0.25 within 0.05 of y = x²): its contours need a fine grid
# to be smooth; the bowl's use every 4th point (as smooth, and faster to redraw).
GRID = np.linspace(VIEW[0], VIEW[1], 321)
BOWL_EVERY = 4
SINGULAR = 1e-5  # |λ|min ≤ SINGULAR · |λ|max counts as a zero eigenvalue
ARROW = 0.9  # length of the gradient arrow, in axis units (it shows a direction)
EIGEN = 0.7  # half-length of an eigen-direction segment

CORE = "hessian"
_TRACES = base.trace_counter(CORE)
_CORE: list = []

base.STATUS_COLOURS.update(
    {
        "hessian_minimum": "#1a7f37",
        "hessian_saddle": "#bc4c00",
        "hessian_maximum": "#cf222e",
        "hessian_singular": "#9a6700",
        "hessian_broken": "#cf222e",
    }
)


def hessian_core():
    """f on the grid, and f, its gradient and its Hessian at the point, from nested tapes.

    Takes the point [2], the coefficients [3] (a, b, c), a boolean `rosenbrock` and the grid
    [k] of one dtype; returns (grid values [k, k], f, gradient [2], Hessian [2, 2]).
    Traced once per dtype.
    """
    if not _CORE:
        tf = base.tf()

        def f(x, y, coefficients, rosenbrock):
            a, b, c = coefficients[0], coefficients[1], coefficients[2]
            bowl = a * x**2 + b * x * y + c * y**2
            banana = (1.0 - x) ** 2 + 100.0 * (y - x**2) ** 2
            return tf.where(rosenbrock, banana, bowl)

        @tf.function(autograph=False, reduce_retracing=True)
        def core(point, coefficients, rosenbrock, grid):
            _TRACES[point.dtype.name] += 1  # Python code: runs only while tracing
            gx, gy = tf.meshgrid(grid, grid)
            values = f(gx, gy, coefficients, rosenbrock)
            with tf.GradientTape() as outer:
                outer.watch(point)
                with tf.GradientTape() as inner:
                    inner.watch(point)
                    value = f(point[0], point[1], coefficients, rosenbrock)
                gradient = inner.gradient(value, point)
            hessian = outer.jacobian(gradient, point)
            return values, value, gradient, hessian

        _CORE.append(core)
    return _CORE[0]


def closed_form(function: str, x: float, y: float, a: float, b: float, c: float):
    """(gradient, Hessian) by hand, in float64."""
    if function == "bowl":
        gradient = np.array([2 * a * x + b * y, b * x + 2 * c * y])
        hessian = np.array([[2 * a, b], [b, 2 * c]])
    else:
        gradient = np.array([-2 * (1 - x) - 400 * x * (y - x**2), 200 * (y - x**2)])
        hessian = np.array([[2 - 400 * (y - x**2) + 800 * x**2, -400 * x], [-400 * x, 200.0]])
    return gradient, hessian


@dataclass(frozen=True)
class HessianValues:
    """What the explorer shows for one function, point and set of coefficients."""

    function: str
    x: float
    y: float
    a: float
    b: float
    c: float
    dtype: str
    value: float
    gradient: np.ndarray  # [2], from the tape
    hessian: np.ndarray  # [2, 2], from the tape
    exact_gradient: np.ndarray
    exact_hessian: np.ndarray
    grid_values: np.ndarray  # [k, k]

    @property
    def finite(self) -> bool:
        numbers = [self.x, self.y, self.value, *self.gradient, *self.hessian.ravel()]
        return all(math.isfinite(float(v)) for v in numbers)

    @property
    def eigen(self) -> tuple[np.ndarray, np.ndarray]:
        """Eigenvalues (ascending) and unit eigenvectors (columns); NaN if not finite."""
        if not self.finite:
            return np.full(2, np.nan), np.full((2, 2), np.nan)
        symmetric = 0.5 * (self.hessian + self.hessian.T)
        return np.linalg.eigh(symmetric)

    @property
    def singular(self) -> bool:
        values = np.abs(self.eigen[0])
        return bool(values.min() <= SINGULAR * max(values.max(), 1e-30))

    @property
    def newton(self) -> np.ndarray | None:
        """The point after one Newton step, or None where H cannot be inverted."""
        if not self.finite or self.singular:
            return None
        step = np.linalg.solve(self.hessian, self.gradient)
        return np.array([self.x, self.y]) - step


def hessian_values(
    function: str = "bowl",
    x: float = 2.0,
    y: float = 1.0,
    a: float = 1.0,
    b: float = 1.0,
    c: float = 2.0,
    dtype: str = "float32",
) -> HessianValues:
    """f, the tape's gradient and Hessian at (x, y), the closed forms and the contour grid."""
    tf = base.tf()
    base.check_dtype(dtype)
    if function not in FUNCTIONS:
        raise ValueError(f"function must be one of {FUNCTIONS}, not {function!r}")
    np_dtype = np.dtype(dtype)
    with np.errstate(over="ignore", invalid="ignore"):  # inf and nan get a sentence
        point = np.array([x, y], dtype=np.float64).astype(np_dtype)
        coefficients = np.array([a, b, c], dtype=np.float64).astype(np_dtype)
    grid_values, value, gradient, hessian = hessian_core()(
        tf.constant(point),
        tf.constant(coefficients),
        tf.constant(function == "rosenbrock"),
        tf.constant(GRID.astype(np_dtype)),
    )
    px, py = (float(v) for v in point)
    pa, pb, pc = (float(v) for v in coefficients)
    with np.errstate(over="ignore", invalid="ignore"):
        exact_gradient, exact_hessian = closed_form(function, px, py, pa, pb, pc)
    return HessianValues(
        function=function,
        x=px,
        y=py,
        a=pa,
        b=pb,
        c=pc,
        dtype=dtype,
        value=float(value),
        gradient=gradient.numpy().astype(np.float64),
        hessian=hessian.numpy().astype(np.float64),
        exact_gradient=exact_gradient,
        exact_hessian=exact_hessian,
        grid_values=grid_values.numpy().astype(np.float64),
    )


def _shown(v: float) -> str:
    """A number rounded to 6 decimals first, so that 3e-9 from rounding shows as 0."""
    return number(round(v, 6) if math.isfinite(v) else v)


def _signed(vector: np.ndarray) -> np.ndarray:
    """The eigenvector with its first clearly non-zero entry positive: printed one way only."""
    first = vector[np.argmax(np.abs(vector) > 1e-6)]
    return vector if first > 0 else -vector


def hessian_status(v: HessianValues, lang: str = "en") -> tuple[str, str]:
    """(kind, sentence): what the Hessian says about the point, in the learner's language."""
    if not v.finite:
        return "hessian_broken", i18n.text(
            TEXT, "status.overflow", lang, x=number(v.x), y=number(v.y), dtype=v.dtype
        )
    values, vectors = v.eigen
    if v.singular:
        flat = _signed(vectors[:, int(np.argmin(np.abs(values)))])
        return "hessian_singular", i18n.text(
            TEXT,
            "status.singular",
            lang,
            d=_shown(float(np.linalg.det(v.hessian))),
            v1=_shown(flat[0]),
            v2=_shown(flat[1]),
        )
    nx, ny = (_shown(float(t)) for t in v.newton)
    if values.min() > 0:
        key = "status.minimum_exact" if v.function == "bowl" else "status.minimum"
        return "hessian_minimum", i18n.text(TEXT, key, lang, x=nx, y=ny)
    if values.max() < 0:
        return "hessian_maximum", i18n.text(TEXT, "status.maximum", lang, x=nx, y=ny)
    return "hessian_saddle", i18n.text(
        TEXT, "status.saddle", lang, l=_shown(float(values.min())), x=nx, y=ny
    )


def hessian_lines(v: HessianValues, lang: str = "en") -> list[str]:
    """The numbers panel: f, the gradient and Hessian (tape and closed form), eigen, Newton."""
    if v.function == "bowl":
        b, c = (("− " if t < 0 else "+ ") + number(abs(t)) for t in (v.b, v.c))
        formula = i18n.text(TEXT, "formula.bowl", lang, a=number(v.a), b=b, c=c)
    else:
        formula = i18n.text(TEXT, "formula.rosenbrock", lang)
    g, eg, h, eh = v.gradient, v.exact_gradient, v.hessian, v.exact_hessian
    lines = [
        formula,
        i18n.text(TEXT, "value", lang, x=number(v.x), y=number(v.y), v=number(v.value)),
        i18n.text(TEXT, "gradient", lang, g1=_shown(g[0]), g2=_shown(g[1])),
        i18n.text(TEXT, "gradient.exact", lang, g1=_shown(eg[0]), g2=_shown(eg[1])),
        i18n.text(
            TEXT, "hessian", lang,
            h11=_shown(h[0, 0]), h12=_shown(h[0, 1]), h21=_shown(h[1, 0]), h22=_shown(h[1, 1]),
        ),
        i18n.text(
            TEXT, "hessian.exact", lang,
            h11=_shown(eh[0, 0]), h12=_shown(eh[0, 1]), h21=_shown(eh[1, 0]),
            h22=_shown(eh[1, 1]),
        ),
    ]  # fmt: skip
    if v.finite:
        values, vectors = v.eigen
        for k in (1, 0):  # the larger eigenvalue first
            vec = _signed(vectors[:, k])
            lines.append(
                i18n.text(
                    TEXT, "eigen", lang, l=_shown(values[k]), v1=_shown(vec[0]), v2=_shown(vec[1])
                )
            )
    newton = v.newton
    if newton is None:
        lines.append(i18n.text(TEXT, "newton.none", lang))
    else:
        lines.append(
            i18n.text(TEXT, "newton", lang, x=_shown(float(newton[0])), y=_shown(float(newton[1])))
        )
    return lines


def hessian_report(
    function: str = "bowl",
    x: float = 2.0,
    y: float = 1.0,
    a: float = 1.0,
    b: float = 1.0,
    c: float = 2.0,
    dtype: str = "float32",
    lang: str = "en",
) -> str:
    """What the Hessian explorer shows for these values, as text (deterministic)."""
    lang = i18n.language(lang)
    v = hessian_values(function, x, y, a, b, c, dtype)
    return "\n".join(hessian_lines(v, lang) + [hessian_status(v, lang)[1]])


ROSENBROCK_LEVELS = np.geomspace(0.25, 8000.0, 14)


def contour_grid(v: HessianValues) -> tuple[np.ndarray, np.ndarray]:
    """The grid and the values to draw contours of: Rosenbrock's as log10 (even steps between
    its log-spaced levels, so the lines interpolate smoothly), the bowl's on every 4th point."""
    if v.function == "rosenbrock":
        with np.errstate(divide="ignore", invalid="ignore"):
            return GRID, np.log10(np.maximum(v.grid_values, 1e-12))
    return GRID[::BOWL_EVERY], v.grid_values[::BOWL_EVERY, ::BOWL_EVERY]


def newton_exit(p: np.ndarray, newton: np.ndarray) -> np.ndarray | None:
    """Where the segment from p (inside the chart) to `newton` crosses the chart's frame, or None
    when the Newton point is on the chart."""
    lo, hi = VIEW
    if np.all((newton >= lo) & (newton <= hi)):
        return None
    d = newton - p
    t = min(((hi if d[k] > 0 else lo) - p[k]) / d[k] for k in range(2) if d[k] != 0)
    return p + t * d


def contour_levels(v: HessianValues) -> np.ndarray:
    """Levels for the contour lines: log-spaced for Rosenbrock, ± squares for the bowl."""
    finite = v.grid_values[np.isfinite(v.grid_values)]
    if v.function == "rosenbrock":
        return ROSENBROCK_LEVELS
    if finite.size == 0:
        return np.array([])
    top = float(np.max(np.abs(finite)))
    if top == 0:
        return np.array([])
    ring = top * np.linspace(0.12, 0.95, 8) ** 2  # equal steps in distance for a bowl
    levels = np.concatenate([-ring[::-1], ring])
    return levels[(levels > finite.min()) & (levels < finite.max())]


class HessianFigure(Canvas):
    """Contours of f, the point, the gradient's direction, the eigen-directions, Newton's step.

    The legend sits right of the chart, where it hides no point; a Newton step that leaves the
    chart ends in an arrowhead on its frame, labelled with the point it goes to.
    """

    CACHE_SIZE = 16  # backgrounds with their contours, about 1.2 MB each

    def __init__(self, lang: str = "en"):
        import matplotlib as mpl

        self.lang = figure_lang(lang)
        super().__init__(self.lang, (6.4, 4.6), 1)
        self.figure.subplots_adjust(left=0.075, right=0.7, bottom=0.08, top=0.91)
        (ax,) = self.axes
        ax.set_xlim(*VIEW)
        ax.set_ylim(*VIEW)
        ax.set_aspect("equal")
        ax.set_anchor("W")
        (self.arrow,) = ax.plot([], [], color="black", lw=2.0)
        (self.head,) = ax.plot([], [], color="black", lw=2.0)
        (self.up_a,) = ax.plot([], [], color="tab:blue", lw=1.6)
        (self.up_b,) = ax.plot([], [], color="tab:blue", lw=1.6)
        (self.down_a,) = ax.plot([], [], color="tab:red", lw=1.6, ls="--")
        (self.down_b,) = ax.plot([], [], color="tab:red", lw=1.6, ls="--")
        (self.newton_line,) = ax.plot([], [], color="tab:green", lw=0.9, ls=":")
        (self.newton_point,) = ax.plot([], [], "x", color="tab:green", ms=9, mew=2)
        (self.newton_head,) = ax.plot([], [], color="tab:green", lw=1.6)
        (self.point,) = ax.plot([], [], "o", color="black", ms=5)
        with mpl.rc_context(self.rc):  # the text takes its font (a CJK one for zh) from here
            self.newton_label = ax.text(
                0, 0, "", fontsize=9, color="tab:green",
                bbox={"boxstyle": "square,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.85},
            )  # fmt: skip
        self.lines = [self.arrow, self.head, self.up_a, self.up_b, self.down_a, self.down_b]
        self.lines += [self.newton_line, self.newton_point, self.newton_head, self.point]
        self.contours = None
        self._contour_key = None
        handles = [self.arrow, self.up_a, self.down_a, self.newton_point]
        keys = ("gradient", "up", "down", "newton")
        labels = [i18n.text(TEXT, f"legend.{k}", self.lang) for k in keys]
        with mpl.rc_context(self.rc):  # the legend's font is fixed when it is made: CJK too
            ax.legend(
                handles, labels, loc="upper left", bbox_to_anchor=(1.03, 1.0), fontsize=9,
                borderaxespad=0.0, handlelength=1.6,
            )  # fmt: skip

    def _draw_contours(self, v: HessianValues) -> None:
        key = (v.function, v.a, v.b, v.c, v.dtype)
        if key == self._contour_key:
            return
        if self.contours is not None:
            self.contours.remove()
            self.contours = None
        levels = contour_levels(v)
        if levels.size:
            import matplotlib as mpl

            grid, values = contour_grid(v)
            if v.function == "rosenbrock":
                levels = np.log10(levels)
            with mpl.rc_context(self.rc):
                self.contours = self.axes[0].contour(
                    grid, grid, values, levels=levels, colors="#8c959f", linewidths=0.8
                )
        self._contour_key = key

    def update(self, v: HessianValues) -> bytes:
        self._draw_contours(v)
        name = i18n.text(TEXT, f"name.{v.function}", self.lang)
        self.titles[0].set_text(i18n.text(TEXT, "title", self.lang, name=name))
        for line in self.lines:
            line.set_data([], [])
        self.newton_label.set_text("")
        if math.isfinite(v.x) and math.isfinite(v.y):
            self.point.set_data([v.x], [v.y])
        if v.finite:
            p = np.array([v.x, v.y])
            norm = float(np.hypot(*v.gradient))
            if norm > 0:
                d = v.gradient / norm
                tip = p + ARROW * d
                self.arrow.set_data([p[0], tip[0]], [p[1], tip[1]])
                side = np.array([-d[1], d[0]])
                left, right = tip - 0.2 * d + 0.1 * side, tip - 0.2 * d - 0.1 * side
                self.head.set_data([left[0], tip[0], right[0]], [left[1], tip[1], right[1]])
            values, vectors = v.eigen
            scale = max(float(np.max(np.abs(values))), 1e-30)
            ups, downs = [self.up_a, self.up_b], [self.down_a, self.down_b]
            for k in range(2):
                if abs(values[k]) <= SINGULAR * scale:
                    continue  # flat: no curvature to show
                line = ups.pop(0) if values[k] > 0 else downs.pop(0)
                ends = np.array([p - EIGEN * vectors[:, k], p + EIGEN * vectors[:, k]])
                line.set_data(ends[:, 0], ends[:, 1])
            newton = v.newton
            if newton is not None and np.all(np.isfinite(newton)):
                self._draw_newton(p, newton)
        # The contours move only with the function, its coefficients and the dtype: they are
        # part of the cached background, named by their key; the point's marks are drawn on top.
        self.backdrop_keys = [self._contour_key]
        self.artists = self.lines + [self.newton_label]
        return self.png()

    def _draw_newton(self, p: np.ndarray, newton: np.ndarray) -> None:
        """The step as a dotted line; off the chart, an arrowhead on the frame and the point."""
        exit_point = newton_exit(p, newton)
        if exit_point is None:
            self.newton_line.set_data([p[0], newton[0]], [p[1], newton[1]])
            self.newton_point.set_data([newton[0]], [newton[1]])
            return
        self.newton_line.set_data([p[0], exit_point[0]], [p[1], exit_point[1]])
        d = (newton - p) / float(np.hypot(*(newton - p)))
        side = np.array([-d[1], d[0]])
        left, right = exit_point - 0.25 * d + 0.12 * side, exit_point - 0.25 * d - 0.12 * side
        self.newton_head.set_data(
            [left[0], exit_point[0], right[0]], [left[1], exit_point[1], right[1]]
        )
        # the label inside the frame, beside the arrowhead
        lo, hi = VIEW
        x, y = np.clip(exit_point, lo + 0.15, hi - 0.15)
        x += -0.3 if x > 0 else 0.3
        self.newton_label.set_position((x, y))
        self.newton_label.set_ha("right" if x > 0 else "left")
        self.newton_label.set_va("top" if y > 0 else "bottom")
        self.newton_label.set_text(f"({_shown(float(newton[0]))}, {_shown(float(newton[1]))})")


class HessianModel:
    """The Hessian explorer's model (see `base.Model`)."""

    core = CORE

    def __init__(self, lang: str = "en"):
        self.lang = i18n.language(lang)
        self.figure = HessianFigure(lang)

    def compute(self, **values) -> HessianValues:
        return hessian_values(**values)

    def render(self, result: HessianValues) -> bytes:
        return self.figure.update(result)

    def describe(self, result: HessianValues, lang: str) -> list[str]:
        return hessian_lines(result, lang)

    def status(self, result: HessianValues, lang: str) -> tuple[str, str]:
        return hessian_status(result, lang)

    def report(self, **values) -> str:
        return hessian_report(lang=self.lang, **values)


def hessian_explorer(
    lang: str = "en", function: str = "bowl", x: float = 2.0, y: float = 1.0
) -> base.Explorer:
    """Function, point (x, y), the bowl's coefficients a, b, c, and dtype."""
    import ipywidgets as w

    lang = i18n.language(lang)
    choice = w.ToggleButtons(
        options=[(i18n.text(TEXT, f"name.{f}", lang), f) for f in FUNCTIONS],
        value=function,
        description=i18n.text(TEXT, "label.function", lang),
        style={**base.LABEL_STYLE, "button_width": "100px"},
        layout=w.Layout(**base.CONTROL_LAYOUT),
    )
    base.set_tooltip(choice, i18n.text(TEXT, "tooltip.function", lang))
    base.in_slider_row(choice)

    def tip(key: str) -> str:
        return i18n.text(TEXT, f"tooltip.{key}", lang)

    controls = {
        "function": choice,
        "x": base.slider("float", "x", tip("x"), x, -3.0, 3.0, 0.05, ".2f"),
        "y": base.slider("float", "y", tip("y"), y, -3.0, 3.0, 0.05, ".2f"),
        "a": base.slider("float", "a", tip("a"), 1.0, -3.0, 3.0, 0.1, ".1f"),
        "b": base.slider("float", "b", tip("b"), 1.0, -4.0, 4.0, 0.1, ".1f"),
        "c": base.slider("float", "c", tip("c"), 2.0, -3.0, 3.0, 0.1, ".1f"),
        "dtype": base.dtype_switch(
            i18n.text(TEXT, "label.dtype", lang), i18n.text(TEXT, "tooltip.dtype", lang)
        ),
    }

    def bowl_only(_change=None) -> None:  # the coefficients mean nothing for Rosenbrock
        for name in ("a", "b", "c"):
            controls[name].disabled = choice.value != "bowl"

    choice.observe(bowl_only, names="value")
    bowl_only()
    return base.Explorer(HessianModel(lang), controls, lang)
