"""exercises/ is generated from solutions/: fresh, free of answers, and its recorded checks say
"not attempted yet" while the solutions' checks say "correct"."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from autodiff_course import checks
from conftest import ROOT, load, output_text, rel, source
from course_tools import repo
from course_tools.exercises import SOLUTION_BEGIN, SOLUTION_END, target_of
from course_tools.readme import title_of

SOLUTIONS = repo.pairs(("solutions",))
CHECK_CALL = re.compile(r'^check\("(\d\d\.\d)", (\w+), lang="(en|zh)"\)$')


def exercise_of(pair: repo.Pair) -> Path:
    return target_of(pair)


def check_cells(path: Path) -> list[tuple[str, str, str, dict]]:
    """(exercise, answer name, lang, cell) for each one-line check cell of a notebook."""
    found = []
    for cell in load(path)["cells"]:
        if cell["cell_type"] == "code":
            match = CHECK_CALL.match(source(cell).strip())
            if match:
                found.append((*match.groups(), cell))
    return found


# That every chapter has solutions and exercises is checked in test_notebooks.py; that exercises/
# is fresh, by `course_tools verify`; the generator itself, in tests/tools/test_generators.py.


def solution_lines(md: Path) -> tuple[set[str], set[str]]:
    """Lines inside solution blocks, and lines outside them, of one solutions text file."""
    inside, outside, in_block = set(), set(), False
    for line in md.read_text(encoding="utf-8").splitlines():
        stripped = line.strip()
        if stripped == SOLUTION_BEGIN:
            in_block = True
        elif stripped == SOLUTION_END:
            in_block = False
        elif stripped:
            (inside if in_block else outside).add(stripped)
    return inside, outside


@pytest.mark.parametrize("pair", SOLUTIONS, ids=lambda p: rel(p.md))
def test_no_solution_code_or_marker_left_in_exercises(pair):
    md = exercise_of(pair)
    nb = load(md.with_suffix(".ipynb"))
    texts = [md.read_text(encoding="utf-8")]
    texts += [source(c) + "\n" + output_text(c) for c in nb["cells"]]
    everything = "\n".join(texts)
    assert "BEGIN SOLUTION" not in everything and "END SOLUTION" not in everything
    inside, outside = solution_lines(pair.md)
    distinctive = {line for line in inside - outside if len(line) > 8 and not line.startswith("#")}
    assert distinctive, "a solutions notebook without solution code"
    exercise_lines = {line.strip() for text in texts for line in text.splitlines()}
    leaked = sorted(distinctive & exercise_lines)
    assert not leaked, f"solution code in {rel(md)}: {leaked[:3]}"


@pytest.mark.parametrize("pair", SOLUTIONS, ids=lambda p: rel(p.md))
def test_solution_only_cells_are_not_in_exercises(pair):
    import jupytext

    text = exercise_of(pair).read_text(encoding="utf-8")
    cells = jupytext.read(pair.md).cells
    only = [c for c in cells if "solution-only" in c.metadata.get("tags", [])]
    for cell in only:
        assert cell.source.strip() not in text
    assert "solution-only" not in text


@pytest.mark.parametrize("pair", SOLUTIONS, ids=lambda p: rel(p.md))
def test_recorded_checks_pass_on_solutions(pair):
    found = check_cells(pair.ipynb)
    assert found, "no check cells"
    for exercise, _, lang, cell in found:
        assert lang == pair.lang, f"{exercise}: check in the wrong language"
        want = checks.MESSAGES[checks.CORRECT][lang].format(id=exercise)
        assert output_text(cell).strip() == want, f"{exercise}: {output_text(cell)!r}"


@pytest.mark.parametrize("pair", SOLUTIONS, ids=lambda p: rel(p.md))
def test_recorded_checks_say_not_attempted_in_exercises(pair):
    """The untouched exercise notebook ran top to bottom and every check said so."""
    path = exercise_of(pair).with_suffix(".ipynb")
    nb = load(path)
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert all(c.get("execution_count") for c in code), "not executed top to bottom"
    for cell in code:
        assert all(o["output_type"] != "error" for o in cell.get("outputs", []))
    found = check_cells(path)
    assert [f[0] for f in found] == [f[0] for f in check_cells(pair.ipynb)]
    for exercise, _, lang, cell in found:
        want = checks.MESSAGES[checks.NOT_ATTEMPTED][lang].format(id=exercise)
        assert output_text(cell).strip() == want, f"{exercise}: {output_text(cell)!r}"


def test_every_exercise_is_checked_once_per_language():
    for lang in repo.LANGS:
        ids = []
        for pair in SOLUTIONS:
            if pair.lang != lang:
                continue
            mine = [f[0] for f in check_cells(pair.ipynb)]
            assert 3 <= len(mine) <= 5, f"{rel(pair.md)}: {len(mine)} exercises"
            assert all(i.startswith(pair.md.name[:2] + ".") for i in mine), rel(pair.md)
            ids += mine
        assert sorted(ids) == sorted(checks.EXERCISES), lang


def test_each_answer_starts_as_a_placeholder():
    """The exercise cell before each check sets the checked name to `...` (not attempted)."""
    for pair in SOLUTIONS:
        cells = [
            c
            for c in load(exercise_of(pair).with_suffix(".ipynb"))["cells"]
            if c["cell_type"] == "code"
        ]
        for i, cell in enumerate(cells):
            match = CHECK_CALL.match(source(cell).strip())
            if match:
                name = match.group(2)
                assert re.search(rf"^{name} = \.\.\.", source(cells[i - 1]), re.M), (
                    f"{rel(pair.md)}: {match.group(1)} has no `{name} = ...` placeholder"
                )


@pytest.mark.parametrize("pair", SOLUTIONS, ids=lambda p: rel(p.md))
def test_title_intro_and_link_to_the_chapter(pair):
    chapter = ROOT / "chapters" / pair.lang / pair.md.name
    chapter_title = title_of(chapter).split(" · ", 1)[1]
    number = pair.md.name[:2]
    want = {
        "en": f"{number} · Exercises: {chapter_title}",
        "zh": f"{number} · 练习：{chapter_title}",
    }
    for path in (pair.md, exercise_of(pair)):
        text = path.read_text(encoding="utf-8")
        assert title_of(path) == want[pair.lang], rel(path)
        assert f"(../../chapters/{pair.lang}/{pair.ipynb.name})" in text, rel(path)
