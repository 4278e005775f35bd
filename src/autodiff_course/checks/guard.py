"""Running learner code safely: within a time bound, with what it prints kept out of sight.

A graph loop (tf.while_loop) runs in C++ where Python cannot interrupt it: it is cancelled
through TensorFlow's cancellation manager. Python code (an eager loop, a trace) is interrupted
by an exception raised into the checking thread. tf.print writes to the process's file
descriptors 1 and 2, not to sys.stdout, so both are redirected to a scratch file during a call.
"""

from __future__ import annotations

import contextlib
import ctypes
import io
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


class Guard:
    """Runs learner calls with what they print hidden, all within one time bound."""

    def __init__(self, seconds: float | None = None) -> None:
        self.seconds = TIME_BOUND_S if seconds is None else seconds
        self.left = self.seconds

    def __call__(self, fn: Callable, *args: Any) -> Any:
        if self.left <= 0:
            raise TimeUp(self.seconds)
        manager, cancellable = _cancellation()
        lock, state = threading.Lock(), {"done": False, "fired": False}
        thread_id = threading.get_ident()

        def time_up() -> None:
            with lock:
                if state["done"]:
                    return
                state["fired"] = True
                if manager is not None:  # stops a running graph (tf.while_loop included)
                    manager.start_cancel()
                _raise_in(thread_id, _TimeUp)  # stops Python code (an eager loop, tracing)

        timer = threading.Timer(self.left, time_up)
        start = time.monotonic()
        try:
            sink = io.StringIO()
            with (
                contextlib.redirect_stdout(sink),
                contextlib.redirect_stderr(sink),
                _fd_silenced(),
                cancellable,
            ):
                timer.start()
                try:
                    result = fn(*args)
                finally:
                    with lock:
                        state["done"] = True
                        timer.cancel()
                        if state["fired"]:
                            _raise_in(thread_id, None)  # withdraw an exception not yet raised
        except _TimeUp:
            raise TimeUp(self.seconds) from None
        except Exception:
            if state["fired"]:  # the cancelled graph raises CancelledError
                raise TimeUp(self.seconds) from None
            raise
        finally:
            self.left -= time.monotonic() - start
        return result
