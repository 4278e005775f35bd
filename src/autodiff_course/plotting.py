"""Plot style and CJK font selection (introduced in chapter 01)."""

from __future__ import annotations

import warnings

# Fonts that cover Simplified Chinese, best first. Debian/Ubuntu and Binder (apt.txt) ship the
# Noto CJK family; the others are what Windows and macOS laptops have.
CJK_FONTS = (
    "Noto Sans CJK SC",
    "Noto Sans CJK JP",
    "Noto Sans SC",
    "Source Han Sans SC",
    "WenQuanYi Zen Hei",
    "Microsoft YaHei",
    "SimHei",
    "PingFang SC",
    "Heiti SC",
)


def find_cjk_font() -> str | None:
    """The name of an installed font that can draw Chinese, or None."""
    from matplotlib import font_manager

    installed = {f.name for f in font_manager.fontManager.ttflist}
    return next((name for name in CJK_FONTS if name in installed), None)


def course_rc(lang: str = "en") -> dict:
    """The course's matplotlib settings; for Chinese, a CJK font first when there is one.

    The fonts go in font.family as a list (not font.sans-serif): only then does matplotlib fall
    back to DejaVu Sans for the glyphs a CJK font lacks, such as ₀, ₖ and ⁻.
    """
    rc = {
        "figure.figsize": (7.0, 4.0),
        "figure.dpi": 100,
        "axes.grid": True,
        "grid.alpha": 0.3,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "font.size": 11,
        "legend.frameon": False,
    }
    font = find_cjk_font() if lang == "zh" else None
    if font:
        rc.update({"font.family": [font, "DejaVu Sans"], "axes.unicode_minus": False})
    return rc


def use_course_style(lang: str = "en") -> str | None:
    """Apply `course_rc` to every figure; returns the CJK font chosen, or None.

    Without a CJK font, Chinese labels cannot be drawn: the explorers then label their figures
    in English, and matplotlib's "Glyph missing" warning is silenced so no notebook shows it.
    """
    import matplotlib as mpl

    rc = course_rc(lang)
    if "font.family" not in rc:
        rc["font.family"] = ["sans-serif"]  # undo an earlier Chinese setup in the same kernel
    mpl.rcParams.update(rc)
    warnings.filterwarnings("ignore", message=r"Glyph \d+ .* missing from font")
    return find_cjk_font() if lang == "zh" else None


# JupyterLab's dark theme (data-jp-theme-light="false" on <body>) would show every figure as a
# white box. Inverting the lightness and turning the hue back keeps the colours' meaning (blue
# stays blue) on a dark background. Light themes are left alone.
DARK_THEME_CSS = (
    'body[data-jp-theme-light="false"] .jp-OutputArea-output img '
    "{filter: invert(0.9) hue-rotate(180deg);}"
)


def show_dark_theme_style() -> None:
    """Display the style above in a notebook (it applies to the whole page); elsewhere nothing."""
    from IPython import get_ipython
    from IPython.display import HTML, display

    if getattr(get_ipython(), "kernel", None) is None:  # plain Python or a terminal IPython
        return
    display(HTML(f"<style>{DARK_THEME_CSS}</style>"))


def can_draw_chinese() -> bool:
    """True when figures can show Chinese text (a CJK font is installed)."""
    return find_cjk_font() is not None


def zh_or_en(zh: str, en: str) -> str:
    """A Chinese figure label where a CJK font can draw it, else the same label in English.

    Without a CJK font matplotlib draws Chinese as empty boxes; the Chinese notebooks' figures
    pass every label through this, as the explorers do with `figure_lang`.
    """
    return zh if can_draw_chinese() else en
