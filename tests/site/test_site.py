"""The course's website (`make site` → build/site/) in headless Chromium: `make test-site`.

Every page of both languages opens at 1280 and 390 px with no console error, no failed or
off-site request and every picture loaded; formulas are typeset by the local MathJax; no page
shows a widget's text stand-in. Every internal link and anchor resolves, and every page's
language switch names the same page in the other language (checked in the HTML); clicking it
lands there. Search finds "Jacobian" and "雅可比". Chinese text is drawn with a font that has
the glyphs (no tofu). Each chapter page shows its explorers' stills with their numbers and stays
within the page-weight and first-render budgets. Screenshots go to artifacts/site/.

Without Chromium or a built site the tests are skipped with a sentence saying so, except under
CI=true, where they fail: CI must run them (.ci/run runs `make test-site` after `make test`).
"""

from __future__ import annotations

import html.parser
import json
import posixpath
import subprocess
from urllib.parse import unquote, urlsplit

import pytest

import conftest
from conftest import ROOT
from course_tools.lab_browser import CHROMIUM, CHROMIUM_ARGS, missing_browser
from course_tools.site import chapter_pages, explorer_still_text, measure, serve

pytestmark = pytest.mark.site

SITE = ROOT / "build" / "site"
ARTIFACTS = ROOT / "artifacts" / "site"
LANGS = ("en", "zh")
WIDTHS = (1280, 390)
# What a widget's output shows where no kernel runs: the site must show the still instead.
WIDGET_STAND_INS = ("HBox(children", "VBox(children", "interactive(children", "Error displaying")
# From `make bench-site`: chapter pages weigh 0.59-0.77 MB gzipped (the same on any machine),
# the budget leaves room for what a chapter may still add, not for a second MathJax or a script
# like the one site/conf.py empties. First render from localhost measures the CPU more than the
# page: 0.4-2.5 s on a 2-core machine under a load average of 15-20, so its budget only
# catches a page that stays blank.
BUDGET_GZIP_KB = 1000
BUDGET_FIRST_RENDER_MS = 5000


def skip_or_fail(reason: str) -> None:
    conftest.skip_or_fail(reason, "site")


def site_pages() -> list[str]:
    """'en/index.html', 'zh/chapters/01_gradient_tape.html', ... every page of the site."""
    return sorted(
        p.relative_to(SITE).as_posix()
        for lang in LANGS
        for p in (SITE / lang).rglob("*.html")
        if not p.relative_to(SITE / lang).as_posix().startswith(("_static/", "_sources/"))
    )


def require_site() -> None:
    if not (SITE / "en" / "index.html").exists() or not (SITE / "zh" / "index.html").exists():
        skip_or_fail("no site in build/site: run `make site` (or `make test-site`)")


@pytest.fixture(scope="module")
def chromium():
    require_site()
    reason = missing_browser()
    if reason:
        skip_or_fail(reason)
    from playwright.sync_api import sync_playwright

    with serve(SITE) as address, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield address, browser
        finally:
            browser.close()


# --- the HTML of every page (no browser) -------------------------------------------------------


class _Page(html.parser.HTMLParser):
    """The ids, links, resources and pictures of one HTML page."""

    def __init__(self):
        super().__init__()
        self.ids: set[str] = set()
        self.links: list[str] = []
        self.resources: list[str] = []
        self.images: list[dict] = []
        self.switch: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if "id" in a:
            self.ids.add(a["id"])
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
            if "course-lang-switch" in (a.get("class") or "").split():
                self.switch.append(a["href"])
        elif tag in ("img", "script") and a.get("src"):
            self.resources.append(a["src"])
            if tag == "img":
                self.images.append(a)
        elif tag == "link" and a.get("href") and a.get("rel") != "canonical":
            self.resources.append(a["href"])


def parse(page: str) -> _Page:
    parsed = _Page()
    parsed.feed((SITE / page).read_text(encoding="utf-8"))
    return parsed


