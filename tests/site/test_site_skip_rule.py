"""The site test's rule for a machine without Chromium or a built site: skip locally, fail
under CI=true (this file runs in `make test`; the site test itself in `make test-site`)."""

from __future__ import annotations

import pytest

from test_site import skip_or_fail


def test_without_a_site_a_laptop_skips(monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="no site here"):
        skip_or_fail("no site here")


def test_without_a_site_ci_fails(monkeypatch):
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI=true and the site test cannot run"):
        skip_or_fail("no site here")
