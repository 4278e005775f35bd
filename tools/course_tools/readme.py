"""The generated parts of README.md and README.zh-CN.md: badges, chapter table, tested versions.

Each sits between `<!-- BEGIN GENERATED ...: make readme -->` and `<!-- END GENERATED ... -->`.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from . import repo

TABLE = ("<!-- BEGIN GENERATED TABLE: make readme -->", "<!-- END GENERATED TABLE -->")
BADGES = ("<!-- BEGIN GENERATED BADGES: make readme -->", "<!-- END GENERATED BADGES -->")
VERSIONS = ("<!-- BEGIN GENERATED VERSIONS: make readme -->", "<!-- END GENERATED VERSIONS -->")
HEADERS = {
    "en": ("#", "Chapter", "Exercises", "Solutions", "Run online"),
    "zh": ("#", "章节", "练习", "参考答案", "在线运行"),
}
EXERCISE_WORDS = {"en": "exercises", "zh": "练习"}
SOLUTION_WORDS = {"en": "solutions", "zh": "答案"}
VERSION_HEADERS = {"en": ("Package", "Version"), "zh": ("包", "版本")}
LOCK = "requirements/dev.txt"
_PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)")


def title_of(md: Path) -> str:
    for line in md.read_text(encoding="utf-8").splitlines():
        if line.startswith("# "):
            return line[2:].strip()
    return md.stem


def readme_table(lang: str) -> str:
    base = repo.root()
    rows = [" | ".join(HEADERS[lang]), " | ".join("---" for _ in HEADERS[lang])]
    for pair in repo.pairs(("chapters",)):
        if pair.lang != lang:
            continue
        cells = [pair.md.name[:2], f"[{title_of(pair.md)}]({pair.rel()})"]
        for folder, words in (("exercises", EXERCISE_WORDS), ("solutions", SOLUTION_WORDS)):
            path = base / folder / lang / pair.ipynb.name
            rel = path.relative_to(base).as_posix()
            cells.append(f"[{words[lang]}]({rel})" if path.exists() else "—")
        colab = "https://colab.research.google.com/assets/colab-badge.svg"
        binder = "https://mybinder.org/badge_logo.svg"
        cells.append(
            f"[![Colab]({colab})]({repo.colab_url(pair.rel())}) "
            f"[![Binder]({binder})]({repo.binder_url(pair.rel())})"
        )
        rows.append(" | ".join(cells))
    return "\n".join(f"| {row} |" for row in rows)


def readme_badges(path: Path) -> str:
    """Badges that open the course itself: Binder on this README's landing page."""
    return f"[![Binder](https://mybinder.org/badge_logo.svg)]({repo.binder_url(path.name)})"


def locked_versions(path: Path) -> dict[str, str]:
    """{normalized name: version} of every `name==version` line in a lockfile."""
    found = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        match = _PIN.match(line)
        if match:
            found[normalize(match.group(1))] = match.group(2)
    return found


def normalize(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def top_level_names() -> list[str]:
    """The packages pyproject.toml's dependency groups name, in their order (no duplicates)."""
    with open(repo.root() / "pyproject.toml", "rb") as fh:
        groups = tomllib.load(fh).get("dependency-groups", {})
    names = []
    for group in groups.values():
        for item in group:
            if isinstance(item, str):
                name = normalize(re.split(r"[<>=!~;\[ ]", item, maxsplit=1)[0])
                if name not in names:
                    names.append(name)
    return names


def versions_table(lang: str) -> str:
    locked = locked_versions(repo.root() / LOCK)
    head = VERSION_HEADERS[lang]
    rows = [" | ".join(head), "--- | ---"]
    rows += [f"{name} | {locked[name]}" for name in top_level_names() if name in locked]
    return "\n".join(f"| {row} |" for row in rows)


def readme_files() -> dict[str, Path]:
    base = repo.root()
    return {"en": base / "README.md", "zh": base / "README.zh-CN.md"}


def replace_block(text: str, markers: tuple[str, str], body: str, name: str) -> str:
    begin, end = markers
    pattern = re.compile(re.escape(begin) + ".*?" + re.escape(end), re.S)
    if not pattern.search(text):
        raise ValueError(f"{name} has no {begin} … {end} block")
    return pattern.sub(lambda _: f"{begin}\n{body}\n{end}", text)


def readme_text(lang: str) -> str:
    path = readme_files()[lang]
    text = path.read_text(encoding="utf-8")
    text = replace_block(text, TABLE, readme_table(lang), path.name)
    text = replace_block(text, VERSIONS, versions_table(lang), path.name)
    return replace_block(text, BADGES, readme_badges(path), path.name)


def readme() -> None:
    for lang, path in readme_files().items():
        text = readme_text(lang)
        if path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
            print(f"wrote {path.name}")


def stale_readmes() -> list[str]:
    return [
        f"{path.name}: a generated block is stale (run `make readme`)"
        for lang, path in readme_files().items()
        if path.read_text(encoding="utf-8") != readme_text(lang)
    ]
