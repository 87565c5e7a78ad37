"""Learner-facing failures: each knows its outcome and how to show itself."""

from __future__ import annotations

from dataclasses import dataclass

from checker.course.results import Outcome


@dataclass(frozen=True)
class Location:
    """A place in the learner's code."""

    file: str
    line: int
    source: str = ""
    cell: int | None = None  # for code from a notebook: the cell, and `line` within it

    def show(self) -> str:
        cell = f"cell {self.cell}, " if self.cell is not None else ""
        where = f"{self.file}, {cell}line {self.line}"
        return f"{where}: `{self.source.strip()}`" if self.source.strip() else where


class CheckFailure(Exception):
    """Base of every failure the checker shows to a learner."""

    outcome = Outcome.FAILED

    def show(self) -> str:
        return str(self)


class CheckFailed(CheckFailure, AssertionError):
    """A check saw something other than what it expected."""

    def __init__(
        self,
        message: str,
        *,
        expected: object = None,
        actual: object = None,
        fix: str | None = None,
    ) -> None:
        self.message = message
        self.expected = expected
        self.actual = actual
        self.fix = fix
        super().__init__(self.show())

    def show(self) -> str:
        return f"{self.message}\nFix: {self.fix}" if self.fix else self.message


@dataclass(frozen=True)
class Raised:
    """An exception the learner's code raised, as plain data."""

    error_type: str
    error_text: str
    location: Location | None = None  # the innermost line of the learner's that was running
    via: Location | None = None  # the outermost one, when it is another: where it was called

    @property
    def summary(self) -> str:
        """``KeyError: 'name' (app.py, line 12: ...)``, and where that was called from when the
        call began elsewhere in the learner's code (a factory called at import, say)."""
        said = _without_sql_detail(self.error_text)
        text = f"{self.error_type}: {said}" if said else self.error_type
        if self.location is None:
            return text
        called = f", called from {self.via.show()}" if self.via else ""
        return f"{text} ({self.location.show()}{called})"


# The lines SQLAlchemy adds to a database error: the statement, its parameters and a link. The
# database's own words (and PostgreSQL's DETAIL line) say what went wrong; these only add noise.
_SQL_DETAIL = ("[SQL: ", "[parameters: ", "(Background on this error at: ")


def _without_sql_detail(text: str) -> str:
    """``text`` without the statement, parameters and link SQLAlchemy appends to its errors."""
    lines = text.splitlines()
    if not any(line.startswith(_SQL_DETAIL) for line in lines):
        return text
    return "\n".join(line for line in lines if not line.startswith(_SQL_DETAIL)).strip()


class LearnerFailure(CheckFailure):
    """Something went wrong in the learner's code; ``checker.runtime.happened.judge`` said what."""

    def __init__(self, outcome: Outcome, message: str) -> None:
        self.outcome = outcome
        self.message = message
        super().__init__(message)

    def show(self) -> str:
        return self.message


class LearnerError(LearnerFailure):
    """The learner's code raised an exception."""

    def __init__(self, doing: str, raised: Raised) -> None:
        from checker.runtime.happened import judge

        self.doing = doing
        self.raised = raised
        super().__init__(*judge(doing, raised))


class LearnerTimeout(LearnerFailure):
    """The learner's code did not finish in time."""

    def __init__(self, doing: str, seconds: float, location: Location | None, cause: str) -> None:
        from checker.runtime.happened import TimedOut, judge

        self.doing = doing
        self.seconds = seconds
        self.location = location
        self.cause = cause
        super().__init__(*judge(doing, TimedOut(seconds, location, cause)))


class LearnerUnavailable(LearnerFailure):
    """The learner's code could not be loaded, so checks that need it cannot run."""
