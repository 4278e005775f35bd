"""The explorers in a real browser: JupyterLab from the venv, driven in headless Chromium.

Opens chapter 06 in English and in Chinese from a throw-away copy of the notebooks, runs all
cells, moves the learning-rate slider with the keyboard and by typing a value (and one beyond its
end, which the slider clamps), and checks that the figure and the status line change and that no
error or stderr output appears. Then a notebook holding every explorer in both languages: at
1280 and 1920 pixels no explorer scrolls sideways, the toggle buttons fit on one row, and the
smallest text of each figure is at least 10 pixels on the screen; saved and reopened with a new
kernel, it shows each explorer's still, not "Error displaying widget: model not found".
Screenshots go to artifacts/browser/.

Uses Debian's /usr/bin/chromium (`playwright install` needs downloads; CI installs chromium
through apt, see .ci/run). Without a Chromium the test is skipped with a sentence saying so, except
under CI=true, where it fails: CI must run it.
Run alone with:  .venv/bin/python -m pytest tests/browser
Screenshots of every explorer notebook:  .venv/bin/python tests/browser/test_browser.py
"""

from __future__ import annotations

import json
import shutil
import sys
import time
from pathlib import Path

import pytest

import conftest
from course_tools.lab_browser import (
    ARTIFACTS,
    CHROMIUM,
    CHROMIUM_ARGS,
    ERROR,
    ROOT,
    STDERR,
    Lab,
    missing_browser,
    open_notebook,
    run_notebook,
    save_notebook,
)

LR_LABEL = {"en": "learning rate", "zh": "学习率"}

pytestmark = pytest.mark.browser


# Every explorer in each language, one cell each, and a last cell that prints the smallest text
# of each figure in pixels of its PNG (chapter 10's with measurements made up by the benchmark).
EXPLORERS = {
    "tangent": "tangent_explorer(L, show_curvature=True)",
    "descent": "descent_explorer(L)",
    "hessian": "hessian_explorer(L)",
    "kink": "kink_explorer(L)",
    "modes": "modes_explorer(synthetic_modes_grid(), L)",
    "tape": "tape_explorer(L)",
    "fit": "fit_explorer(L)",
}
SHOWN = [f"{name} ({lang})" for lang in ("en", "zh") for name in EXPLORERS]
EXPLORERS_NOTEBOOK = "explorers.ipynb"
WIDTHS = (1280, 1920)  # windows, with JupyterLab's file browser open
SMALLEST_TEXT_PX = 10.0


def explorers_notebook():
    import nbformat

    first = (
        "from autodiff_course import setup_notebook\nsetup_notebook('zh')\n"
        "from autodiff_course.explorers import *\n"
        "from autodiff_course.explorers.canvas import smallest_text_px\n"
        "from course_tools.bench import synthetic_modes_grid\nshown = []"
    )
    cells = [first] + [
        f"L = {lang!r}\nshown.append({call})\nshown[-1]"
        for lang in ("en", "zh")
        for call in EXPLORERS.values()
    ]
    cells.append("import json\nprint(json.dumps([smallest_text_px(e.model) for e in shown]))")
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3 (ipykernel)"}
    return nb


def course_lab(tmp: Path) -> Lab:
    """JupyterLab serving a temporary copy of chapters/en and chapters/zh, and a notebook of
    every explorer in both languages."""
    import nbformat

    root = tmp / "course"
    for lang in ("en", "zh"):
        shutil.copytree(ROOT / "chapters" / lang, root / lang)
    nbformat.write(explorers_notebook(), root / EXPLORERS_NOTEBOOK)
    return Lab(tmp, root)


def skip_or_fail(reason: str) -> None:
    conftest.skip_or_fail(reason, "browser")


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    reason = missing_browser()
    if reason:
        skip_or_fail(reason)
    from playwright.sync_api import sync_playwright

    lab = course_lab(tmp_path_factory.mktemp("lab"))
    try:
        with sync_playwright() as p:
            chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            try:
                yield lab, chromium
            finally:
                chromium.close()
    finally:
        lab.stop()


def explorer_state(page) -> tuple[str, str]:
    image = page.locator(".autodiff-explorer img").first.get_attribute("src") or ""
    status = page.locator(".autodiff-status").first.inner_text()
    return image, status


def wait_for_change(page, before: tuple[str, str], timeout_s: float = 30.0):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        now = explorer_state(page)
        if now[0] != before[0] and now[1] != before[1]:
            return now
        time.sleep(0.25)
    raise AssertionError("the figure or the status line did not change after the slider moved")


