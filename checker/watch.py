"""``workbook watch``: check an exercise again each time the learner saves one of its files.

Two threads feed one queue of events: one waits on the file system (``watchfiles``, which also
gathers a burst of changes into one), the other on the keyboard. The main thread takes the events
one at a time and runs the checks itself, exactly as ``workbook check`` does, so a check never
runs beside another and the learner's code meets the same world as under pytest.
"""

from __future__ import annotations

import collections
import functools
import os
import queue
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from rich.console import Console

from checker.course import progress, state
from checker.course.manifest import Exercise
from checker.course.report import (
    Line,
    exercise_lines,
    hint_lines,
    score_line,
    tasks_line,
)
from checker.course.results import ExerciseResult
from checker.errors import Problem

QUIT_KEYS = frozenset({"q", "Q", "\x03", "\x04"})  # q, Ctrl-C and Ctrl-D as read in cbreak mode


@dataclass(frozen=True)
class Saved:
    """Files below the course's exercises/ folder changed."""

    paths: frozenset[Path]


@dataclass(frozen=True)
class Key:
    """The learner pressed a key (or, without a terminal, typed a line starting with it)."""

    key: str


@dataclass(frozen=True)
class Deaf:
    """Saves can no longer be noticed (the file system refused to be watched): why."""

    why: str


Event = Saved | Key | Deaf


@dataclass(frozen=True)
class Checked:
    """What one check run gave: the exercise's result, or why the checks could not run."""

    result: ExerciseResult | None
    problem: str = ""


def check(exercise: Exercise, timeout: float | None = None) -> Checked:
    """Run the exercise's checks the way ``workbook check NN`` does, quietly; KeyboardInterrupt
    if the learner pressed Ctrl-C meanwhile."""
    from checker.runtime import runner

    try:
        _, results = runner.check([exercise.directory], timeout=timeout)
    except Problem as error:
        return Checked(None, error.show())
    if not results:
        return Checked(None, f"no checks ran for exercises/{exercise.id}")
    return Checked(results[0])


