"""How the explorers write numbers and lists for people, in either language."""

from __future__ import annotations

import html
import math

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


def html_lines(lines: list[str]) -> str:
    return "<br>".join(html.escape(line) for line in lines)


_SUPERSCRIPTS = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def power_of_ten(value: float, _position=None) -> str:
    """Log-axis tick label 10⁻³ in plain text (mathtext labels are slow to draw)."""
    return "10" + str(round(math.log10(value))).translate(_SUPERSCRIPTS) if value > 0 else ""
