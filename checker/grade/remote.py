"""The grader's side of a sandboxed child: a ``Target`` whose app runs in another process."""

from __future__ import annotations

import pickle
from collections.abc import Callable
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import cloudpickle

from checker.grade.child import OUTPUT
from checker.grade.sandbox import ChildSpec, WarmServer
from checker.runtime.client import CliResult, Response
from checker.runtime.failures import LearnerFailure, LearnerUnavailable
from checker.runtime.happened import Died, Unanswered, judge

GRACE = 2.0  # seconds the grader waits beyond the child's own deadline before killing it
OUTPUT_TAIL = 16 * 1024


class SandboxedLearner:
    """A learner's app in a sandboxed child. A child that crashed or hung is replaced on next use."""

    def __init__(self, server: WarmServer, spec: ChildSpec) -> None:
        self._server = server
        self._spec = spec
        self._pid: int | None = None
        self._connection: Connection | None = None
        self._clients = 0
        self._read = 0
        self.problem: LearnerUnavailable | None = None

    def start(self) -> None:
        """Start the child and load the app; raise LearnerUnavailable if it cannot be loaded."""
        self._pid, self._connection = self._server.fork(self._spec)
        try:
            reply = self._receive("loading your app", self._spec.timeout + GRACE)
        except LearnerFailure as failure:
            raise LearnerUnavailable(failure.outcome, failure.show()) from None
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
        module = function.__module__
        import sys

        if module in sys.modules and module.split(".")[0] not in ("checker",):
            cloudpickle.register_pickle_by_value(sys.modules[module])
        blob = cloudpickle.dumps(function)
        return self._call(("probe", blob, args, on), f"{function.__name__}()")

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

    def output(self) -> str:
        """What the learner's code printed since the last call."""
        path = self._spec.workspace / OUTPUT
        try:
            size = path.stat().st_size
            with path.open("rb") as file:
                start = max(self._read, size - OUTPUT_TAIL)
                file.seek(start)
                data = file.read(size - start)
            self._read = size
        except OSError:
            return ""
        return data.decode("utf-8", errors="replace")

    def close(self) -> None:
        self._stop()

    def _client(self, client: int) -> int:
        """The child opens a test client the first time a handle is used: no round trip."""
        return client

    def _ensure_running(self) -> None:
        if self._connection is None:
            self.start()

    def _call(self, message: tuple[Any, ...], doing: str, seconds: float = 0.0) -> Any:
        self._ensure_running()
        assert self._connection is not None
        try:
            self._connection.send(message)
        except (OSError, ValueError):
            self._receive(doing, 0)  # reports the crash
        reply = self._receive(doing, max(seconds, self._spec.timeout) + GRACE)
        kind = reply[0]
        if kind == "ok":
            return reply[1]
        if kind == "timeout":
            self._stop()
        if kind in ("timeout", "failure"):
            raise LearnerFailure(reply[1], reply[2])
        raise RuntimeError(reply[1])  # check_error: the check itself is wrong

    def _receive(self, doing: str, seconds: float) -> tuple[Any, ...]:
        assert self._connection is not None
        try:
            if self._connection.poll(seconds):
                reply = self._connection.recv()
                assert isinstance(reply, tuple)
                return reply
        except (EOFError, OSError, pickle.UnpicklingError):
            status = self._stop(status_needed=True)
            raise LearnerFailure(*judge(doing, Died(status))) from None
        self._stop()
        raise LearnerFailure(*judge(doing, Unanswered(seconds)))

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
