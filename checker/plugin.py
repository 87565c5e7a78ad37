"""The pytest plugin: options, the ``task`` marker, the fixtures checks use, and the task report.

Registered through the ``pytest11`` entry point as ``checker.plugin``. It does nothing to a test that
does not live beside an ``exercise.toml``.
"""

from __future__ import annotations

import sys
from collections.abc import Generator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import pytest

# The checker itself (the course model, the runtime, Flask and Werkzeug) is imported only once a
# test beside an exercise.toml is collected, so a pytest run with no exercise in it pays next to
# nothing for this plugin.
if TYPE_CHECKING:
    from checker.course.manifest import Exercise
    from checker.course.report import Line
    from checker.course.results import CheckResult, ExerciseResult, Outcome
    from checker.runtime import learner
    from checker.runtime.client import Cli, Client, CliResult, Probe, Response, Services, Target
    from checker.runtime.failures import LearnerUnavailable
    from checker.runtime.inputs import Inputs
    from checker.runtime.submission import Submission
    from checker.runtime.suite import Suite

MANIFEST_NAME = "exercise.toml"  # checker.course.manifest.MANIFEST_NAME (a test keeps them equal)

DEFAULT_TIMEOUT = 3.0  # seconds before the learner's code is given up on (checker.deadline's too)


@dataclass
class _Run:
    """What the plugin knows during one pytest session."""

    submission: Path | None
    timeout: float
    seed: int  # what the checks' inputs are drawn from, unless the grader gives each learner one
    drew: bool = False  # whether a check drew inputs from it
    exercises: dict[Path, Exercise] = field(default_factory=dict)
    files: dict[Path, Exercise | None] = field(default_factory=dict)  # test file -> exercise
    checked_nodes: set[str] = field(default_factory=set)  # node ids of exercise checks
    collected: set[Path] = field(default_factory=set)  # exercise folders with checks in this run
    # by (exercise folder, "" or the node id of a check that has an app of its own)
    learners: dict[tuple[Path, str], learner.Learner | LearnerUnavailable] = field(
        default_factory=dict
    )
    checks: list[CheckResult] = field(default_factory=list)
    results: list[ExerciseResult] = field(default_factory=list)
    strays: dict[Path, list[str]] = field(default_factory=dict)  # by exercise folder


class Grading(Protocol):
    """What the instructor's grader provides when it runs the checks against many learners."""

    def exercise_for(self, path: Path) -> Exercise | None:
        """The exercise of a hidden check file, or None."""

    def is_hidden(self, path: Path) -> bool:
        """Whether a check file is one of the instructor's hidden checks."""

    def target(
        self, exercise: Exercise, learner: str, fresh: str = "", hidden: bool = False
    ) -> Target:
        """The learner's sandboxed app; raises LearnerUnavailable when there is none.

        ``fresh`` names a check that asked for an app of its own (``fresh_app``); its app is
        closed once the check is over (see ``release``). ``hidden`` checks get an app apart
        from the visible checks' one, and may send it no probe code."""

    def release(self, exercise: Exercise, learner: str, fresh: str, hidden: bool = False) -> None:
        """Close the app of its own that the check ``fresh`` was given."""

    def submission(self, exercise: Exercise, learner: str) -> Submission:
        """The learner's files as text; raises LearnerUnavailable when there are none."""

    def output(self, exercise: Exercise, learner: str, hidden: bool = False) -> str:
        """What the learner's code printed since the last check."""

    def seed(self, exercise: Exercise, learner: str) -> int:
        """The seed this learner's checks of ``exercise`` draw their inputs from."""

    def notes(self, exercise: Exercise, learner: str) -> list[str]:
        """What a failing check adds to its message: files the checks do not read."""


run_key = pytest.StashKey[_Run]()
given_app_key = pytest.StashKey[Any]()  # a Flask app object to check instead of the learner's files
grading_key = pytest.StashKey[Grading]()
_check_key = pytest.StashKey["CheckResult"]()
_errors_key = pytest.StashKey[list["Response | CliResult"]]()
_inputs_key = pytest.StashKey["Inputs"]()


