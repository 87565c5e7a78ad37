"""Grade a whole cohort: the Python API that ``workbook grade`` wraps."""

from __future__ import annotations

import math
import multiprocessing
import multiprocessing.queues
import os
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from pathlib import Path
from queue import Empty
from typing import TYPE_CHECKING

from checker import __version__, course
from checker.errors import Problem
from checker.grade import databases, engine, intake, isolation
from checker.grade.engine import LearnerGrades, Settings
from checker.grade.gradebook import FILE_NAME, Gradebook
from checker.grade.model import Protection, TaskGrade
from checker.runtime import inputs

if TYPE_CHECKING:
    from checker.grade.to_nbgrader import Course, Written
from checker.course.manifest import Exercise
from checker.course.results import Outcome
from checker.notebooks.export import CONFIG_NAME

MAX_BATCH = 20
NBGRADER_LOG = "nbgrader.log"  # nbgrader's own log of the submissions it did not take


class GradeError(Problem):
    """The grading run cannot start: a bad folder, an unknown exercise or learner."""


class NoSandbox(GradeError):
    """No sandbox can be made on this host, and grading without one was not allowed."""


@dataclass(frozen=True)
class Options:
    """What ``workbook grade`` was asked to do."""

    exercises: tuple[str, ...] = ()  # empty: every exercise of the course
    hidden: Path | None = None
    show_hidden: bool = False
    workers: int = 0  # 0: one per core
    check_timeout: float = 5.0
    exercise_timeout: float = 60.0
    learner: str | None = None
    resume: bool = False
    seed: int | None = None  # the cohort's seed; None: the gradebook's, or a new one
    scheduler: str | None = None  # a Dask scheduler's address; None: a local process pool
    nbgrader: Path | None = None  # an nbgrader course to autograde into, from the results
    # Refuse to start where no sandbox can be made (`workbook grade` does, unless --unsafe).
    require_sandbox: bool = False
    # A PostgreSQL server (an admin's URL over its UNIX socket) on which each learner's app gets
    # a database of its own; None: SQLite files in the app's workspace.
    postgres: str | None = None


@dataclass
class Tally:
    """How the run is going, for the progress bar."""

    total: int
    done: int = 0
    skipped: int = 0
    timeouts: int = 0
    crashes: int = 0
    flagged: int = 0  # learners caught tampering with the grader, on at least one exercise
    slowest: str = ""  # the learner graded longest right now, once past SLOW: "ada (03, 42 s)"
    failures: list[str] = field(default_factory=list)  # learners the grader itself failed on
    nbgrader: Written | None = None  # what went into the nbgrader course, with --nbgrader
    nbgrader_skipped: list[str] = field(default_factory=list)  # exercises it has no assignment for
    protections: tuple[Protection, ...] = ()  # what the children got, as the report lists it
    seed: int = 0  # the cohort's seed, from which each learner's is derived

    def add(self, graded: LearnerGrades) -> None:
        self.done += 1
        outcomes = [grade.outcome for grade in graded.grades]
        self.timeouts += outcomes.count(Outcome.TIMEOUT)
        self.crashes += outcomes.count(Outcome.CRASHED)
        self.flagged += Outcome.FLAGGED in outcomes


