"""What crosses the sandbox's boundary: plain data only, framed, capped and on a deadline; and
the tripwires that flag a submission tampering with the harness."""

from __future__ import annotations

import os
import pickle
import socket
import struct
import sys
import time
import types
from collections.abc import Iterator
from pathlib import Path

import pytest
from werkzeug.datastructures import Headers

from checker.course.results import Outcome
from checker.grade import tripwire, wire
from checker.grade.remote import read_regular
from checker.runtime.client import CliResult, LogEntry, Rendered, Response
from checker.runtime.failures import Location, Raised


@pytest.fixture
def pair() -> Iterator[tuple[wire.Channel, wire.Channel]]:
    ours, theirs = socket.socketpair()
    yield wire.Channel(ours, limit=4096), wire.Channel(theirs, limit=4096)
    ours.close()
    theirs.close()


def sample_response() -> Response:
    raised = Raised(
        "KeyError", "'name'", Location("app.py", 12, "name = data['name']"), Location("app.py", 3)
    )
    return Response(
        "POST /signup",
        500,
        Headers([("Content-Type", "text/html"), ("Set-Cookie", "a=1"), ("Set-Cookie", "b=2")]),
        b"\x00\xffbody",
        raised,
        templates=(Rendered("base.html", ("title", "user")),),
        flashes=(("error", "Bad input"),),
        session={"user_id": 3, "cart": [1, 2]},
        logs=(LogEntry("app", "WARNING", "careful", ('{"level": "WARNING"}',)),),
    )


def test_a_response_crosses_unchanged() -> None:
    sent = sample_response()
    body = ("ok", wire.response_data(sent))
    found = wire.reply(wire.loads(wire.dumps((4, body))), "request", 4)
    assert found == ("ok", sent)
    assert found[1].headers.getlist("Set-Cookie") == ["a=1", "b=2"]


def test_a_cli_result_crosses_unchanged() -> None:
    sent = CliResult("flask init-db", 1, "Initialized.\n", Raised("OSError", "disk full"))
    body = ("ok", wire.cli_data(sent))
    assert wire.reply(wire.loads(wire.dumps((1, body))), "invoke", 1) == ("ok", sent)


@pytest.mark.parametrize(
    "value",
    [
        None, True, 0, -1.5, "text", b"\x00bytes", (1, "two", (3,)), [1, [2]],
        {"a": 1}, {"$tag": "looks like one"}, {1: "int key"}, {"b": b"\x01"},
    ],
)  # fmt: skip
def test_plain_values_round_trip(value: object) -> None:
    assert wire.loads(wire.dumps(value)) == value


def test_a_value_the_wire_has_no_word_for_is_refused_when_sent() -> None:
    with pytest.raises(TypeError, match="set cannot cross"):
        wire.dumps({"ids": {1, 2}})


class Boom:
    def __reduce__(self) -> tuple[object, tuple[str]]:
        return (print, ("this ran",))


@pytest.mark.parametrize(
    ("data", "why"),
    [
        (pickle.dumps(("ok", Boom())), "not JSON"),
        (b'{"$x": 1}', "unknown tag"),
        (b'{"$b": "***"}', "not base64"),
        (b"[" * 100_000 + b"]" * 100_000, "not JSON"),
    ],
)
def test_what_is_not_plain_json_is_malformed(data: bytes, why: str) -> None:
    with pytest.raises(wire.Malformed, match=why):
        wire.loads(data)


@pytest.mark.parametrize(
    ("found", "asked", "why"),
    [
        ((2, ("ok", 1)), "open_client", "another request"),  # a reply to another request
        ((1, ("ok", "1")), "open_client", "not an integer"),
        ((1, ("ok", True)), "open_client", "not an integer"),
        ((1, ("ok", {"status_code": 200})), "request", "no field"),
        ((1, ("failure", "passed", "all good")), "request", "unknown outcome"),
        ((1, ("failure", "failed")), "request", "a reply 'failure'"),
        ((1, ("ready",)), "request", "a reply 'ready'"),
        ((1, ("exec", "print(1)")), "request", "a reply 'exec'"),
        ([1, ["ok", 1]], "open_client", "another request"),
    ],
)
def test_replies_of_the_wrong_shape_are_malformed(found: object, asked: str, why: str) -> None:
    with pytest.raises(wire.Malformed, match=why):
        wire.reply(found, asked, 1)


def test_a_response_with_a_wrong_field_is_malformed() -> None:
    data = wire.response_data(sample_response())
    data["headers"] = [["Content-Type", 3]]
    with pytest.raises(wire.Malformed, match="not of strings"):
        wire.reply((1, ("ok", data)), "request", 1)


def test_a_value_werkzeug_refuses_is_malformed_not_a_crash() -> None:
    data = wire.response_data(sample_response())
    data["headers"] = [["X-Smuggled", "a\nSet-Cookie: session=forged"]]
    with pytest.raises(wire.Malformed, match="would not build"):
        wire.reply((1, ("ok", data)), "request", 1)


def test_flagged_and_failure_replies_are_typed() -> None:
    assert wire.reply((0, ("flagged", "replaced x")), "load", 0) == ("flagged", "replaced x")
    assert wire.reply((3, ("failure", "error", "boom")), "request", 3) == (
        "failure",
        Outcome.ERROR,
        "boom",
    )


