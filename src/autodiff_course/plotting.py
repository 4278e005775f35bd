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
    in English, pyplot figures swap their Chinese labels for English ones when drawn
    (`english_when_drawn`), and matplotlib's "Glyph missing" warning is silenced so no notebook
    shows it.
    """
    import matplotlib as mpl

    rc = course_rc(lang)
    if "font.family" not in rc:
        rc["font.family"] = ["sans-serif"]  # undo an earlier Chinese setup in the same kernel
    # Chinese without a CJK font: every pyplot figure draws its labels in English.
    english = lang == "zh" and not can_draw_chinese()
    rc["figure.hooks"] = ["autodiff_course.plotting:english_when_drawn"] if english else []
    mpl.rcParams.update(rc)
    warnings.filterwarnings("ignore", message=r"Glyph \d+ .* missing from font")
    return find_cjk_font() if lang == "zh" else None


# The course's page style, two rules:
# - JupyterLab's dark theme (data-jp-theme-light="false" on <body>) would show every figure as a
#   white box. Inverting the lightness and turning the hue back keeps the colours' meaning (blue
#   stays blue) on a dark background. Light themes are left alone.
# - JupyterLab breaks a long output line anywhere, in the middle of a word ("chec" | "k",
#   word-break: break-all); this breaks it between words, and inside a word only when the word
#   alone is wider than the output (JupyterLab's overflow-wrap: break-word still holds).
DARK_THEME_CSS = (
    'body[data-jp-theme-light="false"] .jp-OutputArea-output img '
    "{filter: invert(0.9) hue-rotate(180deg);}"
    " body .jp-OutputArea-output pre {word-break: normal;}"
)


def show_dark_theme_style() -> None:
    """Display the course's page style (above) in a notebook: it applies to the whole page, the
    notebook's figures and output lines; elsewhere nothing."""
    from IPython import get_ipython
    from IPython.display import HTML, display

    if getattr(get_ipython(), "kernel", None) is None:  # plain Python or a terminal IPython
        return
    display(HTML(f"<style>{DARK_THEME_CSS}</style>"))


def can_draw_chinese() -> bool:
    """True when figures can show Chinese text (a CJK font is installed)."""
    return find_cjk_font() is not None


# The Chinese notebooks' figure labels in English, for a machine without a CJK font (matplotlib
# would draw empty boxes). The chapters write their labels in Chinese only; `in_english` swaps
# them when a figure is drawn (see `use_course_style`). A test checks that every Chinese label
# in the chapters' figure code is here.
ENGLISH_LABELS = [
    (r"x = (.+) 处的切线：斜率 (.+)", r"tangent at x = \1: slope \2"),
    (r"由 tf\.GradientTape 求出的切线斜率", "Tangent slopes from tf.GradientTape"),
    (r"步数 k", "step k"),
    (r"每一步之后的 x", "x after each step"),
    (r"抛物线上的前 7 步", "The first 7 steps on the parabola"),
    (r"数据", "data"),
    (r"直线：2 个数", "A line: 2 numbers"),
    (r"网络", "network"),
    (r"抛物线：49 个数", "A parabola: 49 numbers"),
]


def has_chinese(text: str) -> bool:
    return any(
        "\u4e00" <= ch <= "\u9fff" or "\u3000" <= ch <= "\u303f" or ch in "，：；（）"
        for ch in text
    )


def in_english(text: str) -> str:
    """A course figure label in English (unchanged when it has no Chinese or no translation)."""
    import re

    if not has_chinese(text):
        return text
    for pattern, english in ENGLISH_LABELS:
        if re.fullmatch(pattern, text):
            return re.sub(pattern, english, text)
    return text


def english_when_drawn(figure) -> None:
    """A matplotlib figure hook: Chinese labels are put into English just before each draw."""
    from matplotlib.text import Text

    draw = figure.draw

    def draw_in_english(renderer):
        for text in figure.findobj(Text):
            english = in_english(text.get_text())
            if english != text.get_text():
                text.set_text(english)
        draw(renderer)

    figure.draw = draw_in_english
