"""What grading produces, as plain frozen data: one ``TaskGrade`` per (learner, exercise, task)."""

from __future__ import annotations

from dataclasses import dataclass

from checker.course.results import Outcome


@dataclass(frozen=True)
class TaskGrade:
    """One row of the gradebook."""

    learner: str
    exercise: str
    exercise_title: str
    task: str
    task_title: str
    outcome: Outcome
    points: int
    max_points: int
    # The full message; feedback hides it when `hidden` unless hidden checks are shown.
    message: str
    hint: str  # the task's first hint, shown with a failing task
    hidden: bool  # the message comes from an instructor's hidden check
    duration: float  # seconds spent on the task's checks
    grader_version: str
    graded_at: str  # ISO 8601, UTC
    # what the checks' inputs were drawn from: `pytest exercises/NN --workbook-seed SEED` draws
    # the same; None where no check was run (a grader failure)
    seed: int | None = None


@dataclass(frozen=True)
class Protection:
    """A sandbox protection and whether it was active on this host."""

    name: str  # e.g. "memory limit", "network namespace", "separate uid"
    active: bool
    detail: str  # what it was set to, or why it was unavailable
