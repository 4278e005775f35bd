"""nbgrader/source/ generated from solutions/: each chapter's exercises as nbgrader assignments.

One assignment per chapter and language, `NN_slug_<lang>/NN_slug.ipynb`. The notebook is the
solutions notebook with nbgrader's cell metadata and without the `solution-only` prose:

- the setup cell is read-only (`locked`); links into the repository (the chapter) point to it
  on GitHub, since the assignment is handed out without the rest of the repository;
- each cell holding `### BEGIN SOLUTION` … `### END SOLUTION` is an autograded answer:
  `generate_assignment` replaces the block with nbgrader_config.py's stub (`raise
  NotImplementedError()`), after the placeholder comment of exercises/ in the notebook's
  language, which this module puts before the block;
- each check cell `check("NN.k", answer, lang=...)` becomes a test cell worth one point that
  asks the same check for its verdict (`autodiff_course.checks.evaluate`), prints the same text
  the learner's check prints, and fails unless the verdict is ✓.

Written by `make nbgrader`, never by hand: `make verify` reports a stale or missing one (the
same comparison as for exercises/). nbgrader itself is not needed here: the metadata is plain
JSON (nbgrader's schema 3), so `verify` runs in the dev venv.
"""

from __future__ import annotations

import ast
import json
from pathlib import Path

from . import repo
from .exercises import PLACEHOLDERS, SOLUTION_BEGIN
from .notebooks import KERNELSPEC

FOLDER = "nbgrader"
POINTS = 1  # per exercise: the room report counts exercises, not weights
SCHEMA = 3  # nbgrader's cell metadata schema (0.9.x)
TEST_COMMENT = {
    "en": "# Autograded: the check of exercise {id}; this cell passes only when it says ✓.",
    "zh": "# 自动评分：练习 {id} 的检查；只有显示 ✓ 时这个单元格才通过。",
}


def assignment_name(pair: repo.Pair) -> str:
    return f"{pair.md.stem}_{pair.lang}"


def target_of(pair: repo.Pair) -> Path:
    return repo.root() / FOLDER / "source" / assignment_name(pair) / pair.ipynb.name


def parse_check(source: str) -> tuple[str, str, str] | None:
    """(exercise id, answer expression, lang) of a cell that is one `check(...)` call, else None."""
    try:
        body = ast.parse(source).body
    except SyntaxError:
        return None
    if len(body) != 1 or not isinstance(body[0], ast.Expr):
        return None
    call = body[0].value
    if not (isinstance(call, ast.Call) and getattr(call.func, "id", None) == "check"):
        return None
    langs = [k.value for k in call.keywords if k.arg == "lang"]
    if len(call.args) != 2 or not isinstance(call.args[0], ast.Constant) or len(langs) != 1:
        raise ValueError(f'a check cell must read check("NN.k", answer, lang=...): {source!r}')
    answer = ast.get_source_segment(source, call.args[1])
    return call.args[0].value, answer, ast.literal_eval(langs[0])


def test_source(exercise: str, answer: str, lang: str) -> str:
    """The test cell: the learner's check, as a verdict that passes or fails the cell."""
    return "\n".join(
        [
            TEST_COMMENT[lang].format(id=exercise),
            "from autodiff_course.checks import evaluate",
            "",
            f'verdict = evaluate("{exercise}", {answer}, lang="{lang}")',
            "print(verdict.message)",
            'assert verdict.status == "correct"',
        ]
    )


def with_placeholders(source: str, lang: str) -> str:
    """The answer cell with exercises/' placeholder comment before each solution block."""
    lines = []
    for line in source.splitlines():
        if line.strip() == SOLUTION_BEGIN:
            lines.append(line[: len(line) - len(line.lstrip())] + PLACEHOLDERS[lang])
        lines.append(line)
    return "\n".join(lines)