def grade(
    submissions: Path,
    out: Path,
    options: Options = Options(),
    *,
    root: Path | None = None,
    on_start: Callable[[Tally], None] = lambda tally: None,
    on_learner: Callable[[Tally], None] = lambda tally: None,
    on_nbgrader: Callable[[int, int], None] = lambda done, total: None,
) -> Tally:
    """Grade every learner in ``submissions`` and write the results into ``out`` (and, with
    ``options.nbgrader``, into that nbgrader course)."""
    root = root or course.find_root()
    exercises = _exercises(root, options.exercises)
    nbgrader = _nbgrader_course(options.nbgrader, exercises, submissions)
    if nbgrader is not None and not options.exercises:
        # Into nbgrader, "every exercise" means every one it has as an assignment.
        exercises = [exercise for exercise in exercises if exercise.id in nbgrader.assignments]
    ids = [exercise.id for exercise in exercises]
    entries = _learners(submissions)
    if options.learner is not None:
        entries = [(name, path) for name, path in entries if name == options.learner]
        if not entries:
            raise GradeError(f"no learner {options.learner!r} in {submissions}")
    if options.hidden is not None:
        _check_hidden(options.hidden, course.exercises(root))
    _check_out(out, submissions)
    settings = Settings(
        check_timeout=options.check_timeout,
        exercise_timeout=options.exercise_timeout,
        hidden=options.hidden.resolve() if options.hidden else None,
        postgres=options.postgres,
    )
    protections = tuple(isolation.protections(settings.limits, separate_uid=settings.separate_uid))
    if options.require_sandbox:
        _check_sandbox(protections)
    if options.postgres:
        databases.Databases(options.postgres).close()  # a server that cannot be used stops here
    _make_out(out)  # the first thing written, once everything else is known to be right
    settings = replace(
        settings,
        hide=_private(root, submissions, out, options.hidden, options.nbgrader),
        require_sandbox=not isolation.why_no_sandbox(),
    )
    book = Gradebook(out / FILE_NAME)
    try:
        # One seed per cohort, kept in the gradebook, so resuming or regrading draws as before.
        seed = options.seed if options.seed is not None else book.seed()
        if seed is None:
            seed = inputs.new_seed()
        book.set_seed(seed)
        settings = replace(settings, seed=seed)
        done = book.graded(ids) if options.resume else set()
        todo = [(name, path) for name, path in entries if name not in done]
        tally = Tally(
            total=len(entries),
            skipped=len(entries) - len(todo),
            protections=protections,
            seed=seed,
        )
        tally.done = tally.skipped
        on_start(tally)
        workers = options.workers or os.cpu_count() or 1
        size = max(1, min(MAX_BATCH, math.ceil(len(todo) / (workers * 4)))) if todo else 1
        batches = [todo[start : start + size] for start in range(0, len(todo), size)]
        stream: Iterable[LearnerGrades]
        if options.scheduler:
            stream = _on_cluster(options.scheduler, root, ids, exercises, batches, settings, tally)
        else:
            stream = _Stream(
                root, ids, exercises, batches, settings, workers, tally, lambda: on_learner(tally)
            )
        for graded in stream:
            book.record(graded.learner, ids, graded.grades)
            tally.add(graded)
            on_learner(tally)
        grades = book.grades()
    finally:
        book.close()
    _write_outputs(grades, out, options, protections)
    if nbgrader is not None:
        from checker.grade import to_nbgrader

        pairs = to_nbgrader.submissions(nbgrader, [name for name, _ in entries])
        tally.nbgrader_skipped = [e for e in ids if e not in nbgrader.assignments]
        tally.nbgrader = to_nbgrader.write(
            nbgrader,
            out / FILE_NAME,
            pairs,
            out / NBGRADER_LOG,
            show_hidden=options.show_hidden,
            on_done=lambda done: on_nbgrader(done, len(pairs)),
        )
    return tally


SUBMISSION_SHAPE = (
    "one folder or .zip per learner, holding the learner's files at their course paths "
    "(ada/exercises/01/app.py, or ada/01/app.py, or ada.zip)"
)


def _learners(submissions: Path) -> list[tuple[str, Path]]:
    """The learners in the submissions folder; an error unless there is at least one."""
    if not submissions.exists():
        raise GradeError(f"{submissions} is not a folder of submissions")
    if not submissions.is_dir():
        raise GradeError(
            f"{submissions} is not a folder of submissions but a file: give the folder that "
            f"holds {SUBMISSION_SHAPE}"
        )
    try:
        entries = intake.learners(submissions)
    except intake.IntakeError as error:
        raise GradeError(str(error)) from None
    except OSError as error:
        raise GradeError(f"cannot read {submissions}: {error.strerror}") from None
    if not entries:
        raise GradeError(
            f"there are no submissions in {submissions}: it should hold {SUBMISSION_SHAPE}"
        )
    return entries


