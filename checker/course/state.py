"""The learner's small state file at the root of the workbook (git-ignored)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

STATE_FILE = ".workbook-state.json"


@dataclass
class State:
    """How many hints of each task the learner has seen: ``hints["03"]["form-data"] == 2``."""

    hints: dict[str, dict[str, int]] = field(default_factory=dict)

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
        return State(
            {str(e): {str(t): int(n) for t, n in tasks.items()} for e, tasks in hints.items()}
        )
    except (OSError, ValueError, AttributeError, TypeError):
        return State()


def save(root: Path, state: State) -> None:
    """Write the state atomically, so an interrupted write never leaves a broken file."""
    path = root / STATE_FILE
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps({"hints": state.hints}, indent=2) + "\n", encoding="utf-8")
    temporary.replace(path)
