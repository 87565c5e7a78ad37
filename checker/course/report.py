"""Show exercise results as text lines. Pure: the caller decides where the lines go."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from checker.course.manifest import Exercise, Task
from checker.course.results import ExerciseResult, Outcome

OUTPUT_LINES = 12
OUTPUT_LINE_WIDTH = 160
MESSAGE_LINES = 12

_TRACEBACK_START = "Traceback (most recent call last):"


@dataclass(frozen=True)
class Line:
    """A line of the report, and how it should look: "", "green", "red", "yellow" or "bold"."""

    text: str
    style: str = ""


def marks(encoding: str | None) -> tuple[str, str]:
    """✓ and ✗, or plain letters on a console that cannot show them."""
    try:
        "✓✗".encode(encoding or "utf-8")
    except (UnicodeEncodeError, LookupError):
        return "+", "x"
    return "✓", "✗"


def graded_file(result: ExerciseResult) -> str:
    """The file the checks graded: the exercise's notebook when chosen, else its app file."""
    exercise = result.exercise
    if exercise.course_app:  # the app is the course's: what is graded is the learner's tests
        return f"your tests in exercises/{exercise.id}/{exercise.edit_file.rpartition('/')[0]}/"
    return result.graded or f"exercises/{exercise.id}/{exercise.app_file}"


def exercise_lines(
    result: ExerciseResult,
    encoding: str | None = "utf-8",
    hints_seen: Mapping[str, int] | None = None,
    graded: str = "",
) -> list[Line]:
    """The lines for one exercise: a heading, a line per task, and why each failing task failed.

    ``graded`` says what was graded when it is neither of the exercise's files (an app object).

    A failing task's ``Hint:`` is the first of its hints the learner has not seen yet
    (``hints_seen``: how many of each task's hints ``workbook hint`` has shown), or its last hint
    once all were seen.
    """
    seen = hints_seen or {}
    passed, failed = marks(encoding)
    exercise = result.exercise
    lines = [Line(f"exercises/{exercise.id} · {exercise.title}", "bold")]
    if graded:
        lines.append(Line(f"  graded: {graded}"))
    elif exercise.notebook:
        graded = graded_file(result)
        other = "app" if result.graded else "notebook"
        lines.append(Line(f"  graded: {graded} (`workbook use {exercise.id} {other}` to switch)"))
    if result.problem:
        lines.append(Line("  Your code could not be checked:", "red"))
        lines += [Line(f"    {text}", "red") for text in _clip(result.problem, MESSAGE_LINES)]
    width = max(len(task.task.id) for task in result.tasks)
    title_width = max(len(task.task.title) for task in result.tasks)
    for task in result.tasks:
        mark, style = (passed, "green") if task.passed else (failed, "red")
        score = f"{task.points}/{task.task.points}"
        word = "" if task.passed else f"  {task.outcome.value}"
        lines.append(
            Line(
                f"  {mark} {task.task.id:<{width}}  {task.task.title:<{title_width}}  {score:>5}{word}",
                style,
            )
        )
        if task.passed:
            continue
        if result.problem and task.message == result.problem:
            continue  # said once, above
        lines += [Line(f"      {text}") for text in _clip(task.message, MESSAGE_LINES)]
        if task.task.hints:
            lines.append(
                Line(f"      Hint: {next_hint(task.task, seen.get(task.task.id, 0))}", "yellow")
            )
        output = trim_output(task.output)
        if output:
            lines.append(Line("      Your code printed:"))
            lines += [Line(f"        | {text}") for text in output.splitlines()]
    if result.problem:
        lines.append(Line("  Fix the problem above first, then run the checks again.", "yellow"))
    return lines


def next_lines(results: Sequence[ExerciseResult], course: Sequence[Exercise]) -> list[Line]:
    """On full marks, what to do next: the lesson and command of the exercise after the last one
    checked in the ``course``, or the course map after the last exercise. Nothing otherwise."""
    if not results or not all(result.passed for result in results):
        return []
    last = max(result.exercise.id for result in results)
    following = next((exercise for exercise in course if exercise.id > last), None)
    if following is None:
        return [
            Line(
                "Every task passes. That was the last exercise: `workbook` shows the course map.",
                "green",
            )
        ]
    where = f"exercises/{following.id}/{following.edit_file}"
    return [
        Line(
            f"Every task passes. Next: {following.id} {following.title}: read "
            f"lessons/{following.lesson}, then edit {where} and run `pytest exercises/{following.id}`.",
            "green",
        )
    ]


def next_hint(task: Task, seen: int) -> str:
    """The first hint of ``task`` not among the ``seen`` first ones; the last once all were seen."""
    return task.hints[min(max(seen, 0), len(task.hints) - 1)]


def hint_lines(exercise: Exercise, task: Task, index: int | None) -> list[Line]:
    """What ``workbook hint`` shows: hint ``index`` of ``task``, or (None) all of its hints, with
    where to read on, once every one was shown."""
    if index is None:
        return [
            Line(f"{exercise.id} {task.id}: you have seen all {len(task.hints)} hints.", "bold"),
            *(Line(f"  {number}. {text}") for number, text in enumerate(task.hints, 1)),
            Line(
                f"Reread lessons/{exercise.lesson}; its exercise brief says what each task needs."
            ),
        ]
    return [
        Line(
            f"{exercise.id} {task.id} ({task.title}), hint {index + 1} of {len(task.hints)}:",
            "bold",
        ),
        Line(f"  {task.hints[index]}"),
    ]


def tasks_line(results: Sequence[ExerciseResult]) -> Line:
    """How many tasks pass, said next to pytest's count of checks: ``1 of 2 tasks pass``."""
    passed = sum(task.passed for result in results for task in result.tasks)
    tasks = sum(len(result.tasks) for result in results)
    verb = "passes" if tasks == 1 else "pass"
    return Line(f"{passed} of {tasks} task{'' if tasks == 1 else 's'} {verb}", "bold")


def score_line(points: int, max_points: int) -> Line:
    """The last line of every check run."""
    style = "green" if points == max_points else "bold"
    return Line(f"score: {points}/{max_points} points", style)


def trim_output(text: str) -> str:
    """The learner's output, shortened: tracebacks folded, the last lines kept, long lines cut."""
    kept: list[str] = []
    lines = iter(text.splitlines())
    for line in lines:
        if line.strip() == _TRACEBACK_START:
            for rest in lines:
                if rest and not rest[0].isspace():
                    kept.append(f"(traceback hidden) {rest}")
                    break
            continue
        kept.append(line)
    kept = [line.rstrip() for line in kept]
    while kept and not kept[-1]:
        kept.pop()
    hidden = max(len(kept) - OUTPUT_LINES, 0)
    kept = kept[hidden:]
    cut = [
        line if len(line) <= OUTPUT_LINE_WIDTH else line[:OUTPUT_LINE_WIDTH] + "…" for line in kept
    ]
    if hidden:
        cut.insert(0, f"... ({hidden} earlier line{'s' if hidden != 1 else ''} not shown)")
    return "\n".join(cut)


def _clip(text: str, limit: int) -> Iterable[str]:
    lines = text.splitlines() or [""]
    if len(lines) > limit:
        lines = [*lines[: limit - 1], f"... ({len(lines) - limit + 1} more lines)"]
    return lines


def strip_ansi(text: str) -> str:
    """Text without terminal colour codes."""
    return re.sub(r"\x1b\[[0-9;]*m", "", text)


def outcome_word(outcome: Outcome) -> str:
    return outcome.value
