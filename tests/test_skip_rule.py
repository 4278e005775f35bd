"""The rule for a test that needs what this machine lacks (Chromium for the browser test, a built
site for the site test): skip on a laptop, fail under CI=true, where it must run."""

from __future__ import annotations

import pytest

from conftest import skip_or_fail

TESTS = ["browser", "site"]


@pytest.mark.parametrize("test", TESTS)
def test_a_laptop_skips(monkeypatch, test):
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="no chromium here"):
        skip_or_fail("no chromium here", test)


@pytest.mark.parametrize("test", TESTS)
def test_ci_fails(monkeypatch, test):
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match=f"CI=true and the {test} test cannot run"):
        skip_or_fail("no chromium here", test)
