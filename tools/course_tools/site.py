"""The course's website: `make site` builds it, `make bench-site` measures its chapter pages.

    python -m course_tools.site build [--lang en|zh]  # build/site/{en,zh}/, build/site/index.html
    python -m course_tools.site bench                 # page weight and first render per chapter

`build` runs in the site's own venv (.venv-site, requirements/site.txt: Sphinx, MyST-NB, the Book
theme) with tools/ and src/ on PYTHONPATH; `bench` and tests/site run in the dev venv (Playwright).

Each language is staged under build/site-src/<lang>/ with the same page names, so that the
language switch lands on the same page: index (the README), chapters/NN_slug, exercises/NN_slug,
solutions/NN_slug (their own section of the navigation, a note on top, "(solutions)" in the
title), glossary and instructor. The staged copies differ from the committed files only in:

- links: to a staged file become links between pages (across languages: to the other site),
  to any other file of the repository become links to it on GitHub; pictures from elsewhere
  (the README's badges) become their text, so that a page loads nothing from another host;
- the setup cell: its code folded away and its output (a style for JupyterLab) left out;
- an explorer's still: its numbers (the output's text) become the picture's alt text.

The notebooks are not executed (nb_execution_mode = "off" in site/conf.py): the site shows the
outputs that nbval checks. Sphinx runs with -W: a warning fails the build.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import gzip
import http.server
import json
import os
import posixpath
import re
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

from . import repo
from .readme import title_of

LANGS = ("en", "zh")
SPHINX_LANGUAGE = {"en": "en", "zh": "zh_CN"}
README = {"en": "README.md", "zh": "README.zh-CN.md"}
INSTRUCTOR = {"en": "docs/instructor/en.md", "zh": "docs/instructor/zh-CN.md"}
GLOSSARY = "docs/glossary.md"
SECTIONS = ("chapters", "exercises", "solutions")
WORDS = {
    "chapters": {"en": "Chapters", "zh": "章节"},
    "exercises": {"en": "Exercises", "zh": "练习"},
    "solutions": {"en": "Solutions", "zh": "参考答案"},
    "reference": {"en": "Reference", "zh": "参考资料"},
    "switch": {"en": "中文", "zh": "English"},
    "launch": {"en": "Run this notebook on {name}", "zh": "在 {name} 上运行这个笔记本"},
    "code_prompt_show": {"en": "Show the setup code", "zh": "显示环境设置代码"},
    "code_prompt_hide": {"en": "Hide the setup code", "zh": "隐藏环境设置代码"},
    "solution_title": {"en": "{title} (solutions)", "zh": "{title}（参考答案）"},
    "solution_note": {
        "en": "This page shows worked solutions. Try [the exercises]({link}) first: "
        "each one checks your answer and gives a hint.",
        "zh": "本页给出的是参考答案。请先完成[练习]({link})：每道练习都会检查你的答案并给出提示。",
    },
}
BUILD = Path("build")
OUT = BUILD / "site"
SRC = BUILD / "site-src"
DOCTREES = BUILD / "site-doctrees"
SETUP_CALL = "setup_notebook("
SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*:", re.I)
_LINK = re.compile(r"(?<!!)\[(?P<text>[^\]\n]*)\]\((?P<target>[^)\s]+)\)")
_EXTERNAL_IMAGE = re.compile(r"!\[(?P<alt>[^\]\n]*)\]\((?:https?:)?//[^)\s]+\)")
_CJK_TERM = re.compile(r"[\u4e00-\u9fff]{2,}")


# --- staging -----------------------------------------------------------------------------------


def page_map() -> dict[str, tuple[str | None, str]]:
    """{repository path: (language or None for both, page name)} of every staged file."""
    pages: dict[str, tuple[str | None, str]] = {GLOSSARY: (None, "glossary")}
    for lang in LANGS:
        pages[README[lang]] = (lang, "index")
        pages[INSTRUCTOR[lang]] = (lang, "instructor")
    for pair in repo.pairs(SECTIONS):
        name = f"{pair.folder}/{pair.md.stem}"
        for path in (pair.ipynb, pair.md):
            pages[repo.rel(path)] = (pair.lang, name)
    return pages


def github_url(path: str) -> str:
    owner_name, branch = repo.github_path()
    kind = "tree" if (repo.root() / path).is_dir() else "blob"
    return f"https://github.com/{owner_name}/{kind}/{branch}/{path}"


def rewrite_links(text: str, source: str, page: str, lang: str, pages: dict) -> str:
    """The markdown `text` of repository file `source`, staged as page `page` of `lang`."""
    up = "../" * page.count("/")

    def link(match: re.Match) -> str:
        label, target = match["text"], match["target"]
        if SCHEME.match(target) or target.startswith(("#", "/")):
            return match[0]
        path, _, anchor = target.partition("#")
        anchor = f"#{anchor}" if anchor else ""
        resolved = posixpath.normpath(posixpath.join(posixpath.dirname(source), path))
        if resolved in pages:
            target_lang, target_page = pages[resolved]
            target_lang = target_lang or lang
            if target_lang == lang:
                staged = staged_file(target_page, resolved)
                relative = posixpath.relpath(staged, posixpath.dirname(page) or ".")
                return f"[{label}]({relative}{anchor})"
            href = f"{up}../{target_lang}/{target_page}.html{anchor}"
            return f'<a href="{href}" hreflang="{target_lang}">{label}</a>'
        if (repo.root() / resolved).exists():
            return f"[{label}]({github_url(resolved)}{anchor})"
        return match[0]  # Sphinx warns about it, and the build fails

    return _LINK.sub(link, _EXTERNAL_IMAGE.sub(lambda m: m["alt"], text))


def staged_file(page: str, source: str) -> str:
    return page + (".ipynb" if source.endswith((".ipynb", ".md")) and "/" in page else ".md")


def join_source(source) -> str:
    return "".join(source) if isinstance(source, list) else source


def stage_notebook(pair, lang: str, pages: dict) -> dict:
    source = repo.rel(pair.ipynb)
    page = pages[source][1]
    nb = json.loads(pair.ipynb.read_text(encoding="utf-8"))
    setup_seen = False
    for cell in nb["cells"]:
        text = join_source(cell["source"])
        if cell["cell_type"] == "markdown":
            cell["source"] = rewrite_links(text, source, page, lang, pages)
        elif cell["cell_type"] == "code":
            if not setup_seen and SETUP_CALL in text:
                tags = cell.setdefault("metadata", {}).setdefault("tags", [])
                tags += [t for t in ("hide-input", "remove-output") if t not in tags]
            setup_seen = True
            still = explorer_still_text(cell)
            if still:
                cell["metadata"].setdefault("mystnb", {})["image"] = {"alt": still}
    if pair.folder == "solutions":
        first = nb["cells"][0]
        title = title_of(pair.md)
        exercises = f"../exercises/{pair.md.stem}.ipynb"
        note = WORDS["solution_note"][lang].format(link=exercises)
        first["source"] = join_source(first["source"]).replace(
            f"# {title}", f"# {WORDS['solution_title'][lang].format(title=title)}", 1
        )
        first["source"] += f"\n\n```{{important}}\n{note}\n```\n"
    return nb


def explorer_still_text(cell: dict) -> str | None:
    """The numbers an explorer's still shows, from the text recorded next to the picture."""
    for output in cell.get("outputs", []):
        data = output.get("data", {})
        text = join_source(data.get("text/plain", ""))
        if "image/png" in data and text and not text.startswith("<Figure"):
            return text.strip()
    return None


