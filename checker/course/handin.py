"""One zip of a learner's work to hand in (``workbook submit``), as ``workbook grade`` reads it.

The zip is called ``<name>.zip``, and ``workbook grade`` takes its name as the learner's. It holds
each exercise's learner files at their course paths (``exercises/03/app.py``: only the files the
manifest says the learner owns, never the checks) and the learner's progress file
(``.workbook-state.json``: hints seen, and solutions seen before passing), so a folder of such
zips is a cohort to grade as it is.
"""

from __future__ import annotations

import os
import re
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from checker.course import state
from checker.course.folders import git_text
from checker.course.manifest import Exercise
from checker.errors import Problem
from checker.grade.intake import MAX_FILE_BYTES


class HandInError(Problem):
    """The zip cannot be written, or has no name to go by."""


@dataclass(frozen=True)
class HandIn:
    """The zip written, and what is in it and left out, by exercise."""

    path: Path
    files: dict[str, tuple[str, ...]]  # exercise id: its files in the zip
    notes: tuple[str, ...]  # files left out, and exercises that will be graded as missing
    progress: bool  # the progress file is in it


def name_from(given: str | None, root: Path) -> tuple[str, str]:
    """(the zip's name, where it came from): ``--name``, else git's user.name, else the login."""
    for raw, source in (
        (given, "--name"),
        (git_text(root, "config", "user.name"), "git config user.name"),
    ):
        if raw is not None and raw.strip():
            name = slug(raw)
            if not name:
                raise HandInError(
                    f"{raw!r} ({source}) has no letters or digits to name the zip by; "
                    "give one with --name, for example --name ada-lovelace"
                )
            return name, source
    login = slug(_login())
    if not login:
        raise HandInError("no name to put on the zip: give one with --name, e.g. --name ada")
    return login, "your login name"


def slug(text: str) -> str:
    """``Ada Lovelace`` → ``ada-lovelace``: letters (any script), digits, ``.``, ``_`` and ``-``."""
    words = re.findall(r"[^\W_]+(?:[._-]+[^\W_]+)*", text.strip().lower())
    return "-".join(words)[:80].strip(".-")


def write(root: Path, exercises: Sequence[Exercise], name: str, into: Path) -> HandIn:
    """Write ``into/<name>.zip`` (atomically: a half-written zip is never left with that name)."""
    into.mkdir(parents=True, exist_ok=True)
    path = into / f"{name}.zip"
    partial = into / f".{name}.zip.partial"
    taken: dict[str, tuple[str, ...]] = {}
    notes = []
    progress = (root / state.STATE_FILE).is_file()
    try:
        with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as bundle:
            for exercise in exercises:
                names = []
                for relative in exercise.owned_in(exercise.directory):
                    source = exercise.directory / relative
                    shown = f"exercises/{exercise.id}/{relative}"
                    if source.is_symlink():
                        notes.append(
                            f"{shown} is a symbolic link, left out: submit the file itself"
                        )
                    elif source.stat().st_size > MAX_FILE_BYTES:
                        notes.append(f"{shown} is larger than a learner file may be, left out")
                    else:
                        bundle.write(source, shown)
                        names.append(relative)
                missing = [name for name in exercise.required if name not in names]
                if missing:
                    notes.append(
                        f"exercise {exercise.id}: exercises/{exercise.id}/{missing[0]} is missing"
                        + (", so it will be graded as missing" if not names else "")
                    )
                if names:
                    taken[exercise.id] = tuple(names)
            if progress:
                bundle.write(root / state.STATE_FILE, state.STATE_FILE)
        os.replace(partial, path)
    except OSError as error:
        partial.unlink(missing_ok=True)
        raise HandInError(f"cannot write {path}: {error.strerror or error}") from None
    return HandIn(path, taken, tuple(notes), progress)


def _login() -> str:
    import getpass

    try:
        return getpass.getuser()
    except (OSError, KeyError):  # no login name in the environment or the password database
        return ""
