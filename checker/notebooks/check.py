"""Check an exercise from a Jupyter notebook: ``check("03")`` or, after
``%load_ext checker.notebook``, the magic ``%check 03``.

Each call runs the exercise's checks afresh in the notebook's process, reading the learner's files
again, so an edit to ``exercises/03/app.py`` shows at the next call. In Jupyter the result is an
HTML table; in a console, the same text ``pytest exercises/03`` prints.
"""

from __future__ import annotations

import argparse
import shlex
from dataclasses import dataclass, field
from typing import Any

import jinja2

from checker import course
from checker.course import state
from checker.course.report import exercise_lines, graded_file, next_hint, score_line, tasks_line
from checker.course.results import ExerciseResult, TaskResult
from checker.errors import Problem
from checker.runtime import runner

_TEMPLATES = jinja2.Environment(
    loader=jinja2.PackageLoader("checker", "templates"),
    autoescape=True,
    trim_blocks=True,
    lstrip_blocks=True,
)


@dataclass(frozen=True)
class CheckReport:
    """The result of checking one exercise, shown as a table in Jupyter and as text elsewhere."""

    results: tuple[ExerciseResult, ...] = ()
    problem: str = ""  # why the exercise could not be checked at all
    hints_seen: dict[str, dict[str, int]] = field(default_factory=dict)  # as state.State.hints
    given_app: bool = False  # the checks ran against an app object (app=), not the files

    def graded(self, result: ExerciseResult) -> str:
        """What the checks graded: the app object given, or the file or notebook."""
        if self.given_app:
            return (
                "the Flask app passed as app=, not a file "
                f'(check("{result.exercise.id}") without app= grades the files)'
            )
        return graded_file(result)

    def hint(self, result: ExerciseResult, task: TaskResult) -> str:
        """The hint shown for a failing task: the first the learner has not seen yet."""
        if not task.task.hints:
            return ""
        return next_hint(
            task.task, self.hints_seen.get(result.exercise.id, {}).get(task.task.id, 0)
        )

    @property
    def tasks_line(self) -> str:
        return tasks_line(self.results).text

    @property
    def points(self) -> int:
        return sum(result.points for result in self.results)

    @property
    def max_points(self) -> int:
        return sum(result.max_points for result in self.results)

    @property
    def passed(self) -> bool:
        return not self.problem and all(result.passed for result in self.results)

    def _repr_html_(self) -> str:
        return render_html(self)

    def __str__(self) -> str:
        return render_text(self)

    def __repr__(self) -> str:
        return render_text(self)


def check(exercise: str | int, *, app: Any = None, timeout: float | None = None) -> CheckReport:
    """Check one exercise. With ``app``, check that Flask app object instead of the files."""
    try:
        root = course.find_root()
        exercises = course.exercises(root)
    except Problem as error:
        return CheckReport(problem=error.show())
    wanted = str(exercise).strip()
    wanted = f"{int(wanted):02d}" if wanted.isdigit() else wanted
    found = next((e for e in exercises if e.id == wanted), None)
    if found is None:
        known = ", ".join(e.id for e in exercises)
        return CheckReport(problem=f"there is no exercise {wanted!r}; the exercises are {known}")
    try:
        _, results = runner.check([found.directory], timeout=timeout, app=app)
    except Problem as error:
        return CheckReport(problem=error.show())
    return CheckReport(tuple(results), hints_seen=state.load(root).hints, given_app=app is not None)


def render_text(report: CheckReport) -> str:
    """The report as the text ``pytest exercises/NN`` prints."""
    if report.problem:
        return f"workbook: {report.problem}"
    lines = [
        line
        for result in report.results
        for line in exercise_lines(
            result,
            hints_seen=report.hints_seen.get(result.exercise.id),
            graded=report.graded(result) if report.given_app else "",
        )
    ]
    lines += [tasks_line(report.results), score_line(report.points, report.max_points)]
    return "\n".join(line.text for line in lines)


def render_html(report: CheckReport) -> str:
    """The report as an HTML table: task, points, ✓ or ✗, message and hint."""
    return _TEMPLATES.get_template("check.html").render(report=report)


def load_ipython_extension(ipython: Any) -> None:
    """``%load_ext checker.notebook`` registers the ``%check`` magic."""

    def magic(line: str) -> CheckReport:
        parser = argparse.ArgumentParser(prog="%check", add_help=False, exit_on_error=False)
        parser.add_argument("exercise")
        parser.add_argument("--app", help="the name of a Flask app defined in this notebook")
        parser.add_argument("--check-timeout", "--timeout", dest="timeout", type=float)
        try:
            arguments = parser.parse_args(shlex.split(line))
        except (argparse.ArgumentError, SystemExit, ValueError):
            return CheckReport(problem="usage: %check NN [--app NAME] [--check-timeout SECONDS]")
        app = None
        if arguments.app is not None:
            if arguments.app not in ipython.user_ns:
                return CheckReport(problem=f"this notebook has no variable {arguments.app!r}")
            app = ipython.user_ns[arguments.app]
        return check(arguments.exercise, app=app, timeout=arguments.timeout)

    ipython.register_magic_function(magic, magic_kind="line", magic_name="check")
