"""What checks hold: a test-client-like ``Client`` and the ``Response`` it returns.

Both are plain data over a ``Target``, the learner's running app, so the same check works whether the
app lives in this process or in a sandboxed one.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from http.cookies import CookieError, SimpleCookie
from typing import Any, NamedTuple, Protocol

from werkzeug.datastructures import Headers

from checker.runtime import probes
from checker.runtime.failures import CheckFailed, Raised


class Rendered(NamedTuple):
    """A template the app rendered while serving a request, and its context's variable names."""

    name: str
    context: tuple[str, ...]


class LogEntry(NamedTuple):
    """A log record emitted while the app served a request."""

    logger: str
    level: str  # "INFO", "WARNING", ...
    message: str
    lines: tuple[str, ...] = ()  # the record as each of the app's own handlers formatted it


@dataclass(frozen=True)
class CliResult:
    """What one of the app's Flask CLI commands did."""

    command_line: str  # "flask init-db"
    exit_code: int
    output: str
    error: Raised | None = None  # the exception the command raised, other than exiting


@dataclass(frozen=True)
class Response:
    """A response from the learner's app, and what the app did while it served it."""

    request_line: str
    status_code: int
    headers: Headers
    data: bytes
    error: Raised | None = field(default=None)
    templates: tuple[Rendered, ...] = ()
    flashes: tuple[tuple[str, str], ...] = ()  # (category, message)
    session: dict[str, Any] = field(default_factory=dict)  # the session after the request
    logs: tuple[LogEntry, ...] = ()
    # The rule of the route that matched the request ("/books/<int:book_id>"), None when none did.
    rule: str | None = None

    @property
    def cookies(self) -> dict[str, str]:
        """The cookies this response set, by name (an expired one has the value "")."""
        return {name: morsel.value for name, morsel in self._set_cookies().items()}

    def cookie(self, name: str) -> dict[str, str] | None:
        """The attributes of the cookie ``name`` this response set (``path``, ``httponly``, ...)."""
        morsel = self._set_cookies().get(name)
        if morsel is None:
            return None
        return {key: str(value) for key, value in morsel.items() if value}

    def _set_cookies(self) -> dict[str, Any]:
        found: dict[str, Any] = {}
        for header in self.headers.getlist("Set-Cookie"):
            parsed: SimpleCookie = SimpleCookie()
            try:
                parsed.load(header)
            except CookieError:
                continue
            found.update(parsed)
        return found

    @property
    def mimetype(self) -> str:
        return (self.headers.get("Content-Type") or "").split(";")[0].strip()

    @property
    def location(self) -> str | None:
        return self.headers.get("Location")

    @property
    def text(self) -> str:
        return self.data.decode("utf-8", errors="replace")

    def get_data(self, as_text: bool = False) -> bytes | str:
        return self.text if as_text else self.data

    @property
    def is_json(self) -> bool:
        mimetype = self.mimetype
        return mimetype == "application/json" or (
            mimetype.startswith("application/") and mimetype.endswith("+json")
        )

    def get_json(self) -> Any:
        """The body parsed as JSON, or None when it is not JSON."""
        if not self.is_json:
            return None
        try:
            return json.loads(self.text)
        except ValueError:
            return None

    @property
    def json(self) -> Any:
        return self.get_json()


class Target(Protocol):
    """The learner's app, wherever it runs."""

    def open_client(self) -> int:
        """Start a test client with its own cookies; return its handle."""
        ...

    def request(self, client: int, method: str, path: str, options: dict[str, Any]) -> Response:
        """Send one request through the client ``client``."""
        ...

    def probe(self, function: Callable[..., Any], args: tuple[Any, ...], on: str) -> Any:
        """Run ``function(app_or_module, *args)`` beside the learner's app; return JSON-able data."""
        ...

    def invoke(self, args: tuple[str, ...]) -> CliResult:
        """Run one of the app's Flask CLI commands."""
        ...

    def start_service(self, command: tuple[str, ...], ready: str | None, timeout: float) -> int:
        """Start a real server or worker beside the app; return its handle once it is ready."""
        ...

    def service_request(
        self, handle: int, method: str, path: str, options: dict[str, Any]
    ) -> Response:
        """One real HTTP request to the service ``handle``."""
        ...

    def service_output(self, handle: int) -> str:
        """What the service printed so far."""
        ...

    def stop_service(self, handle: int) -> None:
        """Stop the service ``handle``."""
        ...


_OPTIONS = {
    "query_string", "headers", "data", "json", "follow_redirects", "content_type", "base_url",
    "auth", "max_bytes", "cookies",
}  # fmt: skip


class _Methods:
    """``get``, ``post``, ``put``, ``patch`` and ``delete``, each an ``open`` with its method."""

    def open(self, path: str, method: str = "GET", **options: Any) -> Response:
        raise NotImplementedError

    def get(self, path: str, **options: Any) -> Response:
        return self.open(path, "GET", **options)

    def post(self, path: str, **options: Any) -> Response:
        return self.open(path, "POST", **options)

    def put(self, path: str, **options: Any) -> Response:
        return self.open(path, "PUT", **options)

    def patch(self, path: str, **options: Any) -> Response:
        return self.open(path, "PATCH", **options)

    def delete(self, path: str, **options: Any) -> Response:
        return self.open(path, "DELETE", **options)


class Client(_Methods):
    """Like Flask's test client, for checks. Keeps cookies between its requests."""

    def __init__(self, target: Target) -> None:
        self._target = target
        self._handle: int | None = None

    def open(self, path: str, method: str = "GET", **options: Any) -> Response:
        unknown = set(options) - _OPTIONS
        if unknown:
            raise TypeError(f"client.open() got unexpected option {sorted(unknown)[0]!r}")
        if self._handle is None:
            self._handle = self._target.open_client()
        return self._target.request(self._handle, method.upper(), path, options)

    def another(self) -> Client:
        """A second client of the same app, with cookies of its own: another visitor."""
        return Client(self._target)