def screenshot(page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    explorer = page.locator(".autodiff-explorer").first
    explorer.scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / f"{name}_page.png"))
    explorer.screenshot(path=str(ARTIFACTS / f"{name}_explorer.png"))


def assert_no_error_output(page, notebook: str) -> None:
    stderr = page.locator(STDERR).all_inner_texts()
    errors = page.locator(ERROR).all_inner_texts()
    assert not stderr and not errors, f"{notebook}: stderr {stderr[:2]} errors {errors[:2]}"


NAME_WIDTHS = """() => [...document.querySelectorAll('.jp-DirListing-item .jp-DirListing-itemText')]
  .map((e) => [e.textContent, e.scrollWidth, e.clientWidth])"""


@pytest.mark.parametrize("width", WIDTHS)
def test_the_file_browser_shows_each_chapter_once_and_whole(browser, width):
    """Each chapter once (its .md text file hidden) and its name whole: the course's custom.css
    wraps a name wider than the file browser (04_many_variables_persistent_tapes.ipynb is 280
    pixels in a 202-pixel column at 1280) instead of cutting it to "04_many_va…"."""
    lab, chromium = browser
    page = chromium.new_page(viewport={"width": width, "height": 800})
    try:
        page.goto(f"http://127.0.0.1:{lab.port}/lab/tree/zh?token={lab.token}")
        page.wait_for_selector(".jp-DirListing-item", timeout=60_000)
        page.wait_for_function(
            "() => document.querySelectorAll('.jp-DirListing-item').length >= 12", timeout=30_000
        )
        rows = page.evaluate(NAME_WIDTHS)
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"file_browser_{width}.png"))
    finally:
        page.close()
    names = [name for name, _, _ in rows]
    chapters = sorted(p.name for p in (ROOT / "chapters" / "zh").glob("[0-9][0-9]_*.ipynb"))
    assert sorted(n for n in names if n[:2].isdigit()) == chapters  # once each, no .md
    cut = [(name, scroll, client) for name, scroll, client in rows if scroll > client + 1]
    assert not cut, f"names cut at {width} px (text px, column px): {cut}"


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_descent_explorer_in_jupyterlab(browser, lang):
    lab, chromium = browser
    notebook = f"{lang}/06_gradient_descent.ipynb"
    page = run_notebook(lab, chromium, notebook)
    try:
        assert_no_error_output(page, notebook)
        screenshot(page, f"06_{lang}_default")
        before = explorer_state(page)
        assert "0.01" in page.locator(".autodiff-explorer").inner_text()

        slider = page.locator(".autodiff-explorer .widget-slider", has_text=LR_LABEL[lang]).first
        handle = slider.locator(".noUi-handle").first
        handle.focus()
        page.keyboard.press("ArrowRight")  # 0.01 -> 0.02: still converges
        after_step = wait_for_change(page, before)
        page.keyboard.press("PageUp")  # a bigger step: another update
        after_page = wait_for_change(page, after_step)
        readout = slider.locator(".widget-readout").first
        type_value(page, readout, "0.5")  # typed: lr = 0.5 = 1/(2a) lands in one step
        wait_for_change(page, after_page)
        assert "0.50" in readout.inner_text()
        type_value(page, readout, "9")  # beyond the end: clamped to 1.5 = 1.5/a, diverges
        expected = "Diverges" if lang == "en" else "发散"
        deadline = time.monotonic() + 30.0
        while expected not in explorer_state(page)[1] and time.monotonic() < deadline:
            time.sleep(0.25)
        after = explorer_state(page)
        assert expected in after[1], after[1]
        assert after[0] != before[0]
        assert "1.50" in slider.inner_text()
        screenshot(page, f"06_{lang}_diverging")
        assert_no_error_output(page, notebook)
        assert page.locator(".jp-Dialog").count() == 0
    finally:
        page.close()


def type_value(page, readout, text: str) -> None:
    """Type a value into a slider's number box and press Enter."""
    readout.click()
    page.keyboard.press("Control+a")
    page.keyboard.type(text)
    page.keyboard.press("Enter")


