"""How the explorers write numbers and lists for people, in either language."""

from __future__ import annotations

import html
import math
import re
import textwrap
import unicodedata

import numpy as np

from autodiff_course import i18n

TEXT = i18n.strings(
    __name__,
    {
        # Between the items of a list in running text: Chinese uses the full-width comma.
        "list_sep": {"en": ", ", "zh": "，"},
    },
)


def number(v: float, digits: int = 6) -> str:
    """A number for people: 6 significant digits, −0 shown as 0, and a true minus sign."""
    if not math.isfinite(v):
        return {math.inf: "∞", -math.inf: "−∞"}.get(v, "nan")
    text = f"{v + 0.0:.{digits}g}"
    return text.replace("-", "−")


def dtype_number(value, dtype: str) -> str:
    """x as its dtype prints it (shortest digits that round-trip), e.g. 0.99999857 in float32."""
    value = np.dtype(dtype).type(value)
    if not np.isfinite(value):
        return number(float(value))
    if value != 0 and not 1e-4 <= abs(value) < 1e6:
        return np.format_float_scientific(value, unique=True).replace("-", "−")
    return np.format_float_positional(value, unique=True, trim="-").replace("-", "−")


def join(items, lang: str) -> str:
    """Items in running text: "a, b" in English, "a，b" in Chinese."""
    return i18n.text(TEXT, "list_sep", lang).join(items)


# Where a panel's line must not break: next to an operator ("lr > 0.401", "tape.gradient = −55",
# "1 − 2a·lr"; a sign is no operator: "arithmetic: −1.07e+301" may break before it), inside a
# pair of numbers ("(−3, 8.98)") and between a number and its unit ("77.9 ms", "2 倍").
_GLUED_SPACE = re.compile(
    r"(?<=[=<>≤≥≈≠×→]) | (?=[=<>≤≥≈≠×→])| (?=[−+] )|(?<= [−+]) |(?<=\d,) (?=[−\d])"
    r"|(?<=\d) (?=(?:ms|µs|s|%|倍|次|步)(?![A-Za-z]))"
)


_SLASH = re.compile(r"(?<=\S)/(?=\S)")


def glued(text: str, html_text: bool = False) -> str:
    """`text` with no-break spaces where a line break would cut a formula or a number.

    For HTML also a word joiner after a slash inside a formula: browsers break after "/"
    ("lr < 2/" | "λmax"). Not in stills: their fonts may have no glyph for it.
    """
    text = _GLUED_SPACE.sub("\u00a0", text)
    return _SLASH.sub("/\u2060", text) if html_text else text


def html_lines(lines: list[str]) -> str:
    """Lines for an HTML panel: escaped, glued (see `glued`), one per line."""
    return "<br>".join(html.escape(glued(line, html_text=True)) for line in lines)


_SUPERSCRIPTS = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def power_of_ten(value: float, _position=None) -> str:
    """Log-axis tick label 10⁻³ in plain text (mathtext labels are slow to draw)."""
    return "10" + str(round(math.log10(value))).translate(_SUPERSCRIPTS) if value > 0 else ""


# A formula such as "|1 − 2a·lr| < 1" stays on one line: no break next to an operator.
_FORMULA_SPACE = re.compile(r"(?<=[−+<>=≤≥×]) | (?=[−+<>=≤≥×])")
# Chinese text breaks after a comma or a sentence's end: not after "：" (规律：) or "）" (…）时).
_ZH_BREAK = re.compile(r"(?<=[，。；！？])")


def columns(text: str) -> int:
    """Width in a monospaced output: a Chinese character takes two columns."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def wrap(text: str, lang: str, width: int = 88, indent: str = "  ") -> str:
    """A long line for a text output, broken at spaces (Chinese: after punctuation).

    Notebooks wrap a long output line wherever it reaches the edge, in the middle of a word;
    these breaks are the same on every run. Lines after the first are indented.
    """
    if lang == "en":
        glued = _FORMULA_SPACE.sub("\u00a0", text)  # textwrap breaks only at ASCII spaces
        lines = textwrap.wrap(
            glued, width, subsequent_indent=indent, break_long_words=False, break_on_hyphens=False
        )
        return "\n".join(lines).replace("\u00a0", " ")
    lines, line = [], ""
    for piece in _ZH_BREAK.split(text):
        if line and columns(line) + columns(piece) > width - (len(indent) if lines else 0):
            lines.append(line)
            line = piece.lstrip()
        else:
            line += piece
    lines.append(line)
    return ("\n" + indent).join(lines)
