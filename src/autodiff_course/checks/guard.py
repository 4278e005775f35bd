"""Running learner code safely: within a time bound, with what it prints kept out of sight.

    guard = Guard()                  # one time bound (TIME_BOUND_S) for all the calls below
    result = guard(trial, *args)     # raises TimeUp, Exited, or what `trial` raises

A check runs its whole trial inside a guard, not only the direct calls of the learner's
function: code the learner wrote that TensorFlow calls later (a `tf.custom_gradient`'s grad
function during the check's `tape.gradient`, a loss passed to an optimizer, a callback) is then
bounded and silenced too. Each direct call has a guard of its own, and the trial's clock is
paused while it runs (engine.FunctionAnswer), so the check's own work never eats the learner's
time.
`sys.exit()` or a KeyboardInterrupt in learner code becomes `Exited`, an ordinary exception the
check turns into a verdict.

The clock counts the time a call ran or waited by itself (in a sleep, for a graph TensorFlow runs
in its own threads), not the time its thread spent waiting for a CPU that other processes held
(Linux's schedstat; elsewhere it is wall time): a right answer that traces a graph in 3 s keeps
its bound on a busy machine. It runs at least 1/STRETCH as fast as the wall clock, so a loop
that never ends is stopped within STRETCH times the bound however busy the machine is.

How a call that runs past its bound is stopped. A watcher thread keeps the clock (it stands
still while paused). When time is up it cancels the graphs the call runs (a tf.while_loop runs in
C++, where Python cannot interrupt it: TensorFlow's cancellation manager can). Where the check
runs in the main thread (a notebook's cells do) and the system has SIGALRM, the watcher then
sends SIGALRM to the main thread every 20 ms until the call has returned, to a handler installed
only while guarded calls run (the previous one is put back after). The handler turns on a trace
function that raises `_TimeUp` on the learner's next line. CPython removes a trace function that
raises and the next SIGALRM puts it back, so a `while True: try: ... except: pass` meets one at
its `try:` line, which no `try` covers. Where the trace saw no line of the learner's since the
last SIGALRM, the learner is blocked in a call (`time.sleep(100)`): the handler raises `_TimeUp`
itself, which interrupts the call (PEP 475). Both raise only in the learner's frames (a notebook
cell, a test, AutoGraph's conversion of the learner's function), not inside TensorFlow or this
package, whose state must stay whole; learner code blocked in the standard library (an
`Event().wait()`) is interrupted there once time has been up for INSIST_S, unless TensorFlow,
another package, contextlib or this package stands between it and the learner's code.
Elsewhere (a check run in another thread; Windows) the watcher raises `_TimeUp` once into the
checking thread: that stops a Python loop, not a blocking call or a loop whose bare `except`
catches it.

tf.print writes to the process's file descriptors 1 and 2, not to sys.stdout, so both are
redirected to a scratch file during a call.
"""

from __future__ import annotations

import contextlib
import ctypes
import io
import logging
import os
import signal
import site
import sys
import sysconfig
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

TIME_BOUND_S = 10.0  # for all the calls one check makes to learner code
INSIST_S = 0.5  # time up this long: interrupt learner code blocked inside a library too
STRETCH = 2.0  # on a busy machine the clock runs at least 1/STRETCH as fast as the wall clock
_TICK_S = 0.02  # how often the watcher looks at the clock, and repeats SIGALRM once time is up


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
    """Raised into learner code when the time bound runs out (not an Exception, so a learner's
    `except Exception` cannot swallow it)."""


# ----------------------------------------------------------------------------- whose frame


def _library_places() -> tuple[str, ...]:
    paths = sysconfig.get_paths()
    places = [paths.get(key) for key in ("stdlib", "platstdlib", "purelib", "platlib")]
    with contextlib.suppress(Exception):  # a virtualenv's old site module may lack these
        places += site.getsitepackages() + [site.getusersitepackages()]
    places.append(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))  # this package
    return tuple(os.path.join(p, "") for p in places if p and len(p) > 1)


_LIBRARY = _library_places()
_STDLIB = tuple(
    os.path.join(p, "") for p in {sysconfig.get_paths()[k] for k in ("stdlib", "platstdlib")}
)
_OURS = (os.path.join(_LIBRARY[-1], ""), contextlib.__file__)  # never interrupted


def _learners(frame: Any) -> bool:
    """Whether `frame` runs the learner's code (a notebook cell, a test, AutoGraph's conversion
    of the learner's function), not the standard library, an installed package or this one."""
    name = frame.f_code.co_filename
    return not (
        name.startswith(_LIBRARY) or name.startswith("<frozen") or "-packages" + os.sep in name
    )


