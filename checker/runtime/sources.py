"""Where the learner's app code comes from: ``app.py``, or the code cells of ``exercise.ipynb``.

Which one is graded is never guessed. The manifest may fix it (``graded = "notebook"`` or
``"app"``); otherwise the learner chooses with ``workbook use NN notebook``, which marks the
notebook's metadata, so the choice travels with the notebook into a submission.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from checker.course.manifest import Exercise
from checker.course.results import Outcome
from checker.runtime.failures import LearnerUnavailable

METADATA_KEY = "workbook"  # notebook metadata: {"workbook": {"graded": true}}


# Where a run of lines came from: (its first line in the text, its cell's number, and that
# line's number within the cell).
Segment = tuple[int, int, int]


def place_in_cells(segments: tuple[Segment, ...], line: int) -> tuple[int, int]:
    """(cell number, line within the cell) of the text's ``line``."""
    start, cell, first = max((s for s in segments if s[0] <= line), default=segments[0])
    return cell, line - start + first


@dataclass(frozen=True)
class Source:
    """The app module's code, and where each line came from."""

    path: Path  # app.py, or exercise.ipynb
    text: str
    cells: tuple[Segment, ...] = ()  # for a notebook

    @property
    def is_notebook(self) -> bool:
        return self.path.suffix == ".ipynb"

    def place(self, line: int) -> tuple[int | None, int]:
        """(cell number, line within the cell) for a notebook; (None, line) for a file."""
        if not self.cells:
            return None, line
        return place_in_cells(self.cells, line)


def notebook_is_graded(exercise: Exercise, files: Mapping[str, bytes]) -> bool:
    """Whether the notebook, not app.py, is the one to grade."""
    if exercise.notebook is None or exercise.graded == "app":
        return False
    if exercise.graded == "notebook":
        return True
    data = files.get(exercise.notebook)
    if data is None:
        return False
    # The choice is plain JSON in the metadata: no need for nbformat (and its schema) to read it.
    try:
        document: Any = json.loads(data)
        return bool(document["metadata"].get(METADATA_KEY, {}).get("graded", False))
    except Exception:  # a broken notebook that nobody chose is not graded
        return False


def read(exercise: Exercise, files: Mapping[str, bytes], folder: Path, shown: str) -> Source:
    """The app's source from the learner's ``files`` (their bytes, by name) found in ``folder``.

    ``shown`` is how messages name the folder (``exercises/03``). Raises LearnerUnavailable.
    """
    if notebook_is_graded(exercise, files):
        assert exercise.notebook is not None
        return _from_notebook(exercise.notebook, files, folder, shown)
    name = exercise.app_file
    if name not in files:
        raise LearnerUnavailable(
            Outcome.MISSING,
            f"{shown}/{name} is missing: the checks need this file. "
            f"Restore it from the starter in exercises/{exercise.id}/ and try again.",
        )
    return Source(folder / name, _text(files[name], f"{shown}/{name}"))


def _from_notebook(name: str, files: Mapping[str, bytes], folder: Path, shown: str) -> Source:
    import nbformat

    where = f"{shown}/{name}"
    if name not in files:
        raise LearnerUnavailable(Outcome.MISSING, f"{where} is missing, but it is the file graded")
    try:
        notebook = nbformat.reads(_text(files[name], where), as_version=4)  # type: ignore[no-untyped-call]
    except LearnerUnavailable:
        raise
    except Exception as error:
        raise LearnerUnavailable(
            Outcome.ERROR,
            f"{where} is not a notebook Jupyter can open ({type(error).__name__}: "
            f"{str(error).splitlines()[0] if str(error) else ''}). Restore it from the starter.",
        ) from None
    lines: list[str] = []
    cells: list[Segment] = []
    for number, cell in enumerate(notebook.cells, 1):
        if cell.cell_type != "code" or cell.source.lstrip().startswith("%%"):
            continue
        cells.append((len(lines) + 1, number, 1))
        for line in cell.source.splitlines() or [""]:
            # IPython's own syntax (%magic, !shell) is not Python; it keeps its line, blank.
            lines.append("" if line.lstrip().startswith(("%", "!")) else line)
    return Source(folder / name, "\n".join(lines) + "\n", tuple(cells))


def _text(data: bytes, where: str) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise LearnerUnavailable(
            Outcome.ERROR,
            f"{where} is not UTF-8 text (byte 0x{error.object[error.start]:02x} at position "
            f"{error.start}). Save the file with UTF-8 encoding.",
        ) from None


def files_in(exercise: Exercise, folder: Path) -> dict[str, bytes]:
    """The learner-owned files that exist in ``folder``, as bytes."""
    return {name: (folder / name).read_bytes() for name in exercise.owned_in(folder)}


def choose(exercise: Exercise, folder: Path, notebook: bool) -> Path:
    """Record the learner's choice in the exercise notebook's metadata; return the graded file.

    Raises ValueError with a message for the learner when there is no choice to make.
    """
    if exercise.notebook is None:
        raise ValueError(
            f"exercise {exercise.id} has no notebook; solve it in exercises/{exercise.id}/"
            f"{exercise.app_file}"
        )
    if exercise.graded != "choice":
        fixed = exercise.notebook if exercise.graded == "notebook" else exercise.app_file
        raise ValueError(
            f"exercise {exercise.id} is always graded from {fixed} (its manifest says so)"
        )
    import nbformat

    path = folder / exercise.notebook
    try:
        document = nbformat.read(path, as_version=4)  # type: ignore[no-untyped-call]
    except FileNotFoundError:
        raise ValueError(f"{path} is missing; restore it from the starter") from None
    except Exception as error:
        raise ValueError(f"{path} is not a notebook Jupyter can open ({error})") from None
    if notebook:
        document.metadata.setdefault(METADATA_KEY, {})["graded"] = True
    else:
        document.metadata.pop(METADATA_KEY, None)  # back to the starter's metadata
    nbformat.write(document, path)  # type: ignore[no-untyped-call]
    return path if notebook else folder / exercise.app_file
