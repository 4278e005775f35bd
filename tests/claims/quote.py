"""Helpers of the claims files (tests/claims/test_*.py): one small test per sentence about
TensorFlow or Keras that no executed cell beside it shows (key points, advice, instructor-guide
answers, explorer sentences).

Each test first checks that the sentence it guards is still in the file it came from (`says`),
then runs what the sentence claims on the installed versions. Reword a claim and its test fails
until the quote is updated; a TensorFlow release that changes the behaviour fails the second half
(the weekly newest-TensorFlow job runs this folder).
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import textwrap

from conftest import ROOT


def _flat(text: str) -> str:
    """Prose with its line breaks, emphasis marks and repeated spaces taken out."""
    text = re.sub(r"[*_`]", "", text)
    return re.sub(r"\s+", " ", text)


def says(path: str, sentence: str) -> None:
    """Fail unless `path` (from the repository root) still contains `sentence` (whitespace and
    Markdown emphasis ignored, so a re-wrapped line does not break the test)."""
    text = (ROOT / path).read_text(encoding="utf-8")
    flat_text, flat_sentence = _flat(text), _flat(sentence)
    # Chinese prose has no spaces between words: a soft line break inside it is not one either
    if flat_sentence not in flat_text and flat_sentence.replace(" ", "") not in flat_text.replace(
        " ", ""
    ):
        raise AssertionError(f"{path} no longer says: {sentence!r} (update the claim's test)")


def run_fresh(code: str, env: dict[str, str] | None = None, timeout: float = 120) -> str:
    """Run `code` in a new Python process (for what is decided at import time) and return its
    stdout; a non-zero exit fails with the process's stderr."""
    import os

    full_env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3", **(env or {})}
    proc = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        env=full_env,
        timeout=timeout,
        cwd=ROOT,
    )
    if proc.returncode != 0:
        raise AssertionError(f"exit {proc.returncode}:\n{proc.stderr[-2000:]}")
    return proc.stdout


def recorded(chapter: str, marker: str, lang: str = "en") -> str:
    """The recorded text output of the code cell of a chapter notebook that contains `marker`
    (for a guide sentence that quotes what a notebook printed)."""
    notebook = json.loads((ROOT / f"chapters/{lang}/{chapter}.ipynb").read_text(encoding="utf-8"))
    for cell in notebook["cells"]:
        if cell["cell_type"] == "code" and marker in "".join(cell["source"]):
            return "".join("".join(out.get("text", "")) for out in cell.get("outputs", []))
    raise AssertionError(f"no cell with {marker!r} in {chapter}")
