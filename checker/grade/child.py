"""The sandboxed child: load one learner's app, then answer the grader's requests until told to stop.

Runs only in a process forked by the warm server. Every answer is plain data in the wire's JSON
(``checker.grade.wire``), whose shape the grader checks: nothing the child sends is decoded there as
code or objects.
"""

from __future__ import annotations

import os
import pickle
import sys
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from checker.course.results import Outcome
from checker.grade import isolation, tripwire, wire
from checker.grade.databases import SOCKET_FOLDER
from checker.grade.wire import Channel
from checker.runtime import learner as learners
from checker.runtime import probes, tracing
from checker.runtime.failures import LearnerFailure, LearnerTimeout, LearnerUnavailable

if TYPE_CHECKING:
    from checker.grade.sandbox import ChildSpec

OUTPUT = ".output"


def main(spec: ChildSpec, connection: Channel) -> None:
    """Confine this process, load the learner's app, and serve requests."""
    try:
        _main(spec, connection)
    except BaseException as error:  # never let the warm server's frames carry on in a child
        failed = ("unavailable", Outcome.CRASHED.value, f"the sandbox failed: {error!r}")
        _send(connection, (0, failed))
        os._exit(70)


def _main(spec: ChildSpec, connection: Channel) -> None:
    from checker.grade.sandbox import for_child

    os.setsid()
    _redirect_output(spec)
    grant = spec.database
    moved = isolation.private_spaces(
        spec.workspace,
        uid=spec.uid,
        disk_mb=spec.limits.disk_mb,
        leave=OUTPUT,
        socket=grant.socket if grant else "",
    )
    os.environ.pop("DATABASE_URL", None)
    if grant is not None:  # the socket is in its own /run, or where it is without mounts
        folder = SOCKET_FOLDER if moved != spec.workspace else str(Path(grant.socket).parent)
        os.environ["DATABASE_URL"] = grant.url(folder)
    spec = replace(spec, workspace=moved)
    os.chdir(spec.run_dir)
    isolation.confine_child(spec.limits, uid=spec.uid)
    exercise = for_child(spec)
    for name, origin in spec.origins.items():
        tracing.register_written((exercise.directory / name).resolve(), origin)
    # Taken, and held in locals, before any learner code runs: rebinding the module's names
    # later changes neither what this loop calls nor what it compares against.
    changes, describe, respond, send = tripwire.Snapshot().changes, tripwire.describe, answer, _send
    try:
        loaded = learners.load(
            exercise,
            exercise.directory,
            spec.timeout,
            workspace=exercise.directory,
            shown=f"exercises/{exercise.id}",
        )
    except LearnerUnavailable as problem:
        reply: tuple[Any, ...] = ("unavailable", problem.outcome.value, problem.message)
    else:
        reply = ("ready",)
    number = 0  # the grader's number for the request being answered; 0 for loading
    while True:
        replaced = changes()
        if replaced:
            send(connection, (number, ("flagged", describe(replaced))))
            return
        send(connection, (number, reply))
        if reply[0] in ("timeout", "unavailable"):
            return  # the learner's thread may still run: the grader starts a fresh child
        try:
            number, message = connection.receive()
        except (wire.WireError, TypeError, ValueError):
            return
        reply = respond(loaded, message, spec)


def answer(loaded: learners.Learner, message: tuple[Any, ...], spec: ChildSpec) -> tuple[Any, ...]:
    """Carry out one request from the grader. What went wrong in the learner's code was judged
    by the loader, as in every mode; only the verdict travels back."""
    kind = message[0]
    try:
        if kind == "open_client":
            return ("ok", loaded.open_client())
        if kind == "request":
            _, client, method, path, options = message
            return ("ok", wire.response_data(loaded.request(client, method, path, options)))
        if kind == "invoke":
            _, args = message
            return ("ok", wire.cli_data(loaded.invoke(tuple(args))))
        if kind == "start_service":
            _, command, ready, timeout = message
            return ("ok", loaded.start_service(tuple(command), ready, timeout))
        if kind == "service_request":
            _, handle, method, path, options = message
            return ("ok", wire.response_data(loaded.service_request(handle, method, path, options)))
        if kind == "service_output":
            return ("ok", loaded.service_output(message[1]))
        if kind == "stop_service":
            loaded.stop_service(message[1])
            return ("ok", None)
        if kind == "standard_probe":
            _, name, args = message
            return ("ok", loaded.probe(probes.STANDARD[name], tuple(args), "app"))
        if kind == "probe":  # a visible check's own probe: code the learner has anyway
            _, blob, on = message
            function, args = pickle.loads(blob)  # sent by the grader, never the other way
            return ("ok", loaded.probe(function, tuple(args), on))
        return ("check_error", f"unknown request {kind!r}")
    except LearnerTimeout as timeout:
        return ("timeout", timeout.outcome.value, timeout.show())
    except LearnerFailure as failure:
        return ("failure", failure.outcome.value, failure.show())
    except Exception as error:  # the check's own mistake, e.g. a probe that returns a set
        return ("check_error", f"{type(error).__name__}: {error}")


def _send(connection: Channel, reply: tuple[Any, ...]) -> None:
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            pass
    try:
        connection.send(reply)
    except TypeError as error:  # a value the wire has no word for: the check's to fix
        connection.send((reply[0], ("check_error", f"the answer could not be sent: {error}")))
    except ValueError:  # over the size limit
        connection.send((reply[0], ("failure", Outcome.ERROR.value, _TOO_LARGE)))
    except wire.WireError:
        os._exit(1)


_TOO_LARGE = (
    f"your app's answer was larger than {wire.LIMIT // (1024 * 1024)} MB, more than a check reads"
)


def _redirect_output(spec: ChildSpec) -> None:
    """stdin from /dev/null; stdout and stderr to a file in the workspace, read by the grader."""
    null = os.open(os.devnull, os.O_RDONLY)
    output = os.open(spec.workspace / OUTPUT, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    os.dup2(null, 0)
    os.dup2(output, 1)
    os.dup2(output, 2)
    os.close(null)
    os.close(output)
