"""Scoring and the text report: pure functions over plain data."""

from __future__ import annotations

from pathlib import Path

from checker.course import scoring
from checker.course.manifest import Exercise, Task
from checker.course.report import exercise_lines, marks, score_line, trim_output
from checker.course.results import CheckResult, Outcome

HELLO = Task("hello", "Say hello", 2, ("first hint", "second hint"))
JSON = Task("json", "Answer JSON", 3, ("dict", "return {}"))
EXERCISE = Exercise(
    "01",
    "Tiny",
    Path("exercises/01"),
    "01_tiny.ipynb",
    ("app.py",),
    "app",
    "app",
    False,
    tasks=(HELLO, JSON),
)


def check(task: str, outcome: Outcome, message: str = "") -> CheckResult:
    return CheckResult("01", task, f"test_{task}", outcome, message)


def test_task_passes_only_when_every_check_passes():
    result = scoring.score_exercise(
        EXERCISE,
        [
            check("hello", Outcome.PASSED),
            check("json", Outcome.PASSED),
            check("json", Outcome.FAILED, "no"),
        ],
    )
    assert [(t.outcome, t.points) for t in result.tasks] == [
        (Outcome.PASSED, 2),
        (Outcome.FAILED, 0),
    ]
    assert (result.points, result.max_points, result.passed) == (2, 5, False)


def test_task_reports_its_worst_check():
    task = scoring.score_task(
        JSON, [check("json", Outcome.FAILED, "wrong"), check("json", Outcome.TIMEOUT, "slow")]
    )
    assert (task.outcome, task.message) == (Outcome.TIMEOUT, "slow")


def test_task_with_no_check_is_missing_not_zero_silently():
    result = scoring.score_exercise(EXERCISE, [check("hello", Outcome.PASSED)])
    assert result.tasks[1].outcome is Outcome.MISSING
    assert "no check ran" in result.tasks[1].message


def test_total_over_exercises():
    done = scoring.score_exercise(
        EXERCISE, [check("hello", Outcome.PASSED), check("json", Outcome.PASSED)]
    )
    half = scoring.score_exercise(EXERCISE, [check("hello", Outcome.PASSED)])
    assert scoring.total([done, half]) == (7, 10)


def test_report_shows_marks_message_and_first_hint_only():
    result = scoring.score_exercise(
        EXERCISE,
        [check("hello", Outcome.FAILED, "GET / answered 404"), check("json", Outcome.PASSED)],
    )
    text = "\n".join(line.text for line in exercise_lines(result))
    assert "✗ hello" in text and "✓ json" in text
    assert "GET / answered 404" in text
    assert "Hint: first hint" in text and "second hint" not in text
    assert score_line(2, 5).text == "score: 2/5 points"


def test_report_falls_back_to_ascii_marks():
    assert marks("cp1252") == ("+", "x")
    assert marks("utf-8") == ("✓", "✗")


def test_output_is_trimmed_and_tracebacks_folded():
    text = "\n".join(
        ["start", "Traceback (most recent call last):", '  File "x", line 1', "KeyError: 'a'"]
        + [f"line {n}" for n in range(30)]
    )
    trimmed = trim_output(text)
    assert "Traceback" not in trimmed
    assert trimmed.splitlines()[0] == "... (20 earlier lines not shown)"
    assert trimmed.splitlines()[-1] == "line 29"
    assert len(trim_output("x" * 1000)) < 200
