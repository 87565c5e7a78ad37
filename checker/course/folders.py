"""Find the course on disk and read its exercises."""

from __future__ import annotations

import subprocess
from pathlib import Path

from checker.course import manifest
from checker.course.manifest import Exercise
from checker.errors import Problem


class CourseNotFound(Problem):
    """No workbook folder (one with exercises/NN/exercise.toml) around here."""


def find_root(start: Path | None = None) -> Path:
    """The workbook folder: the nearest one at or above ``start``, else the one this package is in."""
    start = (start or Path.cwd()).resolve()
    for folder in (start, *start.parents, Path(__file__).resolve().parents[2]):  # this checkout
        if any((folder / "exercises").glob(f"*/{manifest.MANIFEST_NAME}")):
            return folder
    raise CourseNotFound(
        f"no workbook here: {start} has no exercises/NN/{manifest.MANIFEST_NAME} in it or above it. "
        "Run the command inside your copy of flask-workbook."
    )


def exercises(root: Path, *, check_files: bool = False) -> list[Exercise]:
    """Every exercise of the course, in order. Raises ManifestError for a broken manifest."""
    folders = sorted(
        path.parent for path in (root / "exercises").glob(f"*/{manifest.MANIFEST_NAME}")
    )
    return [manifest.load(folder, check_files=check_files) for folder in folders]


def lesson_path(root: Path, exercise: Exercise) -> Path:
    return root / "lessons" / exercise.lesson


def git(root: Path, *args: str) -> subprocess.CompletedProcess[bytes] | None:
    """``git ARGS`` run in ``root``, its output as bytes; None when git cannot be run."""
    try:
        return subprocess.run(
            ["git", *args], cwd=root, capture_output=True, timeout=30, check=False
        )
    except (OSError, subprocess.SubprocessError):
        return None


def git_text(root: Path, *args: str) -> str:
    """What ``git ARGS`` prints, stripped; "" when it fails or cannot be run."""
    done = git(root, *args)
    if done is None or done.returncode != 0:
        return ""
    return done.stdout.decode("utf-8", "replace").strip()


def changed_files(root: Path) -> set[Path] | None:
    """Files git sees as changed or new under exercises/, or None when git cannot tell."""
    done = git(root, "status", "--porcelain", "--untracked-files=all", "--", "exercises")
    if done is None or done.returncode != 0:
        return None
    return {
        (root / line[3:].strip().strip('"')).resolve()
        for line in done.stdout.decode("utf-8", "replace").splitlines()
        if line
    }
