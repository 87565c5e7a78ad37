"""Read a folder of submissions: one folder (or zip) per learner, taking only learner-owned files.

A learner's files for exercise NN are in ``exercises/NN/``, in ``NN/``, or in a whole workbook copy.
nbgrader's ``submitted/<learner>/NN/`` layout is the ``NN/`` case: when that folder holds the
assignment notebook ``exercise_NN.ipynb`` that ``workbook nbgrader export`` made, the learner files
are what the notebook's ``%%writefile`` cells write, on top of any copies submitted beside it,
exactly as nbgrader's autograde leaves them when it runs the notebook.
"""

from __future__ import annotations

import re
import stat
import tempfile
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import nbformat

from checker.course.manifest import Exercise
from checker.errors import Problem
from checker.notebooks.export import notebook_name, writefile_cells
from checker.runtime.sources import Segment
from checker.runtime.submission import strays
from checker.runtime.tracing import WrittenBy

MAX_ZIP_BYTES = 64 * 1024 * 1024
MAX_ZIP_FILES = 5000
MAX_FILE_BYTES = 2 * 1024 * 1024
MAX_NOTEBOOK_BYTES = 32 * 1024 * 1024  # a submitted notebook keeps its outputs, images and all
_SKIP = {"__MACOSX", ".git", ".venv", "venv", "node_modules", "__pycache__"}


@dataclass(frozen=True)
class LearnerFiles:
    """One learner's files for one exercise, or why there are none."""

    exercise_id: str
    files: dict[str, bytes] = field(default_factory=dict, compare=False)
    problem: str = ""  # why the submission is missing or unusable
    # files written by an nbgrader notebook's cells, so messages can point at those cells
    origins: dict[str, WrittenBy] = field(default_factory=dict, compare=False)
    # Python files beside the learner's that the checks do not read ("main.py is not checked")
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Submission:
    """Everything one learner submitted that grading will use."""

    learner: str
    exercises: dict[str, LearnerFiles]


class IntakeError(Problem):
    """The submissions folder itself cannot be read."""


def learners(folder: Path) -> list[tuple[str, Path]]:
    """(learner name, their folder or zip), sorted by name."""
    if not folder.is_dir():
        raise IntakeError(f"{folder} is not a folder of submissions")
    found: dict[str, Path] = {}
    for entry in sorted(folder.iterdir()):
        if entry.name.startswith(".") or entry.name in _SKIP:
            continue
        if entry.is_dir() and not entry.is_symlink():
            found.setdefault(entry.name, entry)
        elif entry.suffix == ".zip" and entry.is_file() and not entry.is_symlink():
            found.setdefault(entry.stem, entry)
    return sorted(found.items())


def read(learner: str, entry: Path, exercises: Sequence[Exercise]) -> Submission:
    """Take the learner-owned files of each exercise from a folder or a zip, and nothing else."""
    if entry.suffix == ".zip":
        with tempfile.TemporaryDirectory(prefix="workbook-zip-") as scratch:
            problem = _extract(entry, Path(scratch))
            if problem:
                return Submission(
                    learner, {e.id: LearnerFiles(e.id, problem=problem) for e in exercises}
                )
            return Submission(learner, {e.id: _take(Path(scratch), e) for e in exercises})
    return Submission(learner, {e.id: _take(entry, e) for e in exercises})


def _take(root: Path, exercise: Exercise) -> LearnerFiles:
    folder = _exercise_folder(root, exercise)
    if folder is None:
        return LearnerFiles(exercise.id, problem=f"no submission for exercise {exercise.id}")
    files: dict[str, bytes] = {}
    names = sorted({*exercise.owned, *(exercise.candidates(folder) if exercise.globs else ())})
    for name in names:
        data = _regular(folder / name, f"exercises/{exercise.id}/{name}", MAX_FILE_BYTES)
        if isinstance(data, str):
            return LearnerFiles(exercise.id, problem=data)
        if data is not None:
            files[name] = data
    nbgrader = _regular(
        folder / notebook_name(exercise), notebook_name(exercise), MAX_NOTEBOOK_BYTES
    )
    if isinstance(nbgrader, str):
        return LearnerFiles(exercise.id, problem=nbgrader)
    origins: dict[str, WrittenBy] = {}
    if nbgrader is not None:
        problem = _run_writefile_cells(nbgrader, notebook_name(exercise), exercise, files, origins)
        if problem:
            return LearnerFiles(exercise.id, problem=problem)
    if not files:
        shown = f"exercises/{exercise.id}/{exercise.edit_file}"
        return LearnerFiles(exercise.id, problem=f"{shown} is missing from the submission")
    notes = tuple(strays(exercise, folder, f"exercises/{exercise.id}"))
    return LearnerFiles(exercise.id, files, origins=origins, notes=notes)


