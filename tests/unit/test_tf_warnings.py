"""shown_tf_warnings: the warnings a chapter demonstrates reach stdout, deterministically."""

import logging
import warnings

from autodiff_course.tf_warnings import PREFIX, plain_line, shown_tf_warnings


def test_plain_line_drops_addresses_and_keeps_first_line():
    message = "5 out of the last 5 calls to <function f at 0x7f3a2b1c> triggered retracing.\nMore"
    assert (
        plain_line(message)
        == PREFIX + "5 out of the last 5 calls to <function f> triggered retracing."
    )


def test_plain_line_keeps_only_the_first_sentence():
    message = (
        "5 out of the last 5 calls to <function g at 0x1f> triggered tf.function retracing."
        " Tracing is expensive."
    )
    assert (
        plain_line(message)
        == PREFIX + "5 out of the last 5 calls to <function g> triggered tf.function retracing."
    )
    message = "The dtype of the watched tensor must be floating (e.g. tf.float32), got tf.int32"
    assert plain_line(message) == PREFIX + message
    message = (
        "Calling it inside is less efficient (it records more). Only call it inside if you must."
    )
    assert plain_line(message) == PREFIX + "Calling it inside is less efficient (it records more)."


def test_logger_records_go_to_stdout_and_settings_come_back(capsys):
    logger = logging.getLogger("tensorflow")
    before = (logger.level, list(logger.handlers), logger.propagate)
    logger.setLevel(logging.ERROR)  # as setup_notebook leaves it
    try:
        with shown_tf_warnings():
            logger.warning("The dtype of the watched tensor must be floating")
            logger.info("not a warning")
        logger.warning("after the block: quiet again")
        out, err = capsys.readouterr()
        assert out == PREFIX + "The dtype of the watched tensor must be floating\n"
        assert err == ""
        assert logger.level == logging.ERROR
    finally:
        logger.setLevel(before[0])
        logger.handlers = before[1]
        logger.propagate = before[2]
    assert (logger.level, logger.handlers, logger.propagate) == before


def test_python_warnings_are_shown_even_when_ignored(capsys):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with shown_tf_warnings():
            warnings.warn("shown once", UserWarning, stacklevel=1)
        warnings.warn("hidden again", UserWarning, stacklevel=1)
    out, err = capsys.readouterr()
    assert out == PREFIX + "shown once\n"
    assert err == ""


def test_tensorflow_integer_watch_warning_is_shown(capsys):
    import tensorflow as tf

    logging.getLogger("tensorflow").setLevel(logging.ERROR)
    n = tf.constant(3)
    with shown_tf_warnings():
        with tf.GradientTape() as tape:
            tape.watch(n)
            y = n * n
    assert tape.gradient(y, n) is None
    out, err = capsys.readouterr()
    assert (
        out
        == PREFIX
        + "The dtype of the watched tensor must be floating (e.g. tf.float32), got tf.int32\n"
    )
