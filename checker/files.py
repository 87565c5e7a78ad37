"""Writing files so that a reader never sees half of one."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def write_text_atomic(path: Path, text: str, *, newline: str | None = None) -> None:
    """Write ``text`` to ``path`` atomically: readers see the old file or the new one, never half,
    and two writers at once each write a whole file of their own (the last one stays)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        # errors="replace": a name or message holding lone surrogates (undecodable bytes) still writes
        with open(handle, "w", encoding="utf-8", errors="replace", newline=newline) as file:
            file.write(text)
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
