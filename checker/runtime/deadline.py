"""Run the learner's code in a worker thread and give up on it after a deadline.

Threads work the same on Linux, macOS and Windows, where fork and SIGALRM do not, and the same in a
sandboxed child as under ``pytest exercises/NN``, so the learner's code meets the same world in
both (``signal.signal()`` at import fails alike, for one). When the deadline passes, the learner's thread is asked to stop by raising an exception inside it (CPython's
``PyThreadState_SetAsyncExc``), which ends pure-Python loops and servers that poll; a thread stuck in
a blocking C call is left behind as a daemon and dies with the process.
"""

from __future__ import annotations

import ctypes
import sys
import threading
import traceback
from collections.abc import Callable, Collection
from typing import TypeVar

from checker.runtime.failures import LearnerTimeout, Location
from checker.runtime.tracing import location_in

T = TypeVar("T")

DEFAULT_TIMEOUT = 3.0  # the plugin's DEFAULT_TIMEOUT too

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
) -> T:
    """Return ``function()``, or raise LearnerTimeout if it takes longer than ``seconds``.

    Exceptions raised by ``function`` are re-raised unchanged in the calling thread.
    """
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