def pytest_addhooks(pluginmanager: pytest.PytestPluginManager) -> None:
    from checker import hookspecs

    pluginmanager.add_hookspecs(hookspecs)


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("workbook", "flask-workbook exercise checks")
    group.addoption(
        "--submission",
        metavar="DIR",
        default=None,
        help="check the learner files in DIR instead of those in the exercise folder",
    )
    group.addoption(
        "--check-timeout",
        metavar="SECONDS",
        type=float,
        default=None,
        help=f"give up on the learner's code after this long (default {DEFAULT_TIMEOUT:g})",
    )
    group.addoption(
        "--workbook-seed",
        metavar="N",
        type=int,
        default=None,
        help="draw the checks' inputs from seed N (default: a new seed each run, shown at the end)",
    )
    parser.addini("check_timeout", "seconds before the learner's code is given up on", default=None)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "task(id): the exercise task that this check grades")
    config.addinivalue_line(
        "markers",
        "fresh_app: the check gets an app of its own (a new import or factory call, with a new "
        "instance folder and database)",
    )
    submission = config.getoption("submission")
    if submission is not None:
        path = Path(submission)
        if not path.is_dir():
            raise pytest.UsageError(f"--submission {submission}: no such folder")
        submission_path: Path | None = path.resolve()
    else:
        submission_path = None
    timeout = config.getoption("check_timeout") or config.getini("check_timeout")
    try:
        seconds = float(timeout) if timeout else DEFAULT_TIMEOUT
    except ValueError:
        raise pytest.UsageError(f"check_timeout {timeout!r} is not a number of seconds") from None
    if seconds <= 0:
        raise pytest.UsageError("--check-timeout must be a positive number of seconds")
    seed = config.getoption("workbook_seed")
    if seed is None:
        from checker.runtime.inputs import new_seed

        seed = new_seed()
    elif seed < 0:
        raise pytest.UsageError("--workbook-seed must be a whole number, 0 or more")
    config.stash[run_key] = _Run(submission_path, seconds, seed)


def exercise_of(config: pytest.Config, path: Path) -> Exercise | None:
    """The exercise a test file belongs to, or None for an ordinary test file."""
    run = config.stash[run_key]
    if path not in run.files:
        run.files[path] = _find_exercise(config, run, path)
    return run.files[path]


def _find_exercise(config: pytest.Config, run: _Run, path: Path) -> Exercise | None:
    directory = path.resolve().parent
    if not (directory / MANIFEST_NAME).is_file():
        grading = config.stash.get(grading_key, None)
        return grading.exercise_for(path) if grading is not None else None
    if directory not in run.exercises:
        from checker.course import manifest
        from checker.course.manifest import ManifestError

        try:
            run.exercises[directory] = manifest.load(directory, check_files=False)
        except ManifestError as error:
            raise pytest.UsageError(str(error)) from None
    return run.exercises[directory]


def pytest_collection_modifyitems(
    session: pytest.Session, config: pytest.Config, items: list[pytest.Item]
) -> None:
    checks = 0
    run = config.stash[run_key]
    for item in items:
        exercise = exercise_of(config, item.path)
        if exercise is None:
            continue
        checks += 1
        _task_of(item, exercise)  # raise now, not half-way through the run
        run.checked_nodes.add(item.nodeid)
        run.collected.add(exercise.directory)
    if items and checks == len(items) and config.getoption("tbstyle", "auto") == "auto":
        # The task report says why each check failed; pytest's own tracebacks would repeat it.
        config.option.no_summary = True


def _task_of(item: pytest.Item, exercise: Exercise) -> str:
    markers = list(item.iter_markers("task"))
    known = ", ".join(task.id for task in exercise.tasks)
    if len(markers) != 1 or len(markers[0].args) != 1:
        raise pytest.UsageError(
            f"{item.nodeid}: mark the check with exactly one task, "
            f'@pytest.mark.task("...") with one of: {known}'
        )
    task_id = markers[0].args[0]
    if task_id not in {task.id for task in exercise.tasks}:
        raise pytest.UsageError(
            f"{item.nodeid}: task {task_id!r} is not in {exercise.directory / MANIFEST_NAME}; "
            f"use one of: {known}"
        )
    return str(task_id)


@pytest.fixture
def _workbook_learner(request: pytest.FixtureRequest) -> str:
    """Which learner a check runs against: parametrized by the grader, "" for one's own files."""
    return str(getattr(request, "param", ""))


