"""Two learners in headless Chromium on the workshop hub: log in, click chapter 01's nbgitpuller
link, Run All, move a slider; each sees their own copy and their own figure.

Skipped without Chromium or the hub's environments, failed instead under CI=true or HUB_TESTS=1
(`make test-hub`). Screenshots go to artifacts/browser/hub_<name>.png.
"""

from __future__ import annotations

import json
import os
import time

import pytest
from hub_upstream import BRANCH, CHAPTER, clone_folder, hub_or_skip, nbgitpuller_link, upstream

from course_tools.lab_browser import (
    ARTIFACTS,
    CHROMIUM,
    CHROMIUM_ARGS,
    LAB_SETTINGS,
    VIEWPORT,
    error_outputs,
    missing_browser,
    run_notebook,
)

pytestmark = pytest.mark.browser
LEARNERS = ("ada", "grace")


class LearnerTab:
    """What course_tools.lab_browser.run_notebook needs to know of a Lab, for one learner on the
    hub: the page to open (the nbgitpuller link), their copy on disk, the log to show."""

    def __init__(self, hub, name: str, link: str):
        self.root = hub.dir / "home" / name
        self.log_path = hub.log_path
        self.link = link

    def url(self, _notebook: str) -> str:
        return self.link


class LoggedIn:
    """A browser context that has logged in: new pages carry the learner's cookies."""

    def __init__(self, context):
        self.context = context

    def new_page(self, viewport=None):
        return self.context.new_page()


def log_in(chromium, hub, name: str) -> LoggedIn:
    # the test's JupyterLab settings (every cell in the page, no news), in the learner's home
    settings = hub.dir / "home" / name / ".jupyter" / "lab" / "user-settings"
    for file, value in LAB_SETTINGS.items():
        (settings / file).parent.mkdir(parents=True, exist_ok=True)
        (settings / file).write_text(json.dumps(value))
    context = chromium.new_context(viewport=VIEWPORT)
    page = context.new_page()
    page.goto(f"{hub.url}/hub/login")
    page.fill("#username_input", name)
    page.fill("#password_input", hub.password)
    page.click("#login_submit")
    page.wait_for_url(f"{hub.url}/**", timeout=120_000)
    page.close()
    return LoggedIn(context)


def figure(page) -> str:
    return page.locator(".autodiff-explorer img").first.get_attribute("src") or ""


def move_slider(page, timeout_s: float = 60.0) -> None:
    """ArrowRight on the explorer's first slider; wait for a new figure."""
    before = figure(page)
    page.locator(".autodiff-explorer .widget-slider .noUi-handle").first.focus()
    page.keyboard.press("ArrowRight")
    deadline = time.monotonic() + timeout_s
    while figure(page) == before:
        assert time.monotonic() < deadline, "the figure did not change after the slider moved"
        time.sleep(0.25)


def test_two_learners_open_run_and_move_chapter_01_in_their_own_copies(tmp_path):
    reason = missing_browser()
    if reason:
        if os.environ.get("CI", "").lower() == "true" or os.environ.get("HUB_TESTS") == "1":
            pytest.fail(f"the hub's browser test must run here: {reason}")
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    repo = upstream(tmp_path / "tf2-autodiff")
    hub = hub_or_skip(tmp_path / "hub")
    link = nbgitpuller_link(hub.url, CHAPTER, str(repo), BRANCH)
    copy = f"{clone_folder(str(repo))}/{CHAPTER}"
    try:
        with sync_playwright() as p:
            chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            try:
                pages = {}
                for name in LEARNERS:
                    tab = LearnerTab(hub, name, link)
                    pages[name] = run_notebook(
                        tab, log_in(chromium, hub, name), copy, timeout_s=300
                    )
                    assert pages[name].url.startswith(f"{hub.url}/user/{name}/lab/tree/")
                    assert (tab.root / copy).exists()
                    assert error_outputs(pages[name]) == []
                ada, grace = pages["ada"], pages["grace"]
                grace_before = figure(grace)
                move_slider(ada)
                time.sleep(1.0)
                assert figure(grace) == grace_before  # ada's kernel, ada's figure
                move_slider(grace)
                ARTIFACTS.mkdir(parents=True, exist_ok=True)
                for name, page in pages.items():
                    page.screenshot(path=str(ARTIFACTS / f"hub_{name}.png"))
                    assert error_outputs(page) == []
            finally:
                chromium.close()
    finally:
        hub.stop()
