"""One language list, one unknown-language rule, and string tables that agree in both languages."""

from __future__ import annotations

import importlib
import pkgutil

import pytest

import autodiff_course
from autodiff_course import i18n


def _import_everything():
    """Import every module of the learner package, so every table is registered."""
    for module in pkgutil.walk_packages(autodiff_course.__path__, "autodiff_course."):
        importlib.import_module(module.name)
    return i18n.tables()


TABLES = _import_everything()
ENTRIES = [(name, key) for name, table in TABLES.items() for key in table]


def test_the_learner_modules_register_their_tables():
    for name in (
        "autodiff_course.environment",
        "autodiff_course.explorers.hessian_text",
        "autodiff_course.explorers.formatting",
        "autodiff_course.explorers.regimes",
        "autodiff_course.explorers.tangent",
        "autodiff_course.explorers.descent",
    ):
        assert TABLES.get(name), f"{name} registers no strings"


@pytest.mark.parametrize(("name", "key"), ENTRIES, ids=[f"{n}:{k}" for n, k in ENTRIES])
def test_every_key_has_both_languages_with_the_same_placeholders(name, key):
    entry = TABLES[name][key]
    assert tuple(sorted(entry)) == tuple(sorted(i18n.LANGS)), f"{name}[{key!r}]"
    assert all(isinstance(entry[lang], str) and entry[lang] for lang in i18n.LANGS)
    en = i18n.placeholders(entry["en"])
    for lang in i18n.LANGS:
        assert i18n.placeholders(entry[lang]) == en, f"{name}[{key!r}][{lang!r}]"


def test_a_missing_placeholder_is_caught():
    # The check above bites: a Chinese template that forgot {x} has other placeholders.
    assert i18n.placeholders("x = {x:.3g}, {y}") == {"x", "y"}
    assert i18n.placeholders("x =（{y}）") != i18n.placeholders("x = {x:.3g}, {y}")


@pytest.mark.parametrize("lang", ["fr", "EN", "", None, 1])
def test_an_unknown_language_is_a_clear_error(lang):
    with pytest.raises(ValueError) as caught:
        i18n.language(lang)
    assert str(caught.value) == (
        f'lang must be one of "en" (English), "zh" (简体中文), not {lang!r}'
    )


def test_setup_notebook_rejects_an_unknown_language_before_importing_anything(monkeypatch):
    from autodiff_course import environment

    def must_not_run():
        raise AssertionError("TensorFlow imported for an unknown language")

    monkeypatch.setattr(environment, "import_tensorflow_quietly", must_not_run)
    with pytest.raises(ValueError, match=r'lang must be one of "en" \(English\)'):
        environment.setup_notebook("fr")


# Modules other branches of issue 10 rewrite or move out; empty since the authoring tools left
# for tools/course_tools (which imports LANGS from i18n as well).
ELSEWHERE: set[str] = set()


def test_the_language_list_is_defined_once():
    # Other modules take it from i18n: no second list that could drift.
    for module in pkgutil.walk_packages(autodiff_course.__path__, "autodiff_course."):
        if module.name.split(".")[1] in ELSEWHERE or module.name == "autodiff_course.i18n":
            continue
        mod = importlib.import_module(module.name)
        for attr, value in vars(mod).items():
            if isinstance(value, tuple | list | set | frozenset) and value is not i18n.LANGS:
                assert set(value) != set(i18n.LANGS), f"{module.name}.{attr}"