def _exercise(request: pytest.FixtureRequest, fixture: str) -> Exercise:
    exercise = exercise_of(request.config, request.path)
    if exercise is None:
        raise pytest.UsageError(f"{request.node.nodeid}: {fixture} works only in exercise checks")
    return exercise


def _learner(request: pytest.FixtureRequest, learner_id: str) -> Target:
    from checker.runtime import learner
    from checker.runtime.failures import LearnerUnavailable
    from checker.runtime.submission import resolve_submission

    config = request.config
    exercise = _exercise(request, "client, probe or cli")
    fresh = request.node.nodeid if request.node.get_closest_marker("fresh_app") else ""
    grading = config.stash.get(grading_key, None)
    if grading is not None:
        hidden = grading.is_hidden(request.path)
        if fresh:
            request.addfinalizer(lambda: grading.release(exercise, learner_id, fresh, hidden))
        return grading.target(exercise, learner_id, fresh, hidden)
    run = config.stash[run_key]
    key = (exercise.directory, fresh)
    given = config.stash.get(given_app_key, None)
    if given is not None and key not in run.learners:
        run.learners[key] = learner.around(exercise, given, run.timeout)
    if key not in run.learners:
        source = resolve_submission(exercise, run.submission, single=len(run.exercises) == 1)
        try:
            timeout = max(run.timeout, exercise.sandbox.timeout or 0.0)
            run.learners[key] = learner.load(exercise, source, timeout)
        except LearnerUnavailable as problem:
            run.learners[key] = problem
        if fresh:
            request.addfinalizer(lambda: _close_fresh(run, key))
    loaded = run.learners[key]
    if isinstance(loaded, LearnerUnavailable):
        raise loaded
    return loaded


def _close_fresh(run: _Run, key: tuple[Path, str]) -> None:
    """A check's own app is gone with the check; what could not load is kept for the score."""
    from checker.runtime import learner

    loaded = run.learners.get(key)
    if isinstance(loaded, learner.Learner):
        loaded.close()
        del run.learners[key]


class _ObservedTarget:
    """Passes requests to the learner's app, noting responses (and CLI commands) in which the
    learner's code raised."""

    def __init__(self, target: Target, seen: list[Response | CliResult]) -> None:
        self._target = target
        self._seen = seen

    def open_client(self) -> int:
        return self._target.open_client()

    def request(self, client: int, method: str, path: str, options: dict[str, Any]) -> Response:
        response = self._target.request(client, method, path, options)
        if response.error is not None:
            self._seen.append(response)
        return response

    def probe(self, function: Any, args: tuple[Any, ...], on: str) -> Any:
        return self._target.probe(function, args, on)

    def invoke(self, args: tuple[str, ...]) -> CliResult:
        result = self._target.invoke(args)
        if result.error is not None:
            self._seen.append(result)
        return result

    def start_service(self, command: tuple[str, ...], ready: str | None, timeout: float) -> int:
        return self._target.start_service(command, ready, timeout)

    def service_request(
        self, handle: int, method: str, path: str, options: dict[str, Any]
    ) -> Response:
        return self._target.service_request(handle, method, path, options)

    def service_output(self, handle: int) -> str:
        return self._target.service_output(handle)

    def stop_service(self, handle: int) -> None:
        self._target.stop_service(handle)


@pytest.fixture
def client(request: pytest.FixtureRequest, _workbook_learner: str) -> Client:
    """A test client for the learner's app; cookies are kept between its requests."""
    from checker.runtime.client import Client

    seen = request.node.stash.setdefault(_errors_key, [])
    return Client(_ObservedTarget(_learner(request, _workbook_learner), seen))


@pytest.fixture
def probe(request: pytest.FixtureRequest, _workbook_learner: str) -> Probe:
    """Runs a module-level function of the test file beside the learner's app."""
    from checker.runtime.client import Probe

    return Probe(_learner(request, _workbook_learner))


@pytest.fixture
def cli(request: pytest.FixtureRequest, _workbook_learner: str) -> Cli:
    """Runs the learner's Flask CLI commands: ``cli.invoke("init-db")``."""
    from checker.runtime.client import Cli

    seen = request.node.stash.setdefault(_errors_key, [])
    return Cli(_ObservedTarget(_learner(request, _workbook_learner), seen))