def search_words() -> str:
    """jieba's user dictionary: the Chinese terms of the glossary's tables (its second column),
    and each without 矩阵 (a reader searches 雅可比 as often as 雅可比矩阵)."""
    words = []
    for line in (repo.root() / GLOSSARY).read_text(encoding="utf-8").splitlines():
        cells = line.split("|")
        if len(cells) < 4:
            continue
        for term in _CJK_TERM.findall(cells[2]):
            for word in (term, term.removesuffix("矩阵")):
                if len(word) >= 2 and word not in words:
                    words.append(word)
    return "".join(f"{word} 1000 n\n" for word in words)


def toctree(caption: str, names: list[str]) -> str:
    body = "\n".join(names)
    return f"\n\n```{{toctree}}\n:hidden:\n:caption: {caption}\n\n{body}\n```\n"


def write_if_changed(path: Path, text: str) -> None:
    """Unchanged files keep their time stamp: Sphinx then rebuilds only what changed."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")


def stage(lang: str) -> Path:
    """build/site-src/<lang>/: the pages of one language, and _course/site.json for conf.py."""
    base, pages = repo.root(), page_map()
    out = base / SRC / lang
    wanted = {"_course/site.json", "_course/search-words.txt"}
    launch, names = {}, {section: [] for section in SECTIONS}
    for pair in repo.pairs(SECTIONS):
        if pair.lang != lang:
            continue
        page = pages[repo.rel(pair.ipynb)][1]
        nb = stage_notebook(pair, lang, pages)
        write_if_changed(out / f"{page}.ipynb", json.dumps(nb, indent=1, ensure_ascii=False) + "\n")
        wanted.add(f"{page}.ipynb")
        names[pair.folder].append(page)
        launch[page] = {
            "Binder": repo.binder_url(pair.rel()),
            "Colab": repo.colab_url(pair.rel()),
        }
    documents = {README[lang]: "index", INSTRUCTOR[lang]: "instructor", GLOSSARY: "glossary"}
    for source, page in documents.items():
        text = rewrite_links((base / source).read_text(encoding="utf-8"), source, page, lang, pages)
        if page == "index":
            for section in SECTIONS:
                text += toctree(WORDS[section][lang], names[section])
            text += toctree(WORDS["reference"][lang], ["glossary", "instructor"])
        write_if_changed(out / f"{page}.md", text)
        wanted.add(f"{page}.md")
    other = LANGS[1 - LANGS.index(lang)]
    owner_name, branch = repo.github_path()
    site = {
        "lang": lang,
        "other_lang": other,
        "sphinx_language": SPHINX_LANGUAGE[lang],
        "search_language": lang,
        "title": title_of(base / README[lang]),
        "author": "The autodiff-course authors",
        "repository": repo.config()["repository"],
        "branch": branch,
        "switch_label": WORDS["switch"][lang],
        "launch_tooltip": WORDS["launch"][lang],
        "launch": launch,
        "code_prompt_show": WORDS["code_prompt_show"][lang],
        "code_prompt_hide": WORDS["code_prompt_hide"][lang],
    }
    write_if_changed(out / "_course" / "site.json", json.dumps(site, indent=1, ensure_ascii=False))
    write_if_changed(out / "_course" / "search-words.txt", search_words())
    for path in sorted(out.rglob("*")):  # a page whose source is gone
        if path.is_file() and path.relative_to(out).as_posix() not in wanted:
            path.unlink()
    return out


# --- build -------------------------------------------------------------------------------------

ROOT_INDEX = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{en_title} · {zh_title}</title>
<script>
// The reader's last choice on the site, else the browser's language.
let lang = null;
try {{ lang = localStorage.getItem("course-lang"); }} catch (e) {{}}
if (!lang) lang = (navigator.languages || [navigator.language]).some(
  l => l && l.toLowerCase().startsWith("zh")) ? "zh" : "en";
window.location.replace(lang + "/index.html");
</script>
</head>
<body>
<p><a href="en/index.html" hreflang="en">{en_title}</a></p>
<p><a href="zh/index.html" hreflang="zh-CN" lang="zh-CN">{zh_title}</a></p>
</body>
</html>
"""


