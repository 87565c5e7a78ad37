"""Write grading results for people and other tools: grades.csv, feedback HTML, Gradescope JSON.

Every writer is a function of the gradebook rows (``TaskGrade``) and a destination. Learners and
exercises come out sorted; tasks keep the order in which the grader recorded them (the manifest's).
The cohort report lives in ``checker.grade.report``.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import jinja2

from checker.course.results import Outcome
from checker.files import write_text_atomic
from checker.grade.model import TaskGrade

HIDDEN_NOTICE = "An additional check by your instructor did not pass."
FLAGGED_NOTICE = (
    "flagged: this submission's code tampered with the grader, so this exercise gets no points. "
    "Your instructor has the details."
)
FEEDBACK_MESSAGE_CHARS = 10_000
CLEAN = frozenset({Outcome.PASSED, Outcome.FAILED})

_SAFE_NAME = re.compile(r"[A-Za-z0-9._-]+")
_UNSAFE_CHARS = re.compile(r"[^A-Za-z0-9._-]")
_NAME_CHARS = 80
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class TaskColumn:
    """One task of one exercise, as it appears across the cohort."""

    exercise: str
    exercise_title: str
    task: str
    title: str
    max_points: int


@dataclass(frozen=True)
class Cohort:
    """The gradebook rows indexed by learner, exercise and task."""

    learners: tuple[str, ...]
    exercises: tuple[tuple[str, str], ...]  # (id, title), sorted by id
    columns: tuple[TaskColumn, ...]  # exercises sorted, tasks in recorded order
    grades: dict[tuple[str, str, str], TaskGrade]

    def grade(self, learner: str, column: TaskColumn) -> TaskGrade | None:
        return self.grades.get((learner, column.exercise, column.task))

    def tasks(self, exercise: str) -> tuple[TaskColumn, ...]:
        return tuple(column for column in self.columns if column.exercise == exercise)

    @property
    def max_total(self) -> int:
        return sum(column.max_points for column in self.columns)


def cohort(grades: Iterable[TaskGrade]) -> Cohort:
    """Index the rows; a repeated (learner, exercise, task) keeps its last row."""
    index: dict[tuple[str, str, str], TaskGrade] = {}
    found: dict[tuple[str, str], TaskColumn] = {}
    for grade in grades:
        index[(grade.learner, grade.exercise, grade.task)] = grade
        key = (grade.exercise, grade.task)
        known = found.get(key)
        if known is None or grade.max_points > known.max_points:
            found[key] = TaskColumn(
                grade.exercise, grade.exercise_title, grade.task, grade.task_title, grade.max_points
            )
    order = {key: number for number, key in enumerate(found)}
    columns = tuple(sorted(found.values(), key=lambda c: (c.exercise, order[(c.exercise, c.task)])))
    exercises = tuple(dict.fromkeys((c.exercise, c.exercise_title) for c in columns))
    learners = tuple(sorted({grade.learner for grade in index.values()}))
    return Cohort(learners, exercises, columns, index)


def learner_total(data: Cohort, learner: str) -> int:
    """The learner's points over every task."""
    return sum(g.points for column in data.columns if (g := data.grade(learner, column)))


def shown_message(grade: TaskGrade, *, show_hidden: bool) -> str:
    """The message a learner may see: a hidden check's message only when the instructor allows it,
    and for a flagged exercise a fixed sentence (what was found may quote what the submission's
    own process sent, hidden checks' requests among it: that is for the instructor)."""
    if grade.outcome is Outcome.FLAGGED:
        return FLAGGED_NOTICE
    if grade.hidden and not show_hidden:
        return "" if grade.outcome is Outcome.PASSED else HIDDEN_NOTICE
    return grade.message


def clip(text: str, limit: int) -> str:
    """``text`` cut to about ``limit`` characters, saying how much was left out."""
    if len(text) <= limit:
        return text
    return f"{text[:limit].rstrip()}… ({len(text) - limit} more characters)"


