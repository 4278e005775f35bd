"""The guard that runs learner code: whatever way an answer never returns (a loop, a sleep, a
bare `except`, a custom gradient the check's own tape runs), the check prints ✗ "did not return
within N s" in both languages within the bound, prints nothing else, and leaves the process as
it was: the next check still works. Also in a real Jupyter kernel, and off the main thread."""

from __future__ import annotations

import signal
import sys
import threading
import time

import pytest

tf = pytest.importorskip("tensorflow")

from autodiff_course import checks  # noqa: E402
from autodiff_course.checks import CORRECT, WRONG, evaluate, guard  # noqa: E402

from . import learner_code_ch09 as lc09  # noqa: E402

STOPPED = {"en": "did not return within 1 s", "zh": "在 1 秒内没有返回"}
MARK = {"en": "✗ Exercise ", "zh": "✗ 练习 "}


@pytest.fixture
def one_second(monkeypatch):
    monkeypatch.setattr(guard, "TIME_BOUND_S", 1.0)


@pytest.mark.parametrize(
    ("exercise", "answer"),
    [pytest.param(ex, answer, id=f"{ex}-{answer.__name__}") for ex, answer in lc09.NEVER_ENDING],
)
def test_never_ending_answers_are_stopped_and_leave_nothing_behind(
    exercise, answer, one_second, capfd
):
    alarm, trace = signal.getsignal(signal.SIGALRM), sys.gettrace()
    for lang in ("en", "zh"):
        start = time.monotonic()
        checks.check(exercise, answer, lang=lang)
        elapsed = time.monotonic() - start
        out, err = capfd.readouterr()
        assert out.startswith(MARK[lang] + exercise) and STOPPED[lang] in out, out
        assert out.count("\n") == 2 and err == "", (out, err)  # the verdict and its hint only
        # the clock runs at least 1/STRETCH as fast as the wall clock, however busy the machine
        assert elapsed < guard.STRETCH * 1.0 + 1.5, elapsed
    assert signal.getsignal(signal.SIGALRM) == alarm and sys.gettrace() is trace
    assert evaluate("09.3", lc09.ste_ok).status == CORRECT  # TensorFlow still works after


def test_a_check_off_the_main_thread_still_stops_a_loop(one_second):
    """No SIGALRM there: one exception raised into the thread stops a Python loop."""
    verdicts = []

    def run():
        verdicts.append(evaluate("09.4", lc09.sqrt_grad_forever, "en"))
        verdicts.append(evaluate("09.4", lc09.sqrt_ok, "en"))

    worker = threading.Thread(target=run)
    worker.start()
    worker.join(timeout=60)
    assert not worker.is_alive()
    stopped, right = verdicts
    assert stopped.status == WRONG and STOPPED["en"] in stopped.message, stopped.message
    assert right.status == CORRECT, right.message


def test_printing_in_a_custom_gradient_stays_out_of_the_verdict(capfd):
    for exercise, answer in (("09.3", lc09.ste_printing), ("09.4", lc09.sqrt_printing)):
        checks.check(exercise, answer, lang="en")
        out, err = capfd.readouterr()
        assert out == f"✓ Exercise {exercise}: correct.\n" and err == "", (out, err)


def test_paused_time_is_not_counted():
    """The check's own slow work (`run.paused()`, the trial paused around each learner call)."""
    bound = guard.Guard(0.3)

    def slow_check_work():
        with bound.paused():
            time.sleep(0.6)
        return "done"

    assert bound(slow_check_work) == "done"
    assert 0 < bound.left <= 0.3
    with pytest.raises(guard.TimeUp):
        guard.Guard(0.3)(time.sleep, 0.6)


def test_time_waiting_for_a_cpu_is_not_counted(monkeypatch):
    """A thread that waited for a CPU all along (schedstat says so) gets STRETCH times its
    bound in wall time, no more."""
    start = time.monotonic()
    monkeypatch.setattr(guard, "_waited", lambda thread: time.monotonic() - start)
    assert guard.Guard(0.4)(lambda: time.sleep(0.6) or "done") == "done"  # 0.3 s on the clock
    with pytest.raises(guard.TimeUp):
        guard.Guard(0.4)(time.sleep, 1.2)  # 0.6 s on the clock


def test_waited_reads_a_number():
    waited = guard._waited(threading.get_native_id())
    assert isinstance(waited, float) and waited >= 0
    assert guard._waited(None) == 0.0  # no such thread: the clock is wall time


KERNEL_CELLS = [
    "import sys, threading, time\n"
    "import tensorflow as tf\n"
    "from autodiff_course.checks import check, guard\n"
    "guard.TIME_BOUND_S = 1.0\n"
    "print(threading.current_thread() is threading.main_thread())",
    "def sleeps(x):\n    time.sleep(100)\n\ncheck('09.3', sleeps)",
    "def bare(x):\n    while True:\n        try:\n            time.sleep(0.001)\n"
    "        except:\n            pass\n\ncheck('09.3', bare, lang='zh')",
    "@tf.custom_gradient\ndef safe_sqrt(x):\n    def grad(upstream):\n        time.sleep(100)\n"
    "        return upstream\n    return tf.sqrt(x), grad\n\ncheck('09.4', safe_sqrt)",
    "def ste(x):\n    return x + tf.stop_gradient(tf.round(x) - x)\n\ncheck('09.3', ste)",
    "import signal\nprint(signal.getsignal(signal.SIGALRM) == signal.SIG_DFL, sys.gettrace())",
]


def test_in_a_jupyter_kernel():
    """The cells of a notebook run in the kernel's main thread, where SIGALRM stops a sleep."""
    nbformat = pytest.importorskip("nbformat")
    notebooks = pytest.importorskip("course_tools.notebooks")
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in KERNEL_CELLS])
    notebooks.execute(nb, ".")
    outs = ["".join(o.get("text", "") for o in cell.outputs) for cell in nb.cells]
    assert outs[0] == "True\n"
    for out, lang in zip(outs[1:4], ("en", "zh", "en"), strict=True):
        assert out.startswith(MARK[lang]) and STOPPED[lang] in out, out
    assert outs[4] == "✓ Exercise 09.3: correct.\n"
    assert outs[5] == "True None\n"  # the handler put back, no trace left
