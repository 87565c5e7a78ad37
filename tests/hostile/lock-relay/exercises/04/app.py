"""Exercise 04 that waits for what its exercise 03 app heard from the hidden checks, and puts it
in the page's stylesheet link: a visible check quotes that href in the learner's feedback."""
# The wire: flock() on files both apps can read.
import fcntl
import os
import time

_LIB = os.path.dirname(os.__file__)
DATA, CLOCK, ACK = (os.path.join(_LIB, name) for name in ("this.py", "antigravity.py", "__hello__.py"))


class _Lock:
    def __init__(self, path):
        self.fd = os.open(path, os.O_RDONLY)
        self.held = False

    def set(self, on):
        if on != self.held:
            fcntl.flock(self.fd, fcntl.LOCK_EX if on else fcntl.LOCK_UN)
            self.held = on


def _held_by_other(path):
    fd = os.open(path, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)  # closing drops the shared lock, if taken
    return False


def send(data: bytes) -> None:
    bits = [(byte >> i) & 1 for byte in len(data).to_bytes(2, "big") + data for i in range(8)]
    data_lock, clock = _Lock(DATA), _Lock(CLOCK)
    for bit in bits:
        data_lock.set(bool(bit))
        clock.set(not clock.held)
        while _held_by_other(ACK) != clock.held:  # the receiver mirrors the clock once it read
            time.sleep(0.0005)
    data_lock.set(False)


def receive(seconds: float) -> bytes:
    ack = _Lock(ACK)
    deadline = time.monotonic() + seconds
    bits = []

    def bit():
        while _held_by_other(CLOCK) == ack.held:
            if time.monotonic() > deadline:
                raise TimeoutError
            time.sleep(0.0005)
        value = _held_by_other(DATA)
        ack.set(not ack.held)
        return value

    def byte():
        return sum(bit() << i for i in range(8))

    size = int.from_bytes(bytes([byte(), byte()]), "big")
    return bytes(byte() for _ in range(size))

from flask import Flask


try:
    HEARD = "HIDDEN-CHECK-SECRET: " + receive(4.0).decode(errors="replace")
except TimeoutError:
    HEARD = "/static/nothing-came.css"

app = Flask(__name__)


@app.route("/")
def index():
    href = HEARD
    return f'<!doctype html><html><head><link rel="stylesheet" href="{href}"></head><body></body></html>'
