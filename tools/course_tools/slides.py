"""reveal.js slides from the chapter notebooks (`make slides`; for instructors).

    python -m course_tools slides                      # every chapter -> build/slides/{en,zh}/
    python -m course_tools slides chapters/en/01_gradient_tape.ipynb --out /tmp/slides
    python -m course_tools slides --reveal-url-prefix reveal.js   # a local copy, for offline use

The chapters carry no slide metadata of their own: `SlideTypePreprocessor` chooses it from the
shape of each notebook, so that each slide holds one idea and its output:

- a `#` or `##` heading cell starts a new slide (this includes the title and "Key points");
- a prose cell that leads into code starts a sub-slide, and the code cell joins it with its output;
- a code cell right after another code cell appears on the same slide, one click later (fragment);
- the shared setup cell (the first code cell, which calls `setup_notebook`) is skipped;
- a slider explorer shows its still (the figure and its numbers as one image); the output of a
  widget without a still is left out: without a kernel it would show only the text stand-in of
  the widget ("HBox(children=...").

A cell that already has `slideshow.slide_type` metadata keeps it. Relative links are rewritten so
they work from the slides: a sibling chapter links to its slides, anything else to the repository.

The HTML loads reveal.js, MathJax and the widget renderer from CDNs (nbconvert's defaults), so
showing the slides needs a network connection unless `--reveal-url-prefix` points to a local copy.
"""

from __future__ import annotations

import argparse
import posixpath
import re
import sys
from pathlib import Path

from . import repo

SETUP_CALL = "setup_notebook("
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
HTML_LANG = {"en": "en", "zh": "zh-CN"}
_LINK = re.compile(r"\]\((?P<target>[^)\s]+)\)")
_SIBLING_CHAPTER = re.compile(r"^(?P<stem>\d\d_[\w-]+)\.ipynb(?P<anchor>#.*)?$")


def heading_level(source: str) -> int:
    """1 for a cell that starts with `# `, 2 for `## `, ...; 0 when it starts with prose."""
    match = re.match(r"(#{1,6})\s", source.lstrip())
    return len(match.group(1)) if match else 0


def is_setup_cell(cell, index_of_code: int) -> bool:
    return cell.cell_type == "code" and index_of_code == 0 and SETUP_CALL in cell.source


def choose_slide_types(cells) -> list[str]:
    """The reveal.js slide type of each cell ("slide", "subslide", "fragment", "-", "skip")."""
    types = []
    previous = None  # cell type of the previous cell that is shown
    code_on_slide = False  # does the current (sub)slide already show code?
    code_seen = 0
    for cell in cells:
        explicit = cell.metadata.get("slideshow", {}).get("slide_type")
        if explicit:
            kind = explicit
        elif is_setup_cell(cell, code_seen):
            kind = "skip"
        elif cell.cell_type == "markdown":
            level = heading_level(cell.source)
            if level in (1, 2):
                kind = "slide"
            elif level:
                kind = "subslide"
            elif previous == "markdown" and not code_on_slide:
                kind = "-"  # prose under a heading, before any code: the same slide
            else:
                kind = "subslide"
        elif cell.cell_type == "code":
            kind = "fragment" if previous == "code" else "-"
        else:
            kind = "-"
        if cell.cell_type == "code":
            code_seen += 1
        if kind in ("skip", "notes"):
            types.append(kind)
            continue
        if kind in ("slide", "subslide"):
            code_on_slide = False
        if cell.cell_type == "code":
            code_on_slide = True
        previous = cell.cell_type
        types.append(kind)
    return types


def rewrite_links(source: str, notebook: str) -> str:
    """Make relative Markdown links work from build/slides/<lang>/.

    `notebook` is the notebook's path relative to the repository root (POSIX).
    """
    owner_name, branch = repo.github_path()
    folder = posixpath.dirname(notebook)

    def fix(match: re.Match) -> str:
        target = match.group("target")
        if re.match(r"^[a-z][a-z0-9+.-]*:", target, re.I) or target.startswith(("#", "/")):
            return match.group(0)
        sibling = _SIBLING_CHAPTER.match(target)
        if sibling and folder.startswith("chapters/"):
            return f"]({sibling['stem']}.slides.html{sibling['anchor'] or ''})"
        path = posixpath.normpath(posixpath.join(folder, target))
        return f"](https://github.com/{owner_name}/blob/{branch}/{path})"

    return _LINK.sub(fix, source)


