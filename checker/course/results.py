"""Outcomes of checks, tasks and exercises, as plain frozen data."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from checker.course.manifest import Exercise, Task


class Outcome(enum.Enum):
    """How a check, or a task, ended."""

    PASSED = "passed"
    FAILED = "failed"
    ERROR = "error"  # the learner's code raised
    TIMEOUT = "timeout"
    CRASHED = "crashed"  # the learner's process died
    MISSING = "missing"  # no file, or no such name
    FLAGGED = "flagged"  # when graded: the code tampered with the checker; no points, and the
    # instructor sees what was found

    @property
    def severity(self) -> int:
        """How bad the outcome is; a task reports its worst check."""
        return _SEVERITY[self]


_SEVERITY = {
    Outcome.PASSED: 0,
    Outcome.FAILED: 1,
    Outcome.ERROR: 2,
    Outcome.MISSING: 3,
    Outcome.TIMEOUT: 4,
    Outcome.CRASHED: 5,
    Outcome.FLAGGED: 6,
}


@dataclass(frozen=True)
class CheckResult:
    """One check (one pytest test) against one submission."""

    exercise_id: str
    task_id: str
    name: str
    outcome: Outcome
    message: str = ""
    output: str = ""
    duration: float = 0.0
    learner: str = ""  # "" when a learner checks their own files
    hidden: bool = False  # one of the instructor's hidden checks


@dataclass(frozen=True)
class TaskResult:
    """A task's verdict: it passes only when every one of its checks passes."""

    task: Task
    outcome: Outcome
    points: int
    message: str = ""
    output: str = ""
    hidden: bool = False  # the message comes from a hidden check
    duration: float = 0.0

    @property
    def passed(self) -> bool:
        return self.outcome is Outcome.PASSED


@dataclass(frozen=True)
class ExerciseResult:
    """Every task of one exercise, and why the learner's code could not run, if it could not."""

    exercise: Exercise
    tasks: tuple[TaskResult, ...]
    problem: str = ""
    graded: str = ""  # the exercise notebook, when it was graded instead of the app file

    @property
    def points(self) -> int:
        return sum(task.points for task in self.tasks)

    @property
    def max_points(self) -> int:
        return self.exercise.points

    @property
    def passed(self) -> bool:
        return all(task.passed for task in self.tasks)
