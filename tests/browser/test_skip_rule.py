"""The browser test's rule for a machine without Chromium: skip locally, fail under CI=true."""

from __future__ import annotations

import pytest

from test_browser import skip_or_fail


def test_without_chromium_a_laptop_skips(monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="no chromium here"):
        skip_or_fail("no chromium here")


def test_without_chromium_ci_fails(monkeypatch):
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI=true and the browser test cannot run"):
        skip_or_fail("no chromium here")
