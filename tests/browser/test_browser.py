"""The explorers in a real browser: JupyterLab from the venv, driven in headless Chromium.

Opens chapter 06 in English and in Chinese from a throw-away copy of the notebooks, runs all
cells, moves the learning-rate slider with the keyboard and checks that the figure and the status
line change and that no error or stderr output appears. Screenshots go to artifacts/browser/.

Uses Debian's /usr/bin/chromium (`playwright install` needs downloads; CI installs chromium
through apt, see .ci/run). Without a Chromium the test is skipped with a sentence saying so, except
under CI=true, where it fails: CI must run it.
Run alone with:  .venv/bin/python -m pytest tests/browser
Screenshots of every explorer notebook:  .venv/bin/python tests/browser/test_browser.py
"""

from __future__ import annotations

import os
import shutil
import sys
import time
from pathlib import Path

import pytest

from course_tools.lab_browser import (
    ARTIFACTS,
    CHROMIUM,
    CHROMIUM_ARGS,
    ERROR,
    ROOT,
    STDERR,
    Lab,
    missing_browser,
    run_notebook,
)

LR_LABEL = {"en": "learning rate", "zh": "学习率"}

pytestmark = pytest.mark.browser


def course_lab(tmp: Path) -> Lab:
    """JupyterLab serving a temporary copy of chapters/en and chapters/zh."""
    root = tmp / "course"
    for lang in ("en", "zh"):
        shutil.copytree(ROOT / "chapters" / lang, root / lang)
    return Lab(tmp, root)


def skip_or_fail(reason: str) -> None:
    """Skip on a laptop without Chromium; fail under CI=true, where the test must run."""
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"CI=true and the browser test cannot run: {reason}")
    pytest.skip(reason)


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
        wait_for_change(page, after_step)
        page.keyboard.press("End")  # the maximum, 1.5 = 1.5/a: diverges
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