def _check_hidden(hidden: Path, exercises: Sequence[Exercise]) -> None:
    """The hidden checks' folder holds HIDDEN/NN/ for at least one exercise of the course."""
    if not hidden.is_dir():
        raise GradeError(f"--hidden {hidden}: no such folder")
    if any((hidden / exercise.id).is_dir() for exercise in exercises):
        return
    shape = f"{hidden}/NN/test_*.py, with NN an exercise: {', '.join(e.id for e in exercises)}"
    if hidden.name in {exercise.id for exercise in exercises}:
        raise GradeError(
            f"--hidden {hidden} is the hidden checks of exercise {hidden.name} alone; "
            f"give the folder above it: --hidden {hidden.parent}"
        )
    if any(hidden.glob("test_*.py")):
        raise GradeError(
            f"--hidden {hidden} holds test files itself; hidden checks go in {shape} "
            "(give the folder above it, if it is one exercise's folder)"
        )
    raise GradeError(f"--hidden {hidden} has no folder of hidden checks; they go in {shape}")


def _check_out(out: Path, submissions: Path) -> None:
    """The results folder can be made, and is not among the submissions."""
    if out.exists() and not out.is_dir():
        raise GradeError(f"--out {out} is a file; give a folder for the results")
    inside = submissions.resolve()
    where = out.resolve()
    if where == inside or inside in where.parents:
        what = "is" if where == inside else "is inside"
        raise GradeError(
            f"--out {out} {what} the submissions folder {submissions}; the next run would "
            "grade the results as a learner: choose a folder outside it"
        )


def _make_out(out: Path) -> None:
    """Create the results folder and make sure files can be written in it."""
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise GradeError(f"cannot create {out}: {error.strerror or error}") from None
    try:
        with tempfile.NamedTemporaryFile(dir=out, prefix=".workbook-write-test-"):
            pass
    except OSError as error:
        raise GradeError(f"cannot write in {out}: {error.strerror or error}") from None


def _check_sandbox(protections: Sequence[Protection]) -> None:
    """Refuse to grade where no sandbox can be made, naming what would be unprotected."""
    why = isolation.why_no_sandbox()
    if not why:
        return
    raise NoSandbox(
        f"no sandbox can be made here ({why}; a sandbox needs {isolation.SANDBOX_NEEDS}), so "
        f"learners' code would run without: {', '.join(isolation.unprotected(protections))}; "
        "add --unsafe to grade anyway"
    )


def _nbgrader_course(
    course_dir: Path | None, exercises: Sequence[Exercise], submissions: Path
) -> Course | None:
    """The nbgrader course to autograde into, checked before any grading starts."""
    if course_dir is None:
        return None
    try:
        from checker.grade import to_nbgrader
    except ImportError:
        raise GradeError(
            "--nbgrader needs nbgrader: pip install 'flask-workbook[instructor]'"
        ) from None
    try:
        nbgrader = to_nbgrader.open_course(course_dir, exercises)
    except to_nbgrader.NbgraderError as error:
        raise GradeError(str(error)) from None
    if nbgrader.submitted != submissions.resolve():
        raise GradeError(
            f"with --nbgrader {course_dir}, grade the course's own submissions: "
            f"workbook grade {nbgrader.submitted} ..."
        )
    return nbgrader


