"""What crosses between the grader and a sandboxed child: plain data, framed, capped, on a deadline.

The child runs the learner's code, so whatever it sends is untrusted. Nothing it sends is unpickled
or otherwise decoded as code or objects: a message is a 4-byte length and that many bytes of JSON,
read against a deadline and refused beyond a size cap. JSON has no tuples or bytes, so those travel
as one-key objects (``{"$t": [...]}``, ``{"$b": "base64"}``); decoding them builds a tuple or bytes
and nothing else. The replies the grader accepts have a fixed shape, checked field by field
(``reply``); the typed values in them (a Response, a CLI result, an exception as data) are built
here from checked plain values, never by naming a class in the message.
"""

from __future__ import annotations

import base64
import json
import re
import select
import socket
import struct
import time
from collections.abc import Callable
from typing import Any

from werkzeug.datastructures import Headers

from checker.course.results import Outcome
from checker.runtime.client import CliResult, LogEntry, Rendered, Response
from checker.runtime.failures import Location, Raised

LIMIT = 32 * 1024 * 1024  # bytes of one message; a learner's answer beyond it is refused
_HEADER = struct.Struct(">I")
_CHUNK = 1 << 20


class WireError(Exception):
    """A message could not be read: its sender is gone, late, or sent something malformed."""


class Gone(WireError):
    """The other end closed its socket (the child died)."""


class Late(WireError):
    """No whole message arrived before the deadline."""


class Malformed(WireError):
    """Something arrived that is not a message of the agreed shape: the harness was tampered with."""


# Encoding: JSON with tags for what JSON lacks.


def _plain(value: Any) -> Any:
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, bytes):
        return {"$b": base64.b64encode(value).decode("ascii")}
    if isinstance(value, tuple):
        return {"$t": [_plain(item) for item in value]}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        if all(isinstance(key, str) and not key.startswith("$") for key in value):
            return {key: _plain(item) for key, item in value.items()}
        return {"$d": [[_plain(key), _plain(item)] for key, item in value.items()]}
    raise TypeError(f"{type(value).__name__} cannot cross to or from the sandbox")


def _tagged(found: dict[str, Any]) -> Any:
    if len(found) == 1:
        (tag, inner), *_ = found.items()
        if tag == "$b" and isinstance(inner, str):
            try:
                return base64.b64decode(inner, validate=True)
            except ValueError:
                raise Malformed("bytes that are not base64") from None
        if tag == "$t" and isinstance(inner, list):
            return tuple(inner)
        if tag == "$d" and isinstance(inner, list):
            try:
                return {_hashable(key): item for key, item in inner}
            except (TypeError, ValueError):
                raise Malformed("a mapping that is not a list of pairs") from None
    if any(key.startswith("$") for key in found):
        raise Malformed(f"an unknown tag in {sorted(found)[:3]}")
    return found


def _hashable(key: Any) -> Any:
    if isinstance(key, list | dict):
        raise TypeError("unhashable key")
    return key


def dumps(value: Any) -> bytes:
    return json.dumps(_plain(value), separators=(",", ":")).encode("utf-8")


# A reply holds a handful of lists and objects (a body is one string, however large); a message
# of millions of empty ones costs the grader hundreds of MB to decode, and is refused unread.
MAX_CONTAINERS = 100_000
_STRINGS = re.compile(rb'"(?:[^"\\]|\\.)*"')


def loads(data: bytes) -> Any:
    """Plain data from a message: JSON values, tuples and bytes. Never code or objects."""
    if len(data) > 1024 * 1024:
        bare = _STRINGS.sub(b"", data)  # brackets inside strings are text
        if bare.count(b"[") + bare.count(b"{") > MAX_CONTAINERS:
            raise Malformed(f"more than {MAX_CONTAINERS} lists and objects")
    try:
        return json.loads(data.decode("utf-8"), object_hook=_tagged)
    except Malformed:
        raise
    except (UnicodeDecodeError, ValueError, RecursionError) as error:
        raise Malformed(f"not JSON ({type(error).__name__})") from None


# Framing.


