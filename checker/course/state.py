"""The learner's small state file at the root of the workbook (git-ignored): the hints seen, the
last result of each exercise, kept with a fingerprint of what it depends on, and the solutions the
learner asked to see before their exercise passed (``workbook solution NN --give-up``)."""

from __future__ import annotations

import functools
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

from checker.course.manifest import MANIFEST_NAME, Exercise
from checker.files import write_text_atomic

STATE_FILE = ".workbook-state.json"


@dataclass(frozen=True)
class Summary:
    """What the course map shows of an exercise's last result."""

    fingerprint: str  # of the learner's files, the checks and the checker it was checked with
    points: int
    passed_tasks: int
    passed: bool


@dataclass(frozen=True)
class GaveUp:
    """A solution shown before its exercise passed: when, and how far the learner had got."""

    at: str  # ISO 8601, local time with its offset
    passed_tasks: int
    tasks: int


@dataclass
class State:
    """How many hints of each task the learner has seen (``hints["03"]["form-data"] == 2``), the
    last result of each exercise, and the solutions seen before passing."""

    hints: dict[str, dict[str, int]] = field(default_factory=dict)
    results: dict[str, Summary] = field(default_factory=dict)
    gave_up: dict[str, GaveUp] = field(default_factory=dict)

    def hints_seen(self, exercise_id: str, task_id: str) -> int:
        return self.hints.get(exercise_id, {}).get(task_id, 0)

    def saw_hint(self, exercise_id: str, task_id: str) -> None:
        tasks = self.hints.setdefault(exercise_id, {})
        tasks[task_id] = tasks.get(task_id, 0) + 1


def load(root: Path) -> State:
    """The saved state, or a fresh one when there is none or it cannot be read."""
    try:
        data = json.loads((root / STATE_FILE).read_text(encoding="utf-8"))
        hints = data.get("hints", {})
        state = State(
            {str(e): {str(t): int(n) for t, n in tasks.items()} for e, tasks in hints.items()}
        )
    except (OSError, ValueError, AttributeError, TypeError):
        return State()
    try:
        for exercise_id, found in dict(data.get("results", {})).items():
            state.results[str(exercise_id)] = Summary(
                str(found["fingerprint"]),
                int(found["points"]),
                int(found["passed_tasks"]),
                bool(found["passed"]),
            )
    except (ValueError, AttributeError, TypeError, KeyError):
        state.results.clear()  # an unreadable cache is only checked again
    try:
        for exercise_id, seen in dict(data.get("gave_up", {})).items():
            state.gave_up[str(exercise_id)] = GaveUp(
                str(seen["at"]), int(seen["passed_tasks"]), int(seen["tasks"])
            )
    except (ValueError, AttributeError, TypeError, KeyError):
        pass  # what could be read is kept; the record is the learner's own word anyway
    return state


def save(root: Path, state: State) -> None:
    """Write the state atomically, so an interrupted write never leaves a broken file."""
    path = root / STATE_FILE
    results = {
        exercise_id: {
            "fingerprint": summary.fingerprint,
            "points": summary.points,
            "passed_tasks": summary.passed_tasks,
            "passed": summary.passed,
        }
        for exercise_id, summary in state.results.items()
    }
    document: dict[str, object] = {"hints": state.hints, "results": results}
    if state.gave_up:
        document["gave_up"] = {
            exercise_id: {"at": seen.at, "passed_tasks": seen.passed_tasks, "tasks": seen.tasks}
            for exercise_id, seen in state.gave_up.items()
        }
    write_text_atomic(path, json.dumps(document, indent=2) + "\n")


def fingerprint(exercise: Exercise) -> str:
    """What an exercise's result depends on, in one hash: the learner's files, its checks and
    manifest, byte for byte, and the checker's own code (by size and time of change)."""
    digest = hashlib.sha256(_checker_stamp().encode())
    folder = exercise.directory
    checks = sorted(p.name for p in folder.glob("test_*.py"))
    for name in [MANIFEST_NAME, *checks, *exercise.owned_in(folder)]:
        digest.update(name.encode() + b"\0")
        try:
            digest.update((folder / name).read_bytes())
        except OSError:
            digest.update(b"(missing)")
    return digest.hexdigest()


@functools.cache
def _checker_stamp() -> str:
    """The checker's version and the size and time of change of each of its files: read once
    per process, however many exercises are fingerprinted."""
    import checker

    digest = hashlib.sha256(checker.__version__.encode())
    for path in sorted(Path(checker.__file__).parent.rglob("*.py")):
        info = path.stat()
        digest.update(f"{path}:{info.st_size}:{info.st_mtime_ns}".encode())
    return digest.hexdigest()
