"""The sandboxed child: load one learner's app, then answer the grader's requests until told to stop.

Runs only in a process forked by the warm server. Every answer is a tuple of plain, picklable data.
"""

from __future__ import annotations

import os
import pickle
import sys
from multiprocessing.connection import Connection
from typing import TYPE_CHECKING, Any

from checker.course.results import Outcome
from checker.grade import isolation
from checker.runtime import learner as learners
from checker.runtime import tracing
from checker.runtime.failures import LearnerFailure, LearnerTimeout, LearnerUnavailable

if TYPE_CHECKING:
    from checker.grade.sandbox import ChildSpec

OUTPUT = ".output"


def main(spec: ChildSpec, connection: Connection) -> None:
    """Confine this process, load the learner's app, and serve requests."""
    try:
        _main(spec, connection)
    except BaseException as error:  # never let the warm server's frames carry on in a child
        _send(connection, ("unavailable", Outcome.CRASHED, f"the sandbox failed: {error!r}"))
        os._exit(70)


def _main(spec: ChildSpec, connection: Connection) -> None:
    from checker.grade.sandbox import for_child

    os.setsid()
    _redirect_output(spec)
    os.chdir(spec.run_dir)
    isolation.confine_child(spec.limits, uid=spec.uid)
    exercise = for_child(spec)
    for name, origin in spec.origins.items():
        tracing.register_written((exercise.directory / name).resolve(), origin)
    try:
        loaded = learners.load(
            exercise,
            exercise.directory,
            spec.timeout,
            workspace=exercise.directory,
            shown=f"exercises/{exercise.id}",
        )
    except LearnerUnavailable as problem:
        _send(connection, ("unavailable", problem.outcome, problem.message))
        return
    _send(connection, ("ready", None))
    while True:
        try:
            message = connection.recv()
        except (EOFError, OSError):
            return
        reply = answer(loaded, message, spec)
        _send(connection, reply)
        if reply[0] == "timeout":
            return  # the learner's thread may still run: the grader starts a fresh child


def answer(loaded: learners.Learner, message: tuple[Any, ...], spec: ChildSpec) -> tuple[Any, ...]:
    """Carry out one request from the grader. What went wrong in the learner's code was judged
    by the loader, as in every mode; only the verdict travels back."""
    kind = message[0]
    try:
        if kind == "open_client":
            return ("ok", loaded.open_client())
        if kind == "request":
            _, client, method, path, options = message
            return ("ok", loaded.request(client, method, path, options))
        if kind == "invoke":
            _, args = message
            return ("ok", loaded.invoke(tuple(args)))
        if kind == "start_service":
            _, command, ready, timeout = message
            return ("ok", loaded.start_service(tuple(command), ready, timeout))
        if kind == "service_request":
            _, handle, method, path, options = message
            return ("ok", loaded.service_request(handle, method, path, options))
        if kind == "service_output":
            return ("ok", loaded.service_output(message[1]))
        if kind == "stop_service":
            loaded.stop_service(message[1])
            return ("ok", None)
        if kind == "probe":
            _, blob, args, on = message
            function = pickle.loads(blob)
            return ("ok", loaded.probe(function, tuple(args), on))
        return ("check_error", f"unknown request {kind!r}")
    except LearnerTimeout as timeout:
        return ("timeout", timeout.outcome, timeout.show())
    except LearnerFailure as failure:
        return ("failure", failure.outcome, failure.show())
    except Exception as error:  # the check's own mistake, e.g. a probe that returns a set
        return ("check_error", f"{type(error).__name__}: {error}")


def _send(connection: Connection, reply: tuple[Any, ...]) -> None:
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            pass
    try:
        connection.send(reply)
    except (OSError, ValueError):
        os._exit(1)


def _redirect_output(spec: ChildSpec) -> None:
    """stdin from /dev/null; stdout and stderr to a file in the workspace, read by the grader."""
    null = os.open(os.devnull, os.O_RDONLY)
    output = os.open(spec.workspace / OUTPUT, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    os.dup2(null, 0)
    os.dup2(output, 1)
    os.dup2(output, 2)
    os.close(null)
    os.close(output)
