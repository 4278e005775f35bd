"""The explorers' figures: an off-screen canvas that keeps its background, and round limits."""

from __future__ import annotations

import io
import math


def figure_lang(lang: str) -> str:
    """Chinese figure text only where a font can draw it; English otherwise."""
    from autodiff_course.plotting import can_draw_chinese

    return "zh" if lang == "zh" and can_draw_chinese() else "en"


def figure_rc(lang: str) -> dict:
    """The explorers' figures and stills: the course's style at 10 points.

    With a CJK font, Latin letters, digits and symbols come from DejaVu Sans and only what it
    lacks (Chinese) from the CJK font: a CJK font draws "·" as wide as a Chinese character
    ("a · x²") and has no true minus sign.
    """
    from autodiff_course.plotting import course_rc

    rc = {**course_rc(lang), "font.size": 10}
    family = rc.get("font.family")
    if family and family[-1] == "DejaVu Sans":  # [CJK font, "DejaVu Sans"]
        rc.update({"font.family": ["DejaVu Sans", *family[:-1]], "axes.unicode_minus": True})
    return rc


def smallest_text_px(model) -> float:
    """The smallest font among the texts a model's figure shows, in pixels of its PNG.

    A figure shown at its own size is as legible as this says; the browser test multiplies it by
    the scale the page shows the figure at.
    """
    from matplotlib.text import Text

    figure = model.figure if hasattr(model, "figure") else model._figure
    figure = figure[0] if isinstance(figure, tuple) else getattr(figure, "figure", figure)
    sizes = [
        text.get_fontsize()
        for text in figure.findobj(Text)
        if text.get_visible() and text.get_text().strip()
    ]
    return min(sizes) * figure.dpi / 72


def padded(lo: float, hi: float, fraction: float = 0.08, minimum: float = 1.0):
    span = hi - lo
    pad = fraction * span if span > 0 else minimum
    return lo - pad, hi + pad


def nice_step(span: float, ticks: int = 4) -> float:
    """A round tick spacing (1, 2, 2.5 or 5 times a power of ten) for about `ticks` ticks."""
    raw = max(span, 1e-300) / ticks
    power = 10.0 ** math.floor(math.log10(raw))
    return next(m * power for m in (1.0, 2.0, 2.5, 5.0, 10.0) if m * power >= raw)


def nice_limits(lo: float, hi: float, minimum_span: float = 1.0) -> tuple[float, float]:
    """Limits rounded outwards to round numbers.

    Round limits look calmer, and they repeat: many slider values share the same axes, so the
    figure can reuse their drawing (see `Canvas`).
    """
    lo, hi = max(lo, -1e300), min(hi, 1e300)
    if hi - lo < minimum_span:
        middle = 0.5 * (lo + hi)
        lo, hi = middle - 0.5 * minimum_span, middle + 0.5 * minimum_span
    step = nice_step(hi - lo)
    return math.floor(lo / step) * step, math.ceil(hi / step) * step


def ladder(value: float, up: bool, mantissas=(1.0, 2.0, 5.0)) -> float:
    """The next number outwards on the ladder 0, ±1, ±2, ±5, ±10, ±20, … (and ±0.5, ±0.2, …)."""
    if value == 0:
        return 0.0
    magnitude = abs(value)
    power = 10.0 ** math.floor(math.log10(magnitude))
    rungs = [m * power for m in (mantissas[-1] / 10, *mantissas, 10.0)]
    if (value > 0) == up:  # moving away from zero
        return math.copysign(next(r for r in rungs if r >= magnitude * (1 - 1e-12)), value)
    return math.copysign(max(r for r in rungs if r <= magnitude * (1 + 1e-12)), value)


def ladder_limits(lo: float, hi: float, minimum_span: float = 1.0) -> tuple[float, float]:
    """Limits on a coarse ladder of round numbers, so that most slider moves keep the axes."""
    lo, hi = max(lo, -1e300), min(hi, 1e300)
    if hi - lo < minimum_span:
        middle = 0.5 * (lo + hi)
        lo, hi = middle - 0.5 * minimum_span, middle + 0.5 * minimum_span
    return ladder(lo, up=False), ladder(hi, up=True)


def decades(lo: float, hi: float) -> tuple[float, float]:
    """Log-axis limits around [lo, hi] on powers of ten that are multiples of 10⁵.

    Coarse on purpose: most slider moves then keep the same axes (see `Canvas`).
    """
    # Kept well inside float64 (±308 decades): the log axis computes ticks beyond its limits.
    low = min(max(5 * math.floor(math.log10(lo) / 5), -150), 145)
    high = min(max(5 * math.ceil(math.log10(hi) / 5), low + 5), 150)
    return 10.0**low, 10.0**high


