"""Real server processes a check starts beside the learner's app: gunicorn, a Celery worker.

A service runs in the learner's run folder with the course's Python first on its PATH. The checker
picks a free loopback port for ``{port}`` in its command, waits until that port answers (or its
output shows a given text), sends requests over real HTTP, and always stops it: at the end of the
check, and, on Linux, by the kernel as soon as the process that started it dies.
"""

from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from werkzeug.datastructures import Headers

from checker.runtime.client import Response, describe

OUTPUT_TAIL = 2000  # characters of a service's output quoted when it fails

# Started through this, the service dies with the thread that started it (PR_SET_PDEATHSIG),
# so no server outlives a check, even when the process that ran the check is killed.
_WRAPPER = (
    "import ctypes, os, signal, sys\n"
    "if sys.platform == 'linux':\n"
    "    ctypes.CDLL(None).prctl(1, signal.SIGKILL)\n"
    "os.execvp(sys.argv[1], sys.argv[1:])\n"
)


class ServiceError(Exception):
    """The service did not start, or stopped answering: the message says how, with its output."""


@dataclass
class Service:
    """One running service process."""

    command: tuple[str, ...]
    process: subprocess.Popen[bytes]
    port: int
    log: Path

    @property
    def command_line(self) -> str:
        return " ".join(self.command)

    def output(self) -> str:
        try:
            return self.log.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""

    def stop(self) -> None:
        """SIGTERM to the service's process group, then SIGKILL after a moment."""
        if self.process.poll() is not None:
            return
        if os.name == "nt":  # no process groups to signal: the process itself
            self.process.kill()
            self.process.wait()
            return
        for number, wait in ((signal.SIGTERM, 3.0), (signal.SIGKILL, 3.0)):
            try:
                os.killpg(self.process.pid, number)  # the service leads its own group
            except (ProcessLookupError, PermissionError):
                return
            try:
                self.process.wait(wait)
                return
            except subprocess.TimeoutExpired:
                continue


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start(
    command: tuple[str, ...], folder: Path, *, ready: str | None, timeout: float, number: int
) -> Service:
    """Start ``command`` in ``folder`` and wait until it is ready; raise ServiceError if not."""
    port = free_port()
    args = tuple(part.replace("{port}", str(port)) for part in command)
    bin_folder = str(Path(sys.executable).parent)
    path = bin_folder + os.pathsep + os.environ.get("PATH", "")
    environment = {**os.environ, "PATH": path, "PYTHONDONTWRITEBYTECODE": "1"}
    environment.pop("FLASK_RUN_FROM_CLI", None)
    log = folder / f".service-{number}.log"
    with log.open("wb") as output:
        try:
            process = subprocess.Popen(
                [sys.executable, "-c", _WRAPPER, *args],
                cwd=folder,
                env=environment,
                stdin=subprocess.DEVNULL,
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        except PermissionError:
            raise RuntimeError(
                f"could not start {args[0]}: this sandbox allows the app no processes; give the "
                "exercise's manifest [sandbox] processes = N (and listen = true for a server)"
            ) from None
    service = Service(args, process, port, log)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise ServiceError(
                f"`{service.command_line}` exited with code {process.returncode} before it was "
                f"ready:\n{_tail(service.output())}"
            )
        if _is_ready(service, ready):
            return service
        time.sleep(0.05)
    service.stop()
    raise ServiceError(
        f"`{service.command_line}` was not ready within {timeout:g} s:\n{_tail(service.output())}"
    )


def _is_ready(service: Service, ready: str | None) -> bool:
    if ready is not None:
        return ready in service.output()
    try:
        with socket.create_connection(("127.0.0.1", service.port), timeout=0.2):
            return True
    except OSError:
        return False


def _tail(text: str) -> str:
    text = text.strip() or "(it printed nothing)"
    return text if len(text) <= OUTPUT_TAIL else "..." + text[-OUTPUT_TAIL:]


def request(
    service: Service, method: str, path: str, options: dict[str, Any], timeout: float
) -> Response:
    """One real HTTP request to the service on its loopback port."""
    doing = describe(method, path, options)
    headers = dict(options.get("headers") or {})
    query = options.get("query_string")
    target = path
    if isinstance(query, dict) and query:
        target += "?" + urlencode(query)
    elif isinstance(query, str) and query:
        target += "?" + query
    body: bytes | None = None
    if options.get("json") is not None:
        body = json.dumps(options["json"]).encode()
        headers.setdefault("Content-Type", "application/json")
    elif isinstance(options.get("data"), dict):
        body = urlencode(options["data"]).encode()
        headers.setdefault("Content-Type", "application/x-www-form-urlencoded")
    elif isinstance(options.get("data"), (str, bytes)):
        data = options["data"]
        body = data.encode() if isinstance(data, str) else data
    connection = http.client.HTTPConnection("127.0.0.1", service.port, timeout=timeout)
    try:
        connection.request(method, target, body=body, headers=headers)
        answer = connection.getresponse()
        limit = int(options.get("max_bytes", 4 * 1024 * 1024))
        data = answer.read(limit)
        return Response(doing, answer.status, Headers(answer.getheaders()), data)
    except (OSError, http.client.HTTPException) as error:
        alive = service.process.poll() is None
        state = "is still running" if alive else f"exited with code {service.process.returncode}"
        raise ServiceError(
            f"{doing} to `{service.command_line}` failed ({type(error).__name__}: {error}); "
            f"the service {state}:\n{_tail(service.output())}"
        ) from None
    finally:
        connection.close()