def test_messages_cross_a_socket(pair: tuple[wire.Channel, wire.Channel]) -> None:
    ours, theirs = pair
    theirs.send((1, ("ok", b"x" * 1000)))
    assert ours.receive(1.0) == (1, ("ok", b"x" * 1000))


def test_a_reply_announced_longer_than_sent_ends_at_the_deadline(
    pair: tuple[wire.Channel, wire.Channel],
) -> None:
    ours, theirs = pair
    theirs.socket.sendall(struct.pack(">I", 1000) + b'{"partial"')
    started = time.monotonic()
    with pytest.raises(wire.Late):
        ours.receive(0.3)
    assert time.monotonic() - started < 2.0


def test_a_reply_announced_over_the_limit_is_refused_unread(
    pair: tuple[wire.Channel, wire.Channel],
) -> None:
    ours, theirs = pair
    theirs.socket.sendall(struct.pack(">I", 1 << 30))
    with pytest.raises(wire.Malformed, match="over the limit"):
        ours.receive(1.0)


def test_a_closed_peer_is_gone(pair: tuple[wire.Channel, wire.Channel]) -> None:
    ours, theirs = pair
    theirs.socket.sendall(b"\x00\x00")
    theirs.close()
    with pytest.raises(wire.Gone):
        ours.receive(1.0)


def test_a_peer_that_does_not_read_makes_sending_late(
    pair: tuple[wire.Channel, wire.Channel],
) -> None:
    ours, _ = pair
    ours.limit = 64 * 1024 * 1024
    with pytest.raises(wire.Late):
        ours.send(b"x" * (32 * 1024 * 1024), 0.2)


# The tripwires.


@pytest.fixture
def harness(monkeypatch: pytest.MonkeyPatch) -> types.ModuleType:
    module = types.ModuleType("checker.fake_harness")

    def answer() -> str:
        return "true"

    class Learner:
        def request(self) -> str:
            return "true"

    module.__dict__.update(answer=answer, Learner=Learner, cache=None)
    Learner.__module__ = module.__name__
    monkeypatch.setitem(sys.modules, module.__name__, module)
    return module


def test_replacing_a_harness_function_is_noticed(harness: types.ModuleType) -> None:
    snapshot = tripwire.Snapshot()
    assert snapshot.changes() == []
    harness.answer = lambda: "lie"
    assert snapshot.changes() == ["checker.fake_harness.answer"]


def test_replacing_a_method_or_swapping_code_is_noticed(harness: types.ModuleType) -> None:
    snapshot = tripwire.Snapshot()
    harness.Learner.request = lambda self: "lie"
    harness.answer.__code__ = (lambda: "lie").__code__
    assert snapshot.changes() == [
        "checker.fake_harness.Learner.request",
        "checker.fake_harness.answer",
    ]


def test_rebinding_plain_values_is_no_tampering(harness: types.ModuleType) -> None:
    snapshot = tripwire.Snapshot()
    harness.cache = {"filled": True}
    harness.later = lambda: None  # a name added after the snapshot replaces nothing
    assert snapshot.changes() == []


@pytest.mark.parametrize(
    "source",
    [
        "import checker",
        "import checker.api as api",
        "from checker.runtime import expect",
        "import _pytest.runner",
        "__import__('checker.plugin')",
        "import importlib\nimportlib.import_module('checker')",
    ],
)
def test_importing_the_harness_is_found_in_the_source(source: str) -> None:
    found = tripwire.in_source({"app.py": source.encode()})
    assert found and found[0].startswith("app.py, line ")


@pytest.mark.parametrize(
    "source",
    [
        "import pytest",  # a learner's own tests
        "from flask import Flask\nchecker = 'spell checker'",
        "import checkers",
        "def broken(:",  # left to the loader, which explains the syntax error
    ],
)
def test_honest_sources_are_not_flagged(source: str) -> None:
    assert tripwire.in_source({"app.py": source.encode(), "notes.txt": b"import checker"}) == []


# Reading a file in a learner's workspace.


def test_the_output_file_is_read_from_where_it_was_left(tmp_path: Path) -> None:
    output = tmp_path / ".output"
    output.write_bytes(b"first\nsecond\n")
    assert read_regular(output, 0, 1024) == (13, b"first\nsecond\n")
    assert read_regular(output, 6, 1024) == (13, b"second\n")
    assert read_regular(output, 0, 4) == (13, b"ond\n")  # only the tail


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs need a POSIX system")
def test_a_fifo_or_a_link_in_its_place_reads_as_nothing_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    link = tmp_path / "link"
    secret = tmp_path / "secret"
    secret.write_text("the grader's")
    link.symlink_to(secret)
    started = time.monotonic()
    assert read_regular(fifo, 0, 1024) is None
    assert read_regular(link, 0, 1024) is None
    assert read_regular(tmp_path / "missing", 0, 1024) is None
    assert time.monotonic() - started < 1.0


def test_a_message_of_millions_of_empty_lists_is_refused_unread() -> None:
    flood = b"[" + b",".join([b"[]"] * (wire.MAX_CONTAINERS * 5)) + b"]"  # 1.5 MB
    with pytest.raises(wire.Malformed, match="lists and objects"):
        wire.loads(flood)


def test_a_large_body_full_of_brackets_is_still_text() -> None:
    body = '{"items": [' + ",".join(["{}"] * 300_000) + "]}"  # a JSON API's answer, as text
    assert wire.loads(wire.dumps({"body": body})) == {"body": body}
