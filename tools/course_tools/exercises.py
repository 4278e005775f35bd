"""exercises/ generated from solutions/: each solution block becomes a placeholder comment."""

from __future__ import annotations

from pathlib import Path

from . import repo
from .notebooks import KERNELSPEC, canonical_md

SOLUTION_BEGIN, SOLUTION_END = "### BEGIN SOLUTION", "### END SOLUTION"
PLACEHOLDERS = {"en": "# YOUR CODE HERE", "zh": "# 在这里写你的代码"}


def strip_solutions(source: str, lang: str) -> str:
    """Replace each `### BEGIN SOLUTION` … `### END SOLUTION` block with a placeholder comment.

    The exercise keeps everything outside the markers. A solutions cell sets its answer to `...`
    (Ellipsis) before the block, e.g. `answer = ...`, and the block overwrites it; so the
    exercise runs as it stands, and its check reports "not attempted yet". A block indented
    inside a function body becomes the comment plus `raise NotImplementedError`, which the
    checks read the same way.
    """
    out, inside = [], False
    for line in source.splitlines():
        stripped = line.strip()
        if stripped == SOLUTION_BEGIN:
            if inside:
                raise ValueError(f"{SOLUTION_BEGIN} inside another solution block")
            inside = True
            indent = line[: len(line) - len(line.lstrip())]
            out.append(indent + PLACEHOLDERS[lang])
            if indent:
                out.append(indent + "raise NotImplementedError")
            continue
        if stripped == SOLUTION_END:
            if not inside:
                raise ValueError(f"{SOLUTION_END} without {SOLUTION_BEGIN}")
            inside = False
            continue
        if not inside:
            out.append(line)
    if inside:
        raise ValueError(f"{SOLUTION_BEGIN} without {SOLUTION_END}")
    return "\n".join(out)


def exercise_text(solution_md: Path) -> str:
    """The exercise text file generated from one solutions text file."""
    import jupytext

    nb = jupytext.read(solution_md)
    lang = solution_md.parent.name
    cells = []
    for cell in nb.cells:
        tags = cell.metadata.get("tags", [])
        if "solution-only" in tags:  # prose that explains an answer
            continue
        if cell.cell_type == "code" and SOLUTION_BEGIN in cell.source:
            cell.source = strip_solutions(cell.source, lang)
        cells.append(cell)
    nb.cells = cells
    nb.metadata["kernelspec"] = dict(KERNELSPEC)
    return canonical_md(nb)  # byte for byte what `sync` writes, so `verify` can compare


def target_of(pair: repo.Pair) -> Path:
    return repo.root() / "exercises" / pair.lang / pair.md.name


def exercises() -> None:
    """Write exercises/{en,zh}/*.md from solutions/; remove exercises whose solution is gone."""
    wanted = set()
    for pair in repo.pairs(("solutions",)):
        target = target_of(pair)
        wanted.add(target)
        target.parent.mkdir(parents=True, exist_ok=True)
        text = exercise_text(pair.md)
        if not target.exists() or target.read_text(encoding="utf-8") != text:
            target.write_text(text, encoding="utf-8")
            print(f"wrote {repo.rel(target)}")
    for lang in repo.LANGS:
        for orphan in sorted((repo.root() / "exercises" / lang).glob("[0-9][0-9]_*.md")):
            if orphan not in wanted:
                for path in (orphan, orphan.with_suffix(".ipynb")):
                    path.unlink(missing_ok=True)
                print(f"removed {repo.rel(orphan)} (no solution for it)")


def stale_exercises() -> list[str]:
    problems = []
    solutions = repo.pairs(("solutions",))
    for lang in repo.LANGS:
        have = {p.name for p in (repo.root() / "exercises" / lang).glob("[0-9][0-9]_*.md")}
        want = {p.md.name for p in solutions if p.lang == lang}
        problems += [f"exercises/{lang}/{n}: no solution for it" for n in sorted(have - want)]
    for pair in solutions:
        target = target_of(pair)
        if not target.exists() or target.read_text(encoding="utf-8") != exercise_text(pair.md):
            problems.append(f"{repo.rel(target)}: stale (run `make exercises`)")
    return problems