def build(langs: tuple[str, ...] = LANGS, jobs: int = 2) -> int:
    base = repo.root()
    env = dict(os.environ)
    env["PYTHONHASHSEED"] = "0"
    for lang in langs:
        start = time.monotonic()
        src = stage(lang)
        env["COURSE_SITE_SRC"] = str(src)
        # Written from nothing each time (the parsed pages in build/site-doctrees are reused):
        # a page written next to an older build would differ from a fresh one (asset ?v=).
        shutil.rmtree(base / OUT / lang, ignore_errors=True)
        command = [sys.executable, "-m", "sphinx", "-b", "html", "-q", "-W", "--keep-going",
                   "-j", str(jobs), "-c", str(base / "site"), "-d", str(base / DOCTREES / lang),
                   str(src), str(base / OUT / lang)]  # fmt: skip
        if subprocess.run(command, env=env, cwd=base).returncode:
            print(f"site: the {lang} build failed (warnings are errors)", file=sys.stderr)
            return 1
        print(f"site: {OUT / lang} in {time.monotonic() - start:.0f} s")
    titles = {f"{lang}_title": title_of(base / README[lang]) for lang in LANGS}
    (base / OUT / "index.html").write_text(ROOT_INDEX.format(**titles), encoding="utf-8")
    (base / OUT / ".nojekyll").write_text("")  # GitHub Pages: serve _static/ as it is
    return 0