def _private(
    root: Path, submissions: Path, out: Path, hidden: Path | None, nbgrader: Path | None
) -> tuple[Path, ...]:
    """Folders the learners' code must not see: other submissions, the results, the hidden
    checks, the course's reference solutions, its own tests and its history, and an nbgrader
    course (its source/ holds the solutions, its gradebook.db every score)."""
    folders = [submissions, out, hidden, root / "solutions", root / "tests", root / ".git"]
    folders.append(nbgrader)
    if (submissions.parent / CONFIG_NAME).is_file():
        folders.append(submissions.parent)  # COURSE/submitted of an nbgrader course
    course = root.resolve()
    return tuple(
        dict.fromkeys(
            folder.resolve()
            for folder in folders
            if folder is not None
            and folder.exists()
            # The workbook itself stays: the sandbox runs its installed code.
            and not (folder.resolve() == course or folder.resolve() in course.parents)
        )
    )


def _exercises(root: Path, wanted: Sequence[str]) -> list[Exercise]:
    exercises = course.exercises(root)
    if not wanted:
        return exercises
    known = {exercise.id: exercise for exercise in exercises}
    normal = [f"{int(e):02d}" if e.isdigit() else e for e in wanted]
    unknown = [e for e in normal if e not in known]
    if unknown:
        raise GradeError(
            f"there is no exercise {unknown[0]!r}; the exercises are {', '.join(known)}"
        )
    return [known[e] for e in sorted(set(normal))]


SLOW = 10.0  # seconds on one learner after which the progress bar names them


class _Stream:
    """Yields each learner's grades as their batch finishes, in a pool of worker processes.

    Workers say which learner they start (through a queue the pool's initializer hands them), so
    a learner who takes long is named while it lasts, not only once it ends."""

    def __init__(
        self,
        root: Path,
        ids: list[str],
        exercises: list[Exercise],
        batches: list[list[tuple[str, Path]]],
        settings: Settings,
        workers: int,
        tally: Tally,
        on_busy: Callable[[], None] = lambda: None,
    ) -> None:
        self.root, self.ids, self.exercises = root, ids, exercises
        self.batches, self.settings, self.workers, self.tally = batches, settings, workers, tally
        self.on_busy = on_busy
        self.busy: dict[int, tuple[str, float]] = {}  # worker pid: (learner, since)

    def __iter__(self) -> Iterator[LearnerGrades]:
        if not self.batches:
            return
        context = multiprocessing.get_context("spawn")
        queue = context.Queue()
        # Workers die with this process, even by kill -9; their warm servers and children
        # follow them (see checker.grade.sandbox).
        with ProcessPoolExecutor(
            max_workers=self.workers,
            mp_context=context,
            initializer=_worker_started,
            initargs=(queue, os.getpid()),
        ) as pool:
            futures: dict[Future[list[LearnerGrades]], list[tuple[str, Path]]] = {
                pool.submit(_grade_entries, self.root, self.ids, batch, self.settings): batch
                for batch in self.batches
            }
            pending = set(futures)
            while pending:
                finished, pending = wait(pending, timeout=1.0, return_when=FIRST_COMPLETED)
                self._note(queue)
                for future in finished:
                    batch = futures[future]
                    self._done_with({name for name, _ in batch})
                    try:
                        yield from future.result()
                    except Exception:
                        # Grade the batch's learners one at a time, so one bad case is isolated.
                        for entry in batch:
                            yield from self._alone(pool, entry)
        queue.close()

    def _note(self, queue: multiprocessing.queues.Queue[tuple[int, str, float]]) -> None:
        """Who each worker is grading now; name the one graded longest once past SLOW."""
        while True:
            try:
                worker, learner, since = queue.get_nowait()
            except (Empty, OSError, ValueError):
                break
            self.busy[worker] = (learner, since)
        now = time.time()
        longest = max(self.busy.values(), key=lambda busy: now - busy[1], default=None)
        slowest = ""
        if longest is not None and now - longest[1] >= SLOW:
            slowest = f"{longest[0]} ({now - longest[1]:.0f} s)"
        if slowest != self.tally.slowest:
            self.tally.slowest = slowest
            self.on_busy()

    def _done_with(self, learners: set[str]) -> None:
        """A finished batch's learners are no longer being graded, whatever a worker said last."""
        for worker, (learner, _) in list(self.busy.items()):
            if learner in learners:
                del self.busy[worker]

    def _alone(self, pool: ProcessPoolExecutor, entry: tuple[str, Path]) -> list[LearnerGrades]:
        try:
            return pool.submit(_grade_entries, self.root, self.ids, [entry], self.settings).result()
        except Exception as error:
            self.tally.failures.append(entry[0])
            return [_grader_failed(entry[0], self.exercises, error)]


