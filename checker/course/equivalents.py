"""Mutants that are still correct solutions, listed per module with why (tests/mutants/NN.toml).

An entry names its mutant by the lines it changes, before and after, not by line number, so it
still matches after edits elsewhere in the file.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

from checker.course.mutants import Mutant, stripped

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib


@dataclass(frozen=True)
class Equivalent:
    """A mutant that is still a correct solution, and why."""

    file: str
    before: str
    after: str
    reason: str
    line: int | None = None  # only where the same edit is made in two places

    def matches(self, mutant: Mutant) -> bool:
        same = (mutant.file, mutant.before, mutant.after) == (self.file, self.before, self.after)
        return same and self.line in (None, mutant.line)


class EquivalentsError(ValueError):
    """The list of equivalent mutants is malformed."""


def load_equivalents(path: Path) -> list[Equivalent]:
    """The equivalent mutants listed in ``path`` (none when there is no such file)."""
    if not path.is_file():
        return []
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    unknown = set(data) - {"equivalent"}
    if unknown:
        raise EquivalentsError(f"{path}: unknown keys {sorted(unknown)}; use [[equivalent]]")
    found = []
    keys = {"file", "before", "after", "reason"}
    for number, entry in enumerate(data.get("equivalent", []), 1):
        line = entry.get("line")
        if (
            set(entry) - {"line"} != keys
            or not all(isinstance(entry[key], str) for key in keys)
            or not (line is None or type(line) is int)
        ):
            raise EquivalentsError(
                f"{path}: equivalent #{number} needs the strings {', '.join(sorted(keys))} "
                "(and, only to tell two places apart, a line number)"
            )
        if not entry["reason"].strip():
            raise EquivalentsError(f"{path}: equivalent #{number} needs a reason")
        found.append(
            Equivalent(
                entry["file"],
                _normal(entry["before"]),
                _normal(entry["after"]),
                " ".join(entry["reason"].split()),
                line,
            )
        )
    return found


def _normal(text: str) -> str:
    return stripped(text.strip("\n").splitlines())


def entry_for(mutant: Mutant) -> str:
    """The [[equivalent]] entry that lists ``mutant``, for an author to paste and give a reason."""

    def quoted(text: str) -> str:
        if "\n" in text or "'" in text:
            return '"""\n' + text.replace("\\", "\\\\").replace('"', '\\"') + '"""'
        return f"'{text}'"

    return (
        "[[equivalent]]\n"
        f'file = "{mutant.file}"\n'
        f"before = {quoted(mutant.before)}\n"
        f"after = {quoted(mutant.after)}\n"
        'reason = "..."\n'
    )
