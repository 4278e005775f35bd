"""Maintenance commands for the course's files (run through `make`, never from a notebook).

    python -m autodiff_course.authoring sync       # setup cells + .md -> .ipynb (keeps outputs)
    python -m autodiff_course.authoring record [NOTEBOOK ...]   # execute and save outputs
    python -m autodiff_course.authoring readme     # regenerate the README tables
    python -m autodiff_course.authoring exercises  # exercises/ from solutions/
    python -m autodiff_course.authoring verify     # exit 1 if anything above is stale

The text file (.md, MyST) is the source of every cell; the .ipynb adds the recorded outputs.
"""

from __future__ import annotations

import argparse
import difflib
import re
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FOLDERS = ("chapters", "solutions", "exercises")
LANGS = ("en", "zh")
KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
SOLUTION_BEGIN, SOLUTION_END = "### BEGIN SOLUTION", "### END SOLUTION"


def config() -> dict:
    with open(Path(__file__).with_name("course.toml"), "rb") as fh:
        return tomllib.load(fh)


def github_path() -> tuple[str, str]:
    """("owner/name", branch) from the configured repository URL."""
    cfg = config()
    owner_name = re.sub(r"^https://github\.com/", "", cfg["repository"]).strip("/")
    return owner_name, cfg["branch"]


def colab_url(path: str) -> str:
    repo, branch = github_path()
    return f"https://colab.research.google.com/github/{repo}/blob/{branch}/{path}"


def binder_url(path: str | None = None) -> str:
    repo, branch = github_path()
    url = f"https://mybinder.org/v2/gh/{repo}/{branch}"
    return f"{url}?urlpath=lab/tree/{path}" if path else url


# --------------------------------------------------------------------------- setup cell

SETUP_COMMENTS = {
    "en": (
        "# Setup, the same in every notebook. On Colab it first installs the course package;",
        "# everywhere it quiets TensorFlow's log lines and sets the plot style.",
        "# Colab has TensorFlow, not the course package",
    ),
    "zh": (
        "# 环境设置，每个笔记本都一样。在 Colab 上会先安装课程的辅助包；",
        "# 在任何环境中都会屏蔽 TensorFlow 的日志并设置绘图风格。",
        "# Colab 自带 TensorFlow，但没有课程辅助包",
    ),
}


def setup_cell(lang: str) -> str:
    """Source of the first code cell of every notebook, generated from course.toml."""
    cfg = config()
    first, second, colab = SETUP_COMMENTS[lang]
    spec = f"autodiff-course @ git+{cfg['repository']}@{cfg['branch']}"
    return "\n".join(
        [
            first,
            second,
            "import sys",
            "",
            f'if "google.colab" in sys.modules:  {colab}',
            "    import subprocess",
            "",
            f'    package = "{spec}"',
            '    pip = [sys.executable, "-m", "pip", "install", "-q", "--no-deps", package]',
            "    subprocess.run(pip, check=True, capture_output=True)",
            "",
            "from autodiff_course import setup_notebook",
            "",
            f'setup_notebook("{lang}")',
        ]
    )


# --------------------------------------------------------------------------- files


@dataclass(frozen=True)
class Pair:
    """One notebook: its text file (source of the cells) and its .ipynb (with outputs)."""

    md: Path

    @property
    def ipynb(self) -> Path:
        return self.md.with_suffix(".ipynb")

    @property
    def lang(self) -> str:
        return self.md.parent.name

    @property
    def folder(self) -> str:
        return self.md.parent.parent.name

    def rel(self, path: Path | None = None) -> str:
        return (path or self.ipynb).relative_to(ROOT).as_posix()


def pairs(folders: tuple[str, ...] = FOLDERS) -> list[Pair]:
    found = []
    for folder in folders:
        for lang in LANGS:
            found += [Pair(p) for p in sorted((ROOT / folder / lang).glob("[0-9][0-9]_*.md"))]
    return found


def read_md(path: Path):
    import jupytext

    nb = jupytext.read(path)
    nb.metadata["kernelspec"] = dict(KERNELSPEC)
    return nb


def canonical_md(nb) -> str:
    """The text file exactly as jupytext derives it from a notebook under jupytext.toml.

    JupyterLab's jupytext extension refuses to open a notebook whose .ipynb is newer than its
    .md unless the two hold the same content, and a fresh clone gives them arbitrary times. So
    the .md must always be byte for byte what jupytext would write.
    """
    import jupytext
    from jupytext.config import load_jupytext_config

    config = load_jupytext_config(str(ROOT))
    return jupytext.writes(nb, fmt="md:myst", config=config)


def read_ipynb(path: Path):
    import nbformat

    return nbformat.read(path, as_version=4)


