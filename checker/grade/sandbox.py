"""The warm server and the sandboxed child that runs one learner's app for one exercise.

The grader starts one warm server per worker with ``spawn``, so the server never holds the grader's
memory (hidden checks, the gradebook, other learners' results). The server imports Flask and the
course's libraries once, then forks a child per (learner, exercise) in about a millisecond. It
hands the grader one end of a socket pair to talk to the child; the grader asks the server for a
child's exit status once the child is gone.

Only the grader's side sends pickles, to the server it started (the trusted direction). What comes
back, from the server or from a child, is the wire's JSON (``checker.grade.wire``): a child of the
server runs the learner's code, and without root it shares the server's uid.
"""

from __future__ import annotations

import gc
import importlib
import json
import os
import pickle
import select
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import NoReturn

from checker.course.manifest import Exercise
from checker.grade import isolation
from checker.grade.databases import Grant
from checker.grade.wire import Channel
from checker.runtime.tracing import WrittenBy

PRELOAD = (
    "flask",
    "werkzeug",
    "werkzeug.test",
    "cloudpickle",
    "checker.grade.wire",
    "checker.runtime.learner",
    "checker.grade.child",
)
_MESSAGE = 1 << 16
_REPORT_WAIT = 2.0  # seconds a dying child has to report how its learner's process ended
_SERVER_TIMEOUT = 30.0  # seconds the grader waits for the warm server to fork or reap


@dataclass(frozen=True)
class ChildSpec:
    """Everything a child needs to load one learner's app for one exercise."""

    exercise: Exercise
    workspace: Path  # private folder; the app is at workspace/exercises/NN
    limits: isolation.Limits
    timeout: float
    uid: int | None
    origins: dict[str, WrittenBy] = field(default_factory=dict)  # files notebook cells wrote
    database: Grant | None = None  # the app's own PostgreSQL database, with --postgres

    @property
    def run_dir(self) -> Path:
        return self.workspace / "exercises" / self.exercise.id


class WarmServer:
    """A clean process with Flask imported, forking sandboxed children on request."""

    def __init__(self, preload: Sequence[str] = PRELOAD, hide: Sequence[Path] = ()) -> None:
        # Where the children's workspaces go. The server removes it when it ends, and it ends
        # when the grader does, even by kill -9: its socket to the grader closes.
        self.scratch = Path(tempfile.mkdtemp(prefix="workbook-grade-"))
        os.chmod(self.scratch, 0o711)
        # A plain subprocess, not multiprocessing: it works from daemonic workers too (Dask's).
        # In a session of its own, so that a kill -9 of the grader's whole process group (a
        # closed terminal, `kill -9 -PGID`) still leaves it to see its socket close, end its
        # children and remove the scratch folder.
        ours, theirs = _socket_pair()
        self._process = subprocess.Popen(
            [sys.executable, "-c", _START, str(theirs.fileno())],
            pass_fds=[theirs.fileno()],
            start_new_session=True,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            env=_server_environment(),
        )
        theirs.close()
        self._socket = ours
        self._socket.settimeout(_SERVER_TIMEOUT)
        self._socket.send(pickle.dumps((tuple(preload), tuple(hide), str(self.scratch))))

    def fork(self, spec: ChildSpec) -> tuple[int, Channel]:
        """Start a child for ``spec``; return its pid and a channel to it."""
        self._socket.send(pickle.dumps(("fork", spec)))
        data, fds, _, _ = socket.recv_fds(self._socket, _MESSAGE, 1)
        pid = _reply(data, "forked")
        if not fds:
            raise RuntimeError("the warm server forked a child but sent no socket for it")
        return pid, Channel(socket.socket(fileno=fds[0]))

    def reap(self, pid: int) -> int:
        """The wait status of a child that is ending (its socket closed): the server gives it a
        moment to report how, then kills what is left of it."""
        self._socket.send(pickle.dumps(("wait", pid)))
        return _reply(self._socket.recv(_MESSAGE), "status")

    def release(self, pid: int) -> None:
        """Have the server kill and reap a child that is no longer needed, without a reply. Only
        the server signals it: as its parent, it knows the pid is still that child's until it
        reaps it, where the grader could hit whatever process took the number after."""
        self._socket.send(pickle.dumps(("release", pid)))

    def close(self) -> None:
        try:
            self._socket.send(pickle.dumps(("stop", None)))
        except OSError:
            pass
        self._socket.close()
        try:
            self._process.wait(5)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
        shutil.rmtree(self.scratch, ignore_errors=True)


