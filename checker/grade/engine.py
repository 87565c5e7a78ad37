"""Grade a batch of learners: the course's checks, run in this trusted process, against each
learner's app in its own sandboxed child.

The unit of work is ``grade_batch``, a function of the course and the submissions only, so it can
run in a local process pool or on a Dask worker alike. It runs pytest once for the whole batch:
every check is parametrized by learner, and the items are ordered learner by learner.
"""

from __future__ import annotations

import functools
import hashlib
import os
import shutil
import socket
import tempfile
from collections.abc import Callable, Generator, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest

from checker import __version__, course, plugin
from checker.course import scoring
from checker.course.manifest import Exercise
from checker.course.results import CheckResult, Outcome
from checker.grade import databases, isolation, tripwire
from checker.grade.intake import Submission as LearnerSubmission
from checker.grade.model import TaskGrade
from checker.grade.remote import SandboxedLearner, flagged
from checker.grade.sandbox import PRELOAD, ChildSpec, WarmServer
from checker.runtime import inputs
from checker.runtime import learner as learners
from checker.runtime.client import Target
from checker.runtime.failures import LearnerUnavailable
from checker.runtime.submission import Submission

# Told each learner's name as grading them begins (a pool worker reports it to the grader's
# progress bar); empty by default.
learner_watchers: list[Callable[[str], None]] = []


@dataclass(frozen=True)
class Settings:
    """How to grade: limits and where the instructor's hidden checks are."""

    check_timeout: float = 5.0
    exercise_timeout: float = 60.0
    hidden: Path | None = None
    limits: isolation.Limits = field(default_factory=isolation.Limits)
    hide: tuple[Path, ...] = ()  # folders the learners' code must not see
    separate_uid: bool = True
    seed: int = 0  # the cohort's seed; each learner's is derived from it (see learner_seed)
    # Where the grader found a sandbox, a worker must make one too: a Dask worker on another
    # host (another user, another kernel) may not, and then grades nothing.
    require_sandbox: bool = False
    # A PostgreSQL server to give each learner's app a database of its own on (``--postgres``):
    # an admin's URL over its UNIX socket. Without it, the apps' databases are SQLite files.
    postgres: str | None = None


class NoSandbox(RuntimeError):
    """A worker cannot make the sandbox the grader counted on."""


@dataclass(frozen=True)
class LearnerGrades:
    """Every task of every graded exercise for one learner."""

    learner: str
    grades: tuple[TaskGrade, ...]


def grade_batch(
    root: Path,
    exercise_ids: Sequence[str],
    submissions: Sequence[LearnerSubmission],
    settings: Settings,
) -> list[LearnerGrades]:
    """Grade ``submissions`` on the exercises ``exercise_ids`` of the course at ``root``."""
    if settings.require_sandbox:
        missing = isolation.why_no_sandbox()
        if missing:
            raise NoSandbox(
                f"the worker on {socket.gethostname()} cannot make a sandbox ({missing})"
            )
    exercises = [e for e in course.exercises(root) if e.id in set(exercise_ids)]
    libraries = tuple(sorted({name for exercise in exercises for name in exercise.preload}))
    server = _warm_server(settings.hide, libraries)
    wanted = settings.postgres and any(databases.uses_database(e) for e in exercises)
    # The workspaces go in the warm server's scratch folder, which it removes when it ends.
    session = _GradingSession(
        exercises,
        submissions,
        settings,
        server,
        server.scratch,
        databases.Databases(settings.postgres) if wanted and settings.postgres else None,
    )
    args = [str(exercise.directory / f"test_{exercise.id}.py") for exercise in exercises]
    args += [str(path) for path in session.hidden_files]
    args += [
        "--rootdir", str(root), "--import-mode=importlib", "--noconftest", "-s",
        *_QUIET,
        "--check-timeout", str(settings.check_timeout),
    ]  # fmt: skip
    try:
        code = pytest.main(args, plugins=[session])
    finally:
        session.close()
    if code in (
        pytest.ExitCode.USAGE_ERROR,
        pytest.ExitCode.INTERNAL_ERROR,
        pytest.ExitCode.INTERRUPTED,
    ):
        raise RuntimeError(f"pytest could not run the checks (exit code {int(code)})")
    return session.graded