def write_ipynb(nb, path: Path) -> None:
    import nbformat

    nb.metadata["kernelspec"] = dict(KERNELSPEC)
    nb.metadata.setdefault("language_info", {"name": "python"})
    nb.metadata.pop("widgets", None)  # widget state is per session, never part of the contract
    for cell in nb.cells:  # run timestamps: noise in every diff
        cell.metadata.pop("execution", None)
    nbformat.write(nb, path)


def cell_view(cell) -> tuple[str, str, tuple[str, ...]]:
    """What must agree between a text file and its notebook: type, source and tags."""
    return cell.cell_type, cell.source.strip(), tuple(cell.metadata.get("tags", []))


def stale_pair(pair: Pair) -> str | None:
    """Why the .ipynb does not match its text file, or None."""
    if not pair.ipynb.exists():
        return f"{pair.rel()}: missing (run `make sync`)"
    want = [cell_view(c) for c in read_md(pair.md).cells]
    have = [cell_view(c) for c in read_ipynb(pair.ipynb).cells]
    if want == have:
        if pair.md.read_text(encoding="utf-8") != canonical_md(read_ipynb(pair.ipynb)):
            return f"{pair.rel(pair.md)}: not in jupytext's own form (run `make sync`)"
        return None
    lines = difflib.unified_diff(
        [repr(v) for v in want], [repr(v) for v in have], pair.rel(pair.md), pair.rel(), n=0
    )
    return f"{pair.rel()} differs from its text file (run `make sync`):\n" + "\n".join(
        list(lines)[:12]
    )


def first_code_cell(nb):
    return next((c for c in nb.cells if c.cell_type == "code"), None)


def stale_setup_cell(pair: Pair) -> str | None:
    cell = first_code_cell(read_md(pair.md))
    if cell is None or cell.source.strip() != setup_cell(pair.lang):
        return f"{pair.rel(pair.md)}: first code cell is not the shared setup cell (`make sync`)"
    return None


def sync(selected: list[Pair] | None = None) -> None:
    """Write the shared setup cell into each text file, then update each .ipynb from it."""
    import jupytext
    from jupytext.combine import combine_inputs_with_outputs

    for pair in selected or pairs():
        nb = read_md(pair.md)
        cell = first_code_cell(nb)
        if cell is not None and cell.source.strip() != setup_cell(pair.lang):
            cell.source = setup_cell(pair.lang)
            jupytext.write(nb, pair.md, fmt="md:myst")
            nb = read_md(pair.md)
        if pair.ipynb.exists():
            nb = combine_inputs_with_outputs(nb, read_ipynb(pair.ipynb), fmt="md:myst")
        write_ipynb(nb, pair.ipynb)
        text = canonical_md(read_ipynb(pair.ipynb))
        if pair.md.read_text(encoding="utf-8") != text:
            pair.md.write_text(text, encoding="utf-8")


# --------------------------------------------------------------------------- record


def record(selected: list[Pair]) -> None:
    """Execute notebooks in this environment and store their outputs (the test contract)."""
    from nbclient import NotebookClient

    for pair in selected:
        print(f"recording {pair.rel()}", flush=True)
        nb = read_ipynb(pair.ipynb)
        client = NotebookClient(
            nb,
            timeout=600,
            kernel_name="python3",
            resources={"metadata": {"path": str(pair.ipynb.parent)}},
            record_timing=False,  # timestamps would make every re-recording a 200-line diff
        )
        client.execute()
        write_ipynb(nb, pair.ipynb)


# --------------------------------------------------------------------------- exercises


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


def exercises() -> None:
    """Write exercises/{en,zh}/*.md from solutions/; remove exercises whose solution is gone."""
    wanted = set()
    for pair in pairs(("solutions",)):
        target = ROOT / "exercises" / pair.lang / pair.md.name
        wanted.add(target)
        target.parent.mkdir(parents=True, exist_ok=True)
        text = exercise_text(pair.md)
        if not target.exists() or target.read_text(encoding="utf-8") != text:
            target.write_text(text, encoding="utf-8")
            print(f"wrote {target.relative_to(ROOT)}")
    for lang in LANGS:
        for orphan in sorted((ROOT / "exercises" / lang).glob("[0-9][0-9]_*.md")):
            if orphan not in wanted:
                for path in (orphan, orphan.with_suffix(".ipynb")):
                    path.unlink(missing_ok=True)
                print(f"removed {orphan.relative_to(ROOT)} (no solution for it)")


def stale_exercises() -> list[str]:
    problems = []
    for lang in LANGS:
        have = {p.name for p in (ROOT / "exercises" / lang).glob("[0-9][0-9]_*.md")}
        want = {p.md.name for p in pairs(("solutions",)) if p.lang == lang}
        problems += [f"exercises/{lang}/{n}: no solution for it" for n in sorted(have - want)]
    for pair in pairs(("solutions",)):
        target = ROOT / "exercises" / pair.lang / pair.md.name
        if not target.exists() or target.read_text(encoding="utf-8") != exercise_text(pair.md):
            problems.append(f"{target.relative_to(ROOT)}: stale (run `make exercises`)")
    return problems


