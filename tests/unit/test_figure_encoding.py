"""The explorers' PNGs show what Agg drew: the palette of a reused background plus the lines."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from autodiff_course import explorers as ex
from autodiff_course.explorers.canvas import BACKGROUND_COLOURS, Canvas, QuantisedBackground
from course_tools.bench import random_value, synthetic_modes_grid

EXPLORERS = {
    "tangent": lambda: ex.tangent_explorer("en", show_curvature=True),
    "descent": lambda: ex.descent_explorer("en"),
    "hessian": lambda: ex.hessian_explorer("en"),
    "kink": lambda: ex.kink_explorer("en"),
    "modes": lambda: ex.modes_explorer(synthetic_modes_grid(), "en"),
    "tape": lambda: ex.tape_explorer("en"),
    "fit": lambda: ex.fit_explorer("en"),
}


def agg_canvas(model):
    """The Agg canvas the model's figure is drawn on."""
    figure = getattr(model, "figure", None) or model._figure
    return figure[1] if isinstance(figure, tuple) else figure.canvas  # the tape keeps a tuple


def drawn_and_shown(explorer) -> tuple[np.ndarray, np.ndarray]:
    """The RGB pixels Agg drew for the current values, and those the PNG decodes to."""
    if isinstance(explorer.model, ex.ModesModel):  # figures drawn ahead: draw this one again
        explorer.model._figure.update(explorer.result, None)
    drawn = np.asarray(agg_canvas(explorer.model).buffer_rgba())[..., :3].astype(int)
    shown = np.asarray(Image.open(io.BytesIO(explorer.image.value)).convert("RGB")).astype(int)
    return drawn, shown


@pytest.mark.parametrize("name", list(EXPLORERS))
def test_the_png_is_the_drawn_figure_up_to_its_palette(name):
    """Random moves of random sliders (new axes limits among them): every PNG decodes to the
    pixels Agg drew, off by at most a palette step on all but a few anti-aliased edge pixels
    (measured: at most 48 levels, on at most 0.11 % of the pixels)."""
    explorer = EXPLORERS[name]()
    rng = np.random.default_rng(7)
    names = list(explorer.controls)
    for _ in range(25):
        control = names[int(rng.integers(len(names)))]
        explorer.forget_drawn()  # drawn now, so that the canvas holds what the PNG shows
        explorer.set_values(**{control: random_value(explorer.controls[control], rng)})
        drawn, shown = drawn_and_shown(explorer)
        assert shown.shape == drawn.shape
        error = np.abs(shown - drawn).max(axis=2)
        assert error.max() <= 56, (control, explorer.values(), int(error.max()))
        assert np.mean(error > 16) <= 0.002, (control, explorer.values())


def _shown_minus_drawn(png: bytes, canvas) -> int:
    """The largest difference, in levels, between the PNG and the pixels Agg drew."""
    shown = np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).astype(int)
    drawn = np.asarray(canvas.buffer_rgba())[..., :3].astype(int)
    assert shown.shape == drawn.shape
    return int(np.abs(shown - drawn).max())


def _canvas_with_a_line():
    canvas = Canvas("en", (3.0, 2.0), 1)
    (line,) = canvas.axes[0].plot([], [], color="tab:blue")
    canvas.artists = [line]
    return canvas, line


def test_lines_on_a_reused_background_get_their_own_colours():
    canvas, line = _canvas_with_a_line()
    for colour in ("tab:blue", "tab:red", "tab:green"):  # one background, three line colours
        line.set_color(colour)
        line.set_data([0.0, 1.0], [0.0, 1.0])
        png = canvas.png()
        assert _shown_minus_drawn(png, canvas.canvas) <= 16, colour
    assert len(canvas._quantised) == 1
    palette = Image.open(io.BytesIO(png))
    assert palette.mode == "P"
    # the line's pixels use the colours after the background's
    assert np.asarray(palette).max() >= BACKGROUND_COLOURS


