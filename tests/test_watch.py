"""`workbook watch`: the loop driven in-process with events of our own, the command through click,
and the real thing in a subprocess, on a pseudo-terminal and with stdin a pipe.

Nothing here is timed: the tests wait for what the watch prints, with generous deadlines."""

from __future__ import annotations

import io
import os
import queue
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from rich.console import Console

from checker import course as course_module
from checker import watch
from checker.cli import main
from checker.course import state
from tests.conftest import CHECKS, MANIFEST, ROOT, SOLUTION, STARTER

DEADLINE = 120.0  # seconds; only ever reached when something is broken


@pytest.fixture
def three(course: Path) -> Path:
    """The small course with a third exercise, the starter: 01 solved, 02 and 03 not."""
    folder = course / "exercises" / "03"
    folder.mkdir()
    (folder / "exercise.toml").write_text(MANIFEST.format(number="03"))
    (folder / "app.py").write_text(STARTER)
    (folder / "test_03.py").write_text(CHECKS)
    return course


class Session:
    """A Watch on the course with a queue we fill ourselves and a console we read."""

    def __init__(self, root: Path, number: str) -> None:
        self.root = root
        self.exercises = course_module.exercises(root)
        self.events: queue.Queue[watch.Event] = queue.Queue()
        self.out = io.StringIO()
        self.checked: list[str] = []
        self.before_check: list[Callable[[], None]] = []  # run one each, before the next checks
        start = next(e for e in self.exercises if e.id == number)
        self.watch = watch.Watch(
            root,
            self.exercises,
            start,
            Console(file=self.out, width=200, soft_wrap=True),
            self.events,
            interactive=False,
            run_check=self._check,
        )

        checking = self.watch.check_and_show

        def check_and_show() -> None:  # the files change as the learner saves, before a check
            if self.before_check:
                self.before_check.pop(0)()
            checking()

        self.watch.check_and_show = check_and_show  # type: ignore[method-assign]

    def _check(self, exercise: course_module.manifest.Exercise) -> watch.Checked:
        self.checked.append(exercise.id)
        return watch.check(exercise)

    def saved(self, number: str, name: str = "app.py") -> None:
        self.events.put(watch.Saved(frozenset({self.root / "exercises" / number / name})))

    def keys(self, *keys: str) -> None:
        for key in keys:
            self.events.put(watch.Key(key))

    def run(self, quit: bool = True) -> str:
        if quit:
            self.keys("q")
        self.watch.run()
        return self.out.getvalue()


def write(root: Path, number: str, text: str) -> Callable[[], None]:
    return lambda: (root / "exercises" / number / "app.py").write_text(text)


def test_a_save_checks_again_and_a_burst_of_saves_is_one_check(course: Path):
    session = Session(course, "02")
    session.before_check = [lambda: None, write(course, "02", SOLUTION)]
    for _ in range(5):
        session.saved("02")
    out = session.run()
    assert session.checked == ["02", "02"]  # the start, then one for the five saves
    assert "0 of 2 tasks pass" in out and "score: 0/5 points" in out
    assert "2 of 2 tasks pass" in out and "score: 5/5 points" in out
    assert "Exercise 02 passes: every task is done. That was the last exercise" in out
    assert out.rstrip().splitlines()[-1] == "Stopped watching."
    # ... and the course map knows, without checking again
    assert state.load(course).results["02"].passed


def test_saves_of_other_files_and_exercises_check_nothing(course: Path):
    session = Session(course, "02")
    session.saved("01")
    session.saved("02", "notes.txt")
    session.saved("02", "test_02.py")
    session.run()
    assert session.checked == ["02"]


def test_a_keypress_during_a_burst_waits_for_its_check(course: Path):
    session = Session(course, "02")
    session.before_check = [lambda: None, write(course, "02", SOLUTION)]
    session.saved("02")
    session.keys("h")
    session.saved("02")
    out = session.run()
    assert session.checked == ["02", "02"]
    assert out.index("score: 5/5 points") < out.index("no hint needed")


def test_done_moves_on_to_the_next_exercise_and_says_so(three: Path):
    session = Session(three, "02")
    session.before_check = [
        lambda: None,
        write(three, "02", SOLUTION),
        lambda: (session.saved("03"), session.keys("q")),  # once 03 is the one watched
    ]
    session.saved("02")
    out = session.run(quit=False)
    assert session.checked == ["02", "02", "03", "03"]
    assert (
        "Exercise 02 passes: every task is done. On to exercise 03, Tiny exercise: read "
        "lessons/03_tiny.ipynb, then edit exercises/03/app.py." in out
    )
    assert out.count("0 of 2 tasks pass") == 3  # 02 at first, then 03 twice
    assert session.watch.exercise.id == "03"