class Canvas:
    """A matplotlib figure drawn off screen (Agg) to PNG bytes; created once, then reused.

    Drawing axes, ticks and labels is most of the cost of a redraw, and they change only when
    the axis limits do. So the figure is drawn once per set of limits without its data lines,
    that background is kept, and an update pastes it back and draws just the lines on top.

    `artists` are the lines drawn on top at every update. Any other artist is part of the
    background: data that move only with some controls (contours that depend on the
    coefficients but not on the point) belong there too, named in `backdrop_keys[i]` for
    axes i, so that a background is drawn afresh when they change and reused while they stay.
    """

    CACHE_SIZE = 64
    QUANTISED_SIZE = 16  # backgrounds kept reduced to a palette: about 1 MB each

    def __init__(
        self, lang: str, figsize: tuple[float, float], ncols: int, dpi: int = 100, rc=None
    ):
        import matplotlib as mpl
        from matplotlib import ticker
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure

        self.rc = figure_rc(lang) if rc is None else rc
        with mpl.rc_context(self.rc):
            self.figure = Figure(figsize=figsize, dpi=dpi)
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
        # Per axes: what else its background shows besides axes, ticks and titles (hashable).
        self.backdrop_keys: list = [None] * len(self.axes)
        self._forget_pixels()
        self.full_draws = 0

    def _forget_pixels(self) -> None:
        """Start the caches afresh, at the canvas's current size."""
        # Per axes: {(xlim, ylim, title, labels): pixels of that axes drawn without data lines}.
        self._backgrounds: list[dict] = [{} for _ in self.axes]
        # {the keys of all axes: that whole background reduced to a palette} (see `png`)
        self._quantised: dict[tuple, QuantisedBackground] = {}
        self._region_boxes = None
        self._size = self.canvas.get_width_height()  # the size every cached pixel was made at

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

        if self.canvas.get_width_height() != self._size:  # resized: every cached pixel is stale
            self._forget_pixels()
        keys = [
            (ax.get_xlim(), ax.get_ylim(), title.get_text(), ax.get_xlabel(), ax.get_ylabel(),
             backdrop)
            for ax, title, backdrop in zip(self.axes, self.titles, self.backdrop_keys, strict=True)
        ]  # fmt: skip
        missing = [i for i, key in enumerate(keys) if key not in self._backgrounds[i]]
        if missing or self._region_boxes is None:
            # Draw the axes whose limits are new, without the data lines, and keep them. Only
            # here does drawing read the course's rc (tick labels are made at draw time); the
            # data artists fixed their style when they were made, and copying rcParams in and
            # out costs about 2 ms a move.
            with mpl.rc_context(self.rc):
                shown = [artist.get_visible() for artist in self.artists]
                for artist in self.artists:
                    artist.set_visible(False)
                for i, ax in enumerate(self.axes):
                    ax.set_visible(i in missing)
                self.canvas.draw()
                for artist, visible in zip(self.artists, shown, strict=True):
                    artist.set_visible(visible)
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
        # The regions tile the canvas, so these keys name the background; were it ever stale,
        # more pixels would count as changed in `png`: slower, not wrong.
        whole = tuple(keys)
        background = self._quantised.pop(whole, None)
        if background is None:
            background = QuantisedBackground(self.canvas)
            if len(self._quantised) >= self.QUANTISED_SIZE:
                self._quantised.pop(next(iter(self._quantised)))
        self._quantised[whole] = background  # most recently used last
        renderer = self.canvas.get_renderer()
        for artist in self.artists:
            artist.draw(renderer)
        return background.png(self.canvas)


# Of a PNG's 256 palette colours, the background's axes, ticks and text get this many (they
# have about 250-290 distinct colours, mostly greys); the data lines drawn on it get the rest.
BACKGROUND_COLOURS = 96


def _reduced(image, colours: int):
    """`image` (RGBA) as a palette image of at most `colours` colours, without dithering."""
    from PIL import Image

    return image.convert("RGB").quantize(
        colours, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE
    )


class QuantisedBackground:
    """A background (the axes without their data lines) reduced to a palette once.

    The figures are palette PNGs: few colours, about 3x smaller and faster to encode than RGB.
    Reducing a whole frame to 256 colours was most of that encoding. But a frame differs from
    its background only where the data lines are drawn (a few thousand of about 200 000
    pixels), so the background is reduced once, to BACKGROUND_COLOURS colours, and a move
    reduces only the pixels that differ from it, to the remaining colours. While the axes stay,
    encoding a move takes 36-40 % of the time it took, and the PNG stays within 16 levels of
    the drawn pixels on at least 99.8 % of them (tests/unit/test_figure_encoding.py).
    """

    def __init__(self, canvas):
        import numpy as np
        from PIL import Image

        width, height = canvas.get_width_height()
        rgba = np.asarray(canvas.buffer_rgba())
        self.pixels = rgba.view(np.uint32)[..., 0].copy()  # one number per RGBA pixel
        reduced = _reduced(
            Image.frombuffer("RGBA", (width, height), rgba, "raw"), BACKGROUND_COLOURS
        )
        self.indices = np.asarray(reduced).copy()
        palette = reduced.getpalette()[: 3 * BACKGROUND_COLOURS]
        self.palette = palette + [0] * (3 * BACKGROUND_COLOURS - len(palette))

    def png(self, canvas) -> bytes:
        """The canvas, now with data lines drawn on this background, as a palette PNG."""
        import numpy as np
        from PIL import Image

        pixels = np.asarray(canvas.buffer_rgba()).view(np.uint32)[..., 0]
        if pixels.shape != self.pixels.shape:
            raise ValueError(
                f"the canvas is {pixels.shape[::-1]} pixels, its background was "
                f"{self.pixels.shape[::-1]}: reduce the new background first"
            )
        changed = pixels != self.pixels
        indices, palette = self.indices.copy(), self.palette
        lines = pixels[changed]  # one number per RGBA pixel, as in __init__
        if len(lines):
            strip = Image.frombuffer("RGBA", (len(lines), 1), lines.tobytes(), "raw")
            reduced = _reduced(strip, 256 - BACKGROUND_COLOURS)
            indices[changed] = np.asarray(reduced)[0] + BACKGROUND_COLOURS
            palette = palette + reduced.getpalette()[: 3 * (256 - BACKGROUND_COLOURS)]
        image = Image.fromarray(indices)  # mode L; the palette makes it P
        image.putpalette(palette)
        buffer = io.BytesIO()
        image.save(buffer, format="png", compress_level=1)
        return buffer.getvalue()
