"""Run the learner's code in a worker thread and give up on it after a deadline.

Threads work the same on Linux, macOS and Windows, where fork and SIGALRM do not. When the deadline
passes, the learner's thread is asked to stop by raising an exception inside it (CPython's
``PyThreadState_SetAsyncExc``), which ends pure-Python loops and servers that poll; a thread stuck in
a blocking C call is left behind as a daemon and dies with the process.
"""

from __future__ import annotations

import ctypes
import signal
import sys
import threading
import traceback
from collections.abc import Callable, Collection
from types import FrameType
from typing import TypeVar

from checker.failures import LearnerTimeout, Location
from checker.tracing import location_in

T = TypeVar("T")

DEFAULT_TIMEOUT = 3.0

_SERVER_FUNCTIONS = {"run_simple", "serve_forever"}


class Abandoned(BaseException):
    """Raised inside a learner thread that ran out of time. BaseException, so `except
    Exception` in the learner's loop does not swallow it."""


def call(
    function: Callable[[], T],
    *,
    seconds: float,
    doing: str,
    learner_files: Collection[str],
    alarm: bool = False,
) -> T:
    """Return ``function()``, or raise LearnerTimeout if it takes longer than ``seconds``.

    Exceptions raised by ``function`` are re-raised unchanged in the calling thread. With
    ``alarm``, the deadline is a SIGALRM timer in this thread instead of a worker thread: cheaper,
    but only for POSIX main threads, such as a sandboxed child's.
    """
    if alarm:
        return _call_with_alarm(function, seconds, doing, learner_files)
    box: dict[str, object] = {}

    def run() -> None:
        try:
            box["value"] = function()
        except BaseException as error:  # handed to the calling thread below
            box["error"] = error

    worker = threading.Thread(target=run, name=f"workbook: {doing}", daemon=True)
    worker.start()
    worker.join(seconds)
    if worker.is_alive():
        stack = traceback.extract_stack(sys._current_frames().get(worker.ident or -1))
        location = location_in(((s.filename, s.lineno or 0) for s in stack), learner_files)
        names = {summary.name for summary in stack}
        _interrupt(worker)
        raise LearnerTimeout(doing, seconds, location, _likely_cause(names, location, doing))
    if "error" in box:
        error = box["error"]
        assert isinstance(error, BaseException)
        raise error.with_traceback(error.__traceback__)
    return box["value"]  # type: ignore[return-value]


class _Alarm(BaseException):
    """The deadline passed; carries where the learner's code was."""

    def __init__(self, frame: FrameType | None) -> None:
        self.stack = traceback.extract_stack(frame)
        super().__init__()


def _raise_alarm(signum: int, frame: FrameType | None) -> None:
    raise _Alarm(frame)


def _call_with_alarm(
    function: Callable[[], T], seconds: float, doing: str, learner_files: Collection[str]
) -> T:
    previous = signal.signal(signal.SIGALRM, _raise_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        return function()
    except _Alarm as alarm:
        location = location_in(((s.filename, s.lineno or 0) for s in alarm.stack), learner_files)
        names = {summary.name for summary in alarm.stack}
        raise LearnerTimeout(
            doing, seconds, location, _likely_cause(names, location, doing)
        ) from None
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _interrupt(worker: threading.Thread) -> None:
    if worker.ident is None or sys.implementation.name != "cpython":
        return
    ctypes.pythonapi.PyThreadState_SetAsyncExc(
        ctypes.c_ulong(worker.ident), ctypes.py_object(Abandoned)
    )
    worker.join(1.0)


def _likely_cause(names: set[str], location: Location | None, doing: str) -> str:
    if names & _SERVER_FUNCTIONS or (location and ".run(" in location.source):
        return (
            "app.run() starts the development server, which waits for requests forever. "
            'Put it under `if __name__ == "__main__":` or delete it: the checks use the test client.'
        )
    source = location.source.strip() if location else ""
    if source.startswith("while"):
        return "This `while` loop never ends: make sure its condition becomes false, or break out of it."
    if "sleep(" in source:
        return "The code sleeps for longer than the check waits: remove the sleep or shorten it."
    if "input(" in source:
        return (
            "input() waits for someone to type: a web app gets its input from the request instead."
        )
    if doing.startswith("importing"):
        return "Importing the file never finished: look for a loop or a blocking call at the top level."
    return "Look for a loop that never ends, or a call that waits forever."
