"""The prose: chapters open and close the same way, links resolve, Chinese renders cleanly and
avoids the slips reviewers kept finding, the glossary has one row per term, the READMEs start
with `make lab` and chapter 01 and name the licences."""

from __future__ import annotations

import ast
import collections
import functools
import io
import re
import textwrap
import tokenize
from pathlib import Path

import pytest

from conftest import ROOT, load, rel
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
    """A learner's first screen: `make lab`, then chapter 01 (tests are for maintainers)."""
    text = path.read_text(encoding="utf-8")
    first_block = text.split("```bash", 1)[1].split("```", 1)[0]
    assert "make lab" in first_block and "make test" not in first_block
    chapter_01 = re.search(r"\(chapters/(en|zh)/01_gradient_tape\.ipynb\)", text)
    assert chapter_01 and text.index("make lab") < chapter_01.start() < text.index("conda")
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


# The Chinese prose lint: the slips independent reviews kept finding in the Chinese edition.
# It reads every Chinese text a learner or instructor sees: the notebooks' text files, their
# recorded outputs, the Chinese README, guide and glossary, and the "zh" strings of the package.

GLOSSARY = ROOT / "docs/glossary.md"
ZH_NOTEBOOKS = [p for p in repo.pairs() if p.lang == "zh"]
ZH_FILES = [p.md for p in ZH_NOTEBOOKS] + [
    ROOT / "README.zh-CN.md",
    ROOT / "docs/instructor/zh-CN.md",
]
HAN = "[\u4e00-\u9fff]"
INLINE_CODE = re.compile(r"`[^`\n]*`")
# "快 3 倍" can mean 3x or 4x the speed: write "是…的 3 倍" or "耗时不到 1/3" (and "缩小到 1/10").
TIMES = re.compile(
    r"(快|慢|缩小|减少|减小|降低)(了|上|出)?\s*(约|近|将近|大约|至少|不到|超过)?\s*"
    r"(\$?[\d.,一二两三四五六七八九十百千万几]+\$?|\{[^}]*\})\s*多?倍"
)
HALF_WIDTH_COLON = re.compile(rf"{HAN}[\s*_`]*:(?!//)|(?<![:/]):(?![:/])[\s*_`]*{HAN}")
# print("磁带：", g) prints "磁带： -2.0": print's separator after full-width punctuation (a column
# gap of two or more spaces is layout, not a slip).
SPACE_AFTER_FULL_WIDTH = re.compile(r"[：，。；！？、）]\x20(?=\S)")
# "状态：发散：…": two colons with no punctuation, arrow or column gap between them.
COLON_CHAIN = re.compile(r"：(?:(?!\s\s|->|→)[^：。！？；，、,;|\n])*：")
PARENTHETICAL = re.compile(r"（[^（）]*）")
NESTED_BRACKETS = re.compile(r"（[^（）\n]*（")
QUANTITY = re.compile(r"[\d一二两三四五六七八九十几每多这那首再]")


def glossary_rows(section: str) -> list[list[str]]:
    """The rows (lists of cells) of the table under the glossary heading that starts `section`."""
    text = GLOSSARY.read_text(encoding="utf-8").split(f"\n## {section}", 1)[1].split("\n## ")[0]
    rows = [line.strip().strip("|").split("|") for line in text.splitlines() if line[:2] == "| "]
    return [[cell.strip() for cell in row] for row in rows[2:]]  # without the header


def chinese_terms(cell: str) -> list[str]:
    """The Chinese terms of a glossary cell: `a，b / c（note）：definition` gives a, b, c."""
    cell = PARENTHETICAL.sub("", INLINE_CODE.sub("", cell).split("：")[0])
    return [t.strip() for t in re.split(r"[，；/]", cell) if len(re.findall(HAN, t)) > 1]


def english_terms(cell: str) -> list[str]:
    """The English terms of a glossary cell, without notes, code and formulas."""
    cell = re.sub(r"\([^()]*\)", "", re.sub(r"`[^`]*`|\$[^$]*\$", "", cell)).split(":")[0]
    return [" ".join(t.split()) for t in re.split(r",|;| / | vs ", cell) if t.strip()]


