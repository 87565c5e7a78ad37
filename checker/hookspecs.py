"""Hooks the checker's pytest plugin calls, for the grader (or any plugin) to implement."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from checker.course.results import CheckResult


@pytest.hookspec
def pytest_workbook_check(check: CheckResult) -> None:
    """A check has ended (all its phases): ``check`` is its result, as plain data.

    The grader collects each learner's results through this hook; the plugin itself keeps them
    for the task report only when no grader is running.
    """
