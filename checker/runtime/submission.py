"""Where a learner's files are, and their text for static checks."""

from __future__ import annotations

import ast
from collections.abc import Iterator, Mapping
from pathlib import Path

from checker.course.manifest import Exercise
from checker.course.results import Outcome
from checker.runtime.failures import CheckFailed, LearnerUnavailable
from checker.runtime.sources import files_in
from checker.runtime.sources import read as read_source
from checker.runtime.tracing import display_path


def resolve_submission(exercise: Exercise, folder: Path | None, *, single: bool) -> Path:
    """The folder holding the learner's files for ``exercise``.

    ``folder`` may be a copy of the workbook (``folder/exercises/03``), a folder of exercises
    (``folder/03``), or, when only one exercise is being checked, the learner files themselves.
    """
    if folder is None:
        return exercise.directory
    for candidate in (folder / "exercises" / exercise.id, folder / exercise.id):
        if candidate.is_dir():
            return candidate
    if single or folder.name == exercise.id:
        return folder
    return folder / exercise.id  # does not exist: its files are reported missing


def strays(exercise: Exercise, folder: Path, shown: str | None = None) -> list[str]:
    """Notes on Python files beside the learner's that the checks never read: code saved as
    ``main.py`` or ``App.py`` is not graded, and the learner should hear so. Exercise folders ship
    no Python files but the learner's and the checks (``test_*.py``), which the course checks.
    ``shown`` is how to name the folder (by default, as the terminal would)."""
    if not folder.is_dir() or folder.is_symlink():
        return []
    owned = set(exercise.owned_in(folder))
    expected = ", ".join(exercise.files)
    notes = []
    for path in sorted(folder.glob("*.py")):
        name = path.name
        if name in owned or name.startswith(("test_", "_", ".")) or name == "conftest.py":
            continue
        where = f"{shown}/{name}" if shown is not None else display_path(path)
        same = [other for other in owned if other.lower() == name.lower()]
        if same:
            notes.append(
                f"Note: {where} is not checked: the checks read {same[0]}, and file names are"
                " case-sensitive."
            )
        else:
            notes.append(
                f"Note: {where} is not checked: only {expected} is (exercise.toml lists the"
                " files you write). Put your code there."
            )
    for name, top in _below_the_learners_folders(exercise, folder, owned):
        where = f"{shown}/{name}" if shown is not None else display_path(folder / name)
        notes.append(
            f"Note: {where} is not checked: only {expected} are, not the files in folders"
            f" inside {top}/ (exercise.toml lists the files you write)."
        )
    return notes


def _below_the_learners_folders(
    exercise: Exercise, folder: Path, owned: set[str]
) -> list[tuple[str, str]]:
    """Python files in folders below one whose Python files the learner writes (``todo/tests/``
    for ``todo/tests/*.py``) that no pattern of ``files`` matches, each with that folder: tests
    in ``todo/tests/api/``, say, which the checks never run."""
    import posixpath
    import re

    found: dict[str, str] = {}
    for pattern in exercise.files:
        top = posixpath.dirname(pattern)
        if not top or not pattern.endswith(".py") or re.search(r"[*?\[]", top):
            continue
        for path in sorted((folder / top).glob("*/**/*.py")):
            name = path.relative_to(folder).as_posix()
            if "__pycache__" not in path.parts and name not in owned:
                found.setdefault(name, top)
    return list(found.items())


class Submission(Mapping[str, str]):
    """The learner's files, by name, as text."""

    def __init__(self, files: dict[str, str]) -> None:
        self._files = files

    @classmethod
    def read(cls, exercise: Exercise, folder: Path) -> Submission:
        """The learner's files in ``folder``."""
        return cls.from_bytes(exercise, files_in(exercise, folder), display_path(folder))

    @classmethod
    def from_bytes(
        cls, exercise: Exercise, files: Mapping[str, bytes], shown: str = ""
    ) -> Submission:
        """The learner's files as text. When the notebook is graded, its code is the app file."""
        shown = shown or f"exercises/{exercise.id}"
        texts: dict[str, str] = {}
        if not exercise.course_app:  # the course's own app is not the learner's to show
            texts[exercise.app_file] = read_source(exercise, files, Path(shown), shown).text
        for name in exercise.required:
            if name not in files and name != exercise.app_file:
                raise LearnerUnavailable(Outcome.MISSING, f"{shown}/{name} is missing")
        for name in sorted(files):
            if name in texts or name == exercise.notebook:
                continue
            try:
                texts[name] = files[name].decode("utf-8")
            except UnicodeDecodeError:
                raise LearnerUnavailable(
                    Outcome.ERROR, f"{shown}/{name} is not UTF-8 text. Save it as UTF-8."
                ) from None
        return cls(texts)

    def tree(self, name: str) -> ast.Module:
        """The learner's Python file ``name`` parsed, for static checks through the AST rather
        than regular expressions. A file that does not parse fails the check with the error."""
        try:
            return ast.parse(self._files[name], filename=name)
        except SyntaxError as error:
            raise CheckFailed(
                f"{name}, line {error.lineno}: SyntaxError: {error.msg}",
                fix="correct the syntax; the other checks say the same",
            ) from None

    def __getitem__(self, name: str) -> str:
        return self._files[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._files)

    def __len__(self) -> int:
        return len(self._files)