def test_an_exercise_that_passes_at_the_start_is_kept_until_n(three: Path):
    session = Session(three, "01")
    session.keys("n")
    out = session.run()
    assert "Exercise 01 passes already. Press n to go on to 02 Tiny exercise." in out
    assert "On to exercise 02." in out and session.checked == ["01", "02"]


def test_the_hint_key_shows_the_next_hint_and_the_report_follows(course: Path):
    session = Session(course, "02")
    session.keys("h", "h", "h", "x")
    session.before_check = [lambda: None]
    session.saved("02")
    out = session.run()
    assert "Hint: Return a string from the view." in out  # the report, before any hint was seen
    assert "02 hello (Say hello), hint 1 of 2:\n  Return a string from the view." in out
    assert "02 hello (Say hello), hint 2 of 2:\n  return 'Hello, World!'" in out
    assert "02 hello: you have seen all 2 hints." in out
    assert "'x' does nothing here." in out
    assert state.load(course).hints == {"02": {"hello": 2}}
    # the check after the save shows the last hint, the first not yet seen being none
    assert out.split("Checking exercises/02")[-1].count("Hint: return 'Hello, World!'") == 1


def test_a_syntax_error_is_a_failing_result_and_the_watch_goes_on(course: Path):
    session = Session(course, "02")
    broken = "from flask import Flask\napp = Flask(__name__\n"
    session.before_check = [
        lambda: None,
        write(course, "02", broken),
        write(course, "02", SOLUTION),
    ]
    session.saved("02")
    session.saved("02")
    session.keys("r")  # checked again at once, without a save
    out = session.run()
    assert "app.py, line 2: SyntaxError: '(' was never closed" in out
    assert out.count("0 of 2 tasks pass") == 2 and "score: 5/5 points" in out
    assert session.checked == ["02", "02", "02"]


def test_a_missing_learner_file_is_a_failing_result_until_it_is_back(course: Path):
    session = Session(course, "02")
    app = course / "exercises" / "02" / "app.py"
    session.before_check = [app.unlink, write(course, "02", SOLUTION)]
    session.saved("02")
    out = session.run()
    assert "missing" in out.split("score: 0/5 points")[0]
    assert "score: 5/5 points" in out


def test_checks_that_cannot_run_are_said_and_the_watch_goes_on(course: Path):
    session = Session(course, "02")
    checks = course / "exercises" / "02" / "test_02.py"
    session.before_check = [
        lambda: checks.write_text(
            "import pytest\n\n@pytest.mark.task('nope')\ndef test_x(): pass\n"
        ),
        lambda: checks.write_text(CHECKS),
    ]
    session.saved("02")
    out = session.run()
    assert "The checks could not run: pytest could not run the checks" in out
    assert session.checked == ["02", "02"] and "0 of 2 tasks pass" in out


def test_a_hint_when_the_checks_could_not_run_says_why_there_is_none(course: Path):
    session = Session(course, "02")
    (course / "exercises" / "02" / "test_02.py").write_text("import nothing_of_the_sort\n")
    session.keys("h")
    out = session.run()
    assert "The checks could not run" in out
    assert "there is no failing task to give a hint for." in out


def test_a_file_system_that_cannot_be_watched_is_said_and_r_still_checks(
    course: Path, tmp_path: Path
):
    events: queue.Queue[watch.Event] = queue.Queue()
    watch.watch_files(tmp_path / "gone", events, threading.Event())  # returns: nothing to watch
    deaf = events.get_nowait()
    assert isinstance(deaf, watch.Deaf) and "gone" in deaf.why
    session = Session(course, "02")
    session.events.put(deaf)
    session.keys("r")
    out = session.run()
    assert f"Saves are no longer noticed: {deaf.why}. Press r to check by hand" in out
    assert session.checked == ["02", "02"]


# The command, through click: stdin is then a stream without a file descriptor.


def invoke(*args: str, input: str = "q\n") -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args), input=input)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.output


def test_watch_without_a_number_watches_the_first_exercise_not_done(course: Path):
    code, out = invoke("watch", input="h\nq\n")
    assert code == 0, out
    assert "workbook watch · exercises/02" in out
    assert "Keys (each followed by Enter): h a hint" in out
    assert "02 hello (Say hello), hint 1 of 2:" in out
    assert out.rstrip().splitlines()[-1] == "Stopped watching."


def test_without_a_terminal_a_line_is_the_key_it_starts_with(course: Path):
    code, out = invoke("watch", "2", input="nonsense\nq\n")
    assert code == 0 and "'n' does nothing" not in out  # n is the next-exercise key
    assert "02 is the last exercise: there is no next one." in out