# The warm server's start: `python -m` would put the folder the grader was started from first on
# its path, and so into every child (an instructor's home folder, say); this takes it off first.
_START = (
    "import sys; del sys.path[0]; import runpy; runpy.run_module('checker.grade.sandbox', "
    "run_name='__main__', alter_sys=True)"
)

# What the warm server, and so every learner's process, inherits of the grader's environment:
# enough to find Python and its packages and to speak the same language, and nothing else (no
# tokens, no paths of the instructor's, no settings of the grader's).
_KEPT = ("PATH", "LANG", "LC_ALL", "LC_CTYPE", "TZ", "PYTHONPATH", "VIRTUAL_ENV", "SYSTEMROOT")


def _server_environment() -> dict[str, str]:
    kept = {name: os.environ[name] for name in _KEPT if name in os.environ}
    return {**kept, "PYTHONDONTWRITEBYTECODE": "1", "PYTHONUNBUFFERED": "1"}


def _reply(data: bytes, kind: str) -> int:
    """The warm server's answer: ``[kind, number]`` in JSON, or a RuntimeError saying what came."""
    try:
        found = json.loads(data)
    except ValueError:
        found = None
    if (
        not isinstance(found, list)
        or len(found) != 2
        or found[0] != kind
        or not isinstance(found[1], int)
    ):
        raise RuntimeError(f"the warm server did not answer {kind!r}: {data[:80]!r}")
    return int(found[1])


