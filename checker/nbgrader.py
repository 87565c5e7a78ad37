"""What nbgrader's test cells call: ``from checker.nbgrader import check_task``. Exported
notebooks import this name, so it stays while the code lives in ``checker.notebooks.cells``."""

from __future__ import annotations

from checker.notebooks.cells import CheckerUnavailable, TaskFailed, check_task

__all__ = ["CheckerUnavailable", "TaskFailed", "check_task"]
