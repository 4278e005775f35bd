"""A still of an explorer: its figure with its numbers underneath, as one PNG.

The still travels with the live widget in the same output (`Explorer._repr_mimebundle_`).
JupyterLab, Colab and VS Code show the widget; a notebook read before it runs, on GitHub, on
nbviewer or in the slides shows the still instead of the widget's text stand-in.
"""

from __future__ import annotations

import io
import unicodedata

LINE_HEIGHT_PX = 17
FONT_SIZE = 10
MARGIN_PX = 8
CJK_BREAKS = "，。；：、）"


def _is_cjk(ch: str) -> bool:
    return unicodedata.east_asian_width(ch) in "WF"


def wrap(line: str, fits) -> list[str]:
    """`line` in pieces that each `fits(piece)`: broken at spaces, or between CJK characters
    (after CJK punctuation when there is one in the second half of the piece)."""
    if fits(line):
        return [line]
    pieces, current = [], ""
    for ch in line:
        # CJK punctuation never starts a line: it hangs at the end of this one instead
        if current and not fits(current + ch) and ch not in CJK_BREAKS:
            cut = max(current.rfind(" "), *(current.rfind(p) for p in CJK_BREAKS))
            if not any(_is_cjk(c) for c in current) and cut <= 0:
                cut = len(current) - 1  # a Latin word longer than the line: break it
            if cut >= len(current) // 2:
                pieces.append(current[: cut + 1].rstrip())
                current = current[cut + 1 :].lstrip()
            else:
                pieces.append(current)
                current = ""
        if current or not ch.isspace():  # a piece never starts with a space
            current += ch
    pieces.append(current)
    return pieces


def still_png(figure_png: bytes, lines: list[str], rc: dict) -> bytes:
    """`figure_png` with `lines` of text drawn below it, wrapped to the figure's width."""
    import matplotlib as mpl
    from matplotlib.backends.backend_agg import FigureCanvasAgg, RendererAgg
    from matplotlib.figure import Figure
    from matplotlib.font_manager import FontProperties
    from PIL import Image

    from autodiff_course.explorers.formatting import glued

    figure = Image.open(io.BytesIO(figure_png)).convert("RGB")
    width = figure.width
    with mpl.rc_context(rc):
        font = FontProperties(size=FONT_SIZE)
        renderer = RendererAgg(width, LINE_HEIGHT_PX, 100)

        def fits(piece: str) -> bool:
            measured, _, _ = renderer.get_text_width_height_descent(piece, font, ismath=False)
            return measured <= width - 2 * MARGIN_PX

        # no-break spaces (`glued`) keep formulas and numbers with their units on one line
        wrapped = [piece for line in lines for piece in wrap(glued(line), fits)]
        height = 2 * MARGIN_PX + LINE_HEIGHT_PX * len(wrapped)
        text = Figure(figsize=(width / 100, height / 100), dpi=100, facecolor="white")
        for i, piece in enumerate(wrapped):
            y = 1 - (MARGIN_PX + LINE_HEIGHT_PX * (i + 0.5)) / height
            text.text(MARGIN_PX / width, y, piece, fontsize=FONT_SIZE, va="center")
        canvas = FigureCanvasAgg(text)
        canvas.draw()
        lines_image = Image.frombuffer(
            "RGBA", canvas.get_width_height(), canvas.buffer_rgba(), "raw"
        ).convert("RGB")
    still = Image.new("RGB", (width, figure.height + lines_image.height), "white")
    still.paste(figure, (0, 0))
    still.paste(lines_image, (0, figure.height))
    buffer = io.BytesIO()
    still.save(buffer, format="png", optimize=True)
    return buffer.getvalue()
