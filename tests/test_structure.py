"""The course's contract: pairs in sync, EN/ZH parity, clean recorded outputs, pins that agree."""

from __future__ import annotations

import io
import json
import re
import tokenize
from pathlib import Path

import pytest

from autodiff_course import authoring

ROOT = authoring.ROOT
EXCUSE_TAGS = {"nbval-ignore-output", "nbval-skip", "raises-exception"}
NOTEBOOKS = sorted(p.ipynb for p in authoring.pairs())


def rel(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def source(cell: dict) -> str:
    src = cell["source"]
    return "".join(src) if isinstance(src, list) else src


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
    assert any("chapters/en/01_" in rel(p) for p in NOTEBOOKS)


def test_generated_files_are_fresh():
    """Setup cells, .md/.ipynb pairs, exercises and README tables: `make verify` is clean."""
    assert authoring.verify() == []


@pytest.mark.parametrize("folder", authoring.FOLDERS)
def test_same_notebooks_in_both_languages(folder):
    names = {lang: sorted(p.name for p in (ROOT / folder / lang).glob("*.ipynb"))
             for lang in authoring.LANGS}
    assert names["en"] == names["zh"]
    mds = {lang: sorted(p.name for p in (ROOT / folder / lang).glob("*.md"))
           for lang in authoring.LANGS}
    assert mds["en"] == mds["zh"]


def test_every_chapter_has_exercises_and_solutions():
    chapters = {p.name for p in (ROOT / "chapters/en").glob("*.ipynb")}
    for folder in ("solutions", "exercises"):
        assert {p.name for p in (ROOT / folder / "en").glob("*.ipynb")} == chapters, folder


@pytest.mark.parametrize("path", [p for p in NOTEBOOKS if "/en/" in p.as_posix()], ids=rel)
def test_english_and_chinese_code_is_the_same(path):
    zh = path.parents[1] / "zh" / path.name
    en_cells = [c for c in load(path)["cells"] if c["cell_type"] == "code"]
    zh_cells = [c for c in load(zh)["cells"] if c["cell_type"] == "code"]
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
        if cell.get("execution_count") is None and cell.get("outputs"):
            pytest.fail(f"code cell {i}: outputs without an execution count")
        assert "execution" not in cell["metadata"], f"code cell {i}: run timestamps recorded"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=rel)
def test_each_excused_cell_has_a_checked_neighbour(path):
    code = [c for c in load(path)["cells"] if c["cell_type"] == "code"]
    for i, cell in enumerate(code):
        if EXCUSE_TAGS & set(cell["metadata"].get("tags", [])):
            after = code[i + 1] if i + 1 < len(code) else None
            assert after is not None and after.get("outputs"), (
                f"code cell {i} is excused but the next cell shows nothing to check"
            )
            assert not EXCUSE_TAGS & set(after["metadata"].get("tags", [])), (
                f"code cell {i} is excused and so is its neighbour"
            )


@pytest.mark.parametrize("folder", authoring.FOLDERS)
def test_at_most_a_quarter_of_outputs_excused(folder):
    excused = checked = 0
    for path in (ROOT / folder).glob("*/*.ipynb"):
        for cell in load(path)["cells"]:
            if cell["cell_type"] == "code" and cell.get("outputs"):
                if EXCUSE_TAGS & set(cell["metadata"].get("tags", [])):
                    excused += 1
                else:
                    checked += 1
    assert checked > 0
    assert excused / (excused + checked) <= 0.25


def test_no_nbval_markers_hidden_in_code():
    for path in NOTEBOOKS:
        for cell in load(path)["cells"]:
            assert "NBVAL_" not in source(cell), f"{rel(path)}: use a cell tag, not a comment"


@pytest.mark.parametrize("path", [p.md for p in authoring.pairs(("chapters",))], ids=rel)
def test_chapter_opens_and_closes_the_same_way(path):
    text = path.read_text(encoding="utf-8")
    lang = path.parent.name
    words = {
        "en": ("**After this notebook you can**", "**Time:**", "## Key points"),
        "zh": ("**学完本章，你将能够**", "**用时**：", "## 本章要点"),
    }[lang]
    for word in words:
        assert word in text, f"missing {word!r}"
    assert f"../../exercises/{lang}/{path.stem}.ipynb" in text, "no link to the exercises"
    assert "../../docs/glossary.md" in text, "no link to the glossary"


MD_LINK = re.compile(r"\]\(([^)\s]+)\)")


def linked_files() -> list[Path]:
    files = [ROOT / "README.md", ROOT / "README.zh-CN.md", *ROOT.glob("docs/**/*.md")]
    return files + [p.md for p in authoring.pairs()]


@pytest.mark.parametrize("path", linked_files(), ids=rel)
def test_relative_links_point_to_files(path):
    for target in MD_LINK.findall(path.read_text(encoding="utf-8")):
        if re.match(r"^(https?:|mailto:|#)", target):
            continue
        file = (path.parent / target.split("#")[0]).resolve()
        assert file.exists(), f"{rel(path)} links to missing {target}"


def pins(lines) -> dict[str, str]:
    found = {}
    for line in lines:
        line = line.split("#")[0].strip().lstrip("- ").strip()
        if "==" in line:
            name, version = line.split("==")
            found[name.strip().lower().replace("_", "-")] = version.strip()
    return found


def test_environment_yml_agrees_with_requirements():
    req = pins((ROOT / "requirements.txt").read_text().splitlines())
    env = pins((ROOT / "environment.yml").read_text().splitlines())
    assert req and env == req
    text = (ROOT / "environment.yml").read_text()
    assert "python=3.11" in text


def test_installed_versions_are_the_pinned_ones():
    from importlib.metadata import version

    for name, pinned in pins((ROOT / "requirements.txt").read_text().splitlines()).items():
        assert version(name) == pinned, name


def test_readme_puts_the_two_commands_first():
    for name in ("README.md", "README.zh-CN.md"):
        text = (ROOT / name).read_text(encoding="utf-8")
        first_block = text.split("```bash", 1)[1].split("```", 1)[0]
        assert "make lab" in first_block and "make test" in first_block
        assert text.index("make lab") < text.index("conda")


CJK_LINE_END = re.compile(r"[\u3000-\u303f\uff00-\uffef\u4e00-\u9fff）」”]$")
BLOCK_START = re.compile(r"^\s*([-*+>|#]|\d+\.|\$\$|```|:::|<|!\[)")
BOLD_BEFORE_FULLWIDTH_COLON = re.compile(r"\*\*[^*\n]+?[：:]\*\*(?=\S)")


@pytest.mark.parametrize(
    "path",
    [p.md for p in authoring.pairs() if p.lang == "zh"]
    + [ROOT / "README.zh-CN.md", ROOT / "docs/instructor/zh-CN.md"],
    ids=rel,
)
def test_chinese_prose_renders_cleanly(path):
    """Markdown turns a line break inside a paragraph into a space: fine between English
    sentences, a visible gap between Chinese ones. And `**用时：**约` is not bold (CommonMark
    does not close `**` after punctuation followed by a letter): write `**用时**：约`."""
    lines, fence = path.read_text(encoding="utf-8").split("\n"), False
    for i, (line, nxt) in enumerate(zip(lines, lines[1:], strict=False)):
        if line.startswith("```"):
            fence = not fence
        if fence or not nxt.strip() or BLOCK_START.match(line) or BLOCK_START.match(nxt):
            continue
        assert not CJK_LINE_END.search(line), f"line {i + 1}: join this Chinese paragraph"
    assert not BOLD_BEFORE_FULLWIDTH_COLON.search(path.read_text(encoding="utf-8"))
