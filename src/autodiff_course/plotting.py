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


def use_course_style(lang: str = "en") -> str | None:
    """Apply the course's matplotlib style; for Chinese, put a CJK font first when there is one.

    Returns the CJK font chosen, or None. Without one, Chinese labels cannot be drawn: the
    explorers then label their figures in English, and matplotlib's "Glyph missing" warning is
    silenced so that no notebook shows it.
    """
    import matplotlib as mpl

    mpl.rcParams.update(
        {
            "figure.figsize": (7.0, 4.0),
            "figure.dpi": 100,
            "axes.grid": True,
            "grid.alpha": 0.3,
            "axes.spines.top": False,
            "axes.spines.right": False,
            "font.size": 11,
            "legend.frameon": False,
        }
    )
    font = find_cjk_font() if lang == "zh" else None
    if font:
        mpl.rcParams["font.sans-serif"] = [font, "DejaVu Sans"]
        mpl.rcParams["axes.unicode_minus"] = False
    warnings.filterwarnings("ignore", message=r"Glyph \d+ .* missing from font")
    return font


def can_draw_chinese() -> bool:
    """True when figures can show Chinese text (a CJK font is installed)."""
    return find_cjk_font() is not None
