"""The learner's progress: each exercise's last result, checked again only when it is stale."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from checker.course import starter, state
from checker.course.manifest import Exercise, Task
from checker.course.results import ExerciseResult


def summaries(root: Path, exercises: Sequence[Exercise]) -> dict[str, state.Summary]:
    """Each exercise's last result: checked again only when what it depends on has changed, and
    not at all while it is the untouched starter. Several to check are shared out among one
    process per core."""
    saved = state.load(root)
    prints = {exercise.id: state.fingerprint(exercise) for exercise in exercises}
    stale = [
        e for e in exercises if getattr(saved.results.get(e.id), "fingerprint", "") != prints[e.id]
    ]
    if not stale:
        return {e.id: saved.results[e.id] for e in exercises if e.id in saved.results}
    as_shipped = starter.untouched(root, stale)
    to_check = [exercise for exercise in stale if exercise.id not in as_shipped]
    for exercise in stale:
        if exercise.id in as_shipped:  # an untouched starter fails every task: not checked
            saved.results[exercise.id] = state.Summary(prints[exercise.id], 0, 0, False)
    for exercise_id, points, passed_tasks, passed in _check(to_check):
        saved.results[exercise_id] = state.Summary(
            prints[exercise_id], points, passed_tasks, passed
        )
    try:
        state.save(root, saved)
    except OSError:  # a read-only copy of the course: the map is only slower next time
        pass
    return {e.id: saved.results[e.id] for e in exercises if e.id in saved.results}


Checked = tuple[str, int, int, bool]  # an exercise's id, points, tasks passed, whether it passes


def _check(exercises: Sequence[Exercise]) -> list[Checked]:
    """Check ``exercises``: in this process when one core or one exercise, else shared out, in
    their order, among one process per core. Should those processes fail to start or to finish,
    the exercises are checked here instead."""
    workers = min(len(exercises), os.cpu_count() or 1)
    folders = [str(exercise.directory) for exercise in exercises]
    if not folders:
        return []
    if workers < 2:
        return _check_here(folders)
    import concurrent.futures
    import multiprocessing

    # fork is quick where it is safe; elsewhere each process starts afresh
    method = "fork" if sys.platform.startswith("linux") else "spawn"
    shares = [folders[start::workers] for start in range(workers)]
    try:
        with concurrent.futures.ProcessPoolExecutor(
            workers, mp_context=multiprocessing.get_context(method)
        ) as pool:
            return [found for done in pool.map(_check_here, shares) for found in done]
    except (OSError, concurrent.futures.process.BrokenProcessPool):
        return _check_here(folders)


def _check_here(folders: Sequence[str]) -> list[Checked]:
    from checker.runtime import runner

    _, results = runner.check([Path(folder) for folder in folders])
    return [(result.exercise.id, *_counts(result)) for result in results]


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
    return state.Summary(fingerprint, *_counts(result))


def _counts(result: ExerciseResult) -> tuple[int, int, bool]:
    """What the course map keeps of a result: points, tasks passed, whether it passes."""
    return result.points, sum(task.passed for task in result.tasks), result.passed


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