class Channel:
    """One end of a stream socket that carries length-prefixed JSON messages."""

    def __init__(self, sock: socket.socket, *, limit: int = LIMIT) -> None:
        self.socket = sock
        self.limit = limit

    def send(self, value: Any, seconds: float | None = None) -> None:
        """Send one message; raise Late if the peer does not take it in ``seconds``."""
        data = dumps(value)
        if len(data) > self.limit:
            raise ValueError(f"a message of {len(data)} bytes is over the limit of {self.limit}")
        self.socket.settimeout(seconds)
        try:
            self.socket.sendall(_HEADER.pack(len(data)) + data)
        except TimeoutError:
            raise Late("the other end did not read") from None
        except OSError as error:
            raise Gone(str(error)) from None

    def poll(self, seconds: float) -> bool:
        """Whether something (a message, or the end) can be read within ``seconds``."""
        readable, _, _ = select.select([self.socket], [], [], max(seconds, 0.0))
        return bool(readable)

    def receive(self, seconds: float | None = None) -> Any:
        """The next message, decoded; within ``seconds`` when given, else whenever it comes."""
        deadline = None if seconds is None else time.monotonic() + seconds
        (size,) = _HEADER.unpack(self._read(_HEADER.size, deadline))
        if size > self.limit:
            raise Malformed(f"a message announced as {size} bytes, over the limit")
        return loads(self._read(size, deadline))

    def _read(self, size: int, deadline: float | None) -> bytes:
        parts: list[bytes] = []
        wanted = size
        while wanted:
            if deadline is None:
                self.socket.settimeout(None)
            else:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise Late("no whole message in time")
                self.socket.settimeout(left)
            try:
                chunk = self.socket.recv(min(wanted, _CHUNK))
            except TimeoutError:
                raise Late("no whole message in time") from None
            except OSError as error:
                raise Gone(str(error)) from None
            if not chunk:
                raise Gone("the other end closed")
            parts.append(chunk)
            wanted -= len(chunk)
        return b"".join(parts)

    def close(self) -> None:
        self.socket.close()


# The typed values inside replies: to plain data in the child, back with checks in the grader.


def location_data(found: Location | None) -> Any:
    if found is None:
        return None
    return {"file": found.file, "line": found.line, "source": found.source, "cell": found.cell}


def raised_data(found: Raised | None) -> Any:
    if found is None:
        return None
    return {
        "error_type": found.error_type,
        "error_text": found.error_text,
        "location": location_data(found.location),
        "via": location_data(found.via),
    }


def response_data(response: Response) -> dict[str, Any]:
    return {
        "request_line": response.request_line,
        "status_code": response.status_code,
        "headers": [[name, value] for name, value in response.headers.items()],
        "data": response.data,
        "error": raised_data(response.error),
        "templates": [[found.name, list(found.context)] for found in response.templates],
        "flashes": [list(flash) for flash in response.flashes],
        "session": response.session,
        "logs": [[*entry[:3], list(entry.lines)] for entry in response.logs],
        "rule": response.rule,
    }


def cli_data(result: CliResult) -> dict[str, Any]:
    return {
        "command_line": result.command_line,
        "exit_code": result.exit_code,
        "output": result.output,
        "error": raised_data(result.error),
    }


def _field(found: Any, name: str, kind: type | tuple[type, ...], *, none: bool = False) -> Any:
    if not isinstance(found, dict) or name not in found:
        raise Malformed(f"no field {name!r}")
    value = found[name]
    if value is None and none:
        return None
    if not isinstance(value, kind) or (isinstance(value, bool) and kind is int):
        raise Malformed(f"field {name!r} is {type(value).__name__}")
    return value


def _strings(found: Any, length: int | None = None) -> tuple[str, ...]:
    if not isinstance(found, list | tuple) or not all(isinstance(item, str) for item in found):
        raise Malformed("a list that is not of strings")
    if length is not None and len(found) != length:
        raise Malformed(f"a list of {len(found)} strings where {length} belong")
    return tuple(found)


def location_from(found: Any) -> Location | None:
    if found is None:
        return None
    return Location(
        _field(found, "file", str),
        _field(found, "line", int),
        _field(found, "source", str),
        _field(found, "cell", int, none=True),
    )


def raised_from(found: Any) -> Raised | None:
    if found is None:
        return None
    return Raised(
        _field(found, "error_type", str),
        _field(found, "error_text", str),
        location_from(_field(found, "location", dict, none=True)),
        location_from(_field(found, "via", dict, none=True)),
    )


