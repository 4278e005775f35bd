"""Running learner code safely: within a time bound, with what it prints kept out of sight.

    guard = Guard()                  # one time bound (TIME_BOUND_S) for all the calls below
    result = guard(trial, *args)     # raises TimeUp, Exited, or what `trial` raises

A check runs its whole trial inside a guard, not only the direct calls of the learner's
function: code the learner wrote that TensorFlow calls later (a `tf.custom_gradient`'s grad
function during the check's `tape.gradient`, a loss passed to an optimizer, a callback) is then
bounded and silenced too. The direct calls have a second guard, and the trial's clock is paused
while they run (engine.FunctionAnswer), so the check's own work never eats the learner's time.
`sys.exit()` or a KeyboardInterrupt in learner code becomes `Exited`, an ordinary exception the
check turns into a verdict.

A graph loop (tf.while_loop) runs in C++ where Python cannot interrupt it: it is cancelled
through TensorFlow's cancellation manager. Python code (an eager loop, a trace) is interrupted
by an exception raised into the checking thread. tf.print writes to the process's file
descriptors 1 and 2, not to sys.stdout, so both are redirected to a scratch file during a call.
"""

from __future__ import annotations

import contextlib
import ctypes
import io
import logging
import os
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from typing import Any

TIME_BOUND_S = 10.0  # for all the calls one check makes to learner code


class TimeUp(Exception):  # noqa: N818 - a verdict, not an error
    """The learner's code did not return within the time bound (`seconds`)."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"{seconds:g} s")
        self.seconds = seconds


class Exited(Exception):  # noqa: N818 - a verdict, not an error
    """The learner's code raised SystemExit or KeyboardInterrupt (`name`): it tried to stop."""

    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.name = name


class _TimeUp(BaseException):
    """Raised into the checking thread when the time bound runs out (not an Exception, so a
    learner's `except Exception` cannot swallow it)."""


def _raise_in(thread_id: int, exc: type[BaseException] | None) -> None:
    obj = ctypes.py_object(exc) if exc is not None else ctypes.c_void_p(0)
    ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(thread_id), obj)


@contextlib.contextmanager
def _fd_silenced():
    """Send file descriptors 1 and 2 to a scratch file (tf.print writes there, not to sys.*)."""
    for stream in (sys.stdout, sys.stderr, sys.__stdout__, sys.__stderr__):
        with contextlib.suppress(Exception):
            stream.flush()
    try:
        saved = [os.dup(1), os.dup(2)]
    except OSError:  # no real descriptors (an embedded interpreter): nothing to redirect
        yield
        return
    with tempfile.TemporaryFile() as sink:
        try:
            os.dup2(sink.fileno(), 1)
            os.dup2(sink.fileno(), 2)
            yield
        finally:
            with contextlib.suppress(Exception):
                sys.__stdout__.flush()
                sys.__stderr__.flush()
            os.dup2(saved[0], 1)
            os.dup2(saved[1], 2)
            os.close(saved[0])
            os.close(saved[1])


def _cancellation() -> tuple[Any, Any]:
    """A cancellation manager for the graphs a call runs (TensorFlow's private API: without it,
    only Python code is stopped) and the context that hands it to every tf.function call."""
    try:
        from tensorflow.python.eager import cancellation

        manager = cancellation.CancellationManager()
        return manager, cancellation.CancellationManagerContext(manager)
    except Exception:  # noqa: BLE001 - a later TensorFlow may move it
        return None, contextlib.nullcontext()


def call_learner(fn: Callable, *args: Any) -> Any:
    """`fn(*args)`: how a check calls the learner's function (technique.py knows this frame: a
    TensorFlow entry point called right here, such as a `tf.custom_gradient` function given
    as the answer, is the learner's)."""
    return fn(*args)


class Guard:
    """Runs learner calls with what they print hidden, all within one time bound.

    `with guard.paused():` inside a guarded call stops its clock for a while: a check's trial
    runs in one guard, and pauses it around the direct calls of the learner's function, which a
    second guard bounds. So the check's own work and learner code it calls indirectly share one
    bound, and the learner's function has a whole bound of its own.
    """

    def __init__(self, seconds: float | None = None) -> None:
        self.seconds = TIME_BOUND_S if seconds is None else seconds
        self.left = self.seconds
        self._lock = threading.Lock()
        self._deadline = 0.0
        self._paused_at: float | None = None
        self._paused_for = 0.0

    @contextlib.contextmanager
    def paused(self):
        with self._lock:
            outermost = self._paused_at is None
            if outermost:
                self._paused_at = time.monotonic()
        try:
            yield
        finally:
            if outermost:
                with self._lock:
                    pause = time.monotonic() - self._paused_at
                    self._deadline += pause
                    self._paused_for += pause
                    self._paused_at = None

    def __call__(self, fn: Callable, *args: Any) -> Any:
        if self.left <= 0:
            raise TimeUp(self.seconds)
        manager, cancellable = _cancellation()
        lock, state = self._lock, {"done": False, "fired": False}
        thread_id = threading.get_ident()
        stop = threading.Event()

        def watch() -> None:  # a countdown that stands still while paused
            while not stop.wait(0.02):
                with lock:
                    if state["done"]:
                        return
                    if self._paused_at is None and time.monotonic() >= self._deadline:
                        state["fired"] = True
                        if manager is not None:  # stops a running graph (tf.while_loop too)
                            manager.start_cancel()
                        _raise_in(thread_id, _TimeUp)  # stops Python code (a loop, tracing)
                        return

        start = time.monotonic()
        self._deadline, self._paused_at, self._paused_for = start + self.left, None, 0.0
        logging_was = logging.root.manager.disable
        logging.disable(logging.CRITICAL)  # a handler made earlier keeps the visible stream
        try:
            sink = io.StringIO()
            with (
                contextlib.redirect_stdout(sink),
                contextlib.redirect_stderr(sink),
                _fd_silenced(),
                cancellable,
            ):
                threading.Thread(target=watch, daemon=True).start()
                try:
                    result = fn(*args)
                finally:
                    with lock:
                        state["done"] = True
                        stop.set()
                        if state["fired"]:
                            _raise_in(thread_id, None)  # withdraw an exception not yet raised
        except _TimeUp:
            raise TimeUp(self.seconds) from None
        except (SystemExit, KeyboardInterrupt) as stop_request:
            if state["fired"]:
                raise TimeUp(self.seconds) from None
            raise Exited(type(stop_request).__name__) from None
        except Exception:
            # the cancelled graph raises CancelledError; a call that ran past the bound and
            # then failed (a huge allocation TensorFlow spends seconds refusing) timed out too
            if state["fired"] or time.monotonic() - start - self._paused_for >= self.left:
                raise TimeUp(self.seconds) from None
            raise
        finally:
            logging.disable(logging_was)
            self.left -= time.monotonic() - start - self._paused_for
        return result