def test_reduced_backgrounds_are_kept_per_axes_limits_and_bounded():
    canvas, line = _canvas_with_a_line()
    line.set_data([0.0, 1.0], [0.0, 1.0])
    for top in range(1, canvas.QUANTISED_SIZE + 5):
        canvas.axes[0].set_ylim(0.0, float(top))
        canvas.png()
    assert len(canvas._quantised) == canvas.QUANTISED_SIZE
    canvas.axes[0].set_ylim(0.0, 1.0)  # evicted since: reduced again, and still right
    assert _shown_minus_drawn(canvas.png(), canvas.canvas) <= 16


def test_a_frame_with_nothing_drawn_on_the_background_is_the_background():
    canvas, _ = _canvas_with_a_line()
    canvas.png()
    background = QuantisedBackground(canvas.canvas)
    image = Image.open(io.BytesIO(background.png(canvas.canvas)))
    assert np.asarray(image).max() < BACKGROUND_COLOURS


def test_the_background_used_last_is_the_one_kept():
    canvas, line = _canvas_with_a_line()
    line.set_data([0.0, 1.0], [0.0, 1.0])
    tops = range(1, canvas.QUANTISED_SIZE + 1)
    for top in tops:  # fills the cache; top = 1 is the oldest
        canvas.axes[0].set_ylim(0.0, float(top))
        canvas.png()
    oldest, second = list(canvas._quantised)[:2]
    canvas.axes[0].set_ylim(0.0, 1.0)  # used again: now the newest
    canvas.png()
    canvas.axes[0].set_ylim(0.0, 100.0)  # a new one evicts the least recently used
    canvas.png()
    assert oldest in canvas._quantised
    assert second not in canvas._quantised
    assert list(canvas._quantised)[-2] == oldest


def test_a_short_background_palette_is_padded_so_the_line_colours_stay_apart(monkeypatch):
    """Pillow 11 and 13 return all the colours asked for, even for a one-colour image; a
    quantiser that returned only the colours it used would shift the lines' colours, unless the
    background's palette is padded to BACKGROUND_COLOURS."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D

    from autodiff_course.explorers import canvas as canvas_module

    reduce = canvas_module._reduced

    def only_the_used_colours(image, colours):
        reduced = reduce(image, colours)
        used = int(np.asarray(reduced).max()) + 1
        reduced.putpalette(reduced.getpalette()[: 3 * used])
        return reduced

    monkeypatch.setattr(canvas_module, "_reduced", only_the_used_colours)
    figure = Figure(figsize=(2.0, 1.5), dpi=72)  # white, nothing on it: one colour
    canvas = FigureCanvasAgg(figure)
    canvas.draw()
    background = QuantisedBackground(canvas)
    assert len(background.palette) == 3 * BACKGROUND_COLOURS
    line = Line2D([0.1, 0.9], [0.2, 0.8], color="tab:red", linewidth=3)
    figure.add_artist(line)
    line.draw(canvas.get_renderer())
    assert _shown_minus_drawn(background.png(canvas), canvas) <= 16


def test_a_resized_figure_is_drawn_afresh_at_its_new_size():
    canvas, line = _canvas_with_a_line()
    line.set_data([0.0, 1.0], [0.0, 1.0])
    assert _shown_minus_drawn(canvas.png(), canvas.canvas) <= 16
    canvas.figure.set_size_inches(4.0, 2.5)
    assert _shown_minus_drawn(canvas.png(), canvas.canvas) <= 16
    assert len(canvas._quantised) == 1  # the old size's pixels are gone


def test_a_background_refuses_a_canvas_of_another_size():
    canvas, _ = _canvas_with_a_line()
    canvas.png()
    background = QuantisedBackground(canvas.canvas)
    canvas.figure.set_size_inches(4.0, 2.5)
    canvas.canvas.draw()
    with pytest.raises(ValueError, match="pixels, its background was"):
        background.png(canvas.canvas)