def file_names(learners: Iterable[str]) -> dict[str, str]:
    """A safe, unique file name stem per learner, usable on any file system.

    A name made only of ``[A-Za-z0-9._-]`` (not starting with a dot) is kept; any other name keeps its
    safe characters and gains a short hash of the original, so ``a b`` and ``a_b`` never share a file.
    Names are also unique ignoring case, for case-insensitive file systems.
    """
    names: dict[str, str] = {}
    taken: set[str] = set()
    for learner in sorted(set(learners)):
        stem = learner
        if (
            not _SAFE_NAME.fullmatch(learner)
            or learner.startswith(".")
            or len(learner) > _NAME_CHARS
        ):
            safe = _UNSAFE_CHARS.sub("_", learner)[:_NAME_CHARS].lstrip(".") or "learner"
            stem = (
                f"{safe}-{hashlib.sha256(learner.encode('utf-8', 'surrogatepass')).hexdigest()[:8]}"
            )
        candidate, number = stem, 2
        while candidate.casefold() in taken:
            candidate, number = f"{stem}-{number}", number + 1
        taken.add(candidate.casefold())
        names[learner] = candidate
    return names


def write_csv(grades: Sequence[TaskGrade], path: Path) -> None:
    """grades.csv: a row per learner with points per exercise, the total, and what did not run cleanly.

    ``status`` is empty when every task passed or failed; otherwise it lists the exercises (or tasks,
    when only some of an exercise's tasks were affected) and how they ended, e.g.
    ``02: missing; 03/json: timeout``. An exercise with no rows for the learner reads ``not graded``.
    ``seeds`` names, per exercise, the seed its checks drew their inputs from (``01: 4821; 02:
    77``): the learner's `pytest exercises/NN --workbook-seed SEED` sends the same inputs.
    """
    data = cohort(grades)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    header = ["learner", *(exercise for exercise, _ in data.exercises), "total", "status", "seeds"]
    writer.writerow(header)
    for learner in data.learners:
        points: list[str] = []
        for exercise, _ in data.exercises:
            rows = [g for c in data.tasks(exercise) if (g := data.grade(learner, c))]
            points.append(str(sum(g.points for g in rows)) if rows else "")
        status = "; ".join(status_notes(data, learner))
        seeds = "; ".join(seed_notes(data, learner))
        writer.writerow([_cell(learner), *points, learner_total(data, learner), status, seeds])
    write_text_atomic(path, buffer.getvalue(), newline="")


def seed_notes(data: Cohort, learner: str) -> list[str]:
    """``01: 4821`` for each exercise graded with a seed."""
    notes: list[str] = []
    for exercise, _ in data.exercises:
        seeds = {
            g.seed
            for c in data.tasks(exercise)
            if (g := data.grade(learner, c)) is not None and g.seed is not None
        }
        if seeds:
            notes.append(f"{exercise}: {', '.join(str(seed) for seed in sorted(seeds))}")
    return notes


def status_notes(data: Cohort, learner: str) -> list[str]:
    """What did not end in a clean pass or fail for ``learner``: ``02: missing``, ``03/json: timeout``."""
    notes: list[str] = []
    for exercise, _ in data.exercises:
        tasks = data.tasks(exercise)
        rows = [(c, data.grade(learner, c)) for c in tasks]
        outcomes = {g.outcome.value if g else "not graded" for _, g in rows}
        if len(outcomes) == 1 and not outcomes <= {o.value for o in CLEAN}:
            notes.append(f"{exercise}: {outcomes.pop()}")
            continue
        for column, grade in rows:
            if grade is None:
                notes.append(f"{exercise}/{column.task}: not graded")
            elif grade.outcome not in CLEAN:
                notes.append(f"{exercise}/{column.task}: {grade.outcome.value}")
    return notes


def _cell(text: str) -> str:
    """Keep a spreadsheet from reading a learner's name as a formula."""
    return f"'{text}" if text.startswith(_FORMULA_START) else text


def write_feedback(grades: Sequence[TaskGrade], folder: Path, *, show_hidden: bool) -> None:
    """feedback/<learner>.html: every exercise and task with its outcome, points, message and hint."""
    data = cohort(grades)
    folder.mkdir(parents=True, exist_ok=True)
    template = environment().get_template("feedback.html")
    for learner, stem in file_names(data.learners).items():
        page = template.render(
            learner=learner,
            total=learner_total(data, learner),
            max_total=data.max_total,
            exercises=_learner_exercises(data, learner, show_hidden=show_hidden),
        )
        write_text_atomic(_inside(folder, f"{stem}.html"), page)


