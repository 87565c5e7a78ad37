"""The grader's side of a sandboxed child: a ``Target`` whose app runs in another process.

Every reply is read against a deadline, capped in size and checked against the wire's schema
(``checker.grade.wire``). A reply of the wrong shape means the learner's code wrote to the
harness's socket or replaced the harness: the exercise is ``flagged``, never scored.
"""

from __future__ import annotations

import os
import stat
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import cloudpickle

from checker.course.results import Outcome
from checker.grade import wire
from checker.grade.child import OUTPUT
from checker.grade.databases import Grant
from checker.grade.sandbox import ChildSpec, WarmServer
from checker.runtime import probes
from checker.runtime.client import CliResult, Response
from checker.runtime.failures import LearnerFailure, LearnerUnavailable
from checker.runtime.happened import Died, Unanswered, judge

GRACE = 2.0  # seconds the grader waits beyond the child's own deadline before killing it
OUTPUT_TAIL = 16 * 1024


class SandboxedLearner:
    """A learner's app in a sandboxed child. A child that crashed or hung is replaced on next use."""

    def __init__(self, server: WarmServer, spec: ChildSpec, *, hidden: bool = False) -> None:
        self._server = server
        self._spec = spec
        self._hidden = hidden  # serves the instructor's hidden checks: no check code may go
        self._pid: int | None = None
        self._connection: wire.Channel | None = None
        self._clients = 0
        self._read = 0
        self._number = 0  # of the last request sent; its answer must carry it
        self.problem: LearnerUnavailable | None = None

    def start(self) -> None:
        """Start the child and load the app; raise LearnerUnavailable if it cannot be loaded."""
        self._pid, self._connection = self._server.fork(self._spec)
        self._number = 0
        try:
            reply = self._receive("loading your app", self._spec.timeout + GRACE, "load")
        except LearnerFailure as failure:
            raise LearnerUnavailable(failure.outcome, failure.show()) from None
        if reply[0] == "flagged":
            raise self._flag(flagged(reply[1]))
        if reply[0] == "unavailable":
            self._stop()
            raise LearnerUnavailable(reply[1], reply[2])

    def open_client(self) -> int:
        self._clients += 1
        return self._clients

    def request(self, client: int, method: str, path: str, options: dict[str, Any]) -> Response:
        handle = self._client(client)
        value = self._call(("request", handle, method, path, options), f"{method} {path}")
        assert isinstance(value, Response)
        return value

    def probe(self, function: Callable[..., Any], args: tuple[Any, ...], on: str) -> Any:
        name = function.__name__
        if probes.STANDARD.get(name) is function and on == "app":
            return self._call(("standard_probe", name, list(args)), f"{name}()")
        if self._hidden:
            raise RuntimeError(
                f"a hidden check cannot send its probe {name}() to the learner's process, "
                "where the learner's code could read it: use requests, the standard probes "
                "(probe.routes(), probe.config(...), ...) or a static check on the source"
            )
        module = function.__module__
        if module in sys.modules and module.split(".")[0] != "checker":
            cloudpickle.register_pickle_by_value(sys.modules[module])
        blob = cloudpickle.dumps((function, args))  # a visible check's code: the learner has it
        return self._call(("probe", blob, on), f"{name}()")

    def invoke(self, args: tuple[str, ...]) -> CliResult:
        value = self._call(("invoke", args), f"flask {' '.join(args)}")
        assert isinstance(value, CliResult)
        return value

    def start_service(self, command: tuple[str, ...], ready: str | None, timeout: float) -> int:
        value = self._call(("start_service", command, ready, timeout), command[0], timeout)
        assert isinstance(value, int)
        return value

    def service_request(
        self, handle: int, method: str, path: str, options: dict[str, Any]
    ) -> Response:
        value = self._call(("service_request", handle, method, path, options), f"{method} {path}")
        assert isinstance(value, Response)
        return value

    def service_output(self, handle: int) -> str:
        return str(self._call(("service_output", handle), "reading a service's output"))

    def stop_service(self, handle: int) -> None:
        if self._connection is not None:  # a child that is gone took its services with it
            self._call(("stop_service", handle), "stopping a service", 10.0)

    @property
    def workspace(self) -> Path:
        return self._spec.workspace

    @property
    def database(self) -> Grant | None:
        """The app's own PostgreSQL database, with ``--postgres``."""
        return self._spec.database

    def output(self) -> str:
        """What the learner's code printed since the last call: the file's tail, read only if it
        is still the regular file the child was given (a link or a FIFO in its place reads as
        nothing, and never blocks)."""
        data = read_regular(self._spec.workspace / OUTPUT, self._read, OUTPUT_TAIL)
        if data is None:
            return ""
        self._read, text = data
        return text.decode("utf-8", errors="replace")

    def close(self) -> None:
        self._stop()

    def _client(self, client: int) -> int:
        """The child opens a test client the first time a handle is used: no round trip."""
        return client

    def _ensure_running(self) -> None:
        if self.problem is not None:  # flagged: no fresh child gets another go
            raise self.problem
        if self._connection is None:
            self.start()

    def _call(self, message: tuple[Any, ...], doing: str, seconds: float = 0.0) -> Any:
        self._ensure_running()
        assert self._connection is not None
        budget = max(seconds, self._spec.timeout) + GRACE
        self._number += 1
        try:
            self._connection.send((self._number, message), budget)
        except TypeError as error:
            raise RuntimeError(f"{doing}: {error}") from None  # the check sent what cannot go
        except wire.Late:
            self._stop()
            raise LearnerFailure(*judge(doing, Unanswered(budget))) from None
        except wire.WireError:
            self._receive(doing, 1.0, message[0])  # the child is gone: this reports how
        reply = self._receive(doing, budget, message[0])
        kind = reply[0]
        if kind == "ok":
            return reply[1]
        if kind == "flagged":
            raise self._flag(flagged(reply[1]))
        if kind == "timeout":
            self._stop()
        if kind in ("timeout", "failure"):
            raise LearnerFailure(reply[1], reply[2])
        raise RuntimeError(reply[1])  # check_error: the check itself is wrong

    def _receive(self, doing: str, seconds: float, asked: str) -> tuple[Any, ...]:
        assert self._connection is not None
        try:
            return wire.reply(self._connection.receive(seconds), asked, self._number)
        except wire.Late:
            self._stop()
            raise LearnerFailure(*judge(doing, Unanswered(seconds))) from None
        except wire.Malformed as error:
            raise self._flag(_tampered(doing, error)) from None
        except wire.WireError:
            status = self._stop(status_needed=True)
            raise LearnerFailure(*judge(doing, Died(status))) from None

    def _flag(self, message: str) -> LearnerUnavailable:
        """End the child for tampering; every later call gets the same outcome, no fresh child."""
        self._stop()
        self.problem = LearnerUnavailable(Outcome.FLAGGED, message)
        return self.problem

    def _stop(self, *, status_needed: bool = False) -> int:
        """End the child. Its exit status is asked for only when it explains a crash."""
        status = 0
        if self._connection is not None:
            self._connection.close()
            self._connection = None
        if self._pid is not None:
            if status_needed:
                status = self._server.reap(self._pid)
            else:
                self._server.release(self._pid)
            self._pid = None
        return status


def read_regular(path: Path, start: int, tail: int) -> tuple[int, bytes] | None:
    """The bytes of ``path`` from ``start`` (at most its last ``tail``), and its size; None when
    it is missing or not a regular file. Opened without following links and without blocking."""
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        descriptor = os.open(path, flags)
    except OSError:
        return None
    try:
        found = os.fstat(descriptor)
        if not stat.S_ISREG(found.st_mode):
            return None
        size = found.st_size
        begin = max(start, size - tail)
        os.lseek(descriptor, begin, os.SEEK_SET)
        return size, os.read(descriptor, max(size - begin, 0))
    except OSError:
        return None
    finally:
        os.close(descriptor)


def _tampered(doing: str, error: wire.Malformed) -> str:
    return flagged(
        f"the answer to {doing} was one no unchanged checker sends ({error}): the submission's "
        "code wrote to the checker's connection or replaced the checker's code"
    )


def flagged(found: str) -> str:
    return f"flagged: {found}. No points for this exercise; your instructor sees this message."
