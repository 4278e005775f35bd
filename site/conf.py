"""Sphinx configuration of the course's website, one build per language.

`make site` (tools/course_tools/site.py) stages the notebooks and docs of one language into
build/site-src/<lang>/, writes _course/site.json there, and runs sphinx-build with this folder as
the configuration directory and COURSE_SITE_SRC naming the staged tree. The notebooks are rendered
with the outputs they were recorded with: nothing is executed.

Why Sphinx + MyST-NB + the Book theme rather than Jupyter Book 2 (mystmd): everything here is a
PyPI package in requirements/site.txt, and the build reaches no network. mystmd (1.8.3, tried
here) fetches its site theme from its template service at build time and stops when that cannot
be reached ("Querying template metadata ... getaddrinfo ENOTFOUND"; jupyter-book/mystmd#1451).
"""

from __future__ import annotations

import json
import logging
import os
import shutil
from pathlib import Path

import jieba
from sphinx.search.zh import SearchChinese

_src = Path(os.environ["COURSE_SITE_SRC"])
_site = json.loads((_src / "_course" / "site.json").read_text(encoding="utf-8"))
LANG = _site["lang"]

project = _site["title"]
html_title = _site["title"]
author = _site["author"]
copyright = _site["author"]  # noqa: A001 (Sphinx's name)
language = _site["sphinx_language"]

extensions = ["myst_nb", "sphinx_copybutton"]
exclude_patterns = ["_course"]
templates_path = ["_templates"]
html_static_path = ["_static"]
html_css_files = ["course.css"]
html_js_files = ["course.js"]

# The committed outputs are the ones CI verifies: render them, never re-run TensorFlow.
nb_execution_mode = "off"
nb_merge_streams = True
# A widget view would need the live kernel's state: the still recorded next to it is shown.
nb_mime_priority_overrides = [("html", "application/vnd.jupyter.widget-view+json", None)]
# The setup cell's code is folded away (tools/course_tools/site.py): its toggle, in the page's
# language.
nb_code_prompt_show = _site["code_prompt_show"]
nb_code_prompt_hide = _site["code_prompt_hide"]
myst_enable_extensions = ["dollarmath", "amsmath"]
myst_heading_anchors = 4  # links such as README.md#chapters and en.md#binder

# Math from a local MathJax 3 (copied into _static/mathjax when the build finishes): pages
# render their formulas offline and load nothing from a CDN.
mathjax_path = "mathjax/tex-chtml.js"
MATHJAX_PARTS = ["tex-chtml.js", "input", "output/chtml", "ui", "a11y", "sre", "adaptors"]

# Chinese search: Sphinx indexes Chinese words only through jieba, whose dictionary splits
# 雅可比 into 雅 + 可比; the course's own terms (from docs/glossary.md) are added to it.
jieba.setLogLevel(logging.WARNING)
html_search_language = _site["search_language"]
if LANG == "zh":
    html_search_options = {"dict": str(_src / "_course" / "search-words.txt")}

html_theme = "sphinx_book_theme"
html_theme_options = {
    "repository_url": _site["repository"],
    "repository_branch": _site["branch"],
    # no GitHub icon: its font (fa-brands, 107 KB) would load on every page for one button;
    # the home page links to the repository
    "use_repository_button": False,
    "use_download_button": True,
    "use_fullscreen_button": False,
    "home_page_in_toc": False,  # the site title above the navigation leads home
    "show_navbar_depth": 1,
    "article_header_end": ["course-lang.html", "article-header-buttons.html"],
}
html_context = {
    "course_switch_label": _site["switch_label"],
    "course_lang": LANG,
    "default_mode": "auto",  # left empty, the theme logs "Got invalid theme mode" as an error
}
html_favicon = "favicon.svg"  # else the browser asks for /favicon.ico, a 404 in the console
html_show_sourcelink = False
html_last_updated_fmt = None  # the same sources give the same pages


class ChineseSearch(SearchChinese):
    """Sphinx 9.0 names the search page's stemmer after language_name, and "ChineseStemmer"
    does not exist (the Chinese search stems Latin words with the English stemmer): every
    Chinese page then throws "ChineseStemmer is not defined" and search finds nothing
    (sphinx-doc/sphinx#14229, fixed upstream by #14416 after 9.0.4)."""

    language_name = "English"


def add_course_context(app, pagename, templatename, context, doctree):
    """The language switch (the same page in the other language) and the Binder and Colab
    buttons of a notebook page (their addresses come from the README generator)."""
    depth = pagename.count("/")
    other = _site["other_lang"]
    context["course_switch_href"] = "../" * (depth + 1) + f"{other}/{pagename}.html"
    launch = _site["launch"].get(pagename)
    if launch:
        context["header_buttons"][:0] = [
            {
                "type": "link",
                "url": launch[name],
                "text": name,
                "tooltip": _site["launch_tooltip"].format(name=name),
                "icon": f"_static/images/logo_{name.lower()}.{ext}",
                "label": f"course-launch-{name.lower()}",
            }
            for name, ext in (("Binder", "svg"), ("Colab", "png"))
        ]


def copy_mathjax(app):
    """The local MathJax into _static/mathjax, before any page is written: Sphinx then adds
    the file's checksum to its address (?v=...) in a fresh build as in a repeated one."""
    import importlib.util

    spec = importlib.util.find_spec("sphinx-mathjax-offline")
    source = Path(spec.origin).parent / "static" / "mathjax"
    target = Path(app.outdir) / "_static" / "mathjax"
    for part in MATHJAX_PARTS:
        if (source / part).is_dir():
            shutil.copytree(source / part, target / part, dirs_exist_ok=True)
        else:
            target.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source / part, target / part)


FONTAWESOME_STUB = (
    "// The theme's CSS draws every icon the site uses with Font Awesome's web font; its SVG\n"
    "// script (1.5 MB, loaded by every page) is replaced by this line: site/conf.py.\n"
)


def empty_fontawesome_script(app, exc):
    if exc is None:
        path = Path(app.outdir) / "_static" / "scripts" / "fontawesome.js"
        path.write_text(FONTAWESOME_STUB, encoding="utf-8")


def setup(app):
    # After sphinx-book-theme's own header buttons (priority 501), before the page is written.
    app.connect("html-page-context", add_course_context, priority=600)
    app.connect("builder-inited", copy_mathjax)
    app.connect("build-finished", empty_fontawesome_script)
    app.add_search_language(ChineseSearch)