@dataclass(frozen=True)
class _TaskLine:
    title: str
    outcome: str
    points: int
    max_points: int
    message: str
    hint: str


@dataclass(frozen=True)
class _ExerciseBlock:
    id: str
    title: str
    points: int
    max_points: int
    tasks: tuple[_TaskLine, ...]


def _learner_exercises(data: Cohort, learner: str, *, show_hidden: bool) -> list[_ExerciseBlock]:
    blocks: list[_ExerciseBlock] = []
    for exercise, title in data.exercises:
        lines: list[_TaskLine] = []
        for column in data.tasks(exercise):
            grade = data.grade(learner, column)
            if grade is None:
                message = "This task was not graded."
                lines.append(
                    _TaskLine(column.title, "not graded", 0, column.max_points, message, "")
                )
                continue
            message = clip(shown_message(grade, show_hidden=show_hidden), FEEDBACK_MESSAGE_CHARS)
            hint = "" if grade.outcome is Outcome.PASSED else grade.hint
            lines.append(
                _TaskLine(
                    grade.task_title,
                    grade.outcome.value,
                    grade.points,
                    grade.max_points,
                    message,
                    hint,
                )
            )
        points = sum(line.points for line in lines)
        maximum = sum(column.max_points for column in data.tasks(exercise))
        blocks.append(_ExerciseBlock(exercise, title, points, maximum, tuple(lines)))
    return blocks


def write_gradescope(grades: Sequence[TaskGrade], folder: Path, *, show_hidden: bool) -> None:
    """gradescope/<learner>/results.json in Gradescope's autograder results format."""
    data = cohort(grades)
    folder.mkdir(parents=True, exist_ok=True)
    for learner, stem in file_names(data.learners).items():
        results = gradescope_results(data, learner, show_hidden=show_hidden)
        target = _inside(folder, stem)
        target.mkdir(exist_ok=True)
        write_text_atomic(
            target / "results.json", json.dumps(results, indent=2, ensure_ascii=False) + "\n"
        )


def gradescope_results(data: Cohort, learner: str, *, show_hidden: bool) -> dict[str, object]:
    """One learner's results.json content: a test per task, the total as the score."""
    tests: list[dict[str, object]] = []
    seconds = 0.0
    for column in data.columns:
        grade = data.grade(learner, column)
        if grade is None:
            output, points, outcome = "This task was not graded.", 0, "not graded"
        else:
            seconds += grade.duration
            points, outcome = grade.points, grade.outcome.value
            parts = [f"Outcome: {outcome}"]
            message = shown_message(grade, show_hidden=show_hidden)
            if message:
                parts.append(clip(message, FEEDBACK_MESSAGE_CHARS))
            if grade.hint and grade.outcome is not Outcome.PASSED:
                parts.append(f"Hint: {grade.hint}")
            output = "\n\n".join(parts)
        tests.append(
            {
                "name": f"{column.exercise} · {column.exercise_title}: {column.title}",
                "number": f"{column.exercise}.{column.task}",
                "score": points,
                "max_score": column.max_points,
                "status": "passed" if outcome == Outcome.PASSED.value else "failed",
                "output": output,
                "output_format": "text",
                "tags": [column.exercise, outcome],
                "visibility": "visible",
            }
        )
    total = learner_total(data, learner)
    return {
        "score": total,
        "execution_time": round(seconds, 3),
        "output": f"{learner}: {total}/{data.max_total} points",
        "visibility": "visible",
        "stdout_visibility": "hidden",
        "tests": tests,
    }


def environment() -> jinja2.Environment:
    """The Jinja environment for the HTML outputs: autoescaped, strict about undefined names."""
    return jinja2.Environment(
        loader=jinja2.PackageLoader("checker.grade", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def _inside(folder: Path, name: str) -> Path:
    """``folder / name``, refusing any name that would leave the folder."""
    target = folder / name
    if target.parent != folder or name in {"", ".", ".."}:
        raise ValueError(f"unsafe output file name: {name!r}")
    return target