@dataclass
class Watch:
    """The state of one ``workbook watch`` session; ``run`` takes its events until ``q``."""

    root: Path
    exercises: Sequence[Exercise]
    exercise: Exercise
    console: Console
    events: queue.Queue[Event]
    interactive: bool = True  # keys are read one at a time (a terminal), not as lines
    run_check: Callable[[Exercise], Checked] = check
    last: Checked | None = None
    notes: list[Line] = field(default_factory=list)  # said above the next result, then dropped
    pending: collections.deque[Event] = field(default_factory=collections.deque)

    def run(self) -> None:
        """Check the exercise, then check again on every save, until the learner quits."""
        self.check_and_show()
        self._passes_already()
        while True:
            event = self._next_event()
            if isinstance(event, Key):
                if event.key in QUIT_KEYS:
                    self.console.print("Stopped watching.")
                    return
                self.on_key(event.key)
            elif isinstance(event, Deaf):
                self.console.print(
                    f"Saves are no longer noticed: {event.why}. Press r to check by hand, or stop "
                    "and start again with WATCHFILES_FORCE_POLLING=1 set.",
                    style="red",
                    markup=False,
                )
            elif self._concerns_exercise(event):
                self.check_and_show()
                if self._passes():
                    self.move_on()

    def _next_event(self) -> Event:
        """The next event. Saves that came in together, or while a check ran, are one, and it
        comes first: a key pressed meanwhile is taken once the check the saves ask for is done."""
        while not self.pending:
            try:
                # A timeout, so that Ctrl-C is seen on Windows too.
                self.pending.append(self.events.get(timeout=0.5))
            except queue.Empty:
                continue
        while True:
            try:
                self.pending.append(self.events.get_nowait())
            except queue.Empty:
                break
        saves = [event for event in self.pending if isinstance(event, Saved)]
        if not saves or not isinstance(self.pending[0], Saved):
            return self.pending.popleft()
        self.pending = collections.deque(e for e in self.pending if not isinstance(e, Saved))
        return Saved(frozenset().union(*(event.paths for event in saves)))

    def _concerns_exercise(self, event: Saved) -> bool:
        """Whether a learner file of the watched exercise is among the changed paths."""
        folder = self.exercise.directory.resolve()
        for path in event.paths:
            try:
                relative = path.resolve().relative_to(folder).as_posix()
            except ValueError:
                continue
            if self.exercise.owns(relative):
                return True
        return False

    def on_key(self, key: str) -> None:
        if key in ("h", "H"):
            self.hint()
        elif key in ("r", "R"):
            self.check_and_show()
            if self._passes():
                self.move_on()
        elif key in ("n", "N"):
            following = self._following()
            if following is None:
                self.say(f"{self.exercise.id} is the last exercise: there is no next one.")
            else:
                self.watch(following, f"On to exercise {following.id}.")
        elif key.strip():
            self.say(f"{key!r} does nothing here. {self._keys_help().splitlines()[-1]}")

    def hint(self) -> None:
        """The next hint of the first task that fails, below the result."""
        result = self.last.result if self.last else None
        if result is None:
            self.say("The checks could not run, so there is no failing task to give a hint for.")
            return
        failing = [task for task in result.tasks if not task.passed]
        if not failing:
            self.say(f"Every task of exercise {self.exercise.id} passes: no hint needed.")
            return
        task = failing[0].task
        shown = progress.take_hint(self.root, self.exercise, task)
        self.console.print()
        self._print(hint_lines(self.exercise, task, shown))

    def move_on(self) -> None:
        """The exercise passes: watch the next one, saying so, or say that it was the last."""
        following = self._following()
        done = f"Exercise {self.exercise.id} passes: every task is done."
        if following is None:
            self.say(f"{done} That was the last exercise: `workbook` shows the course map.")
            return
        self.watch(
            following,
            f"{done} On to exercise {following.id}, {following.title}: read "
            f"lessons/{following.lesson}, then edit exercises/{following.id}/{following.edit_file}.",
        )

    def watch(self, exercise: Exercise, why: str) -> None:
        self.exercise = exercise
        self.notes = [Line(why, "green")]
        self.check_and_show()
        self._passes_already()

    def _passes_already(self) -> None:
        """An exercise that passes as soon as it is watched is not left at once: say so."""
        if not self._passes():
            return
        following = self._following()
        self.say(
            f"Exercise {self.exercise.id} passes already."
            + (f" Press n to go on to {following.id} {following.title}." if following else "")
        )

    def check_and_show(self) -> None:
        """Check the watched exercise, keep the result for the course map, and redraw."""
        self.console.print(f"Checking exercises/{self.exercise.id} ...", style="dim")
        fingerprint = state.fingerprint(self.exercise)
        self.last = self.run_check(self.exercise)
        if self.last.result is not None:
            progress.record(self.root, self.last.result, fingerprint)
        self.draw()

    def draw(self) -> None:
        self.console.clear()
        exercise = self.exercise
        self.console.print(
            f"workbook watch · exercises/{exercise.id} · checked at {time.strftime('%H:%M:%S')}",
            style="bold",
            markup=False,
        )
        self._print(self.notes)
        self.notes = []
        checked = self.last
        if checked is None or checked.result is None:
            problem = checked.problem if checked else "not checked yet"
            self._print([Line(f"The checks could not run: {problem}", "red")])
        else:
            result = checked.result
            seen = state.load(self.root).hints.get(exercise.id, {})
            encoding = getattr(self.console.file, "encoding", None)
            self._print(exercise_lines(result, encoding, seen))
            self._print([tasks_line([result]), score_line(result.points, result.max_points)])
        self.console.print()
        self.console.print(self._keys_help(), style="dim", markup=False)

    def _keys_help(self) -> str:
        where = f"exercises/{self.exercise.id}/"
        files = ", ".join(where + name for name in self.exercise.owned) or f"a file in {where}"
        then = "" if self.interactive else " (each followed by Enter)"
        return (
            f"Watching {files}: save to check again.\n"
            f"Keys{then}: h a hint · r check now · n the next exercise · q stop"
        )

    def say(self, text: str) -> None:
        self.console.print(text, style="green", markup=False)

    def _print(self, lines: Sequence[Line]) -> None:
        for line in lines:
            self.console.print(line.text, style=line.style or None, markup=False)

    def _passes(self) -> bool:
        return self.last is not None and self.last.result is not None and self.last.result.passed

    def _following(self) -> Exercise | None:
        return next((e for e in self.exercises if e.id > self.exercise.id), None)


# The two sources of events.


def watch_files(folder: Path, events: queue.Queue[Event], stop: threading.Event) -> None:
    """Put a ``Saved`` into ``events`` for each burst of changes below ``folder``, until ``stop``."""
    import watchfiles

    try:
        for changes in watchfiles.watch(
            folder,
            stop_event=stop,
            debounce=400,  # ms: how long a burst of saves is gathered into one
            step=100,  # ms of quiet that ends a burst
            raise_interrupt=False,
        ):
            events.put(Saved(frozenset(Path(path) for _, path in changes)))
    except Exception as error:  # told to the learner in the main thread, not lost with this one
        events.put(Deaf(f"cannot watch {folder} ({type(error).__name__}: {error})"))