# --------------------------------------------------------------------------- README tables

TABLE_BEGIN = "<!-- BEGIN GENERATED TABLE: make readme -->"
TABLE_END = "<!-- END GENERATED TABLE -->"
HEADERS = {
    "en": ("#", "Chapter", "Exercises", "Solutions", "Run online"),
    "zh": ("#", "章节", "练习", "参考答案", "在线运行"),
}
EXERCISE_WORDS = {"en": "exercises", "zh": "练习"}
SOLUTION_WORDS = {"en": "solutions", "zh": "答案"}


def title_of(md: Path) -> str:
    for line in md.read_text(encoding="utf-8").splitlines():
        if line.startswith("# "):
            return line[2:].strip()
    return md.stem


def readme_table(lang: str) -> str:
    rows = [" | ".join(HEADERS[lang]), " | ".join("---" for _ in HEADERS[lang])]
    for pair in pairs(("chapters",)):
        if pair.lang != lang:
            continue
        num = pair.md.name[:2]
        chapter = f"[{title_of(pair.md)}]({pair.rel()})"
        cells = [num, chapter]
        for folder, words in (("exercises", EXERCISE_WORDS), ("solutions", SOLUTION_WORDS)):
            path = ROOT / folder / lang / pair.ipynb.name
            rel = path.relative_to(ROOT).as_posix()
            cells.append(f"[{words[lang]}]({rel})" if path.exists() else "—")
        colab = f"[![Colab](https://colab.research.google.com/assets/colab-badge.svg)]({colab_url(pair.rel())})"
        binder = f"[![Binder](https://mybinder.org/badge_logo.svg)]({binder_url(pair.rel())})"
        cells.append(f"{colab} {binder}")
        rows.append(" | ".join(cells))
    return "\n".join(f"| {row} |" for row in rows)


def readme_files() -> dict[str, Path]:
    return {"en": ROOT / "README.md", "zh": ROOT / "README.zh-CN.md"}


BADGES_BEGIN = "<!-- BEGIN GENERATED BADGES: make readme -->"
BADGES_END = "<!-- END GENERATED BADGES -->"


def readme_badges(path: Path) -> str:
    """Badges that open the course itself: Binder on this README's landing page."""
    binder = binder_url(path.name)
    return f"[![Binder](https://mybinder.org/badge_logo.svg)]({binder})"


def replace_block(text: str, begin: str, end: str, body: str, name: str) -> str:
    pattern = re.compile(re.escape(begin) + ".*?" + re.escape(end), re.S)
    if not pattern.search(text):
        raise ValueError(f"{name} has no {begin} … {end} block")
    return pattern.sub(lambda _: f"{begin}\n{body}\n{end}", text)


def readme_text(lang: str) -> str:
    path = readme_files()[lang]
    text = path.read_text(encoding="utf-8")
    text = replace_block(text, TABLE_BEGIN, TABLE_END, readme_table(lang), path.name)
    return replace_block(text, BADGES_BEGIN, BADGES_END, readme_badges(path), path.name)


def readme() -> None:
    for lang, path in readme_files().items():
        text = readme_text(lang)
        if path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
            print(f"wrote {path.name}")


def stale_readmes() -> list[str]:
    return [
        f"{path.name}: chapter table is stale (run `make readme`)"
        for lang, path in readme_files().items()
        if path.read_text(encoding="utf-8") != readme_text(lang)
    ]


# --------------------------------------------------------------------------- CLI


def verify() -> list[str]:
    problems = [p for pair in pairs() for p in (stale_setup_cell(pair), stale_pair(pair)) if p]
    return problems + stale_exercises() + stale_readmes()


def select(paths: list[str]) -> list[Pair]:
    if not paths:
        return pairs()
    chosen = []
    for raw in paths:
        path = Path(raw).resolve()
        if path.is_dir():
            chosen += [p for p in pairs() if path in p.md.parents]
        else:
            chosen.append(Pair(path.with_suffix(".md")))
    return chosen


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=["sync", "record", "readme", "exercises", "verify"])
    parser.add_argument("paths", nargs="*", help="notebooks or folders (sync, record)")
    args = parser.parse_args(argv)
    if args.command == "sync":
        sync(select(args.paths))
    elif args.command == "record":
        record(select(args.paths))
    elif args.command == "readme":
        readme()
    elif args.command == "exercises":
        exercises()
    else:
        problems = verify()
        print("\n".join(problems) or "everything is up to date")
        return 1 if problems else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
