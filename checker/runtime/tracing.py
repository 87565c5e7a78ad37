"""Find where in the learner's files an exception was raised or a thread is stuck."""

from __future__ import annotations

import linecache
import os
import traceback
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from pathlib import Path
from types import FrameType, TracebackType

from checker.runtime.failures import Location, Raised
from checker.runtime.sources import Segment, Source, place_in_cells


@dataclass(frozen=True)
class WrittenBy:
    """A learner file that a notebook's ``%%writefile`` cells wrote (an nbgrader submission)."""

    notebook: str
    segments: tuple[Segment, ...]  # the cells the file's lines came from

    def place(self, line: int) -> tuple[int, int]:
        """(cell number, line within the cell) of the file's ``line``."""
        return place_in_cells(self.segments, line)


_written: dict[str, WrittenBy] = {}  # by file name, as the file is compiled


def register_written(path: Path, origin: WrittenBy) -> None:
    """Point messages about ``path`` at the notebook cells that wrote it."""
    _written[str(path)] = origin


_shown: dict[str, str] = {}  # a learner file's copy in the run folder -> how messages name it


_folders: dict[str, str] = {}  # a run folder -> how messages name the learner's folder


def register_shown(copy: Path, shown: str) -> None:
    """Name the learner's file ``shown`` in messages about its ``copy`` the app runs from."""
    _shown[str(copy)] = shown


def register_folder(run_dir: Path, shown: str) -> None:
    """Name the learner's folder ``shown`` where an error's own text names the run folder (an
    ImportError names the module's file, say)."""
    _folders[str(run_dir) + os.sep] = shown.rstrip("/") + "/"


def forget_folder(run_dir: Path) -> None:
    """Drop what was registered about the files of a run folder that is gone."""
    prefix = str(run_dir) + os.sep
    _folders.pop(prefix, None)
    for registry in (_shown, _notebooks, _written):
        for name in [name for name in registry if name.startswith(prefix)]:
            del registry[name]


def _in_learner_terms(text: str) -> str:
    for folder, shown in _folders.items():
        if folder in text:
            text = text.replace(folder, shown)
    return text


def display_path(path: Path) -> str:
    """``path`` relative to the working directory when it is below it, else absolute; a file a
    notebook wrote says so; the run folder's copy of a learner file is named as the original."""
    origin = _written.get(str(path))
    if origin is not None:
        return f"{path.name} (written by {origin.notebook})"
    if str(path) in _shown:
        return _shown[str(path)]
    try:
        return os.path.relpath(path) if path.resolve().is_relative_to(Path.cwd()) else str(path)
    except ValueError:  # another drive on Windows
        return str(path)


_notebooks: dict[str, Source] = {}  # like linecache: code compiled from notebooks, by file name


def register(source: Source, *, as_file: Path | None = None) -> None:
    """Remember a notebook's code, run as the file ``as_file`` (or under the notebook's own name),
    so tracebacks and messages point at its cells."""
    if source.is_notebook:
        name = str(as_file or source.path)
        _notebooks[name] = source
        _shown[name] = display_path(source.path)
        linecache.cache[name] = (len(source.text), None, source.text.splitlines(True), name)


def location(filename: str, line: int) -> Location:
    """A place in a learner file, in cells for code that came from a notebook."""
    text = linecache.getline(filename, line)
    origin = _written.get(filename)
    if origin is not None:
        number, line_in_cell = origin.place(line)
        return Location(origin.notebook, line_in_cell, text, number)
    shown = display_path(Path(filename))
    notebook = _notebooks.get(filename)
    if notebook is None:
        return Location(shown, line, text)
    cell, within = notebook.place(line)
    return Location(shown, within, text, cell)


def location_in(
    frames: Iterable[tuple[str, int]], learner_files: Collection[str]
) -> Location | None:
    """The innermost (file, line) among ``frames`` (outermost first) that is a learner file."""
    found = None
    for filename, line in frames:
        if filename in learner_files:
            found = (filename, line)
    if found is None:
        return None
    return location(*found)


def traceback_frames(tb: TracebackType | None) -> list[tuple[str, int]]:
    """(file, line) of every frame of a traceback, outermost first."""
    return [(frame.filename, frame.lineno or 0) for frame in traceback.extract_tb(tb)]


def stack_frames(frame: FrameType | None) -> list[tuple[str, int]]:
    """(file, line) of a live frame and its callers, outermost first."""
    return [(summary.filename, summary.lineno or 0) for summary in traceback.extract_stack(frame)]


def raised(error: BaseException, learner_files: Collection[str]) -> Raised:
    """Describe ``error`` as plain data, located in the learner's files where possible: the
    innermost line of theirs that ran, and the outermost when that is another line."""
    mine = [frame for frame in traceback_frames(error.__traceback__) if frame[0] in learner_files]
    innermost = location(*mine[-1]) if mine else None
    outermost = location(*mine[0]) if len(mine) > 1 and mine[0] != mine[-1] else None
    return Raised(type(error).__name__, _in_learner_terms(str(error)), innermost, outermost)