# pytest plugins a grading run has no use for; each one costs time on every check.
_QUIET = [
    arg
    for name in (
        "terminal", "cacheprovider", "logging", "doctest", "junitxml", "pastebin", "stepwise",
        "unittest", "legacypath", "setuponly", "setupplan", "faulthandler", "debugging",
    )
    for arg in ("-p", f"no:{name}")
]  # fmt: skip


@functools.cache
def _warm_server(hide: tuple[Path, ...], libraries: tuple[str, ...]) -> WarmServer:
    """One warm server per grading process (and set of libraries), started on first use; it has
    imported the libraries the exercises' manifests name in ``preload``."""
    return WarmServer(preload=(*PRELOAD, *libraries), hide=hide)


def learner_seed(seed: int, learner: str, exercise: str, files: dict[str, bytes]) -> int:
    """The seed a learner's checks of one exercise draw their inputs from: the cohort's seed, the
    learner and what they submitted. The same files get the same inputs and grade; a changed
    submission meets new inputs, so what one round of feedback showed cannot be hard-coded."""
    digest = hashlib.sha256()
    for name in sorted(files):
        digest.update(name.encode("utf-8") + b"\0" + hashlib.sha256(files[name]).digest())
    return inputs.derive(seed, learner, exercise, digest.hexdigest())


def _uid() -> int | None:
    """A uid for this worker's children: distinct per worker process, so learners cannot meet."""
    if not isolation.is_root():
        return None
    return isolation.FIRST_UID + os.getpid()


@dataclass
class _Learner:
    submission: LearnerSubmission
    targets: dict[str, SandboxedLearner | LearnerUnavailable] = field(default_factory=dict)
    spent: dict[str, float] = field(default_factory=dict)
    checks: list[CheckResult] = field(default_factory=list)
    seeds: dict[str, int] = field(default_factory=dict)  # by exercise