def still_or_none(output):
    """A widget's output without its widget view: its still image if it has one (the explorers
    do), else nothing (the text stand-in, "HBox(children=...", tells a reader nothing)."""
    data = output.get("data", {})
    if WIDGET_VIEW not in data:
        return output
    if "image/png" not in data:
        return None
    output.data = {key: value for key, value in data.items() if key != WIDGET_VIEW}
    return output


def _preprocessor_class():
    from nbconvert.preprocessors import Preprocessor

    class SlideTypePreprocessor(Preprocessor):
        """Give every cell a `slideshow.slide_type` (see the module docstring)."""

        def preprocess(self, nb, resources):
            notebook = resources.get("course_notebook", "")
            saved_widgets = bool(nb.metadata.get("widgets"))
            for cell, kind in zip(nb.cells, choose_slide_types(nb.cells), strict=True):
                cell.metadata.setdefault("slideshow", {})["slide_type"] = kind
                if cell.cell_type == "code" and not saved_widgets:
                    cell.outputs = [still_or_none(o) for o in cell.outputs]
                    cell.outputs = [o for o in cell.outputs if o is not None]
                if cell.cell_type == "markdown" and notebook:
                    cell.source = rewrite_links(cell.source, notebook)
            return nb, resources

    return SlideTypePreprocessor


def make_exporter(lang: str = "en", reveal_url_prefix: str | None = None):
    from nbconvert import SlidesExporter

    exporter = SlidesExporter()
    exporter.exclude_input_prompt = True
    exporter.exclude_output_prompt = True
    exporter.reveal_scroll = True  # a long output scrolls instead of leaving the slide
    exporter.reveal_number = "c/t"
    exporter.language_code = HTML_LANG.get(lang, lang)
    if reveal_url_prefix:
        exporter.reveal_url_prefix = reveal_url_prefix
    return exporter


def build(notebook: Path, out_dir: Path, reveal_url_prefix: str | None = None) -> Path:
    """Write `<out_dir>/<stem>.slides.html` for one notebook and return its path."""
    import nbformat

    notebook = Path(notebook)
    lang = notebook.parent.name
    nb = nbformat.read(notebook, as_version=4)
    exporter = make_exporter(lang, reveal_url_prefix)
    resources = {"metadata": {"name": notebook.stem}, "course_notebook": repo.rel(notebook)}
    # Applied before the export: the reveal template's own preprocessor, which turns slide types
    # into <section>s, runs before any preprocessor registered with the exporter.
    nb, resources = _preprocessor_class()().preprocess(nb, resources)
    html, _ = exporter.from_notebook_node(nb, resources=resources)
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / f"{notebook.stem}.slides.html"
    target.write_text(html, encoding="utf-8")
    return target


def chapter_notebooks() -> list[Path]:
    return sorted((repo.root() / "chapters").glob("*/[0-9][0-9]_*.ipynb"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m course_tools slides", description=__doc__.splitlines()[0]
    )
    parser.add_argument("notebooks", nargs="*", type=Path, help="default: every chapter")
    parser.add_argument("--out", type=Path, default=None, help="default: build/slides")
    parser.add_argument("--reveal-url-prefix", default=None, help="reveal.js location (offline)")
    args = parser.parse_args(argv)
    out = args.out or repo.root() / "build" / "slides"
    notebooks = args.notebooks or chapter_notebooks()
    if not notebooks:
        print("no chapter notebooks found", file=sys.stderr)
        return 1
    for notebook in notebooks:
        target = build(notebook, out / notebook.parent.name, args.reveal_url_prefix)
        print(f"wrote {repo.rel(target)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