class Probe:
    """Runs a check's module-level function beside the learner's app."""

    def __init__(self, target: Target) -> None:
        self._target = target

    def __call__(self, function: Callable[..., Any], *args: Any) -> Any:
        """``function(app, *args)``, run beside the learner's app."""
        return self._target.probe(_named(function), args, "app")

    def module(self, function: Callable[..., Any], *args: Any) -> Any:
        """``function(module, *args)``, given the learner's module instead of the app."""
        return self._target.probe(_named(function), args, "module")

    # Standard probes: what most checks need to know about an app, with no probe code of their own.

    def routes(self) -> list[dict[str, Any]]:
        """Every route: ``{"rule": "/books/<int:book_id>", "endpoint": ..., "methods": [...]}``."""
        return self._standard(probes.routes)  # type: ignore[no-any-return]

    def blueprints(self) -> dict[str, dict[str, Any]]:
        """Registered blueprints by name: ``{"auth": {"url_prefix": "/auth"}}``."""
        return self._standard(probes.blueprints)  # type: ignore[no-any-return]

    def config(self, *keys: str) -> dict[str, Any]:
        """Those config values (JSON-able; others as their repr); missing keys are left out."""
        return self._standard(probes.config, *keys)  # type: ignore[no-any-return]

    def extensions(self) -> list[str]:
        """The names in ``app.extensions``, sorted."""
        return self._standard(probes.extensions)  # type: ignore[no-any-return]

    def error_handlers(self) -> list[dict[str, Any]]:
        """``{"blueprint": None or name, "code": 404 or None, "exception": "NotFound"}`` each."""
        return self._standard(probes.error_handlers)  # type: ignore[no-any-return]

    def cli_commands(self) -> list[str]:
        """The names of the commands added to ``app.cli``, sorted."""
        return self._standard(probes.cli_commands)  # type: ignore[no-any-return]

    def url_for(self, endpoint: str, **values: Any) -> str:
        """``url_for(endpoint, **values)`` in a test request context of the learner's app; a
        check failure that quotes Werkzeug's explanation when no URL can be built."""
        built = self._standard(probes.url_for, endpoint, values)
        if "error" in built:
            arguments = "".join(f", {key}={value!r}" for key, value in values.items())
            raise CheckFailed(
                f"url_for({endpoint!r}{arguments}) could not build a URL: {built['error']}",
                expected=endpoint,
                actual=None,
            )
        return str(built["url"])

    def _standard(self, function: Callable[..., Any], *args: Any) -> Any:
        return self._target.probe(function, args, "app")


class Cli:
    """Runs the learner's Flask CLI commands: ``cli.invoke("init-db")``."""

    def __init__(self, target: Target) -> None:
        self._target = target

    def invoke(self, *args: str) -> CliResult:
        """``flask --app ... ARGS`` against the learner's app: exit code and output."""
        if not args or not all(isinstance(arg, str) for arg in args):
            raise TypeError(
                'cli.invoke() takes the command and its arguments as strings: "init-db"'
            )
        return self._target.invoke(tuple(args))


def _named(function: Callable[..., Any]) -> Callable[..., Any]:
    qualname = getattr(function, "__qualname__", "")
    if not callable(function) or "<" in qualname or "." in qualname:
        raise TypeError(
            f"probe() needs a function defined at the top level of the test file, not {function!r}"
        )
    return function


def describe(method: str, path: str, options: dict[str, Any]) -> str:
    """``GET /greet?name=Ada``: how a failure message names a request."""
    query = options.get("query_string")
    if isinstance(query, dict) and query:
        path += "?" + "&".join(f"{key}={value}" for key, value in query.items())
    elif isinstance(query, str) and query:
        path += "?" + query
    return f"{method} {path}"


_SERVICE_OPTIONS = {"query_string", "headers", "data", "json", "max_bytes"}


class Server(_Methods):
    """A running service: real HTTP requests to it, what it printed, and stopping it."""

    def __init__(self, target: Target, handle: int, command_line: str) -> None:
        self._target = target
        self._handle = handle
        self.command_line = command_line

    def open(self, path: str, method: str = "GET", **options: Any) -> Response:
        unknown = set(options) - _SERVICE_OPTIONS
        if unknown:
            raise TypeError(f"a service request got unexpected option {sorted(unknown)[0]!r}")
        return self._target.service_request(self._handle, method.upper(), path, options)

    def output(self) -> str:
        """What the service printed so far (its stdout and stderr)."""
        return self._target.service_output(self._handle)

    def stop(self) -> None:
        self._target.stop_service(self._handle)


class Services:
    """Starts the learner's real server or worker: ``service.start("gunicorn", ...)``.

    Every service a check started is stopped when the check ends.
    """

    def __init__(self, target: Target) -> None:
        self._target = target
        self._running: list[Server] = []

    def start(self, *command: str, ready: str | None = None, timeout: float = 15.0) -> Server:
        """Run ``command`` in the app's folder, ``{port}`` replaced by a free loopback port; wait
        until that port answers (or, with ``ready``, until the output shows that text)."""
        if not command or not all(isinstance(part, str) for part in command):
            raise TypeError('service.start() takes the command as strings: "gunicorn", ...')
        handle = self._target.start_service(tuple(command), ready, timeout)
        server = Server(self._target, handle, " ".join(command))
        self._running.append(server)
        return server

    def stop_all(self) -> None:
        for server in self._running:
            server.stop()
        self._running.clear()
