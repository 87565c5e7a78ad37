"""Turn check results into task and exercise results. Pure functions, no I/O."""

from __future__ import annotations

from collections.abc import Iterable

from checker.course.manifest import Exercise, Task
from checker.course.results import CheckResult, ExerciseResult, Outcome, TaskResult


def score_task(task: Task, checks: Iterable[CheckResult]) -> TaskResult:
    """A task passes, with all its points, only when it has checks and every one passed."""
    checks = list(checks)
    if not checks:
        return TaskResult(task, Outcome.MISSING, 0, "no check ran for this task")
    duration = sum(check.duration for check in checks)
    failing = [check for check in checks if check.outcome is not Outcome.PASSED]
    if not failing:
        return TaskResult(task, Outcome.PASSED, task.points, duration=duration)
    worst = max(failing, key=lambda check: check.outcome.severity)
    shown = worst if worst.outcome is not failing[0].outcome else failing[0]
    output = next((check.output for check in failing if check.output), "")
    return TaskResult(
        task, worst.outcome, 0, shown.message, output, hidden=shown.hidden, duration=duration
    )


def score_exercise(
    exercise: Exercise, checks: Iterable[CheckResult], problem: str = "", graded: str = ""
) -> ExerciseResult:
    """Group an exercise's check results by task and score each task."""
    by_task: dict[str, list[CheckResult]] = {task.id: [] for task in exercise.tasks}
    for check in checks:
        by_task.setdefault(check.task_id, []).append(check)
    tasks = tuple(score_task(task, by_task[task.id]) for task in exercise.tasks)
    return ExerciseResult(exercise, tasks, problem, graded)


def total(results: Iterable[ExerciseResult]) -> tuple[int, int]:
    """Points earned and points possible over several exercises."""
    results = list(results)
    return sum(r.points for r in results), sum(r.max_points for r in results)
