"""Errors shown to a person: each knows its message and the exit code of the command that met it.

The CLI catches :class:`Problem` once and prints ``workbook: <message>``; the notebook and the
nbgrader test cells show the same message. A learner's failing check is a different thing
(``checker.runtime.failures``): it is a result, not an error.
"""

from __future__ import annotations


class Problem(Exception):
    """Something a person has to fix before the command can do its work."""

    exit_code = 1

    def show(self) -> str:
        """The message, fix included, as one paragraph."""
        return str(self)