def _ours(frame: Any) -> bool:
    return frame.f_code.co_filename.startswith(_OURS)


# ----------------------------------------------------------------------------- the calls running


@dataclass
class _Call:
    """One guarded call now running: whether its time is up, and whether it has returned."""

    thread: int  # the thread it runs in
    fired_at: float | None = None  # when its time was up
    done: bool = False
    lock: threading.Lock = field(default_factory=threading.Lock)


_running: list[_Call] = []  # the guarded calls now running in the main thread, outermost first
_alarm: dict[str, Any] = {}  # while _running: the SIGALRM handler to put back, the trace


def _time_up() -> _Call | None:
    return next((c for c in reversed(_running) if c.fired_at is not None and not c.done), None)


def _stop_here(frame: Any, call: _Call) -> bool:
    """Whether to raise in `frame`: the learner's; or, once time has been up for INSIST_S, the
    standard library called straight from the learner's code (`Event().wait()`), never
    TensorFlow, another package, contextlib or this package in between (their state)."""
    if _learners(frame):
        return True
    if time.monotonic() - call.fired_at < INSIST_S:
        return False
    while frame is not None and not _learners(frame):
        name = frame.f_code.co_filename
        if not name.startswith(_STDLIB) or "-packages" + os.sep in name or _ours(frame):
            return False
        frame = frame.f_back
    return frame is not None


def _tracer(frame: Any, event: str, arg: Any) -> Any:
    """Raise on the learner's next line once time is up. CPython removes a trace function that
    raises, so the next SIGALRM puts it back: a loop with a bare `except` around its body sees
    the next `_TimeUp` at a line no `try` covers (its `try:` line, its `while` line)."""
    if event in ("call", "line") and _learners(frame) and _time_up() is not None:
        _alarm["armed"] = False
        raise _TimeUp
    return _tracer


def _on_alarm(signum: int, frame: Any) -> None:
    """Once time is up: trace the learner's lines; raise here too where the trace has seen no
    line of the learner's since the last SIGALRM (a blocking call: `time.sleep(100)`)."""
    call = _time_up()
    if call is None:  # sent just before the call returned
        return
    blocked = _alarm.get("armed", False)
    if "trace" not in _alarm:
        _alarm["trace"] = (sys.gettrace(), [])
    sys.settrace(_tracer)  # the frames the learner calls from now on
    traced, running = _alarm["trace"][1], frame
    while running is not None:  # the frames running now
        if running.f_trace is not _tracer:
            traced.append((running, running.f_trace))
            running.f_trace = _tracer
        running = running.f_back
    _alarm["armed"] = True
    if blocked and _stop_here(frame, call):
        raise _TimeUp


def _untrace() -> None:
    _alarm.pop("armed", None)
    previous, traced = _alarm.pop("trace", (None, []))
    if traced:
        sys.settrace(previous)
        for frame, trace in traced:
            frame.f_trace = trace


def _waited(thread: int | None) -> float:
    """Seconds the thread (a native id) has spent ready to run, waiting for a CPU that other
    processes held: Linux's schedstat; 0 where there is none (the clock is then wall time)."""
    try:
        with open(f"/proc/self/task/{thread}/schedstat", "rb") as stats:
            return int(stats.read().split()[1]) / 1e9
    except (OSError, ValueError, IndexError):
        return 0.0


def _can_signal() -> bool:
    """SIGALRM can reach this thread, and the handler it has now can be put back."""
    return (
        hasattr(signal, "pthread_kill")
        and threading.current_thread() is threading.main_thread()
        and signal.getsignal(signal.SIGALRM) is not None  # None: set from C, not restorable
    )


class _Withdrawn(BaseException):
    """Takes the place of a `_TimeUp` not yet raised, and is caught at once."""


def _raise_in(thread_id: int, exc: type[BaseException]) -> None:
    ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(thread_id), ctypes.py_object(exc))


def _withdraw() -> None:
    """Drop a `_TimeUp` still waiting to be raised in this thread. Replacing it by a NULL would
    leave the interpreter checking for one at every call and loop back-edge from then on."""
    try:
        _raise_in(threading.get_ident(), _Withdrawn)
        time.monotonic()  # Python raises it at the next check: a call, at the latest this one
    except _Withdrawn:
        pass


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


@contextlib.contextmanager
def _alarm_handler(call: _Call):
    """Count `call` among the running ones; the outermost installs the SIGALRM handler for the
    calls' duration and puts the previous one back (a SIGALRM that comes later finds no call
    whose time is up, and the handler returns)."""
    outermost = not _running
    if outermost:
        _alarm["handler"] = signal.getsignal(signal.SIGALRM)
        signal.signal(signal.SIGALRM, _on_alarm)
    _running.append(call)
    try:
        yield
    finally:
        _running.remove(call)
        _untrace()
        if outermost:
            signal.signal(signal.SIGALRM, _alarm.pop("handler"))


