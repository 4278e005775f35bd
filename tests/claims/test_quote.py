"""The claims helpers themselves: a quote that is not in the file fails."""

import pytest
from quote import run_fresh, says


def test_says_finds_a_rewrapped_sentence_and_rejects_a_missing_one():
    says("README.md", "make lab")
    with pytest.raises(AssertionError, match="no longer says"):
        says("README.md", "a sentence this README never had 1f3a")


def test_run_fresh_returns_stdout_and_fails_on_error():
    assert run_fresh("print(6 * 7)") == "42\n"
    with pytest.raises(AssertionError, match="exit 1"):
        run_fresh("raise SystemExit(1)")
