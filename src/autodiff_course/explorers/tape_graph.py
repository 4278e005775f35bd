"""The tape explorer of chapter 11: the graph the own tape records for f(x) = a·x² + b·x + c.

`tape_values(a, b, c, x)` records f on the chapter's tape (`autodiff_course.minitape`), plays
it backwards, and asks tf.GradientTape for the same four gradients (a `tf.function` on float64
tensors, traced once). The figure draws the recorded graph: inputs on the left, one box per
operation, arrows for data flow, each box with its forward value and its adjoint.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass

from autodiff_course import i18n
from autodiff_course.explorers import base
from autodiff_course.explorers.canvas import QuantisedBackground, figure_lang, figure_rc
from autodiff_course.minitape import Tape, Value, backward, describe

TEXT = i18n.strings(
    __name__,
    {
        "f": {"en": "f({x}) = {v}", "zh": "f({x}) = {v}"},
        "adjoint_x": {
            "en": "adjoint of x (own tape) = {own} | tape.gradient = {tf}",
            "zh": "x 的伴随值（自制磁带）= {own} | tape.gradient = {tf}",
        },
        "adjoints": {
            "en": "adjoints of a, b, c = {own} | tape.gradient: {tf}",
            "zh": "a、b、c 的伴随值 = {own} | tape.gradient：{tf}",
        },
        "records": {
            "en": "{k} records on the tape, {e} adjoint updates in the backward pass",
            "zh": "磁带上有 {k} 条记录，反向传播更新伴随值 {e} 次",
        },
        "agree": {
            "en": "The own tape and tf.GradientTape agree: max abs difference {d} "
            "over the four gradients.",
            "zh": "自制磁带与 tf.GradientTape 一致：四个梯度的最大绝对误差为 {d}。",
        },
        "disagree": {
            "en": "The own tape and tf.GradientTape differ by {d}: more than float64 "
            "rounding explains.",
            "zh": "自制磁带与 tf.GradientTape 相差 {d}，超出了 float64 舍入误差的范围。",
        },
        "not_finite": {
            "en": "{name} = {value} is not a finite number: choose finite values for a, b, c "
            "and x.",
            "zh": "{name} = {value} 不是有限的数：请为 a、b、c 和 x 选择有限的值。",
        },
        "overflow": {
            "en": "f overflows at x = {x}: x² is beyond the largest float64 (about 1.8e308), "
            "so there is nothing finite to draw. Choose a smaller |x|.",
            "zh": "x = {x} 时 f 溢出：x² 超出了 float64 的最大值（约 1.8e308），"
            "没有有限的数可画。请选择更小的 |x|。",
        },
        "value": {"en": "value", "zh": "值"},
        "adjoint": {"en": "adjoint", "zh": "伴随值"},
        "title": {
            "en": "the recorded graph: values computed along the arrows, adjoints passed back "
            "against them; ∂ on an arrow = local derivative",
            "zh": "记录下来的计算图：值沿箭头方向计算，伴随值逆着箭头传回；箭头上的 ∂ 是局部导数",
        },
        "tip_a": {"en": "a in f(x) = a·x² + b·x + c", "zh": "f(x) = a·x² + b·x + c 中的 a"},
        "tip_b": {"en": "b in f(x) = a·x² + b·x + c", "zh": "f(x) = a·x² + b·x + c 中的 b"},
        "tip_c": {"en": "c in f(x) = a·x² + b·x + c", "zh": "f(x) = a·x² + b·x + c 中的 c"},
        "tip_x": {
            "en": "the point where both tapes differentiate f",
            "zh": "两盘磁带求导的位置",
        },
    },
)

CORE = "tape_graph"
_TRACES = base.trace_counter(CORE)  # traces of the tf.GradientTape core, per dtype
_CORE = {}


def _tf_core():
    """The four gradients of f from tf.GradientTape, compiled once (float64 tensors)."""
    if "core" not in _CORE:
        tf = base.tf()

        @tf.function(autograph=False)
        def gradients(a, b, c, x):
            _TRACES[x.dtype.name] += 1  # Python code: runs only while tracing
            with tf.GradientTape() as tape:
                tape.watch([a, b, c, x])
                f = a * x**2 + b * x + c
            return tape.gradient(f, [a, b, c, x])

        _CORE["core"] = gradients
    return _CORE["core"]


@dataclass
class TapeValues:
    """What both tapes say for f(x) = a·x² + b·x + c at these values."""

    a: float
    b: float
    c: float
    x: float
    leaves: list  # the inputs a, b, c, x as Values
    records: list  # the tape's operations, in recording order
    adjoints: dict  # Value → adjoint, from the own backward pass
    updates: int  # adjoint updates in the backward pass
    own: list  # df/da, df/db, df/dc, df/dx from the own tape
    tf: list  # the same from tf.GradientTape
    problem: tuple | None  # (key, params) when the inputs cannot be drawn

    @property
    def difference(self) -> float:
        return max(abs(o - t) for o, t in zip(self.own, self.tf, strict=True))


def tape_values(a: float, b: float, c: float, x: float) -> TapeValues:
    """Record f on the own tape, play it backwards, and ask tf.GradientTape too."""
    values = {"a": a, "b": b, "c": c, "x": x}
    for name, value in values.items():
        if not isinstance(value, (int, float)) or not math.isfinite(value):
            return TapeValues(
                a, b, c, x, [], [], {}, 0, [], [], ("not_finite", {"name": name, "value": value})
            )
    a, b, c, x = (float(v) for v in (a, b, c, x))
    if abs(x) > 1e154:  # x² would overflow float64
        return TapeValues(a, b, c, x, [], [], {}, 0, [], [], ("overflow", {"x": _g(x)}))
    leaves = [Value(v, name) for name, v in zip("abcx", (a, b, c, x), strict=True)]
    la, lb, lc, lx = leaves
    with Tape() as tape:
        f = la * lx**2 + lb * lx + lc
    log = []
    adjoints = backward(tape, f, log)
    own = [adjoints.get(leaf, 0.0) for leaf in leaves]
    import tensorflow as tf  # imported by _tf_core first

    core = _tf_core()
    ref = [float(g) for g in core(*(tf.constant(v, tf.float64) for v in (a, b, c, x)))]
    return TapeValues(a, b, c, x, leaves, tape.records, adjoints, len(log), own, ref, None)


def spread(i: int, n: int, height: float) -> float:
    """Vertical offset of the i-th of n arrow ends on a box's side (0 for a single one)."""
    return 0.0 if n < 2 else (i / (n - 1) - 0.5) * 0.4 * height