def call_learner(fn: Callable, *args: Any) -> Any:
    """`fn(*args)`: how a check calls the learner's function (technique.py knows this frame: a
    TensorFlow entry point called right here, such as a `tf.custom_gradient` function given
    as the answer, is the learner's)."""
    return fn(*args)


class Guard:
    """Runs learner calls with what they print hidden, all within one time bound.

    `with guard.paused():` inside a guarded call stops its clock for a while: a check's trial
    runs in one guard, and pauses it around each direct call of the learner's function, which a
    guard of its own bounds, and around its own slow work. So the check's own work and learner
    code it calls indirectly share one bound, and each call of the learner's function has a
    whole bound of its own.
    """

    def __init__(self, seconds: float | None = None) -> None:
        self.seconds = TIME_BOUND_S if seconds is None else seconds
        self.left = self.seconds
        self._lock = threading.Lock()
        self._pauses = 0  # paused() blocks now open
        self._used = 0.0  # by the call now running
        self._thread: int | None = None  # its native id
        self._mark = (time.monotonic(), 0.0)  # wall clock and _waited at the last _tick

    def _tick(self) -> None:
        """Advance the call's clock (under self._lock): by the wall time since the last tick,
        less the time its thread waited for a CPU, but at least 1/STRETCH of the wall time."""
        wall, waited = time.monotonic(), _waited(self._thread)
        if not self._pauses:
            elapsed = wall - self._mark[0]
            self._used += max(elapsed - (waited - self._mark[1]), elapsed / STRETCH)
        self._mark = (wall, waited)

    @contextlib.contextmanager
    def paused(self):
        with self._lock:
            self._tick()
            self._pauses += 1
        try:
            yield
        finally:
            with self._lock:
                self._tick()
                self._pauses -= 1

    def _watch(self, call: _Call, stop: threading.Event, manager: Any, signals: bool) -> None:
        """The countdown (it stands still while paused); once time is up, stop the call."""
        main = threading.main_thread().ident
        while not stop.wait(_TICK_S):
            with self._lock, call.lock:
                if call.done:
                    return
                if call.fired_at is None:
                    self._tick()
                    if self._used < self.left:
                        continue
                    call.fired_at = time.monotonic()
                    if manager is not None:  # stops a running graph (tf.while_loop too)
                        manager.start_cancel()
                    if not signals:  # stops Python code (a loop, tracing), once
                        _raise_in(call.thread, _TimeUp)
                        return
                signal.pthread_kill(main, signal.SIGALRM)  # again, until the call returns

    def __call__(self, fn: Callable, *args: Any) -> Any:
        if self.left <= 0:
            raise TimeUp(self.seconds)
        manager, cancellable = _cancellation()
        signals = _can_signal()
        call, stop = _Call(threading.get_ident()), threading.Event()
        with self._lock:
            self._thread, self._used, self._pauses = threading.get_native_id(), 0.0, 0
            self._mark = (time.monotonic(), _waited(self._thread))
        logging_was = logging.root.manager.disable
        logging.disable(logging.CRITICAL)  # a handler made earlier keeps the visible stream
        try:
            sink = io.StringIO()
            with (
                contextlib.redirect_stdout(sink),
                contextlib.redirect_stderr(sink),
                _fd_silenced(),
                cancellable,
                _alarm_handler(call) if signals else contextlib.nullcontext(),
            ):
                watch = (call, stop, manager, signals)
                threading.Thread(target=self._watch, args=watch, daemon=True).start()
                try:
                    result = fn(*args)
                finally:  # first of all: no _TimeUp is raised for this call from here on
                    with call.lock:
                        call.done = True
                        stop.set()
                    if call.fired_at is not None and not signals:
                        _withdraw()
                    with self._lock:
                        self._tick()
        except BaseException as err:
            if call.fired_at is not None:  # whatever it raised: it ran out of time
                raise TimeUp(self.seconds) from None
            if isinstance(err, _TimeUp):  # an outer call's time is up: that guard says so
                raise
            if isinstance(err, (SystemExit, KeyboardInterrupt)):
                raise Exited(type(err).__name__) from None
            # a call that ran past the bound and then failed (a huge allocation TensorFlow
            # spends seconds refusing) timed out too
            if isinstance(err, Exception) and self._used >= self.left:
                raise TimeUp(self.seconds) from None
            raise
        finally:
            logging.disable(logging_was)
            self.left -= self._used
        if call.fired_at is not None:  # it caught every _TimeUp, and returned late
            raise TimeUp(self.seconds)
        return result
