"""What happened to the learner's code, as plain data, and the one function that judges it.

Every mode (``pytest exercises/NN``, ``%check``, ``workbook grade``) describes what went wrong with
one of these events and turns it into an outcome and a message with :func:`judge`, so the same code
gets the same verdict everywhere. Nothing here does I/O.
"""

from __future__ import annotations

import os
import signal
from collections.abc import Collection
from dataclasses import dataclass

from checker.course.results import Outcome
from checker.runtime.explain import explain_error
from checker.runtime.failures import Location, Raised


@dataclass(frozen=True)
class Exited:
    """The learner's code called ``exit()`` or ``sys.exit()``."""

    code: object = None


@dataclass(frozen=True)
class Stopped:
    """The learner's code raised an exception meant to stop a program (KeyboardInterrupt)."""

    name: str


@dataclass(frozen=True)
class OutOfMemory:
    """The learner's code ran out of memory (MemoryError, or the sandbox's limit)."""

    limit_mb: int | None = None


@dataclass(frozen=True)
class TimedOut:
    """The learner's code was still running when its time was up."""

    seconds: float
    location: Location | None
    cause: str


@dataclass(frozen=True)
class Died:
    """The learner's process ended while it answered: ``status`` is its wait status."""

    status: int


@dataclass(frozen=True)
class Unanswered:
    """The learner's process stopped answering and was ended after ``seconds``."""

    seconds: float


Event = Raised | Exited | Stopped | OutOfMemory | TimedOut | Died | Unanswered


def judge(doing: str, event: Event) -> tuple[Outcome, str]:
    """The outcome and the learner's message for ``event``, which happened while ``doing``."""
    if isinstance(event, Raised):
        fix = explain_error(event.error_type, event.error_text, event.location is not None)
        return Outcome.ERROR, f"{doing} raised {event.summary}" + (f"\nFix: {fix}" if fix else "")
    if isinstance(event, Exited):
        code = "" if event.code is None else repr(event.code)
        return (
            Outcome.CRASHED,
            f"{doing} called exit({code}), which stops the whole program: remove the call.",
        )
    if isinstance(event, Stopped):
        return (
            Outcome.CRASHED,
            f"{doing} raised {event.name}, which stops the whole program: "
            "a web app must not raise it.",
        )
    if isinstance(event, OutOfMemory):
        limit = f" (the limit is {event.limit_mb} MB)" if event.limit_mb else ""
        return Outcome.CRASHED, f"{doing} ran out of memory{limit}"
    if isinstance(event, TimedOut):
        text = f"{doing} did not finish within {event.seconds:g} s"
        if event.location:
            text += f"; it was still running {event.location.show()}"
        return Outcome.TIMEOUT, f"{text}\n{event.cause}"
    if isinstance(event, Died):
        return Outcome.CRASHED, f"{doing}: your app's process {describe_status(event.status)}"
    return (
        Outcome.TIMEOUT,
        f"{doing} did not finish within {event.seconds:g} s\n"
        "The process stopped answering: look for a loop that never ends or a call that waits "
        "forever.",
    )


def caught(error: BaseException, learner_files: Collection[str]) -> Event:
    """The event an exception from the learner's code stands for."""
    from checker.runtime.tracing import raised

    if isinstance(error, SystemExit):
        return Exited(error.code)
    if isinstance(error, MemoryError):
        return OutOfMemory()
    if not isinstance(error, Exception):
        return Stopped(type(error).__name__)
    return raised(error, learner_files)


def describe_status(status: int) -> str:
    """``was killed by SIGKILL`` or ``exited with code 3``, from a wait status."""
    if os.WIFSIGNALED(status):
        number = os.WTERMSIG(status)
        try:
            name = signal.Signals(number).name
        except ValueError:
            name = f"signal {number}"
        return f"was killed by {name}"
    if os.WIFEXITED(status):
        return f"exited with code {os.WEXITSTATUS(status)}"
    return f"ended with status {status}"
