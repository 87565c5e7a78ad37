"""The learner's progress: each exercise's last result, checked again only when it is stale."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from checker.course import state
from checker.course.manifest import Exercise, Task
from checker.course.results import ExerciseResult


def summaries(root: Path, exercises: Sequence[Exercise]) -> dict[str, state.Summary]:
    """Each exercise's last result: checked again only when what it depends on has changed."""
    from checker.runtime import runner

    saved = state.load(root)
    prints = {exercise.id: state.fingerprint(exercise) for exercise in exercises}
    stale = [
        e for e in exercises if getattr(saved.results.get(e.id), "fingerprint", "") != prints[e.id]
    ]
    if stale:
        _, results = runner.check([exercise.directory for exercise in stale])
        for result in results:
            saved.results[result.exercise.id] = _summary(prints[result.exercise.id], result)
        try:
            state.save(root, saved)
        except OSError:  # a read-only copy of the course: the map is only slower next time
            pass
    return {e.id: saved.results[e.id] for e in exercises if e.id in saved.results}


def record(root: Path, result: ExerciseResult, fingerprint: str) -> None:
    """Keep ``result``, of the files whose fingerprint was taken before they were checked, for
    the course map; kept only if the files are still those (a save during the check is not)."""
    if state.fingerprint(result.exercise) != fingerprint:
        return
    saved = state.load(root)
    saved.results[result.exercise.id] = _summary(fingerprint, result)
    try:
        state.save(root, saved)
    except OSError:  # a read-only copy of the course: the map checks it again
        pass


def _summary(fingerprint: str, result: ExerciseResult) -> state.Summary:
    return state.Summary(
        fingerprint, result.points, sum(task.passed for task in result.tasks), result.passed
    )


def kept(root: Path, exercises: Sequence[Exercise]) -> dict[str, state.Summary]:
    """The last results that still hold for the files as they are, without checking anything."""
    saved = state.load(root)
    fresh = {}
    for exercise in exercises:
        summary = saved.results.get(exercise.id)
        if summary is not None and summary.fingerprint == state.fingerprint(exercise):
            fresh[exercise.id] = summary
    return fresh


def give_up(root: Path, exercise: Exercise, summary: state.Summary | None) -> state.GaveUp:
    """Record that the learner saw the solution of ``exercise`` before it passed."""
    saved = state.load(root)
    seen = state.GaveUp(
        datetime.now().astimezone().isoformat(timespec="seconds"),
        summary.passed_tasks if summary else 0,
        len(exercise.tasks),
    )
    saved.gave_up.setdefault(exercise.id, seen)  # the first time is the one that counts
    state.save(root, saved)
    return saved.gave_up[exercise.id]


def take_hint(root: Path, exercise: Exercise, task: Task) -> int | None:
    """Record that the learner is shown the next hint of ``task``; its index, or None when every
    hint of the task was shown already (nothing is recorded then)."""
    saved = state.load(root)
    seen = saved.hints_seen(exercise.id, task.id)
    if seen >= len(task.hints):
        return None
    saved.saw_hint(exercise.id, task.id)
    state.save(root, saved)
    return seen


def first_not_done(root: Path, exercises: Sequence[Exercise]) -> Exercise | None:
    """The first exercise that does not pass yet, or None when every one does. Exercises are
    checked in order, and only until one does not pass: a fresh clone checks only its first."""
    fresh = kept(root, exercises)
    for exercise in exercises:
        summary = fresh.get(exercise.id) or summaries(root, [exercise]).get(exercise.id)
        if summary is None or not summary.passed:
            return exercise
    return None
