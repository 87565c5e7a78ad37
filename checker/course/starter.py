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
from collections.abc import Sequence
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


def _course_commits(root: Path, *, head: bool = True) -> list[tuple[str, str]]:
    """(commit, how it was chosen) to take the starter from, the most fitting first; the
    learner's last commit comes last, and only when ``head``."""
    found = []
    for branch in ("@{upstream}", "origin/HEAD"):
        name = git_text(root, "rev-parse", "--abbrev-ref", "--verify", "--quiet", branch)
        if name:
            base = git_text(root, "merge-base", "HEAD", name)
            if base:
                found.append((base, f"the course as cloned from {name}"))
    last = git_text(root, "rev-parse", "--verify", "--quiet", "HEAD^{commit}") if head else ""
    if last:
        found.append((last, "your last commit"))
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


def untouched(root: Path, exercises: Sequence[Exercise]) -> set[str]:
    """The ids of the exercises whose folder is as the course shipped it: every file in it as in
    the course's commit, and the learner's files the same set of names (a new file the learner
    made counts, even one git ignores). Empty when git cannot tell: not a clone, or no branch it
    was cloned from, since the learner's own commits must never be taken for the course's.

    What the checks give such an exercise is known without running them: the course checks
    itself that every untouched starter loads and fails every task (tests/test_course.py)."""
    top = git_text(root, "rev-parse", "--show-toplevel")
    commits = _course_commits(root, head=False) if top else []
    if not commits:
        return set()
    base, top_folder = commits[0][0], Path(top)
    try:
        folders = {
            e.id: e.directory.resolve().relative_to(top_folder.resolve()).as_posix()
            for e in exercises
        }
    except ValueError:  # an exercise outside the clone
        return set()
    specs = [f"{folder}/" for folder in folders.values()]
    changed = git(top_folder, "diff", "--no-renames", "--name-only", "-z", base, "--", *specs)
    shipped = git(top_folder, "ls-tree", "-r", "-z", "--name-only", base, "--", *specs)
    if changed is None or changed.returncode != 0 or shipped is None or shipped.returncode != 0:
        return set()
    changed_names = changed.stdout.decode("utf-8", "surrogateescape").split("\0")
    shipped_names = shipped.stdout.decode("utf-8", "surrogateescape").split("\0")
    found = set()
    for exercise in exercises:
        prefix = f"{folders[exercise.id]}/"
        if any(name.startswith(prefix) for name in changed_names):
            continue
        theirs = {
            name[len(prefix) :]
            for name in shipped_names
            if name.startswith(prefix) and exercise.owns(name[len(prefix) :])
        }
        if theirs and set(exercise.owned_in(exercise.directory)) == theirs:
            found.add(exercise.id)
    return found


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
