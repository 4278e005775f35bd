"""The course's two languages, and the one way learner-facing strings are kept.

Every module that shows text to a learner keeps it in a table of key → {"en": ..., "zh": ...},
registered here with :func:`strings`, so a test can check that every key has both languages
with the same {placeholders}. :func:`language` is the one rule for an unknown language: a clear
ValueError, never a silent fall-back to English.
"""

from __future__ import annotations

import string
from collections.abc import Mapping

LANGS = ("en", "zh")
LANGUAGE_NAMES = {"en": "English", "zh": "简体中文"}

Table = Mapping[str, Mapping[str, str]]
_TABLES: dict[str, Table] = {}


def language(lang: object) -> str:
    """`lang` itself when the course has it; otherwise a ValueError that says what to pass."""
    if isinstance(lang, str) and lang in LANGS:
        return lang
    choices = ", ".join(f'"{code}" ({name})' for code, name in LANGUAGE_NAMES.items())
    raise ValueError(f"lang must be one of {choices}, not {lang!r}")


def strings(name: str, table: Table) -> Table:
    """Register a module's table under `name` (its module name) and return it unchanged."""
    _TABLES[name] = table
    return table


def tables() -> dict[str, Table]:
    """Every registered table; import the modules first (the test imports the package)."""
    return dict(_TABLES)


def text(table: Table, key: str, lang: str, **params: object) -> str:
    """The string `key` of `table` in `lang`, with its {placeholders} filled in."""
    template = table[key][language(lang)]
    return template.format(**params)


def placeholders(template: str) -> set[str]:
    """The names of the {placeholders} in a template ("{x:.3g}" counts as "x")."""
    return {field for _, field, _, _ in string.Formatter().parse(template) if field}
