"""Run a learner's own test suite against versions of the course's app (module 11).

A version is the course's app with some of its files replaced (an overlay): a buggy version the
suite must fail, or a correct one, written another way, that it must pass. ``run`` works where the
learner's code runs (this process in ``pytest exercises/NN``, the sandboxed child when graded): it
copies the app and the learner's tests per version, and runs pytest in a forked child of this warm
process (Flask and pytest already imported), in a process group of its own that is killed, whole,
when it is done or out of time. The child's only answer is a JSON-lines report, written by the
small reporter plugin below and read back size-capped, field by field: nothing it produces is
unpickled or evaluated. The same suite against the same version gives the same answer, so results
are kept per (files, version) for the life of the process: checks of different tasks that need
the same runs pay for them once.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import shutil
import signal
import sys
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pytest

REPORT = ".suite-report.jsonl"
OUTPUT = ".suite-output"
REPORT_LIMIT = 1024 * 1024  # bytes of report read; a longer one is refused
MOST_TESTS = 2000  # test results kept from one run
MOST_DATABASES = 20  # database files outside its copy kept from one run
RUN_TIMEOUT = 30.0  # seconds one run may take, unless the checks are given longer
FILE_LIMIT = 64 * 1024 * 1024  # bytes any one file a run writes may hold
MOST_KEPT = 512  # runs whose results are kept; more, and the oldest are forgotten
JOBS = 2  # runs at once
BAD_FORM = "was not in the expected form"
_PYTEST_EXIT = {0: "passed", 1: "failed", 2: "interrupted", 3: "internal", 4: "usage", 5: "none"}
_IGNORED = shutil.ignore_patterns("__pycache__", "instance", ".*", "*.pyc")

_CACHE: dict[str, dict[str, Any]] = {}


@dataclass(frozen=True)
class TestResult:
    """One of the learner's tests in one run: its name, outcome and pytest's short reason."""

    name: str  # "test_todo.py::test_create[milk]"; a failed subtest: "...::test_a [x=1]"
    outcome: str  # "passed", "failed", "error" (in a fixture) or "skipped"
    reason: str = ""

    @property
    def is_case(self) -> bool:
        """One case of a test that runs once per case: a parametrized test (pytest names each
        case ``test_a[...]``, whichever way it was parametrized) or a subtest (unittest's
        ``subTest``, pytest's ``subtests``), which the reporter names ``test_a [...]``."""
        return self.name.endswith("]")


@dataclass(frozen=True)
class SuiteRun:
    """What the learner's suite did against one version of the app."""

    status: str  # "passed", "failed", "none" (no tests), "broken", "timeout" or "crashed"
    tests: tuple[TestResult, ...] = ()
    detail: str = ""  # collection errors, or how the run ended
    databases: tuple[str, ...] = ()  # SQLite files the tests opened outside the run's copy
    context: bool = False  # a test ran inside an app context (that a fixture holds open)

    @property
    def passed(self) -> bool:
        """Every test passed (or was skipped), and at least one ran."""
        return self.status == "passed" and any(t.outcome == "passed" for t in self.tests)

    @property
    def failing(self) -> tuple[TestResult, ...]:
        return tuple(t for t in self.tests if t.outcome in ("failed", "error"))

    @classmethod
    def from_data(cls, data: Any) -> SuiteRun:
        """A run from plain data, each field checked: anything of another shape is a broken run."""
        try:
            status = data["status"]
            tests = tuple(
                TestResult(str(name), str(outcome), str(reason))
                for name, outcome, reason in data["tests"][:MOST_TESTS]
            )
            detail = data["detail"]
            databases = data.get("databases", [])
            context = data.get("context", False)
            if not isinstance(status, str) or not isinstance(detail, str):
                raise TypeError
            if not isinstance(databases, list) or not isinstance(context, bool):
                raise TypeError
        except (KeyError, TypeError, ValueError, AttributeError):
            return cls("broken", (), "the run's report was not in the expected form")
        kept = tuple(str(path) for path in databases[:MOST_DATABASES])
        return cls(status, tests, detail, kept, context)

    def to_data(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "tests": [[t.name, t.outcome, t.reason] for t in self.tests],
            "detail": self.detail,
            "databases": list(self.databases),
            "context": self.context,
        }


def run(
    workspace: Path,
    tests: str,
    versions: Mapping[str, Mapping[str, str]],
    jobs: int = JOBS,
    timeout: float = RUN_TIMEOUT,
    backwards: bool = False,
    salt: str = "",
    budget: float | None = None,
) -> dict[str, SuiteRun]:
    """Run the tests in ``workspace/tests`` against each version: its name, and the files (path
    relative to ``workspace``, text) that replace the course's. Returns each version's run.
    With ``backwards``, each run takes the tests in the opposite order to pytest's. ``salt``
    ends each of the app's modules in every copy as a comment, so that no version's source is
    the same from one seed to the next. Each run may take ``timeout`` seconds, and all of them
    ``budget``: when it is spent, the runs still going are stopped and the rest never start
    (each a "timeout" that says so), so a suite that hangs is told which test hung before the
    check itself runs out of time."""
    replaced = {name.split("/")[0] for files in versions.values() for name in files}
    trees = sorted({tests.split("/")[0], *replaced})  # what each run's copy holds
    base = _digest_trees(workspace, trees, f"{tests} {backwards} {salt}")
    found: dict[str, SuiteRun] = {}
    pending = []
    for name, files in versions.items():
        key = _key(base, files)
        if key in _CACHE:
            found[name] = SuiteRun.from_data(_CACHE[key])
        else:
            pending.append((name, key, files))
    if not pending:
        return found
    # The runs go in an order drawn afresh (not from the seed, which the salt shows the tests),
    # each in a folder of a random name: nothing a run can see (how many came before it, where
    # it is) says which version it is. The order changes no verdict of a suite whose tests are
    # independent of each other and of other runs.
    random.SystemRandom().shuffle(pending)
    scratch = Path(tempfile.mkdtemp(prefix="suite-"))
    running: dict[int, tuple[str, str, Path, float]] = {}
    ends = None if budget is None else time.monotonic() + budget
    stuck = ""  # what the first run out of time was doing
    try:
        queue = list(enumerate(pending))
        while queue or running:
            if queue and ends is not None and time.monotonic() >= ends:
                late = "the checks' time ran out before this run of them began"
                late += f"; in another, {stuck}" if stuck else ""
                for _, (name, _, _) in queue:
                    found[name] = SuiteRun("timeout", (), late)
                queue.clear()
            while queue and len(running) < max(1, jobs):
                _, (name, key, files) = queue.pop(0)
                folder = Path(tempfile.mkdtemp(prefix="run-", dir=scratch))
                folder.rmdir()  # made again, with the copy in it, by _prepare
                _prepare(workspace, trees, files, folder, tests, salt)
                running[_start(folder, tests, backwards)] = (name, key, folder, time.monotonic())
            time.sleep(0.005)
            for pid, (name, key, folder, started) in list(running.items()):
                limit = timeout if ends is None else min(timeout, ends - started)
                status = _finished(pid, started, limit)
                if status is None:
                    continue
                del running[pid]
                result = _result(status, folder, tests, max(0.0, limit))
                if result.status == "timeout" and not stuck:
                    stuck = result.detail
                if result.status not in ("timeout", "crashed"):
                    _CACHE[key] = result.to_data()  # a run the machine cut short may go better
                    while len(_CACHE) > MOST_KEPT:
                        del _CACHE[next(iter(_CACHE))]
                found[name] = result
                shutil.rmtree(folder, ignore_errors=True)
    finally:
        for pid in running:  # only when something went wrong above
            _kill(pid)
            os.waitpid(pid, 0)
        shutil.rmtree(scratch, ignore_errors=True)
    return found


def _digest_trees(workspace: Path, trees: list[str], tests: str) -> str:
    digest = hashlib.sha256(tests.encode())
    for tree in trees:
        top = workspace / tree
        for path in sorted(top.rglob("*")) if top.is_dir() else [top]:
            if path.is_file() and "__pycache__" not in path.parts and not path.name.startswith("."):
                digest.update(path.relative_to(workspace).as_posix().encode() + b"\0")
                digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


def _key(base: str, files: Mapping[str, str]) -> str:
    digest = hashlib.sha256(base.encode())
    for name in sorted(files):
        digest.update(name.encode() + b"\0" + files[name].encode() + b"\0")
    return digest.hexdigest()


def _prepare(
    workspace: Path,
    trees: list[str],
    files: Mapping[str, str],
    folder: Path,
    tests: str,
    salt: str,
) -> None:
    folder.mkdir(parents=True)
    for tree in trees:
        source = workspace / tree
        if source.is_dir():
            shutil.copytree(source, folder / tree, ignore=_IGNORED, symlinks=True)
        elif source.is_file():
            shutil.copy2(source, folder / tree)
    for name, text in files.items():
        target = folder / name
        if ".." in Path(name).parts or Path(name).is_absolute():
            raise ValueError(f"a version's file {name!r} is not inside the app")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    if salt:
        learners = folder / tests
        for tree in trees:
            for path in (folder / tree).rglob("*.py") if (folder / tree).is_dir() else ():
                if learners not in path.parents:
                    with open(path, "a", encoding="utf-8") as module:
                        module.write(f"\n# {salt}\n")


def _start(folder: Path, tests: str, backwards: bool) -> int:
    pid = os.fork()
    if pid == 0:  # the child: never returns
        _child(folder, tests, backwards)
    try:
        os.setpgid(pid, pid)  # also done by the child: whichever comes first
    except OSError:
        pass
    return pid


def _finished(pid: int, started: float, timeout: float) -> int | None:
    """The child's wait status once it ended (or was killed for time, -1); None while it runs."""
    done, status = os.waitpid(pid, os.WNOHANG)
    if done:
        _kill(pid)  # what it started and left running
        return status
    if time.monotonic() - started > timeout:
        _kill(pid)
        os.waitpid(pid, 0)
        return -1
    return None


def _kill(pid: int) -> None:
    try:
        os.killpg(pid, signal.SIGKILL)
    except OSError:  # the group is gone already
        pass


def _result(status: int, folder: Path, tests: str, timeout: float = RUN_TIMEOUT) -> SuiteRun:
    report, running = _read_report(folder / REPORT, tests, str(folder) + os.sep)
    found = _verdict(status, report, running, timeout)
    return replace(found, databases=report.databases, context=report.context)


def _verdict(status: int, report: SuiteRun, running: str, timeout: float) -> SuiteRun:
    if status == -1:
        stuck = f"{running} was still running" if running else "pytest was still collecting them"
        return SuiteRun("timeout", report.tests, f"{stuck} after {timeout:.0f} s")
    if os.WIFSIGNALED(status):
        return SuiteRun("crashed", report.tests, f"killed by signal {os.WTERMSIG(status)}")
    code = os.WEXITSTATUS(status)
    if code not in _PYTEST_EXIT:
        return SuiteRun("crashed", report.tests, f"the test run exited with status {code}")
    if report.status == "broken" and report.detail.startswith("the report"):  # its form, size
        return report
    if report.status == "unfinished":
        detail = f"it exited with status {code} before pytest finished: did a test end the process?"
        if running:
            detail = f"it exited with status {code} while {running} was running"
        return SuiteRun("crashed", report.tests, detail)
    outcome = _PYTEST_EXIT[code]
    if outcome in ("interrupted", "internal", "usage"):
        return SuiteRun("broken", report.tests, report.detail or f"pytest ended with status {code}")
    if outcome == "none" or not report.tests:
        return SuiteRun("none", report.tests, report.detail)
    return SuiteRun(outcome, report.tests, report.detail)


def _read_report(path: Path, tests: str, copy: str) -> tuple[SuiteRun, str]:
    """The reporter's lines, each checked; the status is decided by the caller. Paths inside
    the run's copy (``copy``) are shown relative to it, the same in every run. Also the test
    that had started and not finished when the report ends ("" for none)."""
    try:
        with open(path, "rb") as stream:
            data = stream.read(REPORT_LIMIT + 1)
    except OSError:
        return SuiteRun("none", (), ""), ""
    if len(data) > REPORT_LIMIT:
        return SuiteRun("broken", (), "the report of the tests was larger than 1 MB"), ""
    results: dict[str, TestResult] = {}
    problems: list[str] = []
    databases: list[str] = []
    context = False
    ended = False
    running = ""  # the test last started, until its result comes
    prefix = tests.rstrip("/") + "/"
    for line in data.decode("utf-8", errors="replace").splitlines():
        try:
            entry = json.loads(line)
            kind, name, outcome, reason = (str(entry[k]) for k in ("kind", "name", "outcome", "reason"))
        except (ValueError, KeyError, TypeError):
            return SuiteRun("broken", (), f"the report of the tests {BAD_FORM}"), ""
        name = name[len(prefix) :] if name.startswith(prefix) else name
        reason = reason.replace(copy, "")
        if kind == "end":
            ended = True
        elif kind == "start":
            running = name
        elif kind == "database":
            if name not in databases and len(databases) < MOST_DATABASES:
                databases.append(name[:500])
        elif kind == "context":
            context = True
        elif kind == "collect":
            problems.append(f"{name or tests}: {reason}")
        elif kind == "test" and len(results) < MOST_TESTS:
            known = results.get(name)
            if known is None or known.outcome in ("passed", "skipped"):
                results[name] = TestResult(name, outcome, reason)
        elif kind == "finish":
            running = ""
    status = "" if ended else "unfinished"
    found = SuiteRun(
        status, tuple(results.values()), "; ".join(problems[:5]), tuple(databases), context
    )
    return found, running[:300]


def _child(folder: Path, tests: str, backwards: bool) -> None:
    """Run pytest on the copy in ``folder``, its report there; exit with pytest's status."""
    code = 70
    try:
        os.setpgid(0, 0)
        if sys.platform == "linux":  # killed by the kernel if the thread that forked it dies
            import ctypes

            ctypes.CDLL(None).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
        import resource

        hard = resource.getrlimit(resource.RLIMIT_FSIZE)[1]
        limit = FILE_LIMIT if hard == resource.RLIM_INFINITY else min(FILE_LIMIT, hard)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))  # no file fills the disk
        null = os.open(os.devnull, os.O_RDONLY)
        output = os.open(folder / OUTPUT, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.dup2(null, 0)
        os.dup2(output, 1)
        os.dup2(output, 2)
        sys.stdin = open(0, encoding="utf-8", closefd=False)
        sys.stdout = open(1, "w", encoding="utf-8", closefd=False, buffering=1)
        sys.stderr = open(2, "w", encoding="utf-8", closefd=False, buffering=1)
        os.chdir(folder)
        _forget_modules(folder, folder / tests)
        sys.path.insert(0, str(folder))
        sys.dont_write_bytecode = True
        for name in ("PYTEST_ADDOPTS", "PYTEST_PLUGINS"):
            os.environ.pop(name, None)
        os.environ["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"  # the learner's run: no plugins of ours
        args = [tests, "-p", "no:terminal", "-p", "no:cacheprovider", "-c", os.devnull,
                "--rootdir", str(folder), "--basetemp", str(folder / ".tmp"),
                "-W", "ignore::DeprecationWarning"]  # fmt: skip
        reporter = _Reporter(folder / REPORT, backwards)
        sys.addaudithook(reporter.database_opened(str(folder)))
        code = int(pytest.main(args, plugins=[reporter]))
    except BaseException:  # the child must end here, whatever happened
        code = 70
    finally:
        os._exit(code)


def _forget_modules(folder: Path, tests: Path) -> None:
    """Take out of ``sys.modules`` what the copy's own modules would be found as: the app this
    process imported from elsewhere, and any ``conftest`` or test module of that name."""
    names = {"conftest"}
    for place in (folder, tests):
        for entry in place.iterdir() if place.is_dir() else ():
            if entry.suffix == ".py":
                names.add(entry.stem)
            elif (entry / "__init__.py").is_file():
                names.add(entry.name)
    for loaded in list(sys.modules):
        if loaded.split(".")[0] in names:
            del sys.modules[loaded]


class _Reporter:
    """A pytest plugin for the child: one JSON line per test outcome and collection error."""

    def __init__(self, path: Path, backwards: bool = False) -> None:
        self._file = open(path, "w", encoding="utf-8")
        self._backwards = backwards
        self._context = False

    @pytest.hookimpl(trylast=True)
    def pytest_collection_modifyitems(self, items: list[Any]) -> None:
        if self._backwards:  # tests that need another to run first fail this way round
            items.reverse()

    def database_opened(self, inside: str) -> Callable[[str, tuple[Any, ...]], None]:
        """An audit hook that reports each SQLite file opened outside the folder ``inside``
        (the run's copy): one the same in every run is shared by runs made at once."""
        seen: set[str] = set()

        def hook(event: str, args: tuple[Any, ...]) -> None:
            if event != "sqlite3.connect" or not args or len(seen) >= MOST_DATABASES:
                return
            try:
                path = os.fsdecode(args[0])
            except TypeError:
                return
            if path in ("", ":memory:") or path.startswith("file:"):
                return
            path = os.path.abspath(path)
            if not path.startswith(inside + os.sep) and path not in seen:
                seen.add(path)
                self._write("database", path, "", "")

        return hook

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtest_call(self, item: Any) -> None:
        import flask

        if not self._context and flask.has_app_context():  # pushed by a fixture, held open
            self._context = True
            self._write("context", item.nodeid, "", "")

    def _write(self, kind: str, name: str, outcome: str, reason: str) -> None:
        entry = {"kind": kind, "name": name, "outcome": outcome, "reason": reason}
        self._file.write(json.dumps(entry) + "\n")
        self._file.flush()

    def pytest_runtest_logstart(self, nodeid: str, location: Any) -> None:
        self._write("start", nodeid, "", "")  # a run out of time names the test it was in

    def pytest_runtest_logfinish(self, nodeid: str, location: Any) -> None:
        self._write("finish", nodeid, "", "")

    def pytest_runtest_logreport(self, report: Any) -> None:
        subtest = getattr(pytest, "SubtestReport", None)  # pytest 9 and later
        if subtest is not None and isinstance(report, subtest):
            if report.failed:  # a case of its test, named as one: "test_a [x=1]"
                self._write("test", f"{report.nodeid} [{_case(report)}]", "failed", _short(report))
            return
        if report.when == "call" or not report.passed:
            outcome = report.outcome if report.when == "call" or report.skipped else "error"
            self._write("test", report.nodeid, outcome, _short(report))

    def pytest_collectreport(self, report: Any) -> None:
        if report.failed:
            self._write("collect", report.nodeid, "error", _short(report))

    @pytest.hookimpl(trylast=True)
    def pytest_sessionfinish(self, session: Any, exitstatus: Any) -> None:
        self._write("end", "", str(int(exitstatus)), "")


def _case(report: Any) -> str:
    """A subtest's message and values, as pytest shows them (``query='?done=true'``)."""
    context = report.context
    parts = [str(context.msg)] if context.msg is not None else []
    parts += [f"{key}={value}" for key, value in context.kwargs.items()]
    return ", ".join(parts)[:200] or "subtest"


def _short(report: Any) -> str:
    """pytest's short reason for a report: the exception's line (``assert 404 == 201``)."""
    if report.passed:
        return ""
    longrepr = report.longrepr
    if isinstance(longrepr, tuple):  # a skip: (file, line, reason)
        return str(longrepr[2])[:300]
    crash = getattr(longrepr, "reprcrash", None)
    if crash is not None:
        text = str(crash.message)
    else:
        lines = [line for line in str(longrepr).splitlines() if line.strip()]
        marked = [line[1:].strip() for line in lines if line.startswith("E ")]
        text = (marked or lines or [""])[-1]
        where = [line for line in marked if line.startswith('File "') and ", line " in line]
        if where and "Error" in text:  # a SyntaxError: where it is
            text += f" ({where[-1]})"
    first = text.strip().splitlines()[0] if text.strip() else ""
    return first if len(first) <= 300 else first[:297] + "..."


# The checks' side: which versions there are, asking for runs, and judging them.


@dataclass(frozen=True)
class Version:
    """A version of the course's app: its name, what is wrong with it (or how it differs), the
    task whose tests should catch it ("" for a correct version) and the files it replaces."""

    name: str
    about: str
    task: str = ""
    files: tuple[tuple[str, str], ...] = ()
    # Said when this bug gets through tests that ran inside an app context a fixture holds
    # open, where it likely goes unseen (bug.toml's ``context_held``).
    context_held: str = ""


def versions_in(folder: Path, task: str | None = None) -> list[Version]:
    """The versions in ``folder``: one per subfolder, described by its ``bug.toml`` (``task``,
    ``about``) or, for a correct version, ``about.toml``; its other files replace the app's."""
    import tomllib

    found = []
    for place in sorted(folder.iterdir()) if folder.is_dir() else ():
        described = [place / name for name in ("bug.toml", "about.toml") if (place / name).is_file()]
        if not described:
            continue
        data = tomllib.loads(described[0].read_text(encoding="utf-8"))
        files = tuple(
            (path.relative_to(place).as_posix(), path.read_text(encoding="utf-8"))
            for path in sorted(place.rglob("*"))
            if path.is_file() and path.suffix != ".toml" and "__pycache__" not in path.parts
        )
        version = Version(
            place.name,
            str(data["about"]),
            str(data.get("task", "")),
            files,
            str(data.get("context_held", "")),
        )
        if task is None or version.task == task:
            found.append(version)
    return found


THE_APP = Version("", "the course's app")


class Suite:
    """The learner's test suite, run against versions of the course's app (the ``suite``
    fixture): ``suite.run(THE_APP, *bugs)``."""

    def __init__(
        self,
        target: Any,
        tests: str,
        salt: str = "",
        timeout: float = RUN_TIMEOUT,
        budget: float | None = None,
    ) -> None:
        self._target = target
        self.tests = tests  # the folder of the learner's tests, relative to the exercise
        self._salt = salt  # ends each app module of every run: a source no suite has seen
        self.timeout = timeout  # seconds each run may take
        self.budget = budget  # seconds all the runs of one call may take

    def run(
        self, *versions: Version, timeout: float | None = None, backwards: bool = False
    ) -> dict[str, SuiteRun]:
        """Each version's run, by its name ("" for the course's own app); with ``backwards``,
        each run takes the tests in the opposite order."""
        from checker.runtime import probes

        timeout = self.timeout if timeout is None else timeout
        asked = {version.name: dict(version.files) for version in versions}
        data = self._target.probe(
            probes.suite, (self.tests, asked, timeout, backwards, self._salt, self.budget), "app"
        )
        if not isinstance(data, dict):
            data = {}
        return {name: SuiteRun.from_data(data.get(name)) for name in asked}


def expect_catches(
    suite: Suite,
    bugs: list[Version],
    correct: list[Version],
    also: Sequence[Version] = (),
    in_any_order: bool = False,
    in_cases: bool = False,
) -> None:
    """Fail unless the suite passes on the course's app and on every correct version, and fails
    on every one of ``bugs``; the message names what went wrong in behaviour, not the fix.

    Every version is run the same way, in one batch of runs in a drawn order, with ``also`` (the
    other tasks' bugs) among them, so that their checks find their runs already made: a suite
    that counts its runs, or tells a run against a bug from one against a correct version by
    anything but the app's behaviour, gains nothing. A bug is caught when a test fails (or
    errors, or the run breaks, hangs or crashes on it); tests that skip themselves catch
    nothing. With ``in_any_order``, the tests must also pass on the course's app when they run
    in the opposite order: no test may need what another did first. With ``in_cases``, at
    least one of ``bugs`` must fail a test that runs once per case (a parametrized test or a
    subtest), judged by the tests pytest ran, not by the source."""
    from checker.runtime.failures import CheckFailed

    every = {version.name: version for version in (THE_APP, *correct, *bugs, *also)}
    runs = suite.run(*every.values())
    first = runs[""]
    shared = _shared(runs)
    if not first.passed:
        message = _on_the_app(first, suite.tests) + (f"\n{shared}" if shared else "")
        raise CheckFailed(message, expected="your tests pass", actual=None)
    backwards = suite.run(THE_APP, backwards=True)[""] if in_any_order else first
    if not backwards.passed:
        raise CheckFailed(
            "Your tests pass against the course's app in the order pytest runs them, and fail "
            f"when they run the other way round:\n{_what_failed(backwards)}\nSo a test needs "
            "what another one did first (a to-do it stored, an app or database they share): "
            "each test should start from nothing of another's.",
            expected="your tests pass in any order",
            actual=None,
        )
    for version in correct:
        found = runs[version.name]
        if not found.passed:
            why = shared or (
                "It answers every request and command as the brief says, so a test that fails "
                "on it checks something the brief leaves open (the wording of an error, a name "
                "inside the code, how a row is stored)."
            )
            raise CheckFailed(
                f"A correct version of the app, written another way ({version.about}), failed "
                f"your tests:\n{_what_failed(found)}\n{why}",
                expected="your tests pass",
                actual=None,
            )
    missed = [version for version in bugs if runs[version.name].status in ("passed", "none")]
    if missed:
        lines = "\n".join(f"  - {version.about}" for version in missed)
        some = "A version" if len(missed) == 1 else f"{len(missed)} versions"
        likely = {v.context_held for v in missed if v.context_held and runs[v.name].context}
        lines += "".join(f"\n{text}" for text in sorted(likely))
        raise CheckFailed(
            f"{some} of the app with a bug passed all your tests:\n{lines}",
            expected="a test that fails",
            actual=None,
        )
    if in_cases and bugs and not any(
        test.is_case for version in bugs for test in runs[version.name].failing
    ):
        lines = "\n".join(f"  - {version.about}" for version in bugs)
        raise CheckFailed(
            "Your tests catch these bugs, but none with a test that runs once per case (a "
            "parametrized test, or unittest's subTest), which is what this task is about:\n"
            f"{lines}",
            expected="a test run once per case that fails",
            actual=None,
        )


def _shared(runs: Mapping[str, SuiteRun]) -> str:
    """What to say when runs made at once opened the same database file ("" if none did)."""
    seen: dict[str, int] = {}
    for found in runs.values():
        for path in set(found.databases):
            seen[path] = seen.get(path, 0) + 1
    shared = sorted(path for path, count in seen.items() if count > 1)
    if not shared:
        return ""
    files = ", ".join(shared[:3])
    return (
        f"Your tests' database ({files}) is the same file in every run of them, and the checks "
        "run them against two versions of the app at once, so one run's to-dos turn up in the "
        "other's and its tables are dropped under it: that, not the version, may be why tests "
        "failed. A file in pytest's tmp_path is each test's own."
    )


def _on_the_app(found: SuiteRun, tests: str) -> str:
    if found.status == "timeout":
        return f"Your tests in {tests}/ did not finish against the course's app: {found.detail}."
    if found.status == "crashed":
        return f"The run of your tests in {tests}/ ended abruptly ({found.detail})."
    if found.status == "broken":
        return f"pytest could not run your tests in {tests}/: {found.detail}"
    if found.status == "none" or not found.tests:
        extra = f" ({found.detail})" if found.detail else ""
        return f"pytest found no tests in {tests}/{extra}."
    return (
        f"Your tests fail against the course's app, which is correct, so they cannot tell a bug "
        f"from working code:\n{_what_failed(found)}"
    )


def _what_failed(found: SuiteRun) -> str:
    if found.status == "timeout":
        return f"  they did not finish: {found.detail}"
    if found.status == "crashed":
        return f"  the run ended abruptly ({found.detail})"
    if found.status == "broken":
        return f"  pytest could not run them: {found.detail}"
    if found.status == "none":
        return "  pytest found no tests"
    failing = found.failing
    if not failing and not any(t.outcome == "passed" for t in found.tests):
        return "  no test passed"
    lines = [f"  {t.name} {t.outcome}: {t.reason}".rstrip(": ") for t in failing[:5]]
    if len(failing) > 5:
        lines.append(f"  and {len(failing) - 5} more")
    return "\n".join(lines)