# Per explorer: elements that scroll sideways, the figure's size as drawn and as shown, and each
# row of toggle buttons (their tops, and whether a label is wider than its button).
MEASURE = """() => [...document.querySelectorAll('.autodiff-explorer')].map(ex => {
  const sideways = [ex, ...ex.querySelectorAll('*')].filter(el => {
    const x = getComputedStyle(el).overflowX;
    return (x === 'auto' || x === 'scroll') && el.scrollWidth > el.clientWidth;
  }).map(el => el.className + ' ' + (el.scrollWidth - el.clientWidth) + 'px');
  const area = ex.closest('.jp-OutputArea-output');
  if (area && area.scrollWidth > area.clientWidth) sideways.push('output area');
  const img = ex.querySelector('img.autodiff-figure, .autodiff-figure img');
  const toggles = [...ex.querySelectorAll('.widget-toggle-buttons')].map(row => {
    const buttons = [...row.querySelectorAll('button')];
    const cut = buttons.filter(b => {
      const range = document.createRange();
      range.selectNodeContents(b);
      const s = getComputedStyle(b);
      const room = b.clientWidth - parseFloat(s.paddingLeft) - parseFloat(s.paddingRight);
      return range.getBoundingClientRect().width > room + 0.5;
    }).map(b => b.innerText);
    return {tops: buttons.map(b => Math.round(b.getBoundingClientRect().top)), cut};
  });
  return {sideways, toggles, natural: img.naturalWidth, shown: img.getBoundingClientRect().width};
})"""


def printed_text_px(page) -> list[float]:
    """What the notebook's last cell printed: each figure's smallest text, in PNG pixels."""
    out = page.locator('.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stdout"]')
    return json.loads(out.last.inner_text().strip().splitlines()[-1])


def test_every_explorer_fits_its_space_and_reopens_as_a_still(browser):
    lab, chromium = browser
    notebook = EXPLORERS_NOTEBOOK
    page = run_notebook(lab, chromium, notebook)
    try:
        assert_no_error_output(page, notebook)
        page.wait_for_function(
            f"document.querySelectorAll('.autodiff-explorer img').length == {len(SHOWN)}"
        )
        text_px = dict(zip(SHOWN, printed_text_px(page), strict=True))
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 900})
            time.sleep(1.0)  # JupyterLab lays the panels out again
            measured = dict(zip(SHOWN, page.evaluate(MEASURE), strict=True))
            for name, m in measured.items():
                where = f"{name} at {width} px"
                assert not m["sideways"], f"{where} scrolls sideways: {m['sideways']}"
                for row in m["toggles"]:
                    assert len(set(row["tops"])) == 1, f"{where}: toggle buttons on two rows"
                    assert not row["cut"], f"{where}: cut button labels {row['cut']}"
                on_screen = text_px[name] * m["shown"] / m["natural"]
                assert on_screen >= SMALLEST_TEXT_PX, (
                    f"{where}: figure text {on_screen:.1f} px on the screen "
                    f"({text_px[name]:.1f} px drawn, shown at {m['shown']:.0f} of "
                    f"{m['natural']} px)"
                )
            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / f"explorers_{width}.png"))
        save_notebook(page, lab, notebook)
    finally:
        page.close()
    # The saved file keeps the stills, not the widget views (the server's pre-save hook) ...
    saved = json.loads((lab.root / notebook).read_text(encoding="utf-8"))
    data = [o.get("data", {}) for c in saved["cells"] for o in c.get("outputs", [])]
    assert not any("application/vnd.jupyter.widget-view+json" in d for d in data)
    assert sum("image/png" in d for d in data) == len(SHOWN)
    # ... so that, reopened with a new kernel, it shows them and no widget error.
    lab.shutdown_kernels()
    page = open_notebook(lab, chromium, notebook)
    try:
        time.sleep(2.0)  # the widget manager has looked for its models by now
        shown = page.locator(".jp-OutputArea-output img")
        assert shown.count() == len(SHOWN)
        assert all(img.bounding_box()["width"] > 100 for img in shown.all())
        assert "Error displaying widget" not in page.locator(".jp-Notebook").inner_text()
        page.screenshot(path=str(ARTIFACTS / "explorers_reopened.png"))
    finally:
        page.close()
        lab.shutdown_kernels()


def main() -> None:  # pragma: no cover - screenshots for people, not a test
    import tempfile

    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        lab = course_lab(Path(tmp))
        try:
            with sync_playwright() as p:
                chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
                for name in sys.argv[1:] or ["01_gradient_tape", "06_gradient_descent"]:
                    for lang in ("en", "zh"):
                        page = run_notebook(lab, chromium, f"{lang}/{name}.ipynb")
                        screenshot(page, f"{name[:2]}_{lang}_default")
                        page.close()
                chromium.close()
        finally:
            lab.stop()


if __name__ == "__main__":
    main()
