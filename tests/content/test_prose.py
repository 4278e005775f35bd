"""The prose: chapters open and close the same way, links resolve, Chinese renders cleanly,
the READMEs start with the two commands and name the licences."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import ROOT, rel
from course_tools import repo

READMES = (ROOT / "README.md", ROOT / "README.zh-CN.md")


@pytest.mark.parametrize("path", [p.md for p in repo.pairs(("chapters",))], ids=rel)
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
    files = [*READMES, ROOT / "CONTRIBUTING.md", *ROOT.glob("docs/**/*.md")]
    return files + [p.md for p in repo.pairs()]


@pytest.mark.parametrize("path", linked_files(), ids=rel)
def test_relative_links_point_to_files(path):
    for target in MD_LINK.findall(path.read_text(encoding="utf-8")):
        if re.match(r"^(https?:|mailto:|#)", target):
            continue
        file = (path.parent / target.split("#")[0]).resolve()
        assert file.exists(), f"{rel(path)} links to missing {target}"


@pytest.mark.parametrize("path", READMES, ids=rel)
def test_readme_puts_the_commands_first_and_names_the_licences(path):
    text = path.read_text(encoding="utf-8")
    first_block = text.split("```bash", 1)[1].split("```", 1)[0]
    assert "make lab" in first_block and "make test" in first_block
    assert text.index("make lab") < text.index("conda")
    for target in ("(LICENSE)", "(LICENSE-TEXT)", "(CITATION.cff)"):
        assert target in text, f"no link to {target}"


CJK_LINE_END = re.compile(r"[\u3000-\u303f\uff00-\uffef\u4e00-\u9fff）」”]$")
BLOCK_START = re.compile(r"^\s*([-*+>|#]|\d+\.|\$\$|```|:::|<|!\[)")
BOLD_BEFORE_FULLWIDTH_COLON = re.compile(r"\*\*[^*\n]+?[：:]\*\*(?=\S)")


def joined_lines(text: str) -> list[int]:
    """Line numbers where a Chinese paragraph goes on to the next line (renders as a space)."""
    lines, fence, found = text.split("\n"), False, []
    for i, (line, nxt) in enumerate(zip(lines, lines[1:], strict=False)):
        if line.startswith("```"):
            fence = not fence
        if fence or not nxt.strip() or BLOCK_START.match(line) or BLOCK_START.match(nxt):
            continue
        if CJK_LINE_END.search(line):
            found.append(i + 1)
    return found


@pytest.mark.parametrize(
    "path",
    [p.md for p in repo.pairs() if p.lang == "zh"]
    + [ROOT / "README.zh-CN.md", ROOT / "docs/instructor/zh-CN.md"],
    ids=rel,
)
def test_chinese_prose_renders_cleanly(path):
    """Markdown turns a line break inside a paragraph into a space: fine between English
    sentences, a visible gap between Chinese ones. And `**用时：**约` is not bold (CommonMark
    does not close `**` after punctuation followed by a letter): write `**用时**：约`."""
    text = path.read_text(encoding="utf-8")
    assert joined_lines(text) == [], "join these Chinese paragraphs onto one line"
    assert not BOLD_BEFORE_FULLWIDTH_COLON.search(text)


def test_the_chinese_prose_rules_catch_what_they_are_for():
    assert joined_lines("第一句。\n第二句。\n") == [1]
    assert joined_lines("第一句。\n\n- 列表\n- 项目\n```\n代码。\n行\n```\n") == []
    assert BOLD_BEFORE_FULLWIDTH_COLON.search("**用时：**约 30 分钟")
    assert not BOLD_BEFORE_FULLWIDTH_COLON.search("**用时**：约 30 分钟")
