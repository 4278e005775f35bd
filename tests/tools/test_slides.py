"""`make slides`: reveal.js slides built from the chapter notebooks (course_tools.slides)."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

import nbformat
import pytest

from conftest import ROOT
from course_tools import slides

CHAPTER = "01_gradient_tape"


class SectionCounter(HTMLParser):
    """Counts reveal.js slides (top-level <section>) and sub-slides (<section> inside one)."""

    def __init__(self):
        super().__init__()
        self.depth = 0
        self.slides = 0
        self.subslides = 0
        self.fragments = 0

    def handle_starttag(self, tag, attrs):
        if tag == "section":
            self.depth += 1
            if self.depth == 1:
                self.slides += 1
            elif self.depth == 2:
                self.subslides += 1
        elif "fragment" in (dict(attrs).get("class") or "").split():
            self.fragments += 1

    def handle_endtag(self, tag):
        if tag == "section":
            self.depth -= 1


def md(source, **metadata):
    return nbformat.v4.new_markdown_cell(source, metadata=metadata)


def code(source, **metadata):
    return nbformat.v4.new_code_cell(source, metadata=metadata)


def test_slide_types_follow_the_shape_of_a_chapter():
    cells = [
        md("# 01 · Title\n\nWhy this matters."),
        code('from autodiff_course import setup_notebook\n\nsetup_notebook("en")'),
        md("## 1. First idea\n\nA sentence that leads into code."),
        code("x = 1"),
        code("x + 1"),
        md("A second point, with its own code."),
        code("x * 2"),
        md("## 2. Second idea"),
        md("More prose before any code."),
        md("### A smaller heading"),
        code("x - 1", slideshow={"slide_type": "notes"}),
        md("## Key points\n\n- one"),
    ]
    assert slides.choose_slide_types(cells) == [
        "slide",
        "skip",
        "slide",
        "-",
        "fragment",
        "subslide",
        "-",
        "slide",
        "-",
        "subslide",
        "notes",
        "slide",
    ]


def test_only_the_first_code_cell_is_the_setup_cell():
    cells = [code("print(1)"), md("text"), code("setup_notebook('en')")]
    assert slides.choose_slide_types(cells) == ["-", "subslide", "-"]


def test_links_are_rewritten_for_the_slides_folder():
    text = (
        "[next](02_what_the_tape_watches.ipynb) · [ex](../../exercises/en/01_gradient_tape.ipynb)"
        " · [web](https://www.tensorflow.org/) · [here](#key-points)"
    )
    out = slides.rewrite_links(text, "chapters/en/01_gradient_tape.ipynb")
    assert "](02_what_the_tape_watches.slides.html)" in out
    assert "/blob/main/exercises/en/01_gradient_tape.ipynb)" in out
    assert "](https://www.tensorflow.org/)" in out
    assert "](#key-points)" in out


WIDGET = {slides.WIDGET_VIEW: {"model_id": "abc", "version_major": 2, "version_minor": 0}}
ONE_PIXEL_PNG = (
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJ"
    "AAAADUlEQVR4nGP4z8DwHwAFAAH/iZk9HQAAAABJRU5ErkJggg=="
)


def slides_of_an_explorer(tmp_path, data: dict) -> str:
    """The slides of a notebook whose explorer cell has one display output with `data`."""
    explorer = code("explorer")
    explorer.outputs = [nbformat.v4.new_output("display_data", data=data)]
    nb = nbformat.v4.new_notebook()
    nb.cells = [md("# Title"), code('setup_notebook("en")'), md("## Sliders"), explorer]
    path = tmp_path / "en" / "01_widgets.ipynb"
    path.parent.mkdir()
    nbformat.write(nb, path)
    return slides.build(path, tmp_path / "out").read_text(encoding="utf-8")


def test_widget_views_without_saved_state_are_left_out(tmp_path):
    text = "HBox(children=(FloatSlider(value=1.0, description='a'),))"
    page = slides_of_an_explorer(tmp_path, {**WIDGET, "text/plain": text})
    assert "HBox(" not in page
    assert "Sliders" in page


def test_an_explorer_shows_its_still(tmp_path):
    data = {**WIDGET, "image/png": ONE_PIXEL_PNG, "text/plain": "x after 1000 steps: 0.99999857"}
    page = slides_of_an_explorer(tmp_path, data)
    assert "data:image/png;base64,iVBORw0KGgo" in page
    assert "widget-view" not in page


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("slides")
    pages = {}
    for lang in ("en", "zh"):
        notebook = ROOT / "chapters" / lang / f"{CHAPTER}.ipynb"
        target = slides.build(notebook, out / lang)
        pages[lang] = (nbformat.read(notebook, as_version=4), target.read_text(encoding="utf-8"))
    return pages


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_chapter_01_builds_one_section_per_slide(built, lang):
    nb, page = built[lang]
    headings = [
        c.source.lstrip().splitlines()[0].lstrip("#").strip()
        for c in nb.cells
        if c.cell_type == "markdown" and slides.heading_level(c.source) in (1, 2)
    ]
    types = slides.choose_slide_types(nb.cells)
    counter = SectionCounter()
    counter.feed(page)
    assert counter.depth == 0, "unbalanced <section> tags"
    assert counter.slides == len(headings) == types.count("slide")
    assert counter.subslides == types.count("slide") + types.count("subslide")
    assert counter.subslides > counter.slides, "prose leading into code should get sub-slides"
    assert counter.fragments == types.count("fragment")
    text = html.unescape(re.sub(r"<[^>]+>", "", page))
    for heading in headings:
        assert heading in text


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_chapter_01_slides_show_outputs_but_not_the_setup_cell(built, lang):
    nb, page = built[lang]
    text = html.unescape(re.sub(r"<[^>]+>", "", page))
    setup = next(c for c in nb.cells if c.cell_type == "code")
    assert "setup_notebook" not in text
    printed = [o.get("text", "").strip() for o in setup.outputs]  # "TensorFlow 2.21.0 · ..."
    assert all(line not in text for line in printed if line)
    results = [
        o["data"]["text/plain"]
        for c in nb.cells
        if c.cell_type == "code"
        for o in c.outputs
        if o.output_type == "execute_result"
    ]
    assert results, "chapter 01 should have outputs to show"
    assert results[0] in text
    assert "<img" in page, "figures are embedded"
    assert f'lang="{slides.HTML_LANG[lang]}"' in page
