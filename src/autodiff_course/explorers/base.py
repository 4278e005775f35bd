"""What every explorer shares: the model protocol, the widget, the sliders, the trace counts.

An explorer is a model (plain Python, testable without a browser) wrapped by :class:`Explorer`:

- ``compute(**values) -> result``: the numbers for the current control values;
- ``render(result) -> bytes``: the figure as PNG;
- ``describe(result, lang) -> list[str]``: the numbers panel, one line each;
- ``status(result, lang) -> (kind, sentence) | None``: an optional coloured verdict;
- ``report(**values) -> str``: the same numbers as deterministic text for a recorded output;
- ``core``: the name of its compute core in :func:`trace_counts` (None: no TensorFlow core).
"""

from __future__ import annotations

import html
import math
from collections import Counter
from typing import Any, Protocol

from autodiff_course import i18n
from autodiff_course.explorers.formatting import glued, html_lines

DTYPES = ("float32", "float64")

# How often each compute core was traced, per dtype: {"tangent": Counter, "descent": Counter}.
TRACES: dict[str, Counter] = {}


def trace_counter(core: str) -> Counter:
    """The per-dtype trace counter of the compute core `core` (created on first use)."""
    return TRACES.setdefault(core, Counter())


def trace_counts() -> dict[str, dict[str, int]]:
    """How many times each compute core has been traced so far, per dtype."""
    return {name: dict(sorted(counter.items())) for name, counter in TRACES.items()}


def tf():
    """TensorFlow, imported quietly (the explorers import it on first use, not at import)."""
    from autodiff_course.environment import import_tensorflow_quietly

    return import_tensorflow_quietly()


def check_dtype(dtype: str) -> str:
    if dtype not in DTYPES:
        raise ValueError(f"dtype must be one of {DTYPES}, not {dtype!r}")
    return dtype


def graph_parabola(a, b, c, x):
    """a·x² + b·x + c on tensors, as the compute cores record it (tf.pow: its gradient is 2x)."""
    import tensorflow as tf  # already imported by then: a dictionary look-up

    return a * tf.pow(x, 2) + b * x + c


class Model(Protocol):
    core: str | None

    def compute(self, **values) -> Any: ...

    def render(self, result) -> bytes: ...

    def describe(self, result, lang: str) -> list[str]: ...

    def status(self, result, lang: str) -> tuple[str, str] | None: ...

    def report(self, **values) -> str: ...


# ---------------------------------------------------------------------------- controls

LABEL_STYLE = {"description_width": "105px"}
CONTROL_LAYOUT = {"width": "330px"}


def set_tooltip(widget, text: str) -> None:
    """ipywidgets 8 calls it `tooltip`; ipywidgets 7 only knows `description_tooltip`."""
    if "tooltip" in widget.keys:
        widget.tooltip = text
    else:  # pragma: no cover - ipywidgets 7
        widget.description_tooltip = text