def test_ctrl_c_during_a_check_stops_the_watch_with_0(course: Path):
    # pytest catches a Ctrl-C inside a check and ends its run; the watch then stops, cleanly.
    (course / "exercises" / "02" / "test_02.py").write_text(
        CHECKS + "\n\n@pytest.mark.task('json')\ndef test_ctrl_c():\n    raise KeyboardInterrupt\n"
    )
    code, out = invoke("watch", "02", input="")
    assert code == 0, out
    assert out.rstrip().splitlines()[-1] == "Stopped watching (Ctrl-C)."
    assert "could not run" not in out


def test_ctrl_c_during_workbook_check_is_stopped_not_broken(course: Path):
    (course / "exercises" / "02" / "test_02.py").write_text(
        CHECKS + "\n\n@pytest.mark.task('json')\ndef test_ctrl_c():\n    raise KeyboardInterrupt\n"
    )
    result = CliRunner().invoke(main, ["check", "02"])
    assert result.exit_code == 130
    assert result.stderr.strip().splitlines()[-1] == "workbook: stopped", result.output
    assert "could not run" not in result.output


def test_watch_when_everything_passes_says_so(course: Path):
    (course / "exercises" / "02" / "app.py").write_text(SOLUTION)
    code, out = invoke("watch")
    assert code == 0
    assert out.strip() == (
        "Every exercise passes: nothing to watch (`workbook watch NN` watches one anyway)."
    )


@pytest.mark.parametrize("number", ["09", "abc"])
def test_watch_of_an_unknown_exercise_is_one_line(course: Path, number: str):
    code, out = invoke("watch", number)
    assert code == 1
    assert out.strip() == f"workbook: there is no exercise {number!r}; the exercises are 01, 02"


def test_watch_of_an_exercise_whose_folder_is_gone_is_one_line(course: Path):
    # What is left when a learner deletes an exercise folder but for a stray file.
    for path in (course / "exercises" / "02").iterdir():
        path.unlink()
    (course / "exercises" / "02").rmdir()
    code, out = invoke("watch", "02")
    assert code == 1
    assert out.strip() == "workbook: there is no exercise '02'; the exercises are 01"


def test_watch_is_in_the_help(course: Path):
    code, out = invoke("--help")
    assert code == 0 and "watch" in out
    code, out = invoke("watch", "--help")
    assert code == 0 and "on every save" in out and "h the next hint" in out


# The real thing: a subprocess, its files watched by watchfiles.


class Running:
    """``workbook watch`` in a subprocess; what it prints is collected by a thread."""

    def __init__(self, root: Path, args: list[str], *, terminal: bool) -> None:
        env = {**os.environ, "PYTHONPATH": str(ROOT), "TERM": "xterm", "COLUMNS": "200"}
        command = [sys.executable, "-m", "checker.cli", "watch", *args]
        self.text = ""
        self.master: int | None = None
        if terminal:
            import pty

            self.master, self.slave = pty.openpty()
            self.process = subprocess.Popen(
                command, cwd=root, env=env, stdin=self.slave, stdout=self.slave, stderr=self.slave
            )
            master = self.master
            read: Callable[[], bytes | None] = lambda: _read_master(master)  # noqa: E731
        else:
            self.process = subprocess.Popen(
                command,
                cwd=root,
                env=env,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
            )
            assert self.process.stdout is not None
            stdout = self.process.stdout
            read = lambda: os.read(stdout.fileno(), 4096)  # noqa: E731
        self._stop = threading.Event()
        self._reader = threading.Thread(target=self._collect, args=(read,), daemon=True)
        self._reader.start()

    def _collect(self, read: Callable[[], bytes | None]) -> None:
        while not self._stop.is_set():
            data = read()
            if data is None:
                continue
            if not data:
                return
            self.text += data.decode("utf-8", "replace")

    @property
    def plain(self) -> str:
        return re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", self.text).replace("\r\n", "\n")

    def wait_for(self, text: str, after: int = 0, again: Callable[[], None] | None = None) -> int:
        """Where ``text`` appears past ``after`` in the output; ``again`` is repeated every
        few seconds meanwhile (a save the watcher may not have been ready for)."""
        deadline = time.monotonic() + DEADLINE
        last = time.monotonic()
        while time.monotonic() < deadline:
            found = self.plain.find(text, after)
            if found >= 0:
                return found
            if self.process.poll() is not None:
                break
            if again is not None and time.monotonic() - last > 5:
                again()
                last = time.monotonic()
            time.sleep(0.05)
        raise AssertionError(f"{text!r} never came; the watch printed:\n{self.plain}")

    def send(self, keys: str) -> None:
        if self.master is not None:
            os.write(self.master, keys.encode())
        else:
            assert self.process.stdin is not None
            self.process.stdin.write(keys.encode())
            self.process.stdin.flush()

    def end(self) -> int:
        try:
            return self.process.wait(DEADLINE)
        finally:
            if self.process.poll() is None:
                self.process.kill()
                self.process.wait()
            self._stop.set()
            self._reader.join(DEADLINE)