def _g(v: float) -> str:
    """6 significant digits, −0 shown as 0, a true minus sign."""
    return f"{v + 0.0:.6g}".replace("-", "−")


# ----------------------------------------------------------------------------- the model


class TapeModel:
    """compute / render / describe / status for the tape explorer."""

    core = CORE

    def __init__(self, lang: str = "en"):
        self.lang = i18n.language(lang)
        self._figure = None

    def compute(self, a, b, c, x) -> TapeValues:
        return tape_values(a, b, c, x)

    def status(self, result: TapeValues, lang: str):
        if result.problem is not None:
            key, params = result.problem
            return "diverges", i18n.text(TEXT, key, lang, **params)
        d = result.difference
        if d <= 1e-9 * max(1.0, *(abs(v) for v in result.tf)):
            return "converges", i18n.text(TEXT, "agree", lang, d=f"{d:.1e}" if d else "0")
        return "diverges", i18n.text(TEXT, "disagree", lang, d=f"{d:.1e}")

    def describe(self, result: TapeValues, lang: str) -> list[str]:
        if result.problem is not None:
            return []
        own, ref = result.own, result.tf
        return [
            i18n.text(TEXT, "f", lang, x=_g(result.x), v=_g(result.records[-1].data)),
            i18n.text(TEXT, "adjoint_x", lang, own=_g(own[3]), tf=_g(ref[3])),
            i18n.text(
                TEXT,
                "adjoints",
                lang,
                own=", ".join(_g(v) for v in own[:3]),
                tf=", ".join(_g(v) for v in ref[:3]),
            ),  # fmt: skip
            i18n.text(TEXT, "records", lang, k=len(result.records), e=result.updates),
        ]

    def report(self, a, b, c, x, lang=None) -> str:
        """The records, both tapes' gradients and the verdict, as text (the model's language)."""
        lang = lang or self.lang
        result = self.compute(a, b, c, x)
        lines = [describe(node) + f" = {_g(node.data)}" for node in result.records]
        return "\n".join(lines + self.describe(result, lang) + [self.status(result, lang)[1]])

    # -- the figure: the graph's shape never changes, so boxes, arrows and the boxes' first
    #    lines are drawn once; an update draws only the lines with numbers, and a line it has
    #    drawn before at the same place is pasted back from a cache (drawing text is the cost)

    # Column, row of each node of a·x² + b·x + c. Four columns, the last step below the one
    # before: the boxes are wide enough for their numbers in a figure 640 pixels wide, which
    # windows from 1024 pixels up show at (nearly) its own size.
    LAYOUT = {
        "a": (0, 0.0), "x": (0, 1.5), "b": (0, 3.0), "c": (0, 4.3),
        "v1": (1.1, 1.0), "v3": (1.1, 2.6), "v2": (2.1, 0.5), "v4": (3.1, 1.1), "v5": (3.1, 3.3),
    }  # fmt: skip

    BOX = (0.74, 0.84)  # width, height of a node's box, in data units
    FIGSIZE, DPI = (6.4, 3.8), 100
    FONT = 8.5  # the boxes' lines; the arrows' ∂ labels are 8 points (11 pixels)
    CACHE_SIZE = 4096  # drawn lines kept, about 5 kB each

    def _build(self, result: TapeValues):
        """Arrows, boxes, title and the boxes' first lines drawn once into a background."""
        import matplotlib as mpl
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
        from matplotlib.patches import FancyBboxPatch
        from matplotlib.transforms import offset_copy

        lang = self.figure_lang
        with mpl.rc_context(figure_rc(lang)):
            fig = Figure(figsize=self.FIGSIZE, dpi=self.DPI)
            canvas = FigureCanvasAgg(fig)
            ax = fig.add_axes((0, 0, 1, 0.88))
            ax.set_xlim(-0.41, 3.51)
            ax.set_ylim(4.95, -0.6)
            ax.axis("off")
            # two lines, cut after the semicolon: one is wider than the figure
            title = i18n.text(TEXT, "title", lang).replace("; ", ";\n").replace("；", "；\n")
            fig.suptitle(title, fontsize=9, y=0.99, linespacing=1.3)
            width, height = self.BOX
            texts = {}  # slot → (Text, lowest and highest pixel row its line may use)
            nodes = result.leaves + result.records
            # Where the arrows leave and reach a box: spread along its side, one point each.
            children = {n.name: [c for c in nodes for p, _ in c.parents if p is n] for n in nodes}
            for node in nodes:
                col, row = self.LAYOUT[node.name]
                for k, (parent, _) in enumerate(node.parents):
                    if parent.name in self.LAYOUT:
                        pc, pr = self.LAYOUT[parent.name]
                        out = children[parent.name]
                        start = (pc + width / 2, pr + spread(out.index(node), len(out), height))
                        end = (col - width / 2, row + spread(k, len(node.parents), height))
                        below = pc == col  # the step below its parent: straight down
                        if below:
                            start, end = (col, pr + height / 2), (col, row - height / 2)
                        ax.annotate(
                            "", xy=end, xytext=start,
                            arrowprops={"arrowstyle": "-|>", "color": "#8c959f", "lw": 1.1},
                        )  # fmt: skip
                        # the local derivative, written on the arrow near its head (beside it
                        # when the arrow points down)
                        label = ax.text(
                            start[0] + 0.55 * (end[0] - start[0]) + (0.06 if below else 0.0),
                            start[1] + 0.55 * (end[1] - start[1]) - (0.0 if below else 0.13),
                            "", ha="left" if below else "center", va="center", fontsize=8,
                            color="#57606a", animated=True,
                            bbox={"boxstyle": "square,pad=0.1", "fc": "white", "ec": "none"},
                        )  # fmt: skip
                        texts[node.name, k] = (label, None)
                leaf = not node.parents
                ax.add_patch(
                    FancyBboxPatch(
                        (col - width / 2, row - height / 2), width, height,
                        boxstyle="round,pad=0.02", fc="#ddf4ff" if leaf else "#fff8c5",
                        ec="#0969da" if leaf else "#9a6700",
                    )
                )  # fmt: skip
                # The box's three lines (head, value, adjoint), centred on the box and spaced as
                # matplotlib spaces the lines of one text (1.2 × the font size); drawn as three
                # texts, so that the head is drawn once.
                head = node.name if leaf else describe(node)
                step = 1.2 * self.FONT * fig.dpi / 72  # pixels from one line's centre to the next
                y0, y1, y2 = step, 0.0, -step
                middle = ax.transData.transform((col, row))[1]
                between = -0.5 * step  # where the value line's pixels end and the adjoint's begin
                for slot, y, rows in (
                    ("head", y0, None),
                    ("value", y1, (middle + between, math.inf)),
                    ("adjoint", y2, (-math.inf, middle + between)),
                ):
                    line = ax.text(
                        col, row, head if slot == "head" else "", ha="center", va="center",
                        fontsize=self.FONT, animated=slot != "head",
                        transform=offset_copy(ax.transData, fig, y=y, units="dots"),
                    )  # fmt: skip
                    if slot != "head":
                        texts[node.name, slot] = (line, rows)
            canvas.draw()
            background = canvas.copy_from_bbox(fig.bbox)
        self._figure = (fig, canvas, ax, texts, background)
        self._quantised = QuantisedBackground(canvas)  # the canvas holds just the background
        self._lines = {}  # (slot, text) → the pixels of that line drawn on the background

    @property
    def figure_lang(self) -> str:
        """Chinese figure text only where a font can draw it; English otherwise."""
        return figure_lang(self.lang)

    def render(self, result: TapeValues) -> bytes:
        if result.problem is not None:
            return self._blank(result)
        if self._figure is None:
            self._build(result)
        import matplotlib as mpl

        fig, canvas, ax, texts, background = self._figure
        lang = self.figure_lang
        value, adjoint = i18n.text(TEXT, "value", lang), i18n.text(TEXT, "adjoint", lang)
        with mpl.rc_context(figure_rc(lang)):
            canvas.restore_region(background)
            for node in result.leaves + result.records:
                adj = _g(result.adjoints.get(node, 0.0))
                self._line(texts, (node.name, "value"), f"{value} {_g(node.data)}")
                self._line(texts, (node.name, "adjoint"), f"{adjoint} {adj}")
                for k, (_, local) in enumerate(node.parents):
                    self._line(texts, (node.name, k), f"∂ {_g(local)}")
        return self._quantised.png(canvas)

    def _line(self, texts, slot, text: str):
        """Draw one line of text, or paste it where it was drawn before with the same text."""
        from matplotlib.transforms import Bbox

        fig, canvas, ax, _, _ = self._figure
        key = slot, text
        if key in self._lines:
            self._lines[key] = self._lines.pop(key)  # most recently used last
            canvas.restore_region(self._lines[key])
            return
        artist, rows = texts[slot]
        artist.set_text(text)
        ax.draw_artist(artist)
        # The line's box, widened by 2 pixels for anti-aliasing, and cut where the box's other
        # line begins: each pasted line then covers only its own pixels.
        box = artist.get_window_extent(canvas.get_renderer()).padded(2)
        low, high = rows if rows is not None else (-math.inf, math.inf)
        box = Bbox([[box.x0, max(box.y0, low)], [box.x1, min(box.y1, high)]])
        if len(self._lines) >= self.CACHE_SIZE:
            self._lines.pop(next(iter(self._lines)))
        self._lines[key] = canvas.copy_from_bbox(box)

    def _blank(self, result: TapeValues) -> bytes:
        """A figure with the sentence instead of a graph: never an empty image."""
        import matplotlib as mpl
        from matplotlib.figure import Figure

        key, params = result.problem
        with mpl.rc_context(figure_rc(self.figure_lang)):
            fig = Figure(figsize=(self.FIGSIZE[0], 1.2), dpi=self.DPI)
            fig.text(0.5, 0.5, i18n.text(TEXT, key, self.figure_lang, **params), ha="center",
                     va="center", wrap=True, fontsize=10, color="#cf222e")  # fmt: skip
            buffer = io.BytesIO()
            fig.savefig(buffer, format="png")
        return buffer.getvalue()


def tape_explorer(lang: str = "en") -> base.Explorer:
    """Sliders a, b, c, x: the graph the own tape records, with values and adjoints."""
    import ipywidgets as w

    lang = i18n.language(lang)
    controls = {}
    for name, value in (("a", 1.0), ("b", -2.0), ("c", 1.0), ("x", 3.0)):
        control = w.FloatSlider(
            value=value, min=-5.0, max=5.0, step=0.1, description=name, readout_format=".1f",
            continuous_update=True, style={"description_width": "105px"},
            layout=w.Layout(width="330px"),
        )  # fmt: skip
        base.set_tooltip(control, i18n.text(TEXT, f"tip_{name}", lang))
        controls[name] = control
    return base.Explorer(TapeModel(lang), controls, lang)