def avoided_words() -> list[tuple[str, str]]:
    """(word not to use, the word to write) from the glossary's last table."""
    return [
        (word.strip(), re.split(r" \(|（", better)[0].strip())
        for avoid, better, _ in glossary_rows("Words not to use")
        for word in avoid.split("/")
    ]


def without_parentheticals(line: str) -> str:
    while PARENTHETICAL.search(line):
        line = PARENTHETICAL.sub("", line)
    return line


def slips(text: str, avoid: bool = True, output: bool = False) -> list[str]:
    """Every recurring slip in `text`, as "line N: what". Code lines (inside ``` fences) are
    checked too, for their strings and comments, except for colon chains: a format string is not
    what the learner reads, so chains are checked in the recorded outputs instead; so is the space
    `print` puts after a full-width colon (`output=True`)."""
    found, fence, words = [], False, avoided_words() if avoid else []
    for n, line in enumerate(text.split("\n"), 1):
        if line.startswith("```"):
            fence = not fence
            continue
        bare = INLINE_CODE.sub("``", line)
        rules = [
            (TIMES, line, 'ambiguous "快 N 倍": write "是…的 N 倍" or "耗时不到 1/N"'),
            (HALF_WIDTH_COLON, bare, "half-width colon next to Chinese: use ："),
            (NESTED_BRACKETS, bare, "full-width brackets inside full-width brackets"),
        ]
        if output:
            rules.append((SPACE_AFTER_FULL_WIDTH, line, "print's space after a full-width mark"))
        if not fence:
            rules.append((COLON_CHAIN, without_parentheticals(bare), "colon chain"))
        for rule, where, what in rules:
            found += [f"line {n}: {what}: {m.group()!r}" for m in rule.finditer(where)]
        for word, better in words:
            if word in line.replace(better, ""):
                found.append(f"line {n}: {word} (the glossary's word is {better})")
    return found


def zh_strings(path: Path) -> list[tuple[int, str]]:
    """(line, text) of every "zh" entry of the string tables in a module of the package."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [
        (value.lineno, value.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Dict)
        for key, value in zip(node.keys, node.values, strict=True)
        if isinstance(key, ast.Constant) and key.value == "zh"
        if isinstance(value, ast.Constant) and isinstance(value.value, str)
    ]


MODULES = [p for p in sorted((ROOT / "src/autodiff_course").rglob("*.py")) if zh_strings(p)]


def recorded_text(path: Path) -> str:
    """What a notebook's recorded outputs show as text, one output after another."""
    parts = []
    for cell in load(path)["cells"]:
        for out in cell.get("outputs", []):
            for text in (out.get("text", ""), out.get("data", {}).get("text/plain", "")):
                parts.append("".join(text))
    return "\n".join(parts)


@pytest.mark.parametrize("path", [*ZH_FILES, GLOSSARY], ids=rel)
def test_chinese_files_avoid_the_recurring_slips(path):
    found = slips(path.read_text(encoding="utf-8"), avoid=path != GLOSSARY)
    assert found == [], "\n".join(found)


@pytest.mark.parametrize("path", [p.ipynb for p in ZH_NOTEBOOKS], ids=rel)
def test_chinese_outputs_avoid_the_recurring_slips(path):
    found = slips(recorded_text(path), output=True)
    assert found == [], "in the recorded outputs:\n" + "\n".join(found)


@pytest.mark.parametrize("path", MODULES, ids=rel)
def test_chinese_strings_of_the_package_avoid_the_recurring_slips(path):
    found = [f"{path.name}:{n}: {slip}" for n, text in zh_strings(path) for slip in slips(text)]
    assert found == [], "\n".join(found)


def english_notes(code: str) -> list[str]:
    """The comments and docstrings of `code` that still read as English (two words in a row)."""
    tokens = tokenize.generate_tokens(io.StringIO(textwrap.dedent(code)).readline)
    notes = [
        t.string
        for t in tokens
        if t.type == tokenize.COMMENT or (t.type == tokenize.STRING and t.string[:3] == '"""')
    ]
    return [n for n in notes if re.search(r"\b[A-Za-z]{3,} [a-z]{3,}\b", INLINE_CODE.sub("", n))]