# --- serving and measuring (dev venv: Playwright) ----------------------------------------------


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


@contextlib.contextmanager
def serve(folder: Path):
    """build/site over http://127.0.0.1:<free port> (as GitHub Pages serves it, less gzip)."""
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def chapter_pages(folder: Path | None = None) -> list[str]:
    """'en/chapters/01_gradient_tape.html', ... of the built site."""
    folder = folder or repo.root() / OUT
    return sorted(p.relative_to(folder).as_posix() for p in folder.glob("*/chapters/*.html"))


# Time to first contentful paint, to the page's load event, and to MathJax having typeset every
# formula (null on a page without MathJax), in ms from the start of navigation.
TIMINGS_JS = """async () => {
  const nav = performance.getEntriesByType("navigation")[0];
  const paint = performance.getEntriesByName("first-contentful-paint")[0];
  let math = null;
  if (window.MathJax && MathJax.startup && MathJax.startup.promise) {
    await MathJax.startup.promise;
    math = performance.now();
  }
  return {fcp: paint ? paint.startTime : null, load: nav.loadEventEnd, math: math};
}"""


def measure(page, url: str, folder: Path) -> dict:
    """Open `url` in a fresh cache and return its weight (every response's bytes as served,
    and gzipped as GitHub Pages sends them) and its timings."""
    served: list[str] = []

    def seen(response) -> None:
        served.append(response.url)

    page.on("response", seen)
    page.goto(url, wait_until="load")
    timings = page.evaluate(TIMINGS_JS)
    page.remove_listener("response", seen)
    raw = gz = 0
    prefix = url.split("/", 3)[:3]
    for address in dict.fromkeys(served):
        parts = address.split("#")[0].split("?")[0].split("/", 3)
        if parts[:3] != prefix:
            continue
        path = folder / parts[3] if len(parts) > 3 else folder / "index.html"
        if path.is_dir():
            path = path / "index.html"
        if path.is_file():
            body = path.read_bytes()
            raw += len(body)
            gz += len(gzip.compress(body, mtime=0))
    return {"requests": len(served), "kb": raw / 1024, "gzip_kb": gz / 1024, **timings}


def bench(width: int = 1280) -> int:
    from playwright.sync_api import sync_playwright

    from .lab_browser import CHROMIUM, CHROMIUM_ARGS, missing_browser

    folder = repo.root() / OUT
    if not (folder / "index.html").exists():
        print("no site in build/site: run `make site` first", file=sys.stderr)
        return 1
    reason = missing_browser()
    if reason:
        print(reason, file=sys.stderr)
        return 1
    rows = []
    with serve(folder) as address, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        for name in chapter_pages(folder):
            context = browser.new_context(viewport={"width": width, "height": 900})
            rows.append((name, measure(context.new_page(), f"{address}/{name}", folder)))
            context.close()
        browser.close()
    print(f"chapter pages at {width} px, cold cache, served from localhost by Python's http.server")
    print(f"{'page':<52} {'requests':>8} {'KB':>7} {'gzip KB':>8} {'first paint':>11} "
          f"{'load':>6} {'math done':>9}")  # fmt: skip
    for name, m in rows:
        math = f"{m['math']:.0f}" if m["math"] is not None else "-"
        print(f"{name:<52} {m['requests']:>8} {m['kb']:>7.0f} {m['gzip_kb']:>8.0f} "
              f"{m['fcp']:>8.0f} ms {m['load']:>6.0f} {math:>9}")  # fmt: skip
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m course_tools.site", description=__doc__)
    parser.add_argument("command", choices=("build", "bench"))
    parser.add_argument("--lang", choices=LANGS, action="append", help="build: only this one")
    parser.add_argument("--jobs", type=int, default=2, help="build: Sphinx processes")
    parser.add_argument("--width", type=int, default=1280, help="bench: window width in px")
    args = parser.parse_args(argv)
    if args.command == "build":
        return build(tuple(args.lang or LANGS), jobs=args.jobs)
    return bench(args.width)


if __name__ == "__main__":
    sys.exit(main())