class _GradingSession:
    """The pytest plugin that turns one pytest run into the grading of a batch of learners."""

    def __init__(
        self,
        exercises: Sequence[Exercise],
        submissions: Sequence[LearnerSubmission],
        settings: Settings,
        server: WarmServer,
        scratch: Path,
        postgres: databases.Databases | None = None,
    ) -> None:
        self.exercises = {exercise.id: exercise for exercise in exercises}
        self.postgres = postgres
        self.settings = settings
        self.server = server
        self.scratch = scratch
        self.learners = {s.learner: _Learner(s) for s in submissions}
        self.order = {name: index for index, name in enumerate(self.learners)}
        self.graded: list[LearnerGrades] = []
        self.uid = _uid() if settings.separate_uid else None
        self.hidden_files: list[Path] = []
        self._hidden: dict[Path, Exercise] = {}
        self._begun: set[str] = set()
        if settings.hidden is not None:
            for exercise in exercises:
                folder = (settings.hidden / exercise.id).resolve()
                for path in sorted(folder.glob("test_*.py")) if folder.is_dir() else ():
                    self.hidden_files.append(path)
                    self._hidden[path.resolve()] = exercise

    # The Grading protocol the checker plugin calls.

    def exercise_for(self, path: Path) -> Exercise | None:
        return self._hidden.get(path.resolve())

    def is_hidden(self, path: Path) -> bool:
        return path.resolve() in self._hidden

    def target(
        self, exercise: Exercise, learner: str, fresh: str = "", hidden: bool = False
    ) -> Target:
        state = self.learners[learner]
        if state.spent.get(exercise.id, 0.0) > self.settings.exercise_timeout:
            raise LearnerUnavailable(
                Outcome.TIMEOUT,
                f"exercise {exercise.id} used up its time limit of "
                f"{self.settings.exercise_timeout:g} s before this check could run",
            )
        key = _key(exercise, fresh, hidden)
        found = state.targets.get(key)
        if found is None:
            # One set of a learner's apps at a time: those of other exercises, and the visible
            # ones before a hidden one starts, end first, so what a hidden check's requests show
            # has no app of the learner's alive to pass it to (even through file locks).
            self._close_others(exercise, hidden, state)
            found = self._start(exercise, state, hidden=hidden)
            state.targets[key] = found
        if isinstance(found, LearnerUnavailable):
            raise found
        return found

    def release(self, exercise: Exercise, learner: str, fresh: str, hidden: bool = False) -> None:
        state = self.learners.get(learner)
        if state is not None:
            self._end(state.targets.pop(_key(exercise, fresh, hidden), None))

    def submission(self, exercise: Exercise, learner: str) -> Submission:
        files = self.learners[learner].submission.exercises[exercise.id]
        if files.problem:
            raise LearnerUnavailable(Outcome.MISSING, files.problem)
        return Submission.from_bytes(exercise, files.files)

    def output(self, exercise: Exercise, learner: str, hidden: bool = False) -> str:
        found = self.learners[learner].targets.get(_key(exercise, "", hidden))
        return found.output() if isinstance(found, SandboxedLearner) else ""

    def notes(self, exercise: Exercise, learner: str) -> list[str]:
        return list(self.learners[learner].submission.exercises[exercise.id].notes)

    def seed(self, exercise: Exercise, learner: str) -> int:
        state = self.learners[learner]
        if exercise.id not in state.seeds:
            files = state.submission.exercises[exercise.id].files
            state.seeds[exercise.id] = learner_seed(self.settings.seed, learner, exercise.id, files)
        return state.seeds[exercise.id]

    # pytest hooks.

    def pytest_configure(self, config: pytest.Config) -> None:
        config.stash[plugin.grading_key] = self

    def pytest_workbook_check(self, check: CheckResult) -> None:
        state = self.learners.get(check.learner)
        if state is not None:
            state.checks.append(check)

    def pytest_generate_tests(self, metafunc: pytest.Metafunc) -> None:
        if "_workbook_learner" in metafunc.fixturenames:
            names = list(self.learners)
            metafunc.parametrize("_workbook_learner", names, indirect=True, ids=names)

    @pytest.hookimpl(trylast=True)
    def pytest_collection_modifyitems(self, items: list[pytest.Item]) -> None:
        position = {id(item): index for index, item in enumerate(items)}

        def key(item: pytest.Item) -> tuple[int, str, int]:
            learner = _learner_of(item)
            exercise = plugin.exercise_of(item.config, item.path)
            return (
                self.order.get(learner, -1),
                exercise.id if exercise else "",
                position[id(item)],
            )

        items.sort(key=key)

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_protocol(
        self, item: pytest.Item, nextitem: pytest.Item | None
    ) -> Generator[None, object, object]:
        learner = _learner_of(item)
        if learner not in self._begun:
            self._begun.add(learner)
            for watcher in learner_watchers:
                watcher(learner)
        result = yield
        if nextitem is None or _learner_of(nextitem) != learner:
            self._finish(learner, item.config)
        return result

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtest_makereport(
        self, item: pytest.Item, call: pytest.CallInfo[None]
    ) -> pytest.TestReport:
        """A plain report: the grader shows the checker's messages, so pytest's source-annotated
        tracebacks (most of a failing check's cost) are never built."""
        state = self.learners.get(_learner_of(item))
        exercise = plugin.exercise_of(item.config, item.path)
        if state is not None and exercise is not None:
            state.spent[exercise.id] = state.spent.get(exercise.id, 0.0) + call.duration
        excinfo = call.excinfo
        longrepr: Any = None
        if excinfo is None:
            outcome = "passed"
        elif isinstance(excinfo.value, pytest.skip.Exception):
            outcome = "skipped"
            longrepr = (str(item.path), item.location[1] or 0, str(excinfo.value))
        else:
            outcome = "failed"
            longrepr = f"{excinfo.typename}: {excinfo.value}"
        return pytest.TestReport(
            item.nodeid,
            item.location,
            dict.fromkeys(item.keywords, 1),
            outcome,  # type: ignore[arg-type]
            longrepr,
            call.when,  # type: ignore[arg-type]
            duration=call.duration,
            start=call.start,
            stop=call.stop,
        )

    # Bookkeeping.

    def _start(
        self, exercise: Exercise, state: _Learner, *, hidden: bool
    ) -> SandboxedLearner | LearnerUnavailable:
        files = state.submission.exercises[exercise.id]
        if files.problem:
            return LearnerUnavailable(Outcome.MISSING, files.problem)
        reaching = tripwire.in_source(files.files)
        if reaching:
            return LearnerUnavailable(
                Outcome.FLAGGED,
                flagged(
                    f"the submission's code reaches into the grader ({'; '.join(reaching[:3])})"
                ),
            )
        workspace = Path(tempfile.mkdtemp(prefix="learner-", dir=self.scratch))
        run_dir = workspace / "exercises" / exercise.id
        # The starter's own copies of the learner's files stay out: only what they submitted.
        shutil.copytree(
            exercise.directory, run_dir, ignore=learners.ignore_owned(exercise, exercise.directory)
        )
        for name, data in files.files.items():
            (run_dir / name).parent.mkdir(parents=True, exist_ok=True)
            (run_dir / name).write_bytes(data)
        if self.uid is not None:
            for path in [workspace, *workspace.rglob("*")]:
                os.chown(path, self.uid, self.uid)
        grant = None
        if self.postgres is not None and databases.uses_database(exercise):
            grant = self.postgres.grant()
        spec = ChildSpec(
            exercise,
            workspace,
            self.settings.limits.for_exercise(exercise.sandbox),
            max(self.settings.check_timeout, exercise.sandbox.timeout or 0.0),
            self.uid,
            files.origins,
            grant,
        )
        target = SandboxedLearner(self.server, spec, hidden=hidden)
        try:
            target.start()
        except LearnerUnavailable as problem:
            shutil.rmtree(workspace, ignore_errors=True)
            if grant is not None and self.postgres is not None:
                self.postgres.drop(grant)
            return problem
        return target

    def _close_others(self, exercise: Exercise, hidden: bool, state: _Learner) -> None:
        for key in list(state.targets):
            parts = key.split()
            if (parts[0], parts[1:2] == ["hidden"]) == (exercise.id, hidden):
                continue
            if isinstance(state.targets[key], SandboxedLearner):
                # What it printed was read already; a later check of its kind gets a new app.
                self._end(state.targets.pop(key))

    def _finish(self, learner: str, config: pytest.Config) -> None:
        state = self.learners.get(learner)
        if state is None:
            return
        for found in state.targets.values():
            self._end(found)
        state.targets.clear()
        mine = state.checks
        graded_at = datetime.now(timezone.utc).isoformat(timespec="seconds")
        rows: list[TaskGrade] = []
        for exercise in self.exercises.values():
            checks = _flag_all([c for c in mine if c.exercise_id == exercise.id])
            result = scoring.score_exercise(exercise, checks)
            seed = self.seed(exercise, learner)
            for task in result.tasks:
                rows.append(
                    TaskGrade(
                        learner=learner,
                        exercise=exercise.id,
                        exercise_title=exercise.title,
                        task=task.task.id,
                        task_title=task.task.title,
                        outcome=task.outcome,
                        points=task.points,
                        max_points=task.task.points,
                        message=task.message,
                        hint=task.task.hints[0] if task.task.hints else "",
                        hidden=task.hidden,
                        duration=round(task.duration, 4),
                        grader_version=__version__,
                        graded_at=graded_at,
                        seed=seed,
                    )
                )
        self.graded.append(LearnerGrades(learner, tuple(rows)))
        del self.learners[learner]

    def close(self) -> None:
        """Finish learners pytest never reached (a usage error), so nothing is left running."""
        for state in self.learners.values():
            for found in state.targets.values():
                self._end(found)
        if self.postgres is not None:
            self.postgres.close()

    def _end(self, found: SandboxedLearner | LearnerUnavailable | None) -> None:
        """Stop a learner's app, if one runs, and remove its workspace and its database."""
        if isinstance(found, SandboxedLearner):
            found.close()
            shutil.rmtree(found.workspace, ignore_errors=True)
            if found.database is not None and self.postgres is not None:
                self.postgres.drop(found.database)


def _flag_all(checks: list[CheckResult]) -> list[CheckResult]:
    """A submission caught tampering in one check is flagged in all of its exercise's checks:
    what passed before it was caught proves nothing."""
    flag = next((c for c in checks if c.outcome is Outcome.FLAGGED), None)
    if flag is None:
        return checks
    return [replace(c, outcome=Outcome.FLAGGED, message=flag.message, hidden=False) for c in checks]


def _key(exercise: Exercise, fresh: str, hidden: bool) -> str:
    """Which of a learner's apps a check gets. Hidden checks get one of their own, started after
    every visible check has run: what their requests showed the learner's code cannot come back
    in a visible check's message."""
    return " ".join(part for part in (exercise.id, "hidden" if hidden else "", fresh) if part)


def _learner_of(item: pytest.Item) -> str:
    callspec = getattr(item, "callspec", None)
    return str(callspec.params.get("_workbook_learner", "")) if callspec is not None else ""
