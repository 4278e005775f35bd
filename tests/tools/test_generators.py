"""What `make exercises` and `make readme` generate, and that `verify` notices a stale copy."""

from __future__ import annotations

import pytest

from conftest import ROOT
from course_tools import exercises, readme, repo


def test_stale_exercises_are_noticed(fake_repo):
    pair = repo.Pair(ROOT / "solutions" / "en" / "01_gradient_tape.md")
    for folder in ("solutions", "exercises"):
        for lang in repo.LANGS:
            (fake_repo / folder / lang).mkdir(parents=True)
    (fake_repo / "solutions" / "en" / pair.md.name).write_text(
        pair.md.read_text(encoding="utf-8"), encoding="utf-8"
    )
    assert len(exercises.stale_exercises()) == 1  # missing
    exercises.exercises()
    assert exercises.stale_exercises() == []
    target = fake_repo / "exercises" / "en" / pair.md.name
    target.write_text(target.read_text(encoding="utf-8") + "\nedited by hand\n", encoding="utf-8")
    assert len(exercises.stale_exercises()) == 1  # edited
    orphan = fake_repo / "exercises" / "en" / "99_orphan.md"
    orphan.write_text("# orphan\n", encoding="utf-8")
    assert any("99_orphan" in p for p in exercises.stale_exercises())
    exercises.exercises()
    assert not orphan.exists() and exercises.stale_exercises() == []


def test_strip_solutions():
    src = "answer = ...\n### BEGIN SOLUTION\nanswer = 42\n### END SOLUTION\ncheck()"
    assert exercises.strip_solutions(src, "en") == "answer = ...\n# YOUR CODE HERE\ncheck()"
    assert "在这里写你的代码" in exercises.strip_solutions(src, "zh")
    nested = "def f():\n    ### BEGIN SOLUTION\n    return 42\n    ### END SOLUTION\n"
    assert exercises.strip_solutions(nested, "en") == (
        "def f():\n    # YOUR CODE HERE\n    raise NotImplementedError"
    )
    for broken in (
        "### BEGIN SOLUTION\nx = 1",
        "x = 1\n### END SOLUTION",
        "### BEGIN SOLUTION\n### BEGIN SOLUTION\n### END SOLUTION",
    ):
        with pytest.raises(ValueError):
            exercises.strip_solutions(broken, "en")


@pytest.mark.parametrize("lang", repo.LANGS)
def test_tested_versions_come_from_the_lock(fake_repo, lang):
    lock = fake_repo / "requirements" / "dev.txt"
    table = readme.versions_table(lang)
    assert "| tensorflow | 2.21.0 |" in table and "| keras | 3.15.1 |" in table
    lock.write_text(lock.read_text().replace("tensorflow==2.21.0", "tensorflow==2.99.0"))
    assert "| tensorflow | 2.99.0 |" in readme.versions_table(lang)


def test_an_edited_readme_block_is_stale_until_make_readme(fake_repo):
    for name in ("chapters", "exercises", "solutions"):
        (fake_repo / name).mkdir()
    readme.readme()  # no chapters here: tables with headers only
    assert readme.stale_readmes() == []
    path = fake_repo / "README.md"
    path.write_text(path.read_text().replace("| keras | 3.15.1 |", "| keras | 3.0.0 |"))
    assert readme.stale_readmes() == ["README.md: a generated block is stale (run `make readme`)"]
    readme.readme()
    assert readme.stale_readmes() == [] and "| keras | 3.15.1 |" in path.read_text()


def test_a_readme_without_its_markers_is_an_error(fake_repo):
    (fake_repo / "README.md").write_text("# no generated blocks\n")
    with pytest.raises(ValueError, match="README.md has no"):
        readme.readme_text("en")


@pytest.mark.parametrize("path", sorted(ROOT.glob("solutions/*/*.md")), ids=lambda p: p.name)
def test_no_exercise_heading_hides_in_solution_only_prose(path):
    """A heading inside a solution-only cell is stripped with it: the exercise would lose its
    title and instructions. A `+++` line must end the solution prose before the next heading."""
    import jupytext

    nb = jupytext.read(path)
    for i, cell in enumerate(nb.cells):
        if "solution-only" in cell.metadata.get("tags", []):
            headings = [line for line in cell.source.splitlines() if line.startswith("#")]
            assert not headings, (
                f"{path.relative_to(ROOT)}, cell {i}: the heading {headings[0]!r} is inside a "
                "solution-only cell, so the exercise would lose it: put a line `+++` before it"
            )


def test_every_exercise_keeps_its_heading():
    for lang in ("en", "zh"):
        for solution in sorted((ROOT / "solutions" / lang).glob("*.md")):
            exercise = ROOT / "exercises" / lang / solution.name
            want = [line for line in solution.read_text().splitlines() if line.startswith("## ")]
            have = [line for line in exercise.read_text().splitlines() if line.startswith("## ")]
            assert want == have, f"{exercise.relative_to(ROOT)}: headings differ from solutions"