def test_the_minitape_code_chapter_11_shows_in_chinese_has_chinese_comments():
    from autodiff_course import minitape

    text = (ROOT / "chapters/zh/11_a_tape_of_your_own.md").read_text(encoding="utf-8")
    calls = re.findall(r"^source\((.*)\)$", text, re.M)
    names = [call.removesuffix(', lang="zh"') for call in calls]
    assert calls and all(n != c for n, c in zip(names, calls, strict=True)), (
        'chapter 11 (zh) must show minitape with source(..., lang="zh")'
    )
    for name in names:
        shown = minitape.source(functools.reduce(getattr, name.split("."), minitape), lang="zh")
        code = shown.data.removeprefix("```python\n").removesuffix("```")
        assert english_notes(code) == [], f"{name}: add its notes to minitape.COMMENTS_ZH"
    assert english_notes("x = 1  # the tape records\n") and not english_notes("x = 1  # 磁带\n")


def test_what_a_check_finds_wrong_has_no_colon_chain():
    """A check says what is wrong by putting a place ("第 2 项，", "调用 f(1.0) 时，") before
    what is wrong there ("形状不对：得到 …"): the two together must not chain colons."""
    tree = ast.parse((ROOT / "src/autodiff_course/checks/messages.py").read_text(encoding="utf-8"))
    call = next(n for n in ast.walk(tree) if isinstance(n, ast.Call) and len(n.args) == 2)
    messages = ast.literal_eval(call.args[1])  # the table, read without importing TensorFlow
    fill = collections.defaultdict(lambda: "x")
    verdicts = {"correct", "not attempted", "wrong", "unknown exercise", "unknown language"}
    found = [
        f"{where} + {kind}: {slip}"
        for where in ("item", "call")
        for kind in set(messages) - verdicts - {"item", "call"}
        for slip in slips((messages[where]["zh"] + messages[kind]["zh"]).format_map(fill))
    ]
    assert found == [], "\n".join(found)


def normalised(english: str) -> str:
    """Letters and digits only, lower case, a plural s dropped: for comparing English terms."""
    words = re.findall(r"[a-z0-9]+", english.lower())
    return "".join(w[:-1] if len(w) > 3 and w.endswith("s") else w for w in words)


def gives_english(paren: str, english: str) -> bool:
    """Whether a parenthesis's Latin text is (part of) the glossary row's English column."""
    runs = [normalised(r) for r in re.findall(r"[A-Za-z][A-Za-z0-9_ .\-–]*", paren)]
    targets = [normalised(t) for t in [english, *english_terms(english)]]
    return any(len(r) > 2 and any(r in t for t in targets) for r in runs)


def prose(text: str) -> str:
    """The running text of a Chinese file: no code, headings, link texts, chapter titles
    ("01 · 梯度磁带") or prerequisite lines (they name chapters). Offsets keep their lines."""
    lines, fence = [], False
    for line in text.split("\n"):
        if line.startswith("```"):
            fence = not fence
        skip = fence or line.startswith(("#", "```", "**预备知识**", "<!--"))
        lines.append("" if skip else line)
    text = "\n".join(lines)
    text = re.sub(r"\[[^\]\n]*\]\([^)\n]*\)", lambda m: "·" * len(m.group()), text)
    return re.sub(r"\d\d · [^|*\]\n]+", lambda m: "·" * len(m.group()), text)


