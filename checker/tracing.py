"""Find where in the learner's files an exception was raised or a thread is stuck."""

from __future__ import annotations

import linecache
import os
import traceback
from collections.abc import Collection, Iterable
from pathlib import Path
from types import FrameType, TracebackType

from checker.failures import Location, Raised
from checker.sources import Source


def display_path(path: Path) -> str:
    """``path`` relative to the working directory when it is below it, else absolute."""
    try:
        return os.path.relpath(path) if path.resolve().is_relative_to(Path.cwd()) else str(path)
    except ValueError:  # another drive on Windows
        return str(path)


_notebooks: dict[str, Source] = {}  # like linecache: code compiled from notebooks, by file name


def register(source: Source) -> None:
    """Remember a notebook's code, so tracebacks and messages can point at its cells."""
    if source.is_notebook:
        name = str(source.path)
        _notebooks[name] = source
        linecache.cache[name] = (len(source.text), None, source.text.splitlines(True), name)


def location(filename: str, line: int) -> Location:
    """A place in a learner file, in cells for code that came from a notebook."""
    text = linecache.getline(filename, line)
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
    """Describe ``error`` as plain data, located in the learner's files where possible."""
    location = location_in(traceback_frames(error.__traceback__), learner_files)
    return Raised(type(error).__name__, str(error), location)
