"""Show, for one block of code, the TensorFlow warnings that `setup_notebook` keeps quiet.

`setup_notebook` raises the level of TensorFlow's Python logger to ERROR and ignores Keras
warnings, so that recorded outputs are free of log noise. A few warnings teach something (a
tf.function that retraces, a watched integer tensor, `gradient` called on a persistent tape
inside its context); the chapters that demonstrate them wrap the cell in `shown_tf_warnings()`.

Inside the block, records of the "tensorflow" logger at WARNING or above and Python `warnings`
are printed to stdout, one plain line each: "TensorFlow warning: <first sentence of the message>"
(TensorFlow's advice that follows it runs to several lines' worth); `lang="zh"` (the Chinese
notebooks pass it, as they do to `check`) writes the prefix in Chinese, the message stays as
TensorFlow wrote it.
Object addresses (" at 0x7f...") are removed, so the line is the same on every run, and stderr
stays empty. Afterwards the logger and the warning filters are as they were.
"""

from __future__ import annotations

import contextlib
import logging
import re
import sys
import warnings
from collections.abc import Iterator

from autodiff_course import i18n

PREFIXES = {"en": "TensorFlow warning: ", "zh": "TensorFlow 警告："}
PREFIX = PREFIXES["en"]
_ADDRESS = re.compile(r" at 0x[0-9a-fA-F]+")
# A sentence ends at ". " followed by a capital letter ("e.g. tf.float32" does not end one).
_SENTENCE_END = re.compile(r"(?<=[a-z0-9)]\.) (?=[A-Z])")


def plain_line(message: str, lang: str = "en") -> str:
    """The first sentence of a warning message, without object addresses."""
    text = str(message).strip()
    first = text.splitlines()[0] if text else ""
    first = _SENTENCE_END.split(first, maxsplit=1)[0]
    return PREFIXES[i18n.language(lang)] + _ADDRESS.sub("", first).strip()


class _StdoutHandler(logging.Handler):
    def __init__(self, lang: str) -> None:
        super().__init__()
        self.lang = lang

    def emit(self, record: logging.LogRecord) -> None:
        # sys.stdout is looked up at each record: Jupyter swaps it per cell.
        print(plain_line(record.getMessage(), self.lang), file=sys.stdout)


@contextlib.contextmanager
def shown_tf_warnings(lang: str = "en") -> Iterator[None]:
    """Print TensorFlow's logger warnings and Python warnings raised in the block to stdout."""
    lang = i18n.language(lang)
    logger = logging.getLogger("tensorflow")
    saved = (logger.level, list(logger.handlers), logger.propagate)
    logger.handlers = [_StdoutHandler(lang)]
    logger.setLevel(logging.WARNING)
    logger.propagate = False
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("always")
            warnings.showwarning = lambda message, *args, **kwargs: print(
                plain_line(str(message), lang), file=sys.stdout
            )
            yield
    finally:
        logger.setLevel(saved[0])
        logger.handlers = saved[1]
        logger.propagate = saved[2]