@pytest.fixture
def service(request: pytest.FixtureRequest, _workbook_learner: str) -> Generator[Services]:
    """Starts the learner's real server or worker; everything it started stops with the check."""
    from checker.runtime.client import Services

    seen = request.node.stash.setdefault(_errors_key, [])
    started = Services(_ObservedTarget(_learner(request, _workbook_learner), seen))
    yield started
    started.stop_all()


@pytest.fixture
def suite(request: pytest.FixtureRequest, _workbook_learner: str) -> Suite:
    """The learner's own tests, run against versions of the course's app (``course_app``)."""
    import posixpath

    from checker.runtime.suite import RUN_TIMEOUT, Suite

    exercise = _exercise(request, "suite")
    folder = posixpath.commonpath([posixpath.dirname(name) for name in exercise.files])
    grading = request.config.stash.get(grading_key, None)
    if grading is not None:
        seed = grading.seed(exercise, _workbook_learner)
    else:
        seed = request.config.stash[run_key].seed
    # A comment from the seed ends the app's modules in every run: a suite that recognises the
    # app by its source (a digest of the files) meets a source it has never seen.
    salt = f"workbook {seed}"
    # A check may take `deadline`: each run of the learner's tests an eighth of it (at least
    # RUN_TIMEOUT), and one batch of runs what leaves time for the check's other, shorter one.
    # So --check-timeout gives the runs longer too, and a suite that hangs hears which test hung.
    deadline = max(request.config.stash[run_key].timeout, exercise.sandbox.timeout or 0.0)
    timeout = max(RUN_TIMEOUT, deadline / 8)
    budget = max(timeout, deadline - 2 * timeout)
    return Suite(_learner(request, _workbook_learner), folder or ".", salt, timeout, budget)


def pytest_ignore_collect(collection_path: Path, config: pytest.Config) -> bool | None:
    """A learner's own tests inside an exercise folder (a folder where the learner owns the
    ``conftest.py`` or the ``test_*.py`` files: module 11's ``todo/tests/``) are not the checks: ``pytest exercises/11`` leaves that folder alone (its conftest unimported), and only
    ``pytest exercises/11/todo/tests``, naming it, runs them."""
    if not collection_path.is_dir() or (collection_path / MANIFEST_NAME).is_file():
        return None
    for parent in collection_path.parents:
        if (parent / MANIFEST_NAME).is_file():
            break
    else:
        return None
    exercise = exercise_of(config, parent / MANIFEST_NAME)
    folder = collection_path.relative_to(parent).as_posix()
    if exercise is None or not (
        exercise.owns(f"{folder}/conftest.py") or exercise.owns(f"{folder}/test_x.py")
    ):
        return None
    asked = [Path(config.invocation_params.dir, arg.split("::")[0]).resolve() for arg in config.args]
    here = collection_path.resolve()
    if any(here == path or here in path.parents for path in asked):
        return None
    return True


@pytest.fixture
def submission(request: pytest.FixtureRequest, _workbook_learner: str) -> Submission:
    """The learner's files as text, for static checks."""
    from checker.runtime.submission import Submission, resolve_submission

    exercise = _exercise(request, "submission")
    grading = request.config.stash.get(grading_key, None)
    if grading is not None:
        return grading.submission(exercise, _workbook_learner)
    run = request.config.stash[run_key]
    source = resolve_submission(exercise, run.submission, single=len(run.exercises) == 1)
    return Submission.read(exercise, source)


@pytest.fixture
def inputs(request: pytest.FixtureRequest, _workbook_learner: str) -> Inputs:
    """Values for the check to send, drawn from the run's seed (the learner's, when graded): the
    same seed draws the same values, and a failing check says what it drew."""
    from checker.runtime.inputs import Inputs

    exercise = _exercise(request, "inputs")
    grading = request.config.stash.get(grading_key, None)
    if grading is not None:
        seed = grading.seed(exercise, _workbook_learner)
    else:
        run = request.config.stash[run_key]
        seed, run.drew = run.seed, True
    drawn = Inputs(seed, _check_key_of(request.node, exercise))
    request.node.stash[_inputs_key] = drawn
    return drawn


