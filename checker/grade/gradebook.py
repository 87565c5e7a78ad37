"""The SQLite gradebook: one row per (learner, exercise, task), written a learner at a time."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from pathlib import Path

from checker.course.results import Outcome
from checker.grade.model import TaskGrade

FILE_NAME = "gradebook.sqlite"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS grades (
    learner TEXT NOT NULL,
    exercise TEXT NOT NULL,
    exercise_title TEXT NOT NULL,
    task TEXT NOT NULL,
    task_title TEXT NOT NULL,
    outcome TEXT NOT NULL,
    points INTEGER NOT NULL,
    max_points INTEGER NOT NULL,
    message TEXT NOT NULL,
    hint TEXT NOT NULL,
    hidden INTEGER NOT NULL,
    duration REAL NOT NULL,
    grader_version TEXT NOT NULL,
    graded_at TEXT NOT NULL,
    seed INTEGER,
    PRIMARY KEY (learner, exercise, task)
);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""
_COLUMNS = (
    "learner", "exercise", "exercise_title", "task", "task_title", "outcome", "points",
    "max_points", "message", "hint", "hidden", "duration", "grader_version", "graded_at", "seed",
)  # fmt: skip


class Gradebook:
    """A gradebook file. Each learner is written in one transaction: a crash loses nothing graded."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._db = sqlite3.connect(path, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=FULL")
        self._db.executescript(_SCHEMA)
        columns = {row[1] for row in self._db.execute("PRAGMA table_info(grades)")}
        if "seed" not in columns:  # a gradebook from before inputs were drawn
            self._db.execute("ALTER TABLE grades ADD COLUMN seed INTEGER")

    def seed(self) -> int | None:
        """The cohort's seed this gradebook was graded with, if it has one."""
        found = self._db.execute("SELECT value FROM meta WHERE key = 'seed'").fetchone()
        return int(found[0]) if found is not None else None

    def set_seed(self, seed: int) -> None:
        """Record the cohort's seed, from which each learner's seed is derived."""
        self._db.execute(
            "INSERT INTO meta (key, value) VALUES ('seed', ?) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (str(seed),),
        )

    def record(self, learner: str, exercises: Sequence[str], grades: Iterable[TaskGrade]) -> None:
        """Replace ``learner``'s rows for ``exercises`` with ``grades``, all at once."""
        rows = [_row(grade) for grade in grades]
        marks = ",".join("?" for _ in exercises)
        with self._transaction():
            self._db.execute(
                f"DELETE FROM grades WHERE learner = ? AND exercise IN ({marks})",
                (learner, *exercises),
            )
            self._db.executemany(
                f"INSERT INTO grades ({','.join(_COLUMNS)}) VALUES ({','.join('?' for _ in _COLUMNS)})",
                rows,
            )

    def graded(self, exercises: Sequence[str]) -> set[str]:
        """Learners who have rows for every one of ``exercises``."""
        marks = ",".join("?" for _ in exercises)
        found = self._db.execute(
            f"SELECT learner FROM grades WHERE exercise IN ({marks}) "
            "GROUP BY learner HAVING COUNT(DISTINCT exercise) = ?",
            (*exercises, len(exercises)),
        )
        return {learner for (learner,) in found}

    def grades(self) -> list[TaskGrade]:
        """Every row, by learner, exercise and task."""
        found = self._db.execute(
            f"SELECT {','.join(_COLUMNS)} FROM grades ORDER BY learner, exercise, rowid"
        )
        return [_grade(row) for row in found]

    def close(self) -> None:
        self._db.close()

    def _transaction(self) -> _Transaction:
        return _Transaction(self._db)


class _Transaction:
    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db

    def __enter__(self) -> None:
        self._db.execute("BEGIN IMMEDIATE")

    def __exit__(self, kind: object, error: object, trace: object) -> None:
        self._db.execute("COMMIT" if kind is None else "ROLLBACK")


def _row(grade: TaskGrade) -> tuple[object, ...]:
    return (
        grade.learner, grade.exercise, grade.exercise_title, grade.task, grade.task_title,
        grade.outcome.value, grade.points, grade.max_points, grade.message, grade.hint,
        int(grade.hidden), grade.duration, grade.grader_version, grade.graded_at, grade.seed,
    )  # fmt: skip


def _grade(row: tuple[object, ...]) -> TaskGrade:
    values = dict(zip(_COLUMNS, row, strict=True))
    return TaskGrade(
        learner=str(values["learner"]),
        exercise=str(values["exercise"]),
        exercise_title=str(values["exercise_title"]),
        task=str(values["task"]),
        task_title=str(values["task_title"]),
        outcome=Outcome(values["outcome"]),
        points=int(str(values["points"])),
        max_points=int(str(values["max_points"])),
        message=str(values["message"]),
        hint=str(values["hint"]),
        hidden=bool(values["hidden"]),
        duration=float(str(values["duration"])),
        grader_version=str(values["grader_version"]),
        graded_at=str(values["graded_at"]),
        seed=None if values["seed"] is None else int(str(values["seed"])),
    )