def slider(kind: str, label: str, tooltip: str, value, lo, hi, step, fmt: str):
    """A float or int slider with the course's label width and a tooltip."""
    import ipywidgets as w

    cls = w.FloatSlider if kind == "float" else w.IntSlider
    control = cls(
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
    set_tooltip(control, tooltip)
    return control


def dtype_switch(label: str, tooltip: str):
    """The float32 / float64 toggle."""
    import ipywidgets as w

    switch = w.ToggleButtons(
        options=list(DTYPES),
        value="float32",
        description=label,
        style={**LABEL_STYLE, "button_width": "90px"},
        layout=w.Layout(**CONTROL_LAYOUT),
    )
    set_tooltip(switch, tooltip)
    return in_slider_row(switch)


def in_slider_row(toggle):
    """ToggleButtons lined up with the sliders: label in the same column, on the same row.

    ipywidgets 8's ToggleButtons lack the classes a slider has (the label then sits on a line
    of its own, left-aligned): these two give it the sliders' row, label width and margins.
    """
    for name in ("jupyter-widgets", "widget-inline-hbox"):
        toggle.add_class(name)
    return toggle


# ---------------------------------------------------------------------------- the widget

STATUS_COLOURS = {
    "converges": "#1a7f37",
    "one_step": "#1a7f37",
    "oscillates_converges": "#9a6700",
    "oscillates_forever": "#bc4c00",
    "diverges": "#cf222e",
    "uphill": "#cf222e",
    "no_minimum": "#cf222e",
}
GREY = "#57606a"
TEXT_COLOUR = "#24292f"  # a verdict without a colour of its own

# JupyterLab's dark theme (output background #111111): each colour above has a light twin
# there, at least 4.5:1 against that background as against white (WCAG AA; tested).
DARK_TWINS = {
    "#1a7f37": "#3fb950",  # green
    "#9a6700": "#d29922",  # yellow
    "#bc4c00": "#f0883e",  # orange
    "#cf222e": "#ff7b72",  # red
    GREY: "#9ea7b3",
    TEXT_COLOUR: "#e6edf3",
}
DARK = 'body[data-jp-theme-light="false"]'
# The selected toggle button, (text, background): light and dark theme.
ACTIVE_TOGGLE = {"light": ("#ffffff", "#0969da"), "dark": ("#0d1117", "#58a6ff")}


def tone(colour: str) -> str:
    """HTML attributes that colour an element: `colour`, or its dark twin in a dark theme."""
    return f"class='autodiff-tone-{colour.lstrip('#')}' style='color:{colour}'"


def explorer_css() -> str:
    """The explorers' style sheet: what a layout property cannot say.

    The selected toggle button stands out (JupyterLab's grey on grey barely does, in a dark
    theme); in a dark theme the coloured sentences take their twins (an inline colour loses to
    !important); a line longer than its panel breaks inside a word only when nothing else fits.
    """
    active = ".autodiff-explorer .widget-toggle-button.mod-active"
    rules = [
        # narrow padding: three buttons of 68 pixels fit beside the label ("ReLU(x)" in bold)
        ".autodiff-explorer .widget-toggle-button {padding-left:4px;padding-right:4px}",
        "{} {{color:{};background:{};font-weight:600}}".format(active, *ACTIVE_TOGGLE["light"]),
        "{} {} {{color:{};background:{}}}".format(DARK, active, *ACTIVE_TOGGLE["dark"]),
        ".autodiff-explorer .widget-html-content {overflow-wrap:break-word}",
        ".autodiff-explorer .autodiff-status div {line-height:1.35}",
    ]
    rules += [
        f"{DARK} .autodiff-explorer .autodiff-tone-{light.lstrip('#')} {{color:{dark}!important}}"
        for light, dark in DARK_TWINS.items()
    ]
    return "<style>" + "\n".join(rules) + "</style>"


def png_width(png: bytes) -> int | None:
    """The width in pixels written in a PNG's header (None for bytes that are no PNG)."""
    png = bytes(png[:24])
    return int.from_bytes(png[16:20], "big") if png.startswith(b"\x89PNG") else None


# What an explorer keeps of the figures it drew: PNGs of 9-31 kB, but chapter 08's results hold
# an 820 kB grid of function values (so about 28 of its figures are kept, ~1000 of the others').
DRAWN_BYTES = 24_000_000
LOOK_AHEAD_AFTER_S = 0.03  # a move that follows sooner is a fast drag: nothing is drawn ahead


def rounded(value):
    """Floats to 12 digits: the 1.1 drawn ahead and the 1.1000000000000001 a browser may send
    for the same slider step are one value."""
    return float(f"{value:.12g}") if isinstance(value, float) else value


def drawn_key(values: dict) -> tuple:
    """The cache key of a set of control values, and the values the figure is computed at."""
    return tuple((name, rounded(value)) for name, value in values.items())


def drawn_size(drawn: tuple) -> int:
    """Bytes a kept (result, figure, numbers, status) holds: the PNG, the HTML and the result's
    arrays (the rest of a result is a few floats)."""
    import numpy as np

    result, png, numbers, status = drawn
    fields = vars(result).values() if hasattr(result, "__dict__") else ()
    arrays = sum(v.nbytes for v in fields if isinstance(v, np.ndarray))
    return len(png) + len(numbers) + len(status) + arrays + 1000


def step_ahead(control, old, new):
    """The value one more step beyond `new` in the direction `old` → `new`, where that move was
    exactly one step of a slider; None otherwise (a jump, a button, an end of the range)."""
    import ipywidgets as w

    if isinstance(control, w.SelectionSlider):
        options = [o[1] if isinstance(o, tuple) else o for o in control.options]
        if old not in options or new not in options:
            return None
        i, j = options.index(old), options.index(new)
        k = j + (j - i)
        return options[k] if abs(j - i) == 1 and 0 <= k < len(options) else None
    if not isinstance(control, (w.FloatSlider, w.IntSlider, w.FloatLogSlider)):
        return None
    lo, hi, step = control.min, control.max, control.step
    if isinstance(control, w.FloatLogSlider):  # min, max and step are exponents
        if old <= 0 or new <= 0:
            return None
        old, new = math.log(old, control.base), math.log(new, control.base)
    delta = new - old
    if not step or abs(abs(delta) - step) > 1e-6 * step:
        return None
    ahead = lo + round((new + delta - lo) / step) * step  # on the slider's grid
    if not lo - 1e-9 * step <= ahead <= hi + 1e-9 * step:
        return None
    if isinstance(control, w.FloatLogSlider):
        return float(control.base ** round(ahead, 10))
    return type(control.value)(round(ahead, 10))


class Explorer:
    """A slider explorer: `.widget` is what the notebook shows, `.model` does the work.

    Setting a control's `.value` runs `update` at once (also without a browser), so tests can
    drive it. `.status` and `.numbers` are HTML widgets, `.image` holds the figure as PNG.
    """

    def __init__(self, model: Model, controls: dict, lang: str):
        import ipywidgets as w

        self.model = model
        self.controls = controls
        self.lang = i18n.language(lang)
        self.result = None
        self.updates = 0
        # {control values: (result, figure, numbers, status)}, most recently shown last
        self._drawn: dict[tuple, tuple] = {}
        self._drawn_total = 0  # bytes held in _drawn (drawn_size)
        self.drawn_bytes = DRAWN_BYTES  # 0: keep nothing, compute every update
        self._expected = None  # (control, value) one step on from the last slider step
        self._quiet = False
        self.numbers = w.HTML(layout=w.Layout(width="330px"))
        self.status = w.HTML()
        # The figure at its own size (never blown up, so never blurred), smaller only where
        # its column is narrower; no margin, which would make it wider than its column.
        self.image = w.Image(
            format="png", layout=w.Layout(max_width="100%", margin="0", align_self="flex-start")
        )
        left = w.VBox(list(controls.values()) + [self.numbers], layout=w.Layout(width="340px"))
        self._right = w.VBox([self.image, self.status], layout=w.Layout(min_width="0"))
        style = w.HTML(explorer_css(), layout=w.Layout(display="none"))
        # Controls and figure side by side where the row holds both at full size; elsewhere
        # the figure goes below the controls, where it has the whole width.
        self.widget = w.HBox(
            [style, left, self._right],
            layout=w.Layout(flex_flow="row wrap", align_items="flex-start"),
        )
        self.widget.add_class("autodiff-explorer")
        self.numbers.add_class("autodiff-numbers")
        self.status.add_class("autodiff-status")
        self.image.add_class("autodiff-figure")
        for control in controls.values():
            control.observe(self._on_change, names="value")
        self.update()
        width = png_width(self.image.value)
        if width:  # as wide as the figure, narrower where the page is
            self._right.layout.flex = f"0 1 {width}px"

    def values(self) -> dict:
        return {name: control.value for name, control in self.controls.items()}

    def compute(self, **values):
        return self.model.compute(**values)

    def report(self, **values) -> str:
        return self.model.report(**values)

    def update(self) -> None:
        """Recompute and redraw for the current control values (or show them again).

        A learner drags back and forth over the same few values: what was drawn for recent
        sets of values (up to `drawn_bytes`) is shown again without computing it anew. The
        models are deterministic and compute at the rounded values (`drawn_key`), so the numbers
        are the ones a recomputation would give.
        """
        self.result, png, numbers, status = self._drawing(self.values())
        # All computed first, then sent: the figure, which a move waits for, leaves first and
        # nothing but two short messages follows it while the kernel is still busy.
        self.image.value = png
        self.numbers.value = numbers
        self.status.value = status
        self.updates += 1

    def _drawing(self, values: dict) -> tuple:
        """(result, figure, numbers, status) for these values: drawn before, or drawn now."""
        key = drawn_key(values)
        drawn = self._drawn.pop(key, None)
        if drawn is None:
            # At the rounded values: 0.123 and the 0.12300000000000001 a browser may send
            # for the same slider position show the same numbers, kept or not.
            result = self.model.compute(**dict(key))
            png = self.model.render(result)
            numbers = html_lines(self.model.describe(result, self.lang))
            drawn = (result, png, numbers, self._status_html(result))
        else:
            self._drawn_total -= drawn_size(drawn)
        size = drawn_size(drawn)
        while self._drawn and self._drawn_total + size > self.drawn_bytes:
            oldest = self._drawn.pop(next(iter(self._drawn)))  # the least recently shown
            self._drawn_total -= drawn_size(oldest)
        if size <= self.drawn_bytes:
            self._drawn[key] = drawn  # most recently shown last
            self._drawn_total += size
        return drawn

    def _look_ahead(self, name: str, old, new) -> None:
        """After a second slider step in the same direction, draw the next step while the
        kernel waits: a learner stepping with the arrow keys or dragging slowly finds the
        figure ready. Drawn only once the kernel has been idle LOOK_AHEAD_AFTER_S (a move
        that comes first cancels it; one that comes while it draws waits for it), never shown
        until the slider gets there, and never after a jump, so random clicks cost no extra
        work."""
        import asyncio

        ahead = step_ahead(self.controls[name], old, new)
        expected, self._expected = self._expected, (name, rounded(ahead))
        if ahead is None or expected != (name, rounded(new)) or self.drawn_bytes <= 0:
            return  # not a second step that way, or nowhere to keep the figure
        try:
            loop = asyncio.get_running_loop()  # the kernel's; none in a script or a test
        except RuntimeError:
            return
        updates, values = self.updates, {**self.values(), name: ahead}

        def draw_ahead():
            if self.updates != updates:  # the learner moved on first
                return
            try:
                self._drawing(values)
            except Exception:  # noqa: BLE001 - a value never shown: its error is not shown
                self._drawn.pop(drawn_key(values), None)

        loop.call_later(LOOK_AHEAD_AFTER_S, draw_ahead)

    def forget_drawn(self) -> None:
        """Forget what was drawn (`make bench` times the work of a new value)."""
        self._drawn.clear()
        self._drawn_total = 0

    def _status_html(self, result) -> str:
        # The sentence only. How often a compute core was traced is for tests and `make bench`
        # (`trace_counts()`), not for the learner: chapter 07, which teaches tracing, prints it.
        verdict = self.model.status(result, self.lang)
        if verdict is None:
            return ""
        kind, sentence = verdict
        colour = STATUS_COLOURS.get(kind, TEXT_COLOUR)
        return f"<div {tone(colour)}>{html.escape(glued(sentence, html_text=True))}</div>"

    def set_values(self, **values) -> None:
        """Set several controls at once and update once (the benchmark moves all of them)."""
        self._quiet = True
        try:
            for name, value in values.items():
                self.controls[name].value = value
        finally:
            self._quiet = False
        self.update()

    def _on_change(self, change) -> None:
        if self._quiet:
            return
        try:
            self.update()
        except Exception as err:  # a learner should see a sentence, not a traceback
            self.status.value = f"<b>{type(err).__name__}</b>: {err}"
            return
        name = next(n for n, c in self.controls.items() if c is change.owner)
        self._look_ahead(name, change.old, change.new)

    def text_lines(self, lang: str) -> list[str]:
        """The numbers panel and the status sentence as plain lines, in `lang`."""
        lines = list(self.model.describe(self.result, lang))
        verdict = self.model.status(self.result, lang)
        return lines + [verdict[1]] if verdict else lines

    def still(self) -> bytes:
        """The figure and its numbers as one PNG (English text where no font draws Chinese)."""
        from autodiff_course.explorers.canvas import figure_lang, figure_rc
        from autodiff_course.explorers.still import still_png

        lang = figure_lang(self.lang)
        return still_png(self.image.value, self.text_lines(lang), figure_rc(lang))

    def _repr_mimebundle_(self, include=None, exclude=None):
        """The live widget, with a still and its numbers as text for where no widget can run.

        Front ends that run widgets pick the widget view. The recorder keeps only the still and
        the text (widget state is not saved), so a notebook read before it runs, on GitHub or on
        nbviewer shows the figure; nbval compares the text.
        """
        import base64

        return {
            WIDGET_VIEW: widget_view(self.widget),
            "image/png": base64.b64encode(self.still()).decode("ascii"),
            "text/plain": "\n".join(self.text_lines(self.lang)),
        }


WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def widget_view(widget) -> dict:
    """The widget-view part of a widget's output (ipywidgets 8 and Colab's ipywidgets 7)."""
    bundle = getattr(widget, "_repr_mimebundle_", None)
    data = bundle() if callable(bundle) else None
    if data and WIDGET_VIEW in data:
        return data[WIDGET_VIEW]
    return {"version_major": 2, "version_minor": 0, "model_id": widget.model_id}