def response_from(found: Any) -> Response:
    headers = Headers()
    for pair in _field(found, "headers", list):
        name, value = _strings(pair, 2)
        headers.add(name, value)
    templates = []
    for item in _field(found, "templates", list):
        if not isinstance(item, list) or len(item) != 2 or not isinstance(item[0], str):
            raise Malformed("a rendered template that is not [name, context]")
        templates.append(Rendered(item[0], _strings(item[1])))
    return Response(
        _field(found, "request_line", str),
        _field(found, "status_code", int),
        headers,
        _field(found, "data", bytes),
        raised_from(_field(found, "error", dict, none=True)),
        templates=tuple(templates),
        flashes=tuple(
            (category, message)
            for category, message in (
                _strings(flash, 2) for flash in _field(found, "flashes", list)
            )
        ),
        session=_field(found, "session", dict),
        logs=tuple(_log_entry(entry) for entry in _field(found, "logs", list)),
        rule=_field(found, "rule", str, none=True),
    )


def _log_entry(found: Any) -> LogEntry:
    if not isinstance(found, list) or len(found) != 4:
        raise Malformed("a log record that is not [logger, level, message, lines]")
    logger, level, message = _strings(found[:3], 3)
    return LogEntry(logger, level, message, _strings(found[3]))


def cli_from(found: Any) -> CliResult:
    return CliResult(
        _field(found, "command_line", str),
        _field(found, "exit_code", int),
        _field(found, "output", str),
        raised_from(_field(found, "error", dict, none=True)),
    )


def _none(found: Any) -> None:
    if found is not None:
        raise Malformed("a value where none belongs")


def _integer(found: Any) -> int:
    if not isinstance(found, int) or isinstance(found, bool):
        raise Malformed("not an integer")
    return found


def _string(found: Any) -> str:
    if not isinstance(found, str):
        raise Malformed("not a string")
    return found


def _data(found: Any) -> Any:
    return found  # a probe's value: already plain data, and only ever compared by the check


# What each request's "ok" reply carries, and how the grader rebuilds it.
RESULTS: dict[str, Callable[[Any], Any]] = {
    "open_client": _integer,
    "request": response_from,
    "invoke": cli_from,
    "start_service": _integer,
    "service_request": response_from,
    "service_output": _string,
    "stop_service": _none,
    "probe": _data,
    "standard_probe": _data,
}
_OUTCOMES = {outcome.value: outcome for outcome in Outcome if outcome is not Outcome.PASSED}


def reply(found: Any, asked: str, number: int) -> tuple[Any, ...]:
    """A child's reply, ``(number, body)``, to the request numbered ``number`` of kind ``asked``
    (or to loading, ``"load"``, number 0); its body checked and typed:
    ``("ok", value)``, ``("ready",)``, ``("failure" | "timeout" | "unavailable", Outcome, message)``,
    ``("check_error", message)`` or ``("flagged", what was found)``. Anything else raises
    Malformed. A reply with another number answers another request: someone else wrote it."""
    if not isinstance(found, tuple) or len(found) != 2 or found[0] != number:
        raise Malformed("an answer to another request")
    found = found[1]
    if not isinstance(found, tuple) or not found or not isinstance(found[0], str):
        raise Malformed("a reply that is not a tuple with a kind")
    kind = found[0]
    if kind == "flagged" and len(found) == 2:
        return (kind, _string(found[1]))
    if asked == "load":
        if kind == "ready" and len(found) == 1:
            return ("ready",)
        if kind == "unavailable" and len(found) == 3:
            return (kind, _outcome(found[1]), _string(found[2]))
        raise Malformed(f"a reply {kind!r} to loading")
    if kind == "ok" and len(found) == 2 and asked in RESULTS:
        try:
            return ("ok", RESULTS[asked](found[1]))
        except (TypeError, ValueError) as error:  # Werkzeug refusing a header, say
            raise Malformed(f"a value the checker would not build ({error})") from None
    if kind in ("failure", "timeout") and len(found) == 3:
        return (kind, _outcome(found[1]), _string(found[2]))
    if kind == "check_error" and len(found) == 2:
        return (kind, _string(found[1]))
    raise Malformed(f"a reply {kind!r} to {asked!r}")


def _outcome(found: Any) -> Outcome:
    if not isinstance(found, str) or found not in _OUTCOMES:
        raise Malformed(f"an unknown outcome {found!r}")
    return _OUTCOMES[found]