def _regular(path: Path, shown: str, limit: int) -> bytes | str | None:
    """The bytes of a regular file, None when there is none, or why it cannot be taken."""
    try:
        info = path.lstat()
    except FileNotFoundError:
        return None  # which files were needed is decided when the app is loaded
    if stat.S_ISLNK(info.st_mode):
        return f"{shown} is a symbolic link; submit the file itself"
    if not stat.S_ISREG(info.st_mode):
        return f"{shown} is not a regular file"
    if info.st_size > limit:
        return f"{shown} is {info.st_size} bytes, more than a learner file may be"
    return path.read_bytes()


def _run_writefile_cells(
    data: bytes,
    shown: str,
    exercise: Exercise,
    files: dict[str, bytes],
    origins: dict[str, WrittenBy],
) -> str:
    """Update ``files`` with what the nbgrader notebook's ``%%writefile`` cells write, and
    ``origins`` with the cells each line came from; return why the notebook cannot be read, or
    ""."""
    try:
        notebook = nbformat.reads(data.decode("utf-8"), as_version=4)  # type: ignore[no-untyped-call]
    except Exception as error:
        reason = str(error).splitlines()[0] if str(error) else type(error).__name__
        return (
            f"{shown} is not a notebook Jupyter can open ({reason}); "
            "nbgrader's autograde cannot run it either"
        )
    segments: dict[str, list[Segment]] = {}
    for write in writefile_cells(notebook, exercise.owns):
        body = write.text.encode("utf-8")
        before = files.get(write.name, b"") if write.append else b""
        if before and write.name not in segments:
            segments[write.name] = [(1, 0, 1)]  # lines of the submitted file itself
        where = (before.count(b"\n") + 1, write.cell, write.first_line)
        segments[write.name] = [*segments.get(write.name, []), where] if before else [where]
        files[write.name] = before + body
        if len(files[write.name]) > MAX_FILE_BYTES:
            return f"{shown} writes more to {write.name} than a learner file may hold"
    for name, found in segments.items():
        if all(cell for _, cell, _ in found):  # every line from a cell: point at the cells
            origins[name] = WrittenBy(shown, tuple(found))
    return ""


def _exercise_folder(root: Path, exercise: Exercise) -> Path | None:
    """Where the learner's files for ``exercise`` are: course paths, a workbook copy, or NN/."""
    candidates = [root / "exercises" / exercise.id, root / exercise.id]
    candidates += sorted(
        child / "exercises" / exercise.id
        for child in root.iterdir()
        if child.is_dir() and not child.is_symlink() and child.name not in _SKIP
    )
    for candidate in candidates:
        if candidate.is_dir() and not _through_link(candidate, root):
            return candidate
    return None


def _through_link(path: Path, root: Path) -> bool:
    """Whether any folder between ``root`` and ``path`` is a symbolic link."""
    current = path
    while current != root and current != current.parent:
        if current.is_symlink():
            return True
        current = current.parent
    return False


_SAFE = re.compile(r"^[^\x00]+$")


def _extract(archive: Path, into: Path) -> str:
    """Unpack a zip safely; return why it could not be, or ""."""
    try:
        with zipfile.ZipFile(archive) as bundle:
            members = bundle.infolist()
            if len(members) > MAX_ZIP_FILES:
                return f"{archive.name} holds {len(members)} files, more than {MAX_ZIP_FILES}"
            if sum(member.file_size for member in members) > MAX_ZIP_BYTES:
                return f"{archive.name} unpacks to more than {MAX_ZIP_BYTES // 2**20} MB"
            budget = MAX_ZIP_BYTES
            for member in members:
                name = PurePosixPath(member.filename)
                if member.is_dir() or not _SAFE.match(member.filename):
                    continue
                if name.is_absolute() or ".." in name.parts:
                    continue  # never written outside the scratch folder
                if stat.S_ISLNK(member.external_attr >> 16):
                    continue  # links are not followed, so they are not unpacked
                target = into.joinpath(*name.parts)
                target.parent.mkdir(parents=True, exist_ok=True)
                with bundle.open(member) as source:
                    data = source.read(budget + 1)  # headers can lie about sizes
                budget -= len(data)
                if budget < 0:
                    return f"{archive.name} unpacks to more than {MAX_ZIP_BYTES // 2**20} MB"
                target.write_bytes(data)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as error:
        return f"{archive.name} could not be unpacked ({error})"
    return ""
