"""Grade one task from a notebook cell, for nbgrader's autograded test cells.

``workbook nbgrader export`` writes one test cell per task, each calling
``check_task("03", "query-args")``. The cell runs the exercise's own checks (``exercises/03/
test_03.py``, through the checker, as ``pytest exercises/03`` does) against the learner files in
the notebook's folder, which the notebook's ``%%writefile app.py`` cell wrote. nbgrader gives the
cell its points only when it does not raise, so a task that does not pass raises ``TaskFailed``.
(nbgrader also gives 0 to a test cell that writes to stderr or whose value is a number; a cell
that calls ``check_task`` does neither: the checks' own output is captured.)

The checks run once per exercise and set of learner files: the next task's cell reuses the result
while the files are unchanged, and runs them again as soon as one changes.

The checks run in the notebook's kernel, beside the learner's code, as nbgrader's own tests do.
For a cohort whose code should not be trusted, `workbook grade` runs each learner in a sandbox.
"""

from __future__ import annotations

import functools
from pathlib import Path

from checker import course
from checker.course.manifest import MANIFEST_NAME, Exercise
from checker.course.report import marks
from checker.course.results import ExerciseResult, TaskResult
from checker.errors import Problem
from checker.runtime import runner


class CheckerUnavailable(Problem):
    """The checks could not run at all: the course, the exercise or the task is not there.

    This is a problem with the grading setup, not with the learner's code.
    """


class TaskFailed(AssertionError):
    """A task that did not pass, with the checker's message and the task's first hint."""

    def __init__(self, result: TaskResult, problem: str = "") -> None:
        self.result = result
        task = result.task
        super().__init__(
            failed_text(
                task.id,
                task.title,
                task.points,
                result.outcome.value,
                result.message,
                task.hints[0] if task.hints else "",
                problem,
            )
        )


def passed_line(task: str, title: str, points: int) -> str:
    """What a test cell prints when its task passes."""
    passed, _ = marks("utf-8")
    return f"{passed} {task}: {title}, {points}/{points} points"


def failed_text(
    task: str, title: str, points: int, outcome: str, message: str, hint: str, problem: str = ""
) -> str:
    """What a test cell shows when its task does not pass: the outcome, why, and a hint."""
    _, failed = marks("utf-8")
    lines = [f"{failed} {task}: {title}, 0/{points} points ({outcome})"]
    if problem and problem != message:
        lines.append(f"Your code could not be checked: {problem}")
    if message:
        lines.append(message)
    if hint:
        lines.append(f"Hint: {hint}")
    return "\n".join(lines)


def check_task(exercise: str, task: str, *, folder: Path | None = None) -> None:
    """Check one task against the learner files in ``folder`` (default: the working folder).

    Prints a line when the task passes; raises TaskFailed when it does not, and
    CheckerUnavailable when the checks cannot run. It returns nothing on purpose: nbgrader reads
    a test cell's value as partial credit.
    """
    found = _exercise(exercise)
    if task not in {known.id for known in found.tasks}:
        known = ", ".join(known.id for known in found.tasks)
        raise CheckerUnavailable(f"exercise {found.id} has no task {task!r}; its tasks are {known}")
    result = exercise_result(found, (folder or Path.cwd()).resolve())
    task_result = next(done for done in result.tasks if done.task.id == task)
    if not task_result.passed:
        raise TaskFailed(task_result, result.problem)
    print(passed_line(task, task_result.task.title, task_result.points))


def exercise_result(exercise: Exercise, folder: Path) -> ExerciseResult:
    """The exercise's results for the learner files in ``folder``, run again when they change."""
    return _checked(exercise.directory, folder, _fingerprint(exercise, folder))


def _exercise(exercise_id: str) -> Exercise:
    try:
        exercises = course.exercises(course.find_root())
    except Problem as error:
        raise CheckerUnavailable(error.show()) from None
    for exercise in exercises:
        if exercise.id == exercise_id:
            return exercise
    known = ", ".join(exercise.id for exercise in exercises)
    raise CheckerUnavailable(f"there is no exercise {exercise_id!r}; the exercises are {known}")


_Fingerprint = tuple[tuple[str, bytes | int | None], ...]


def _fingerprint(exercise: Exercise, folder: Path) -> _Fingerprint:
    """What the result depends on: the learner's files and any notebook beside them, byte for
    byte, and the versions of the exercise's checks and manifest."""
    names = sorted(
        {*exercise.required, *exercise.owned_in(folder), *(p.name for p in folder.glob("*.ipynb"))}
    )
    learner = tuple((name, _read(folder / name)) for name in names)
    checks = tuple(
        (str(path), path.stat().st_mtime_ns)
        for path in (
            *sorted(exercise.directory.glob("test_*.py")),
            exercise.directory / MANIFEST_NAME,
        )
    )
    return learner + checks


def _read(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError:
        return None


@functools.lru_cache(maxsize=4)
def _checked(directory: Path, folder: Path, fingerprint: _Fingerprint) -> ExerciseResult:
    """Run the checks; ``fingerprint`` is only part of the cache key."""
    try:
        _, results = runner.check([directory], submission=folder)
    except Problem as error:
        raise CheckerUnavailable(error.show()) from None
    if not results:
        raise CheckerUnavailable(f"no check ran for {directory}; run `pytest {directory}`")
    return results[0]
