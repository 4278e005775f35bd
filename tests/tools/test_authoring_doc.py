"""docs/authoring.md: its worked check example runs and says what the page shows, and every
`make` target and repository path it names exists."""

from __future__ import annotations

import re

import pytest

from conftest import ROOT

DOC = ROOT / "docs" / "authoring.md"
MARK = "<!-- tests/tools/test_authoring_doc.py runs this block"


def worked_example() -> str:
    text = DOC.read_text(encoding="utf-8")
    after = text[text.index(MARK) :]
    return re.search(r"```python\n(.*?)```", after, re.S).group(1)


def test_the_worked_check_example_runs_and_says_what_the_page_shows():
    tf = pytest.importorskip("tensorflow")
    from autodiff_course import i18n
    from autodiff_course.checks.engine import verdict

    space = {"__name__": "authoring_example"}
    try:
        exec(compile(worked_example(), "docs/authoring.md", "exec"), space)
    finally:
        i18n._TABLES.pop("authoring_example", None)  # not one of the package's tables
    x = tf.Variable(2.0)
    with tf.GradientTape() as tape:
        y = x**3
    from_tape = tape.gradient(y, x)
    shown = {
        "`... Exercise 01.5: not attempted yet.".replace("...", "…"): ...,
        "`✓ Exercise 01.5: correct.`": from_tape,
        "`✗ Exercise 01.5: wrong value: got 8.0.`": tf.constant(8.0),
        "`✗ Exercise 01.5: got the Python float 12.0, not a tensor.`": 12.0,
        "`✗ Exercise 01.5: right value, but not the tensor `tape.gradient` returned": (
            tf.constant(12.0)
        ),
        "`✗ Exercise 01.5: the answer is None.`": None,
    }
    doc = DOC.read_text(encoding="utf-8")
    for text, answer in shown.items():
        assert text in doc, text
        message = verdict(space["EXERCISES"], "01.5", answer, "en").message
        assert message.startswith(text.strip("`")), (text, message)
    wrong = verdict(space["EXERCISES"], "01.5", tf.constant(8.0), "en").message
    assert wrong.endswith("then store `tape.gradient(y, x)`."), "the general hint follows"
    unwatched = verdict(space["EXERCISES"], "01.5", None, "zh").message
    assert "只有可训练的变量会被自动监视" in unwatched, "the hint for `none`, in Chinese"


@pytest.mark.parametrize("page", ["docs/authoring.md", "CONTRIBUTING.md", "README.md"])
def test_every_make_target_the_docs_name_exists(page):
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    targets = set(re.findall(r"^([a-z][a-z-]*):", makefile, re.M))
    named = set(re.findall(r"`make ([a-z][a-z-]*)", (ROOT / page).read_text(encoding="utf-8")))
    assert named and named <= targets, f"{page} names {sorted(named - targets)}"


def test_every_repository_path_the_authoring_page_names_exists():
    text = DOC.read_text(encoding="utf-8")
    paths = set(re.findall(r"`((?:src|tests|tools|docs)/[\w./-]+)`", text))
    assert "src/autodiff_course/checks/messages.py" in paths
    examples = re.compile(r"NN|13")  # chapter NN, or the new chapter 13 of a checklist
    missing = sorted(p for p in paths if not examples.search(p) and not (ROOT / p).exists())
    assert not missing, f"docs/authoring.md names paths that do not exist: {missing}"


def test_the_example_exercise_is_the_next_free_number_everywhere():
    """The checklist's example is one new exercise: every id the examples use is that one, and
    it is not an exercise the chapter already has (a reader would look for it)."""
    text = DOC.read_text(encoding="utf-8")
    chapter, k = re.search(r"Example: exercise (\d\d)\.(\d+) in chapter \1", text).groups()
    example = f"{chapter}.{k}"
    used = set(re.findall(r'(?:Exercise |练习 |")(\d\d\.\d+)', text))
    assert used == {example}, f"docs/authoring.md's examples use {sorted(used)}, not one id"
    (solutions,) = (ROOT / "solutions" / "en").glob(f"{chapter}_*.md")
    headings = rf"^## Exercise {chapter}\.(\d+) "
    have = [int(n) for n in re.findall(headings, solutions.read_text(encoding="utf-8"), re.M)]
    assert have and int(k) == max(have) + 1, (
        f"docs/authoring.md's example exercise {example} is not the next free number of "
        f"{solutions.relative_to(ROOT)} (it has {chapter}.1 to {chapter}.{max(have)}): "
        "move the example to the next free number"
    )
