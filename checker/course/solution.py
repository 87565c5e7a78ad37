"""The reference solution of an exercise as a diff against the learner's files. Pure, but for
reading the two folders: the caller decides whether the learner may see it, and how to show it."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from pathlib import Path

from checker.course.manifest import Exercise
from checker.errors import Problem
from checker.runtime import sources
from checker.runtime.failures import LearnerUnavailable


class NoSolution(Problem):
    """This copy of the workbook has no reference solution for the exercise."""


@dataclass(frozen=True)
class FileDiff:
    """One learner file against the solution's file of the same name."""

    name: str
    lines: tuple[str, ...]  # a unified diff, without line ends; empty when the two are the same
    yours: bool = True  # the learner has this file
    solutions: bool = True  # the solution has this file


def folder(root: Path, exercise: Exercise) -> Path:
    """``solutions/NN``; NoSolution when this copy of the course has none."""
    found = root / "solutions" / exercise.id
    if not found.is_dir():
        raise NoSolution(
            f"this copy of the workbook has no solution for exercise {exercise.id} "
            f"(no solutions/{exercise.id}/ folder); ask your instructor for it"
        )
    return found


def diff(root: Path, exercise: Exercise) -> list[FileDiff]:
    """Each learner file of the exercise, and each file of its solution, as a diff from the
    learner's to the solution's. When the learner works in the exercise notebook, its code stands
    for the app file, as it does when it is checked."""
    solution = folder(root, exercise)
    theirs = {name: _read(solution / name) for name in exercise.owned_in(solution)}
    files = sources.files_in(exercise, exercise.directory)
    mine = {name: _decode(data) for name, data in files.items() if name != exercise.notebook}
    shown_app = exercise.app_file
    if sources.notebook_is_graded(exercise, files):
        try:
            code = sources.read(exercise, files, exercise.directory, f"exercises/{exercise.id}")
            mine[exercise.app_file] = code.text
            shown_app = f"{exercise.notebook} (its code)"
        except LearnerUnavailable:
            pass
    found = []
    for name in sorted(set(mine) | set(theirs)):
        before, after = mine.get(name, ""), theirs.get(name, "")
        yours = f"exercises/{exercise.id}/{shown_app if name == exercise.app_file else name}"
        lines = difflib.unified_diff(
            before.splitlines(),
            after.splitlines(),
            f"{yours} (yours)" if name in mine else "/dev/null",
            f"solutions/{exercise.id}/{name}" if name in theirs else "/dev/null",
            lineterm="",
        )
        found.append(FileDiff(name, tuple(lines), name in mine, name in theirs))
    return found


def _read(path: Path) -> str:
    return _decode(path.read_bytes())


def _decode(data: bytes) -> str:
    return data.decode("utf-8", "replace")