def _worker_started(
    queue: multiprocessing.queues.Queue[tuple[int, str, float]], grader: int
) -> None:
    """A pool worker's first act: die with the grader, and say which learner it starts."""
    isolation.die_with_parent(grader)
    engine.learner_watchers.append(lambda learner: queue.put((os.getpid(), learner, time.time())))


def _on_cluster(
    address: str,
    root: Path,
    ids: list[str],
    exercises: list[Exercise],
    batches: list[list[tuple[str, Path]]],
    settings: Settings,
    tally: Tally,
) -> Iterator[LearnerGrades]:
    """The same batches on a Dask cluster. Submissions are read here and shipped as data, so the
    workers need only the course, at the same path. A batch a worker fails on (one that cannot
    make the sandbox, say) is recorded as the grader's failure for each of its learners."""
    try:
        from distributed import Client, as_completed
    except ImportError:
        raise GradeError(
            "--scheduler needs Dask: pip install 'flask-workbook[instructor]'"
        ) from None
    try:
        client = Client(address, timeout="10s")  # type: ignore[no-untyped-call]
    except OSError as error:
        raise GradeError(f"cannot reach the Dask scheduler at {address}: {error}") from None
    with client:
        futures = {
            client.submit(
                engine.grade_batch,
                root,
                ids,
                [intake.read(name, path, exercises) for name, path in batch],
                settings,
                pure=False,
            ): batch
            for batch in batches
        }
        for future in as_completed(futures):  # type: ignore[no-untyped-call]
            try:
                graded = future.result()
            except Exception as error:
                graded = []
                for name, _ in futures[future]:
                    tally.failures.append(name)
                    graded.append(_grader_failed(name, exercises, error))
            yield from graded


def _grade_entries(
    root: Path, ids: list[str], entries: list[tuple[str, Path]], settings: Settings
) -> list[LearnerGrades]:
    """In a worker: read the batch's submissions and grade them."""
    exercises = [exercise for exercise in course.exercises(root) if exercise.id in ids]
    submissions = [intake.read(name, path, exercises) for name, path in entries]
    return engine.grade_batch(root, ids, submissions, settings)


def _grader_failed(learner: str, exercises: Sequence[Exercise], error: Exception) -> LearnerGrades:
    """Rows that say the grader failed, so the learner is not silently given zero."""
    now = datetime.now(timezone.utc).isoformat(timespec="seconds")
    return LearnerGrades(
        learner,
        tuple(
            TaskGrade(
                learner, e.id, e.title, t.id, t.title, Outcome.CRASHED, 0, t.points,
                f"the grader could not grade this submission ({type(error).__name__}: {error}); "
                "regrade it with --learner",
                "", False, 0.0, __version__, now,
            )
            for e in exercises
            for t in e.tasks
        ),
    )  # fmt: skip


def _write_outputs(
    grades: list[TaskGrade], out: Path, options: Options, protections: Sequence[Protection]
) -> None:
    from checker.grade import outputs, report

    outputs.write_csv(grades, out / "grades.csv")
    outputs.write_feedback(grades, out / "feedback", show_hidden=options.show_hidden)
    outputs.write_gradescope(grades, out / "gradescope", show_hidden=options.show_hidden)
    report.write_report(grades, out / "report.html", protections=protections)