def first_uses_without_english(text: str) -> list[str]:
    """Each term of the glossary's first table whose first use here does not give its English
    in parentheses right after it (截断误差（truncation error）) or sit in parentheses after it
    (`input_signature`（输入签名）) or beside it (（“numerical”，数值估计）). A term inside a
    longer term of another row is not a use (雅可比矩阵 in 逐样本的雅可比矩阵); a longer term of
    its own row carries its English (追踪 in 重新追踪（retracing）)."""
    text = prose(text)
    rows = [(row[0], chinese_terms(row[1])) for row in glossary_rows("Terms")]
    found = []
    for english, own in rows:
        for term in own:
            if re.search("[A-Za-z]", term):  # "Eager 模式" carries its English
                continue
            masked = text
            others = [t for e, ts in rows if e != english for t in ts if term in t and t != term]
            for longer in sorted(others, key=len)[::-1]:
                masked = masked.replace(longer, "\0" * len(longer))
            # 次梯度 (subgradient) is not the 次 of 一次梯度 (one gradient computation)
            uses = [m.start() for m in re.finditer(term, masked)]
            uses = [at for at in uses if not (term[0] == "次" and QUANTITY.match(masked, at - 1))]
            if not uses:
                continue
            start, end = uses[0], uses[0] + len(term)
            for same in own:
                for m in re.finditer(same, text):
                    if m.start() <= start and end <= m.end():
                        start, end = m.start(), m.end()
            after = re.match(r"[*_”’」]*（([^（）]*)）", text[end:])
            before = re.search(r"([A-Za-z][A-Za-z0-9_ .\-`]*)（[*“]*$", text[:start])
            candidates = [m.group(1) for m in (after, before) if m]
            left = re.search(r"（([^（）]*)$", text[:start])  # （“numerical”，数值估计）
            right = re.match(r"([^（）]*)）", text[end:])
            if left and right:
                candidates.append(left.group(1) + " " + right.group(1))
            if not any(gives_english(c, english) for c in candidates):
                line = text.count("\n", 0, start) + 1
                found.append(f"line {line}: {term}（{', '.join(english_terms(english))}）")
    return found


@pytest.mark.parametrize("path", ZH_FILES, ids=rel)
def test_chinese_files_give_the_english_of_a_term_on_first_use(path):
    found = first_uses_without_english(path.read_text(encoding="utf-8"))
    assert found == [], "write the English on first use:\n" + "\n".join(found)


def duplicate_terms(rows: list[list[str]]) -> list[str]:
    """Each English or Chinese term that a second row of the glossary gives again."""
    seen: dict[str, str] = {}
    found = []
    for english, chinese, _ in rows:
        for key in [normalised(t) for t in english_terms(english)] + chinese_terms(chinese):
            if key in seen:
                found.append(f"{key!r} is in two rows: {seen[key]!r} and {english!r}")
            seen[key] = english
    return found


def test_the_glossary_has_one_row_per_term():
    rows = glossary_rows("Terms") + glossary_rows("Everyday words")
    assert duplicate_terms(rows) == []
    terms = {t for row in rows for t in chinese_terms(row[1])}
    assert "交互探索器" in terms, "the explorers' one name"
    for word, better in avoided_words():
        assert word not in terms, f"the glossary both uses and avoids {word}"
        assert better in terms or word == "构造函数", f"{better} is not in the glossary"


