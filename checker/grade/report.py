"""The cohort report: one self-contained HTML page for the instructor, with charts as inline SVG.

The report is for the instructor, so it shows hidden checks' messages (marked as hidden).
"""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from checker.course.results import Outcome
from checker.files import write_text_atomic
from checker.grade import charts
from checker.grade.model import Protection, TaskGrade
from checker.grade.outputs import (
    Cohort,
    clip,
    cohort,
    environment,
    learner_total,
    status_notes,
)

TOP_MESSAGES = 5
REPORT_MESSAGE_CHARS = 300
LEARNERS_LISTED = 40


@dataclass(frozen=True)
class TaskSummary:
    """How the cohort did on one task."""

    exercise: str
    task: str
    title: str
    graded: int  # learners with a row for the task
    passed: int
    outcomes: tuple[tuple[str, int], ...]  # (outcome, learners), every outcome, in Outcome order


@dataclass(frozen=True)
class FailureMessage:
    """A message that ended a task in anything but a pass, and who got it."""

    exercise: str
    message: str
    learners: int
    tasks: tuple[str, ...]
    hidden: bool


@dataclass(frozen=True)
class Incident:
    """The learners whose code timed out, or crashed, in one exercise."""

    exercise: str
    outcome: str
    learners: tuple[str, ...]


@dataclass(frozen=True)
class LearnerSummary:
    name: str
    points: tuple[str, ...]  # per exercise; "" when the exercise has no row for the learner
    total: int
    problems: str  # "03: timeout"... as in grades.csv


@dataclass(frozen=True)
class CohortSummary:
    """Everything the report shows, computed from the gradebook rows."""

    learners: tuple[LearnerSummary, ...]
    exercises: tuple[tuple[str, str], ...]
    max_total: int
    tasks: tuple[TaskSummary, ...]
    failures: tuple[FailureMessage, ...]  # up to TOP_MESSAGES per exercise, most common first
    incidents: tuple[Incident, ...]
    grader_versions: tuple[str, ...]
    graded_from: str
    graded_to: str

    @property
    def totals(self) -> list[int]:
        return [learner.total for learner in self.learners]

    @property
    def mean(self) -> float:
        return statistics.fmean(self.totals) if self.learners else 0.0

    @property
    def median(self) -> float:
        return statistics.median(self.totals) if self.learners else 0.0


def summarise(grades: Sequence[TaskGrade]) -> CohortSummary:
    """Count what the report shows."""
    data = cohort(grades)
    rows = list(data.grades.values())
    return CohortSummary(
        learners=_learners(data),
        exercises=data.exercises,
        max_total=data.max_total,
        tasks=_tasks(data),
        failures=_failures(data),
        incidents=_incidents(data),
        grader_versions=tuple(sorted({g.grader_version for g in rows})),
        graded_from=min((g.graded_at for g in rows), default=""),
        graded_to=max((g.graded_at for g in rows), default=""),
    )


def _learners(data: Cohort) -> tuple[LearnerSummary, ...]:
    result = []
    for learner in data.learners:
        points = []
        for exercise, _ in data.exercises:
            rows = [g for c in data.tasks(exercise) if (g := data.grade(learner, c))]
            points.append(str(sum(g.points for g in rows)) if rows else "")
        problems = "; ".join(status_notes(data, learner))
        result.append(
            LearnerSummary(learner, tuple(points), learner_total(data, learner), problems)
        )
    return tuple(result)


def _tasks(data: Cohort) -> tuple[TaskSummary, ...]:
    result = []
    for column in data.columns:
        got = [g for learner in data.learners if (g := data.grade(learner, column))]
        counts = Counter(g.outcome for g in got)
        outcomes = tuple((outcome.value, counts[outcome]) for outcome in Outcome)
        passed = counts[Outcome.PASSED]
        result.append(
            TaskSummary(column.exercise, column.task, column.title, len(got), passed, outcomes)
        )
    return tuple(result)


def _failures(data: Cohort) -> tuple[FailureMessage, ...]:
    """Per exercise, the messages most learners got, counting each learner once per message."""
    result: list[FailureMessage] = []
    for exercise, _ in data.exercises:
        learners: dict[str, set[str]] = defaultdict(set)
        tasks: dict[str, dict[str, None]] = defaultdict(dict)
        hidden: dict[str, bool] = defaultdict(bool)
        for column in data.tasks(exercise):
            for learner in data.learners:
                grade = data.grade(learner, column)
                if grade is None or grade.outcome is Outcome.PASSED:
                    continue
                message = grade.message.strip() or f"({grade.outcome.value}, no message)"
                learners[message].add(learner)
                tasks[message][column.task] = None
                hidden[message] |= grade.hidden
        ranked = sorted(learners, key=lambda message: (-len(learners[message]), message))
        result += [
            FailureMessage(
                exercise, message, len(learners[message]), tuple(tasks[message]), hidden[message]
            )
            for message in ranked[:TOP_MESSAGES]
        ]
    return tuple(result)


def _incidents(data: Cohort) -> tuple[Incident, ...]:
    result = []
    for exercise, _ in data.exercises:
        for outcome in (Outcome.TIMEOUT, Outcome.CRASHED, Outcome.FLAGGED):
            learners = tuple(
                learner
                for learner in data.learners
                if any(
                    (g := data.grade(learner, c)) and g.outcome is outcome
                    for c in data.tasks(exercise)
                )
            )
            result.append(Incident(exercise, outcome.value, learners))
    return tuple(result)


def report_charts(summary: CohortSummary) -> list[charts.Chart]:
    """The report's four charts, in the order the page shows them."""
    rates = [
        charts.Rate(
            f"{task.exercise} · {task.title}",
            task.passed,
            task.graded,
            f"{task.exercise}/{task.task} {task.title}: {task.passed} of {task.graded} passed",
        )
        for task in summary.tasks
    ]
    groups = [
        charts.Group(
            f"{exercise} · {title}",
            tuple(
                charts.Rate(
                    failure.message,
                    failure.learners,
                    len(summary.learners),
                    f"{failure.learners} learners: {clip(failure.message, REPORT_MESSAGE_CHARS)}",
                )
                for failure in summary.failures
                if failure.exercise == exercise
            ),
        )
        for exercise, title in summary.exercises
    ]
    by_exercise = {(i.exercise, i.outcome): len(i.learners) for i in summary.incidents}
    counts = [
        (
            exercise,
            by_exercise.get((exercise, Outcome.TIMEOUT.value), 0),
            by_exercise.get((exercise, Outcome.CRASHED.value), 0),
        )
        for exercise, _ in summary.exercises
    ]
    return [
        charts.score_distribution(summary.totals, summary.max_total),
        charts.pass_rate(rates),
        charts.failures(groups, len(summary.learners)),
        charts.incidents(counts),
    ]


def write_report(
    grades: Sequence[TaskGrade],
    path: Path,
    *,
    protections: Sequence[Protection],
    title: str = "Cohort report",
) -> None:
    """report.html: the cohort at a glance, readable offline (inline CSS and SVG, no scripts)."""
    summary = summarise(grades)
    page = (
        environment()
        .get_template("report.html")
        .render(
            title=title,
            summary=summary,
            charts=report_charts(summary),
            protections=protections,
            message_chars=REPORT_MESSAGE_CHARS,
            learners_listed=LEARNERS_LISTED,
            clip=clip,
        )
    )
    write_text_atomic(path, page)