def _kill(pid: int) -> None:
    """SIGKILL a child's whole process group (it is a session leader), then the child itself."""
    for target in (-pid, pid):
        try:
            os.kill(target, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass


def _socket_pair() -> tuple[socket.socket, socket.socket]:
    """Message-preserving sockets; SEQPACKET where the OS has it, so a vanished peer reads as EOF."""
    try:
        return socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    except (AttributeError, OSError):  # macOS
        return socket.socketpair(socket.AF_UNIX, socket.SOCK_DGRAM)


def _receive(control: socket.socket, parent: int) -> bytes:
    """The next request; b"" once the grader is gone (EOF, or orphaned on a datagram socket)."""
    while True:
        try:
            return control.recv(_MESSAGE)
        except TimeoutError:
            if os.getppid() != parent:
                return b""
        except OSError:
            return b""


def _serve(control: socket.socket) -> None:
    """The warm server: fork children and reap them until the grader says stop or is gone; then
    kill every child still running, with whatever it started, and remove the scratch folder."""
    parent = os.getppid()
    if control.type == socket.SOCK_DGRAM:
        control.settimeout(1.0)
    # Ctrl-C in the instructor's terminal reaches the whole process group: the grader handles
    # it, and the server ends when the grader's socket closes.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    preload, hide, scratch = pickle.loads(_receive(control, parent))
    live: set[int] = set()
    try:
        _prepare(preload, hide)
        _loop(control, parent, live)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _prepare(preload: Sequence[str], hide: Sequence[Path]) -> None:
    isolation.isolate_server(hide, isolation.python_paths())
    for name in preload:
        try:
            importlib.import_module(name)
        except ImportError:
            pass  # a course library that is not installed; the exercise that needs it will say so
    _warm_up()
    isolation.child_layout()  # worked out here once, for every child to inherit
    # Everything made so far stays: out of the collector's sight, a child's collections no longer
    # write to (and so copy) the pages of the server's objects it shares.
    gc.collect()
    gc.freeze()


def _reap(pid: int, statuses: dict[int, int]) -> int:
    """Wait for a child's keeper; the learner's process's own wait status when its pid
    namespace's first process reported one, else the keeper's."""
    try:
        status = os.waitpid(pid, 0)[1]
    except ChildProcessError:
        status = 0
    reported = statuses.pop(pid, None)
    if reported is not None:
        try:
            data = os.read(reported, 4)
        except OSError:
            data = b""
        os.close(reported)
        if len(data) == 4:
            status = struct.unpack(">i", data)[0]
    return status


def _loop(control: socket.socket, parent: int, live: set[int]) -> None:
    statuses: dict[int, int] = {}  # keeper's pid: the pipe its pid namespace reports status on
    try:
        _requests(control, parent, live, statuses)
    finally:
        for pid in live:
            _kill(pid)
        for pid in live:
            _reap(pid, statuses)


def _requests(
    control: socket.socket, parent: int, live: set[int], statuses: dict[int, int]
) -> None:
    while True:
        data = _receive(control, parent)
        if not data:
            return
        kind, payload = pickle.loads(data)  # from the grader, which started this server
        if kind == "stop":
            return
        if kind == "release":
            if payload in live:  # a child of this server's, not yet reaped
                _kill(payload)
            _reap(payload, statuses)
            live.discard(payload)
            continue
        if kind == "wait":
            if payload in statuses:  # how its learner's process ended, if it is on its way
                select.select([statuses[payload]], [], [], _REPORT_WAIT)
            if payload in live:
                _kill(payload)
            status = _reap(payload, statuses)
            live.discard(payload)
            control.send(json.dumps(["status", status]).encode())
            continue
        mine, theirs = socket.socketpair()
        report, reported = os.pipe()
        server = os.getpid()
        pid = os.fork()
        if pid == 0:  # the child's keeper
            control.close()
            theirs.close()
            os.close(report)
            signal.signal(signal.SIGINT, signal.default_int_handler)
            _contain(payload, mine, reported, server)
        live.add(pid)
        statuses[pid] = report
        os.close(reported)
        mine.close()
        socket.send_fds(control, [json.dumps(["forked", pid]).encode()], [theirs.fileno()])
        theirs.close()


def _contain(spec: ChildSpec, mine: socket.socket, reported: int, server: int) -> NoReturn:
    """Run the learner's process in a pid namespace of its own where the OS allows.

    Three processes: this keeper, the one the warm server waits for; the namespace's first
    process (its init), which reaps orphans and reports the learner's wait status on
    ``reported``; and the learner's process. The learner sees only its namespace's processes and
    can signal no others, and when the keeper is killed, or dies with the server, the init dies
    and the kernel ends everything else in the namespace: nothing the learner started outlives
    it. Without a pid namespace, the keeper runs the learner's process itself.
    """
    from checker.grade import child

    isolation.die_with_parent(server)
    if not isolation.new_pid_namespace():
        os.close(reported)
        child.main(spec, Channel(mine))
        os._exit(0)
    init = os.fork()
    if init == 0:
        isolation.die_with_parent(0)  # its parent is in the namespace above: pid 0 here
        learner = os.fork()
        if learner == 0:
            os.close(reported)
            child.main(spec, Channel(mine))
            os._exit(0)
        mine.close()
        while True:
            try:
                pid, status = os.wait()
            except ChildProcessError:
                os._exit(0)
            if pid == learner:
                os.write(reported, struct.pack(">i", status))
                os._exit(0)
    mine.close()
    os.close(reported)
    _reap(init, {})
    os._exit(0)


def _warm_up() -> None:
    """Serve a few requests once, so lazy imports and caches are filled before any fork."""
    from flask import Flask, request

    app = Flask("workbook_warm_up")

    @app.route("/", methods=["GET", "POST"])
    def echo() -> dict[str, object]:
        return {"args": request.args, "form": request.form, "json": request.get_json(silent=True)}

    client = app.test_client()
    client.get("/?a=1")
    client.post("/", data={"a": "1"})
    client.post("/", json={"a": 1})
    client.get("/missing")


def for_child(spec: ChildSpec) -> Exercise:
    """The exercise as the child sees it: living in the private workspace."""
    return replace(spec.exercise, directory=spec.run_dir)


if __name__ == "__main__":
    _serve(socket.socket(fileno=int(sys.argv[1])))