def _check_key_of(item: pytest.Item, exercise: Exercise) -> str:
    """What names a check for its inputs: the same in ``pytest exercises/NN`` and when graded
    (where every check is also parametrized by learner)."""
    name = getattr(item, "originalname", item.name)
    callspec = getattr(item, "callspec", None)
    params = {} if callspec is None else dict(callspec.params)
    params.pop("_workbook_learner", None)
    shown = ",".join(
        f"{key}={value!r}" if isinstance(value, (str, int, float, bool, type(None))) else key
        for key, value in sorted(params.items())
    )
    return f"{exercise.id}::{name}[{shown}]"


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    report = yield
    exercise = exercise_of(item.config, item.path)
    if exercise is None:
        return report
    if report.when == "teardown":
        check = item.stash.get(_check_key, None)
        if check is not None:
            item.config.hook.pytest_workbook_check(check=check)
            if grading_key not in item.config.stash:
                item.config.stash[run_key].checks.append(check)
        return report
    if report.skipped or (report.when == "setup" and report.passed):
        return report
    from checker.course.results import CheckResult, Outcome
    from checker.runtime.failures import CheckFailure

    excinfo = call.excinfo
    grading = item.config.stash.get(grading_key, None)
    outcome, message = (Outcome.PASSED, "") if excinfo is None else _classify(excinfo, item)
    drawn = item.stash.get(_inputs_key, None)
    if excinfo is not None and drawn is not None and drawn.drawn:
        message += (
            f"\nThis check drew {drawn.describe()} (seed {drawn.seed}: "
            f"`pytest exercises/{exercise.id} --workbook-seed {drawn.seed}` draws the same)."
        )
    learner_id = _learner_of(item)
    if excinfo is not None:
        notes = (
            grading.notes(exercise, learner_id)
            if grading is not None
            else _strays(item.config, exercise)
        )
        message += "".join(f"\n{note}" for note in notes)
    previous = item.stash.get(_check_key, None)
    check = CheckResult(
        exercise_id=exercise.id,
        task_id=_task_of(item, exercise),
        name=item.name,
        outcome=outcome,
        message=message,
        output=_output(report)
        if grading is None
        else grading.output(exercise, learner_id, grading.is_hidden(item.path)),
        duration=report.duration + (previous.duration if previous else 0.0),
        learner=learner_id,
        hidden=grading is not None and grading.is_hidden(item.path),
    )
    item.stash[_check_key] = check
    if excinfo is not None and isinstance(excinfo.value, CheckFailure):
        report.longrepr = message
    return report


def _strays(config: pytest.Config, exercise: Exercise) -> list[str]:
    """Notes on Python files beside the learner's that the checks do not read."""
    from checker.runtime.submission import resolve_submission, strays

    run = config.stash[run_key]
    if exercise.directory not in run.strays:
        source = resolve_submission(exercise, run.submission, single=len(run.exercises) == 1)
        run.strays[exercise.directory] = strays(exercise, source)
    return run.strays[exercise.directory]


def _learner_of(item: pytest.Item) -> str:
    callspec = getattr(item, "callspec", None)
    return str(callspec.params.get("_workbook_learner", "")) if callspec is not None else ""


def _classify(
    excinfo: pytest.ExceptionInfo[BaseException], item: pytest.Item
) -> tuple[Outcome, str]:
    from checker.course.results import Outcome
    from checker.runtime.failures import CheckFailure

    error = excinfo.value
    raised = [r.error for r in item.stash.get(_errors_key, []) if r.error is not None]
    if isinstance(error, CheckFailure):
        outcome, message = error.outcome, error.show()
    elif isinstance(error, AssertionError):
        outcome, message = Outcome.FAILED, str(error) or "a check failed"
    else:
        entry = excinfo.traceback[-1]
        where = f"{Path(str(entry.path)).name}, line {entry.lineno + 1}"
        outcome = Outcome.FAILED
        message = f"the check stopped at {excinfo.typename}: {error} ({where})"
    if outcome is Outcome.FAILED and raised:
        outcome = Outcome.CRASHED if raised[0].error_type == "MemoryError" else Outcome.ERROR
        if raised[0].summary not in message:
            message += f"\n{_who_raised(item)} raised {raised[0].summary}"
    return outcome, message


