"""The notebooks' contract: both languages, the same code, clean recorded outputs, few excuses.

That every .ipynb matches its text file, setup cells and exercises are fresh, and the README
and the lock are up to date is `python -m course_tools verify` (the first step of `make test`).
"""

from __future__ import annotations

import io
import re
import tokenize

import pytest

from conftest import ROOT, code_cells, load, rel, source
from course_tools import repo

EXCUSE_TAGS = {"nbval-ignore-output", "nbval-skip", "raises-exception"}
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
# A cell that shows an explorer: `descent_explorer(lang="en")` or `explorer` on its last line.
EXPLORER_CALL = re.compile(r"^(\w+_explorer\(.*\)|explorer)\s*$", re.M)
NOTEBOOKS = sorted(p.ipynb for p in repo.pairs())


def code_skeleton(src: str) -> list[str]:
    """The code with comments, string literals and layout removed: what EN and ZH must share."""
    kept, in_fstring = [], 0
    # Python 3.12+ splits f-strings into tokens; drop them whole, as 3.11's STRING token is.
    fstring_start = getattr(tokenize, "FSTRING_START", None)
    fstring_end = getattr(tokenize, "FSTRING_END", None)
    for tok in tokenize.generate_tokens(io.StringIO(src).readline):
        if tok.type == fstring_start:
            in_fstring += 1
        elif tok.type == fstring_end:
            in_fstring -= 1
        elif not in_fstring and tok.type not in (
            tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT,
            tokenize.STRING,
        ):  # fmt: skip
            kept.append(tok.string)
    return kept


def test_there_are_notebooks():
    """Every test below is parametrized over them: an empty list would pass silently."""
    assert any("chapters/en/01_" in rel(p) for p in NOTEBOOKS)


@pytest.mark.parametrize("folder", repo.FOLDERS)
def test_same_notebooks_in_both_languages(folder):
    for pattern in ("*.ipynb", "*.md"):
        en, zh = (
            sorted(p.name for p in (ROOT / folder / lang).glob(pattern)) for lang in repo.LANGS
        )
        assert en == zh, pattern


def test_every_chapter_has_exercises_and_solutions():
    chapters = {p.name for p in (ROOT / "chapters/en").glob("*.ipynb")}
    for folder in ("solutions", "exercises"):
        assert {p.name for p in (ROOT / folder / "en").glob("*.ipynb")} == chapters, folder


@pytest.mark.parametrize("path", [p for p in NOTEBOOKS if "/en/" in p.as_posix()], ids=rel)
def test_english_and_chinese_code_is_the_same(path):
    zh = path.parents[1] / "zh" / path.name
    en_cells, zh_cells = code_cells(path), code_cells(zh)
    assert len(en_cells) == len(zh_cells), "different number of code cells"
    for i, (a, b) in enumerate(zip(en_cells, zh_cells, strict=True)):
        assert code_skeleton(source(a)) == code_skeleton(source(b)), f"code cell {i} differs"
        tags_a, tags_b = a["metadata"].get("tags", []), b["metadata"].get("tags", [])
        assert tags_a == tags_b, f"code cell {i}: tags differ"
    assert [c["cell_type"] for c in load(path)["cells"]] == [
        c["cell_type"] for c in load(zh)["cells"]
    ], "markdown and code cells are not in the same order"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=rel)
def test_recorded_notebook_is_clean(path):
    nb = load(path)
    assert nb["metadata"]["kernelspec"]["name"] == "python3", "no kernelspec: a kernel picker opens"
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert any(c.get("outputs") for c in code), "no outputs recorded: run `make record`"
    for i, cell in enumerate(code):
        for out in cell.get("outputs", []):
            assert out["output_type"] != "error", f"code cell {i}: error recorded"
            assert not (out["output_type"] == "stream" and out["name"] == "stderr"), (
                f"code cell {i}: stderr recorded: {''.join(out['text'])[:120]!r}"
            )
            text = "".join(out.get("data", {}).get("text/plain", ""))
            assert not re.search(r" at 0x[0-9a-f]+>", text), f"code cell {i}: memory address"
            # A widget view without saved state shows an error before the notebook runs.
            assert WIDGET_VIEW not in out.get("data", {}), f"code cell {i}: widget view recorded"
            assert not text.startswith(("HBox(", "VBox(")), f"code cell {i}: widget stand-in"
        if EXPLORER_CALL.search(source(cell)):
            data = [out.get("data", {}) for out in cell.get("outputs", [])]
            assert any("image/png" in d and "text/plain" in d for d in data), (
                f"code cell {i}: an explorer without its still and numbers"
            )
        if cell.get("execution_count") is None and cell.get("outputs"):
            pytest.fail(f"code cell {i}: outputs without an execution count")
        assert "execution" not in cell["metadata"], f"code cell {i}: run timestamps recorded"
        assert "NBVAL_" not in source(cell), f"code cell {i}: use a cell tag, not a comment"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=rel)
def test_each_excused_cell_has_a_checked_neighbour(path):
    code = code_cells(path)
    for i, cell in enumerate(code):
        if EXCUSE_TAGS & set(cell["metadata"].get("tags", [])):
            after = code[i + 1] if i + 1 < len(code) else None
            assert after is not None and after.get("outputs"), (
                f"code cell {i} is excused but the next cell shows nothing to check"
            )
            assert not EXCUSE_TAGS & set(after["metadata"].get("tags", [])), (
                f"code cell {i} is excused and so is its neighbour"
            )


@pytest.mark.parametrize("folder", repo.FOLDERS)
def test_at_most_a_quarter_of_outputs_excused(folder):
    excused = checked = 0
    for path in (ROOT / folder).glob("*/*.ipynb"):
        for cell in code_cells(path):
            if cell.get("outputs"):
                if EXCUSE_TAGS & set(cell["metadata"].get("tags", [])):
                    excused += 1
                else:
                    checked += 1
    assert checked > 0
    assert excused / (excused + checked) <= 0.25


def test_the_parity_skeleton_ignores_only_strings_and_comments():
    """What test_english_and_chinese_code_is_the_same compares, on a known pair and a mismatch."""
    en = 'print("slope", f"{x:.2f}")  # the slope\n'
    zh = 'print("斜率", f"{x:.2f}")  # 斜率\n'
    assert code_skeleton(en) == code_skeleton(zh)
    assert code_skeleton(en) != code_skeleton(en.replace("print", "repr"))
