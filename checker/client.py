"""What checks hold: a test-client-like ``Client`` and the ``Response`` it returns.

Both are plain data over a ``Target``, the learner's running app, so the same check works whether the
app lives in this process or in a sandboxed one.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from werkzeug.datastructures import Headers

from checker.failures import Raised


@dataclass(frozen=True)
class Response:
    """A response from the learner's app."""

    request_line: str
    status_code: int
    headers: Headers
    data: bytes
    error: Raised | None = field(default=None)

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


_OPTIONS = {"query_string", "headers", "data", "json", "follow_redirects", "content_type"}


class Client:
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