def internal_target(page: str, href: str) -> tuple[str, str] | None:
    """(site path, anchor) of a link or resource on `page`; None for one to another site."""
    parts = urlsplit(href)
    if parts.scheme or parts.netloc or href.startswith("javascript:"):
        return None
    path = unquote(parts.path)
    target = posixpath.normpath(posixpath.join(posixpath.dirname(page), path)) if path else page
    return target, unquote(parts.fragment)


def test_every_internal_link_resource_and_anchor_resolves():
    require_site()
    pages = site_pages()
    assert len(pages) >= 2 * (1 + 36 + 2), pages  # index, 12 x 3 notebooks, glossary, guide
    parsed = {page: parse(page) for page in pages}
    broken = []
    for page, found in parsed.items():
        for href in found.links + found.resources:
            target = internal_target(page, href)
            if target is None:
                continue
            path, anchor = target
            if path.startswith("..") or not (SITE / path).is_file():
                broken.append(f"{page}: {href} (no file {path})")
            elif anchor and path.endswith(".html") and anchor not in parse_ids(parsed, path):
                broken.append(f"{page}: {href} (no id {anchor!r} in {path})")
    assert broken == []


def parse_ids(parsed: dict, path: str) -> set[str]:
    if path not in parsed:
        parsed[path] = parse(path)
    return parsed[path].ids


def test_every_page_switches_to_the_same_page_in_the_other_language():
    require_site()
    wrong = []
    for page in site_pages():
        lang, rest = page.split("/", 1)
        other = LANGS[1 - LANGS.index(lang)]
        switch = parse(page).switch
        target = internal_target(page, switch[0])[0] if len(switch) == 1 else None
        if target != f"{other}/{rest}" or not (SITE / target).is_file():
            wrong.append(f"{page}: {switch}")
    assert wrong == []


def test_each_chapter_page_shows_its_explorers_stills_with_their_numbers():
    """The still of each explorer is the recorded picture, its numbers as the alt text."""
    require_site()
    missing, stills = [], 0
    for lang in LANGS:
        for notebook in sorted((ROOT / "chapters" / lang).glob("*.ipynb")):
            page = f"{lang}/chapters/{notebook.stem}.html"
            alts = {" ".join(img.get("alt", "").split()) for img in parse(page).images}
            for cell in json.loads(notebook.read_text(encoding="utf-8"))["cells"]:
                text = explorer_still_text(cell) if cell["cell_type"] == "code" else None
                if text:
                    stills += 1
                    if " ".join(text.split()) not in alts:
                        missing.append(f"{page}: {text.splitlines()[0]}")
    assert stills >= 2 * 7, "an explorer still per explorer chapter and language"
    assert missing == []


def test_solutions_are_their_own_section_not_on_the_chapter_pages():
    """The navigation has a Solutions section; a chapter's own text never links there."""
    require_site()
    for lang in LANGS:
        assert "solutions/01_gradient_tape.html" in (SITE / lang / "index.html").read_text()
        for page in (SITE / lang / "chapters").glob("*.html"):
            body = page.read_text(encoding="utf-8")
            article = body[body.index('<article class="bd-article">') :]
            assert 'href="../solutions/' not in article[: article.index("</article>")], page


# --- every page in the browser ------------------------------------------------------------------

CHECK_PAGE_JS = """async (standIns) => {
  if (window.MathJax && MathJax.startup && MathJax.startup.promise) await MathJax.startup.promise;
  const images = [...document.images].filter(i => !i.complete || i.naturalWidth === 0)
    .map(i => i.getAttribute("src"));
  const math = document.querySelectorAll(".math").length;
  const typeset = document.querySelectorAll(".math mjx-container").length;
  const errors = document.querySelectorAll("mjx-merror").length;
  const text = document.body.innerText;
  return {
    images, math, typeset, errors,
    standIns: standIns.filter(s => text.includes(s)),
    overflow: document.documentElement.scrollWidth - window.innerWidth,
  };
}"""


