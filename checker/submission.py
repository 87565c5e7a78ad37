"""Where a learner's files are, and their text for static checks."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path

from checker.failures import LearnerUnavailable
from checker.manifest import Exercise
from checker.results import Outcome
from checker.tracing import display_path


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


class Submission(Mapping[str, str]):
    """The learner's files, by name, as text."""

    def __init__(self, files: dict[str, str]) -> None:
        self._files = files

    @classmethod
    def read(cls, exercise: Exercise, folder: Path) -> Submission:
        files = {}
        for name in exercise.files:
            path = folder / name
            try:
                files[name] = path.read_bytes().decode("utf-8")
            except FileNotFoundError:
                raise LearnerUnavailable(
                    Outcome.MISSING, f"{display_path(path)} is missing: the checks need this file."
                ) from None
            except UnicodeDecodeError:
                raise LearnerUnavailable(
                    Outcome.ERROR, f"{display_path(path)} is not UTF-8 text. Save it as UTF-8."
                ) from None
        return cls(files)

    @classmethod
    def from_bytes(cls, exercise: Exercise, files: Mapping[str, bytes]) -> Submission:
        """The learner's files as the grader received them."""
        texts = {}
        for name in exercise.files:
            try:
                texts[name] = files[name].decode("utf-8")
            except KeyError:
                raise LearnerUnavailable(
                    Outcome.MISSING, f"exercises/{exercise.id}/{name} is missing"
                ) from None
            except UnicodeDecodeError:
                raise LearnerUnavailable(
                    Outcome.ERROR, f"exercises/{exercise.id}/{name} is not UTF-8 text"
                ) from None
        return cls(texts)

    def __getitem__(self, name: str) -> str:
        return self._files[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._files)

    def __len__(self) -> int:
        return len(self._files)