def test_the_chinese_prose_rules_catch_what_they_are_for():
    assert joined_lines("第一句。\n第二句。\n") == [1]
    assert joined_lines("第一句。\n\n- 列表\n- 项目\n```\n代码。\n行\n```\n") == []
    assert BOLD_BEFORE_FULLWIDTH_COLON.search("**用时：**约 30 分钟")
    assert not BOLD_BEFORE_FULLWIDTH_COLON.search("**用时**：约 30 分钟")
    # each slip: a bad line is caught, the good wording passes
    for bad, good in [
        ("计算图比 Eager 快 3 倍以上", "计算图的耗时不到 Eager 的 1/3"),
        ("在这里快了十倍以上", "在这里是 Eager 的十倍以上"),
        ("这里反向模式快 {r} 倍", "这里前向模式的耗时是反向模式的 {r} 倍"),
        ("$\\delta$ 每缩小 10 倍", "$\\delta$ 每缩小到 1/10"),
        ('print("梯度:", g)', 'print("梯度：", g)'),
        ("例如 `x`: 它是张量", "例如 `x`：它是张量"),
        ("状态：发散：|r| > 1", "状态：发散。|r| > 1"),
        ("lr = 0.1：路径一致（误差 < 1e-12）：True", "lr = 0.1 时路径一致（误差 < 1e-12）：True"),
        (
            "目标网络（例如 DQN 里的目标网络（target network））",
            "目标网络（target network，例如 DQN）",
        ),
        ("## 5. 动手试试：移动滑块", "## 5. 交互探索器：移动滑块"),
        ("这个交互工具只画图", "这个交互探索器只画图"),
        ("与闭式解一致", "与解析式一致"),
        ("float32 的间距", "float32 的间隔"),
    ]:
        assert slips(bad), bad
        assert slips(good) == [], good
    assert slips("计算：float16   变量：float32") == []  # columns, not a chain
    assert slips("磁带： -2.0 | 相等： True", output=True)  # print("磁带：", g, ...)
    assert slips("磁带：-2.0 | 相等：True", output=True) == []
    assert slips("1 - 0.98**1000：      0.9999999983", output=True) == []  # a column
    assert slips("最终损失：0.01（最小二乘：0.01）") == []
    assert slips('```\nprint(f"{a}：{b:.3}：")\n```') == []  # code: its outputs are checked
    assert slips("https://example.org 中文") == []
    # first use of a glossary term: its English right after it, or it in brackets after the API
    assert first_uses_without_english("中心差分的截断误差像 δ² 一样缩小。")
    assert first_uses_without_english("截断误差（float32 下约 1e-3）")
    assert not first_uses_without_english("只求一次梯度时")
    assert first_uses_without_english("0 是一个次梯度")
    assert first_uses_without_english("## 截断误差\n\n截断误差很小。")
    assert not first_uses_without_english("## 截断误差\n\n**截断误差**（truncation error）很小。")
    assert not first_uses_without_english("`input_signature`（输入签名）固定了签名。")
    assert not first_uses_without_english("（“numerical”，数值估计）")
    assert not first_uses_without_english("（均方误差，mean squared error）")
    assert not first_uses_without_english("经过全连接层（dense layer）")  # "dense (...) layer"
    assert first_uses_without_english("（float32 下的数值估计）")
    assert not first_uses_without_english("见 [第 08 章 · 雅可比矩阵与黑塞矩阵](08.ipynb)。")
    assert not first_uses_without_english("梯度磁带（GradientTape，即 `tf.GradientTape`）")
    # a longer term of another row is not a use of the shorter one ...
    text = "逐样本的雅可比矩阵（per-example Jacobian）与雅可比矩阵"
    assert [f[:13] for f in first_uses_without_english(text)] == ["line 1: 雅可比矩阵"]
    # ... one of its own row carries its English
    assert not first_uses_without_english("重新追踪（retracing）和追踪")
    assert not first_uses_without_english(
        "**反向模式自动微分**（reverse-mode automatic differentiation）"
    )
    assert first_uses_without_english("反向模式自动微分很快")
    # the glossary's own tables
    assert chinese_terms("反向模式，反向模式自动微分") == ["反向模式", "反向模式自动微分"]
    assert chinese_terms("（相邻浮点数的）间隔") == ["间隔"]
    assert chinese_terms("曲率：优化中指二阶导数（黑塞矩阵）；另一种") == ["曲率"]
    assert normalised("trainable variables") == normalised("trainable variable")
    for first, again in [
        (
            ["Newton's method", "牛顿法", "03"],
            ["Newton's method, Newton step", "牛顿法，牛顿步", "08"],
        ),
        (
            ["eigenvalue", "特征值", "08"],
            ["eigenvalue (of the Hessian)", "（黑塞矩阵的）特征值", "12"],
        ),
        (
            ["trainable variable", "可训练变量", "02"],
            ["trainable variables", "可训练变量（列表）", ""],
        ),
    ]:
        assert duplicate_terms([first, again]), again
        assert duplicate_terms([first]) == []
    assert english_terms("Newton's method, Newton step $v$") == ["Newton's method", "Newton step"]