def _who_raised(item: pytest.Item) -> str:
    from checker.runtime.client import CliResult

    seen = item.stash.get(_errors_key, [])
    first = next((found for found in seen if found.error is not None), None)
    return "The command" if isinstance(first, CliResult) else "The view"


def _output(report: pytest.TestReport) -> str:
    """What the learner's code printed, in every phase of the check so far."""
    return "\n".join(
        content for title, content in report.sections if title.startswith("Captured std")
    )


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> Generator[None, None, None]:
    run = session.config.stash[run_key]
    if not run.collected:
        yield
        return
    from checker.course import scoring
    from checker.course.report import score_line, tasks_line
    from checker.runtime.failures import LearnerUnavailable

    for loaded in run.learners.values():
        if not isinstance(loaded, LearnerUnavailable):
            loaded.close()
    run.results = [
        scoring.score_exercise(
            exercise,
            [check for check in run.checks if check.exercise_id == exercise.id],
            _problem(run.learners.get((directory, ""))),
            _graded(run.learners.get((directory, ""))),
        )
        for directory, exercise in sorted(run.exercises.items(), key=lambda pair: pair[1].id)
        if directory in run.collected
    ]
    if run.results and not all(result.passed for result in run.results):
        if session.exitstatus == pytest.ExitCode.OK:
            session.exitstatus = pytest.ExitCode.TESTS_FAILED
    yield
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if run.results and reporter is not None:
        points, max_points = scoring.total(run.results)
        # Under pytest's count of checks, the count of tasks: a task is what the learner passes.
        _write(reporter, [tasks_line(run.results), score_line(points, max_points)])


def _graded(loaded: learner.Learner | LearnerUnavailable | None) -> str:
    from checker.runtime.failures import LearnerUnavailable

    return (
        loaded.graded if loaded is not None and not isinstance(loaded, LearnerUnavailable) else ""
    )


def _problem(loaded: learner.Learner | LearnerUnavailable | None) -> str:
    from checker.runtime.failures import LearnerUnavailable

    return loaded.message if isinstance(loaded, LearnerUnavailable) else ""


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    run = config.stash[run_key]
    if not run.results:
        return
    from checker.course.report import exercise_lines, next_lines

    terminalreporter.write_sep("=", "workbook")
    encoding = getattr(sys.stdout, "encoding", None)
    for result in run.results:
        seen = _hints_seen(result.exercise) if run.submission is None else {}
        _write(terminalreporter, exercise_lines(result, encoding, seen))
    if run.drew:
        terminalreporter.write_line(
            f"inputs drawn with seed {run.seed} (--workbook-seed {run.seed} draws them again)"
        )
    if run.submission is None:  # the learner's own exercises: where to go from here
        _write(terminalreporter, next_lines(run.results, _course_of(run.results)))


def _hints_seen(exercise: Exercise) -> dict[str, int]:
    """How many hints of each task of the learner's own ``exercise`` ``workbook hint`` showed."""
    from checker.course import state

    folder = exercise.directory.parent
    if folder.name != "exercises":
        return {}
    return dict(state.load(folder.parent).hints.get(exercise.id, {}))


def _course_of(results: list[ExerciseResult]) -> list[Exercise]:
    """Every exercise of the course the checked exercises belong to; none if it cannot be read."""
    from checker import course
    from checker.errors import Problem

    folder = results[0].exercise.directory.parent
    try:
        return course.exercises(folder.parent) if folder.name == "exercises" else []
    except Problem:
        return []


def pytest_report_teststatus(
    report: pytest.TestReport, config: pytest.Config
) -> tuple[str, str, str] | None:
    if report.when != "call" or run_key not in config.stash:
        return None
    if report.nodeid not in config.stash[run_key].checked_nodes:
        return None
    if report.passed:
        return "passed", "✓", "PASSED"
    if report.failed:
        return "failed", "✗", "FAILED"
    return None


def _write(reporter: Any, lines: list[Line]) -> None:
    for line in lines:
        style = {line.style: True} if line.style else {}
        reporter.write_line(line.text, **style)


def results(config: pytest.Config) -> list[ExerciseResult]:
    """The exercise results of a finished session."""
    return list(config.stash[run_key].results)


__all__ = ["cli", "client", "inputs", "probe", "results", "service", "submission", "suite"]
