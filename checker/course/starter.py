"""The pristine starter of an exercise, and putting it back (``workbook reset NN``).

A learner's copy of the workbook is a git clone, and the exercise folder is where they work, so
the starter as shipped is only in git's history. It is taken from the course's own commit: where
the learner's branch meets the branch it was cloned from (``origin/main``), so neither the learner's
own commits nor course updates they have not merged yet are mistaken for it; without such a
branch, from the learner's last commit (``HEAD``). Only the files the manifest says the learner
owns are read and put back. Before anything is changed, the learner's files are copied into
``backups/NN-<date>-<time>/`` at the root of the workbook: outside every exercise folder, so no
manifest pattern, check, submission or grading ever reads it, and visible, so a learner finds it.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from checker.course.folders import git, git_text
from checker.course.manifest import Exercise
from checker.errors import Problem

BACKUPS = "backups"


class NoStarter(Problem):
    """The pristine starter cannot be found: no git, or no commit with the exercise in it."""


@dataclass(frozen=True)
class Starter:
    """An exercise's learner files as the course shipped them, and the commit they come from."""

    exercise: Exercise
    commit: str  # abbreviated
    source: str  # how the commit was chosen, for the learner: "origin/main", "your last commit"
    files: dict[str, bytes]


@dataclass(frozen=True)
class Reset:
    """What ``reset`` did: nothing (the files were the starter's already), or a backup and a
    restore."""

    starter: Starter
    backup: Path | None  # None: nothing was changed
    restored: tuple[str, ...] = ()  # starter files written back
    removed: tuple[str, ...] = ()  # learner files the starter does not have (kept in the backup)


def _course_commits(root: Path) -> list[tuple[str, str]]:
    """(commit, how it was chosen) to take the starter from, the most fitting first."""
    found = []
    for branch in ("@{upstream}", "origin/HEAD"):
        name = git_text(root, "rev-parse", "--abbrev-ref", "--verify", "--quiet", branch)
        if name:
            base = git_text(root, "merge-base", "HEAD", name)
            if base:
                found.append((base, f"the course as cloned from {name}"))
    head = git_text(root, "rev-parse", "--verify", "--quiet", "HEAD^{commit}")
    if head:
        found.append((head, "your last commit"))
    return found


def find(root: Path, exercise: Exercise) -> Starter:
    """The starter of ``exercise`` from git. Raises NoStarter with what to do instead."""
    shown = f"exercises/{exercise.id}/"
    top = git_text(root, "rev-parse", "--show-toplevel")
    commits = _course_commits(root) if top else []
    if not top:
        raise NoStarter(
            f"cannot find the starter of exercise {exercise.id}: this copy of the workbook is not "
            f"a git clone, and the starter is kept in the course's git history. Clone the course "
            f"again and copy {shown} from there"
        )
    folder = exercise.directory.resolve().relative_to(Path(top).resolve()).as_posix()
    for commit, source in commits:
        listed = git_text(root, "ls-tree", "-r", "-z", "--name-only", commit, "--", f"{folder}/")
        names = [
            name[len(folder) + 1 :] for name in listed.split("\0") if name.startswith(f"{folder}/")
        ]
        files = {}
        for name in names:
            if exercise.owns(name):
                # --filters: the bytes a checkout writes (line endings as this clone has them)
                blob = git(root, "cat-file", "--filters", f"{commit}:{folder}/{name}")
                if blob is None or blob.returncode != 0:
                    break
                files[name] = blob.stdout
        else:
            if files:
                return Starter(exercise, commit[:10], source, files)
    raise NoStarter(
        f"cannot find the starter of exercise {exercise.id}: no commit of this clone has "
        f"{shown}. Clone the course again and copy {shown} from there"
    )


def current(exercise: Exercise) -> dict[str, bytes]:
    """The learner's files of ``exercise`` as they are now."""
    folder = exercise.directory
    return {name: (folder / name).read_bytes() for name in exercise.owned_in(folder)}


def reset(root: Path, exercise: Exercise, *, now: datetime | None = None) -> Reset:
    """Put the starter back, after copying the learner's files into a new backup folder."""
    starter = find(root, exercise)
    mine = current(exercise)
    if mine == starter.files:
        return Reset(starter, None)
    backup = _new_backup(root, exercise, now or datetime.now())
    for name in mine:
        (backup / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(exercise.directory / name, backup / name)
    restored = []
    for name, data in sorted(starter.files.items()):
        if mine.get(name) != data:
            target = exercise.directory / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
            restored.append(name)
    removed = sorted(set(mine) - set(starter.files))
    for name in removed:
        (exercise.directory / name).unlink()
    return Reset(starter, backup, tuple(restored), tuple(removed))


def _new_backup(root: Path, exercise: Exercise, now: datetime) -> Path:
    """A new, empty folder ``backups/NN-YYYY-MM-DD-HHMMSS`` (``-2``, ``-3``... when taken)."""
    stem = f"{exercise.id}-{now:%Y-%m-%d-%H%M%S}"
    folder = root / BACKUPS
    folder.mkdir(exist_ok=True)
    for number in range(1, 1000):
        candidate = folder / (stem if number == 1 else f"{stem}-{number}")
        try:
            candidate.mkdir()
        except FileExistsError:
            continue
        return candidate
    raise NoStarter(f"{folder} has too many backups of {stem}; remove some and try again")