def grade_id(kind: str, exercise: str) -> str:
    return f"{kind}_{exercise.replace('.', '_')}"  # "check_01_1": a name nbgrader shows


def nbgrader_meta(grade_id: str, *, solution=False, grade=False, locked=False) -> dict:
    meta = {"grade": grade, "grade_id": grade_id, "locked": locked, "schema_version": SCHEMA}
    meta["solution"] = solution
    if grade:
        meta["points"] = POINTS
    return meta


def assignment_notebook(solution_md: Path):
    """The nbgrader source notebook of one solutions text file (no outputs)."""
    import jupytext
    import nbformat

    nb = jupytext.read(solution_md)
    github = "https://github.com/{}/blob/{}".format(*repo.github_path())
    cells, first_code, answer = [], True, None
    for cell in nb.cells:
        if "solution-only" in cell.metadata.get("tags", []):
            continue
        if cell.cell_type == "markdown":  # the assignment folder is not in the repository
            cell.source = cell.source.replace("](../../", f"]({github}/")
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
            check = parse_check(cell.source)
            if first_code:
                cell.metadata["nbgrader"] = nbgrader_meta("setup", locked=True)
                first_code = False
            elif SOLUTION_BEGIN in cell.source:
                # named after the exercise when its check follows; a notebook being written may
                # have an answer without a check yet (tests/nbgrader checks the committed ones)
                cell.source = with_placeholders(cell.source, solution_md.parent.name)
                cell.metadata["nbgrader"] = nbgrader_meta(
                    f"answer_cell_{len(cells)}", solution=True
                )
                answer = cell
            elif check:
                exercise, expression, lang = check
                if answer is not None:
                    answer.metadata["nbgrader"]["grade_id"] = grade_id("answer", exercise)
                cell.source = test_source(exercise, expression, lang)
                cell.metadata["nbgrader"] = nbgrader_meta(
                    grade_id("check", exercise), grade=True, locked=True
                )
            answer = answer if SOLUTION_BEGIN in cell.source else None
        cells.append(cell)
    for index, cell in enumerate(cells):  # stable ids: the file changes only when a cell does
        cell.id = cell.metadata.get("nbgrader", {}).get("grade_id", f"cell-{index}")
        cell.id = cell.id.replace("_", "-")
    out = nbformat.v4.new_notebook(cells=cells)
    out.metadata = {"kernelspec": dict(KERNELSPEC), "language_info": {"name": "python"}}
    return out


def notebook_text(solution_md: Path) -> str:
    nb = assignment_notebook(solution_md)
    return json.dumps(nb, indent=1, ensure_ascii=False, sort_keys=True) + "\n"


def nbgrader_course() -> None:
    """Write nbgrader/source/ from solutions/; remove assignments whose solution is gone."""
    wanted = set()
    for pair in repo.pairs(("solutions",)):
        target = target_of(pair)
        wanted.add(target)
        text = notebook_text(pair.md)
        if not target.exists() or target.read_text(encoding="utf-8") != text:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
            print(f"wrote {repo.rel(target)}")
    for orphan in sorted((repo.root() / FOLDER / "source").glob("*/*.ipynb")):
        if orphan not in wanted:
            orphan.unlink()
            if not any(orphan.parent.iterdir()):
                orphan.parent.rmdir()
            print(f"removed {repo.rel(orphan)} (no solution for it)")


def stale_nbgrader() -> list[str]:
    problems = []
    wanted = {target_of(pair): pair for pair in repo.pairs(("solutions",))}
    for path in sorted((repo.root() / FOLDER / "source").glob("*/*.ipynb")):
        if path not in wanted:
            problems.append(f"{repo.rel(path)}: no solution for it (run `make nbgrader`)")
    for target, pair in wanted.items():
        if not target.exists() or target.read_text(encoding="utf-8") != notebook_text(pair.md):
            problems.append(f"{repo.rel(target)}: stale (run `make nbgrader`)")
    return problems