def _read_master(master: int) -> bytes | None:
    """What the terminal shows next; None when nothing came for a moment (so the reader can
    stop: the test holds the other end open, so no end of file ever comes)."""
    import select

    if not select.select([master], [], [], 0.2)[0]:
        return None
    try:
        return os.read(master, 4096)
    except OSError:  # the other end closed
        return b""


@pytest.fixture
def running() -> Iterator[list[Running]]:
    started: list[Running] = []
    yield started
    for one in started:
        if one.process.poll() is None:
            one.process.kill()
            one.process.wait()
        if one.master is not None:
            os.close(one.master)
            os.close(one.slave)


@pytest.mark.skipif(sys.platform == "win32", reason="a pseudo-terminal needs POSIX")
def test_on_a_terminal_keys_work_one_at_a_time_and_a_save_checks_again(
    three: Path, running: list[Running]
):
    import termios

    app = three / "exercises" / "02" / "app.py"
    watching = Running(three, [], terminal=True)
    running.append(watching)
    at = watching.wait_for("Keys: h a hint")
    assert "workbook watch · exercises/02" in watching.plain
    assert "\x1b[2J" in watching.text or "\x1b[H" in watching.text  # the screen was cleared
    watching.send("h")  # no Enter: the terminal is in cbreak mode
    at = watching.wait_for("hint 1 of 2:", at)
    app.write_text(SOLUTION)
    at = watching.wait_for(
        "Exercise 02 passes: every task is done. On to exercise 03", at, again=app.touch
    )
    at = watching.wait_for("Watching exercises/03/app.py", at)
    watching.send("q")
    assert watching.end() == 0
    assert "Stopped watching." in watching.plain[at:]
    assert termios.tcgetattr(watching.slave)[3] & termios.ECHO  # the terminal is as it was


def test_without_a_terminal_lines_are_keys_and_ctrl_c_ends_cleanly(
    course: Path, running: list[Running]
):
    app = course / "exercises" / "02" / "app.py"
    watching = Running(course, ["02"], terminal=False)
    running.append(watching)
    at = watching.wait_for("Keys (each followed by Enter)")
    watching.send("h\n")
    at = watching.wait_for("hint 1 of 2:", at)
    app.write_text("from flask import Flask\napp = Flask(__name__\n")
    at = watching.wait_for("SyntaxError", at, again=app.touch)
    at = watching.wait_for("Keys (each followed by Enter)", at)
    watching.process.send_signal(signal.SIGINT)
    assert watching.end() == 0
    assert watching.plain.rstrip().splitlines()[-1] == "Stopped watching (Ctrl-C)."


@pytest.mark.skipif(sys.platform == "win32", reason="a pseudo-terminal needs POSIX")
@pytest.mark.parametrize("number", [signal.SIGTERM, signal.SIGHUP], ids=["SIGTERM", "SIGHUP"])
def test_a_kill_or_a_closed_terminal_leaves_the_terminal_as_it_was(
    course: Path, running: list[Running], number: signal.Signals
):
    """kill (SIGTERM) or closing the terminal window (SIGHUP) ends the watch the way q and
    Ctrl-C do: the terminal gets its echo and lines back, and the exit status is 128 + the
    signal's number, as a shell expects."""
    import termios

    watching = Running(course, ["02"], terminal=True)
    running.append(watching)
    watching.wait_for("Keys: h a hint")
    assert not termios.tcgetattr(watching.slave)[3] & termios.ECHO  # cbreak while it watches
    watching.process.send_signal(number)
    assert watching.end() == 128 + number
    assert f"Stopped watching ({number.name})." in watching.plain
    assert termios.tcgetattr(watching.slave)[3] & termios.ECHO


def test_windows_keys_come_one_at_a_time_and_arrow_keys_are_skipped(
    monkeypatch: pytest.MonkeyPatch,
):
    """On Windows the keys come from msvcrt (never imported elsewhere): here a stand-in console
    that is pressed h, then an arrow key (a prefix and its code), then q."""
    import types

    pressed = ["h", "\xe0", "H", "q"]  # H after the prefix is the up arrow's code, not a key

    class Done(Exception):
        pass

    def getwch() -> str:
        if not pressed:
            raise Done
        return pressed.pop(0)

    console = types.ModuleType("msvcrt")
    console.kbhit = lambda: True  # type: ignore[attr-defined]
    console.getwch = getwch  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "msvcrt", console)
    events: queue.Queue[watch.Event] = queue.Queue()
    with pytest.raises(Done):
        watch._windows_keys(events)
    keys = []
    while not events.empty():
        keys.append(events.get_nowait())
    assert keys == [watch.Key("h"), watch.Key("q")]