@pytest.mark.parametrize("width", WIDTHS)
def test_every_page_opens_cleanly(chromium, width):
    address, browser = chromium
    context = browser.new_context(viewport={"width": width, "height": 900})
    problems: list[str] = []
    current = {"page": ""}

    def route(r):
        if r.request.url.startswith(address):
            r.continue_()
        else:  # the site must load nothing from another host (it is read offline too)
            problems.append(f"{current['page']}: off-site request {r.request.url}")
            r.abort()

    context.route("**/*", route)
    page = context.new_page()
    page.on(
        "console", lambda m: m.type == "error" and problems.append(f"{current['page']}: {m.text}")
    )
    page.on("pageerror", lambda e: problems.append(f"{current['page']}: {e}"))
    page.on(
        "response",
        lambda r: r.status >= 400 and problems.append(f"{current['page']}: {r.status} {r.url}"),
    )
    try:
        for name in site_pages():
            current["page"] = name
            page.goto(f"{address}/{name}", wait_until="load")
            found = page.evaluate(CHECK_PAGE_JS, list(WIDGET_STAND_INS))
            if found["images"]:
                problems.append(f"{name}: pictures not shown {found['images']}")
            if found["typeset"] < found["math"] or found["errors"]:
                problems.append(f"{name}: math typeset {found['typeset']} of {found['math']}")
            if found["standIns"]:
                problems.append(f"{name}: widget stand-ins {found['standIns']}")
            if found["overflow"] > 1:
                problems.append(f"{name}: {found['overflow']} px wider than the window")
    finally:
        context.close()
    assert problems == []


def test_the_language_switch_lands_on_the_same_page(chromium):
    address, browser = chromium
    for width in WIDTHS:
        context = browser.new_context(viewport={"width": width, "height": 900})
        page = context.new_page()
        page.goto(f"{address}/en/chapters/06_gradient_descent.html")
        page.click("a.course-lang-switch")
        page.wait_for_url("**/zh/chapters/06_gradient_descent.html")
        assert page.evaluate("document.documentElement.lang") == "zh-CN"
        page.click("a.course-lang-switch")
        page.wait_for_url("**/en/chapters/06_gradient_descent.html")
        assert page.evaluate("document.documentElement.lang") == "en"
        context.close()


@pytest.mark.parametrize(("locale", "lang"), [("zh-CN", "zh"), ("en-US", "en"), ("de-DE", "en")])
def test_the_root_page_opens_the_readers_language(chromium, locale, lang):
    address, browser = chromium
    context = browser.new_context(locale=locale)
    page = context.new_page()
    page.goto(f"{address}/")
    page.wait_for_url(f"**/{lang}/index.html")
    # a reader who switched language once gets that language from the root page next time
    page.click("a.course-lang-switch")
    other = LANGS[1 - LANGS.index(lang)]
    page.wait_for_url(f"**/{other}/index.html")
    page.goto(f"{address}/")
    page.wait_for_url(f"**/{other}/index.html")
    context.close()


@pytest.mark.parametrize(
    ("lang", "words", "expected"),
    [("en", "Jacobian", "08_jacobians_hessians"), ("zh", "雅可比", "08_jacobians_hessians")],
)
def test_search_finds_the_jacobian_in_both_languages(chromium, lang, words, expected):
    address, browser = chromium
    page = browser.new_page()
    page.goto(f"{address}/{lang}/search.html?q={words}")
    page.wait_for_selector("#search-results ul.search li", timeout=30_000)
    hits = page.eval_on_selector_all(
        "#search-results ul.search li a", "links => links.map(a => a.href)"
    )
    assert any(f"/{lang}/chapters/{expected}.html" in h for h in hits), hits
    # the switch keeps the search words
    page.click("a.course-lang-switch")
    other = LANGS[1 - LANGS.index(lang)]
    page.wait_for_url(lambda url: f"/{other}/search.html?q=" in url)
    page.close()


