"""Check an exercise from a notebook: ``from checker.notebook import check``, or the ``%check``
magic after ``%load_ext checker.notebook``. Lessons and learners' notebooks import this name."""

from __future__ import annotations

from checker.notebooks.check import CheckReport, check, load_ipython_extension

__all__ = ["CheckReport", "check", "load_ipython_extension"]