@contextmanager
def keyboard(events: queue.Queue[Event], stream: IO[str] | None = None) -> Iterator[bool]:
    """Read the learner's keys into ``events`` while in the block; True when they come one at a
    time from a terminal, False when they come as lines (stdin is not a terminal)."""
    stream = stream if stream is not None else sys.stdin
    if stream is None:  # no stdin at all (pythonw): only saves and Ctrl-C
        yield False
        return
    try:
        # A copy of stdin's descriptor: pytest points descriptor 0 at the null device while it
        # checks, which would end the keys of a reader of descriptor 0 itself.
        fd = os.dup(stream.fileno())
    except (OSError, ValueError, AttributeError):  # no descriptor (a test's stdin): read it as is
        _start(_lines, events, stream)
        yield False
        return
    if not os.isatty(fd):
        _start(_lines, events, os.fdopen(fd, encoding="utf-8", errors="replace"))
        yield False
        return
    if sys.platform == "win32":
        os.close(fd)
        _start(_windows_keys, events)  # msvcrt reads the console itself
        yield True
        return
    import termios
    import tty

    before = termios.tcgetattr(fd)
    with _ended_cleanly_by(signal.SIGTERM, signal.SIGHUP):
        try:
            tty.setcbreak(fd)  # keys one at a time, not echoed; Ctrl-C still interrupts
            _start(_posix_keys, events, fd)
            yield True
        finally:
            try:
                termios.tcsetattr(fd, termios.TCSADRAIN, before)  # echo and lines back on
            except (termios.error, OSError):  # the terminal itself is gone (SIGHUP)
                pass


SIGNALLED: list[signal.Signals] = []  # the signal that ended the watch, if one did


@contextmanager
def _ended_cleanly_by(*signals: signal.Signals) -> Iterator[None]:
    """In the block, ``signals`` (kill's SIGTERM, a closed terminal's SIGHUP) end the watch the way
    Ctrl-C does, through every ``finally`` block, so that the terminal is left as it was found; the
    signal is kept in SIGNALLED for the exit status (a check under way turns a KeyboardInterrupt
    into one again, so the exception itself cannot carry it)."""

    def end(number: int, frame: object) -> None:
        SIGNALLED.append(signal.Signals(number))
        raise KeyboardInterrupt

    if threading.current_thread() is not threading.main_thread():
        yield  # only the main thread may set handlers; the caller's own are left as they are
        return
    kept = {number: signal.signal(number, end) for number in signals}
    try:
        yield
    finally:
        for number, handler in kept.items():
            signal.signal(number, handler)


def _start(target: Callable[..., None], *args: Any) -> None:
    # A daemon: the thread waits on the keyboard and ends with the process.
    threading.Thread(target=target, args=args, name="workbook watch: keys", daemon=True).start()


def _posix_keys(events: queue.Queue[Event], fd: int) -> None:
    while True:
        try:
            data = os.read(fd, 32)
        except OSError:
            return
        if not data:
            return
        for key in data.decode("utf-8", "replace"):
            events.put(Key(key))


def _windows_keys(events: queue.Queue[Event]) -> None:
    import msvcrt

    while True:
        if not msvcrt.kbhit():  # type: ignore[attr-defined,unused-ignore]
            time.sleep(0.05)
            continue
        key = msvcrt.getwch()  # type: ignore[attr-defined,unused-ignore]
        if key in ("\x00", "\xe0"):  # the first half of an arrow or function key
            msvcrt.getwch()  # type: ignore[attr-defined,unused-ignore]
            continue
        events.put(Key(key))


def _lines(events: queue.Queue[Event], stream: IO[str]) -> None:
    """Without a terminal: each line typed is a key (its first character); the end of input
    ends the keys only, not the watch."""
    try:
        for line in stream:
            text = line.strip()
            if text:
                events.put(Key(text[0]))
    except (OSError, ValueError):
        return


def run(
    root: Path,
    exercises: Sequence[Exercise],
    exercise: Exercise,
    console: Console,
    *,
    timeout: float | None = None,
) -> None:
    """Watch ``exercise`` from the terminal until the learner quits; Ctrl-C ends it too."""
    events: queue.Queue[Event] = queue.Queue()
    stop = threading.Event()
    watcher = threading.Thread(
        target=watch_files,
        args=(root / "exercises", events, stop),
        name="workbook watch: files",
        daemon=True,
    )
    watcher.start()
    try:
        with keyboard(events) as interactive:
            checking = functools.partial(check, timeout=timeout)
            Watch(root, exercises, exercise, console, events, interactive, checking).run()
    finally:
        stop.set()
        watcher.join(2.0)