def cjk_families() -> set[str]:
    """Every installed font family that covers Chinese (fontconfig)."""
    out = subprocess.run(["fc-list", ":lang=zh-cn", "family"], capture_output=True, text=True)
    return {name.strip() for line in out.stdout.splitlines() for name in line.split(",")}


@pytest.mark.parametrize("width", WIDTHS)
def test_chinese_text_is_drawn_with_a_chinese_font(chromium, width):
    """No tofu: the fonts Chromium used for the Chinese title and a paragraph all cover
    Chinese (asked through the DevTools protocol), and each glyph is wide enough to be one."""
    address, browser = chromium
    families = cjk_families()
    if not families:
        skip_or_fail("no Chinese font installed (Debian: fonts-noto-cjk)")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page = browser.new_page(viewport={"width": width, "height": 900})
    page.goto(f"{address}/zh/chapters/01_gradient_tape.html")
    page.screenshot(path=str(ARTIFACTS / f"zh_chapter_01_{width}.png"))
    cdp = page.context.new_cdp_session(page)
    cdp.send("DOM.enable")
    cdp.send("CSS.enable")
    root = cdp.send("DOM.getDocument")["root"]["nodeId"]
    for selector in ("article h1", "article section p"):
        node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
        used = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
        # the node's own text (the fonts above drew exactly that), its Chinese characters
        own_text = page.eval_on_selector(
            selector,
            "e => [...e.childNodes].filter(n => n.nodeType === 3).map(n => n.textContent).join('')",
        )
        hanzi = sum("\u4e00" <= ch <= "\u9fff" for ch in own_text)
        drawn = sum(f["glyphCount"] for f in used if f["familyName"] in families)
        assert hanzi > 0, selector
        assert drawn >= hanzi, f"{selector}: {hanzi} characters, fonts used {used}"
    # A glyph of 雅 as wide as most of the font size: a real character, not a narrow box
    width_em = page.evaluate("""() => {
        const s = document.createElement("span");
        s.textContent = "雅可比";
        document.querySelector("article p").appendChild(s);
        const em = parseFloat(getComputedStyle(s).fontSize);
        return s.getBoundingClientRect().width / 3 / em;
    }""")
    assert 0.85 < width_em < 1.15, width_em
    page.close()


def test_chapter_pages_stay_within_their_budget(chromium):
    address, browser = chromium
    over = []
    for name in chapter_pages(SITE):
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        m = measure(context.new_page(), f"{address}/{name}", SITE)
        context.close()
        if m["gzip_kb"] > BUDGET_GZIP_KB or m["fcp"] is None or m["fcp"] > BUDGET_FIRST_RENDER_MS:
            over.append(f"{name}: {m['gzip_kb']:.0f} KB gzipped, first render {m['fcp']} ms")
    assert len(chapter_pages(SITE)) == 24
    assert over == []


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("lang", LANGS)
def test_screenshots_of_a_chapter_page(chromium, lang, width):
    """For a person to look at: chapter 06 (formulas, figures, an explorer still) in light and
    dark, at the top and at its explorer."""
    address, browser = chromium
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for mode in ("light", "dark"):
        context = browser.new_context(viewport={"width": width, "height": 900})
        context.add_init_script(f"localStorage.setItem('mode', '{mode}')")
        page = context.new_page()
        page.goto(f"{address}/{lang}/chapters/06_gradient_descent.html")
        page.evaluate("MathJax.startup.promise")
        assert page.evaluate("document.documentElement.dataset.theme") == mode
        page.screenshot(path=str(ARTIFACTS / f"{lang}_06_{width}_{mode}_top.png"))
        still = page.locator("img[alt*='0.99999857']").first
        still.scroll_into_view_if_needed()
        page.screenshot(path=str(ARTIFACTS / f"{lang}_06_{width}_{mode}_explorer.png"))
        context.close()
