"""Limits and isolation applied inside a sandboxed child, and which of them this host allows."""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import resource
import signal
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from checker.grade.model import Protection

CLONE_NEWNS = 0x00020000
CLONE_NEWNET = 0x40000000
MS_REC = 0x4000
MS_PRIVATE = 1 << 18
FIRST_UID = 61000  # children run as FIRST_UID + slot when the grader is root


@dataclass(frozen=True)
class Limits:
    """What one sandboxed child may use."""

    cpu_seconds: int = 30
    memory_mb: int = 1024
    processes: int = 0  # processes the learner's code may start
    open_files: int = 128
    file_size_mb: int = 16


def _libc() -> ctypes.CDLL | None:
    name = ctypes.util.find_library("c")
    if sys.platform != "linux" or not name:
        return None
    return ctypes.CDLL(name, use_errno=True)


def is_root() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0


def isolate_server(hide: Sequence[Path], expose: Sequence[Path]) -> None:
    """Cut the warm server (and so every child it forks) off the network and from ``hide``.

    Done once, in the server, because a new network namespace costs milliseconds; children
    inherit it for free. In the server's own mount namespace, ``expose`` (Python, the installed
    packages) is made reachable for the children's unprivileged uid even when it lives under a
    private folder such as /root, and ``hide`` is covered by an empty mount. Needs Linux and
    root; elsewhere it does nothing, and `protections` says so.
    """
    libc = _libc()
    if libc is None or not is_root():
        return
    libc.unshare(CLONE_NEWNET)
    if libc.unshare(CLONE_NEWNS) != 0:
        return
    libc.mount(b"none", b"/", None, MS_REC | MS_PRIVATE, None)
    _expose(libc, expose)
    for folder in hide:
        if folder.is_dir():
            libc.mount(b"tmpfs", str(folder).encode(), b"tmpfs", 0, b"size=4k,mode=000")


MS_BIND = 4096
MS_MOVE = 8192


def _expose(libc: ctypes.CDLL, paths: Sequence[Path]) -> None:
    """Make each of ``paths`` reachable by any uid, hiding the rest of the private folder above it.

    For a path below a folder others cannot enter (say /root, mode 700), the path is set aside
    with a bind mount, the private folder is covered by an empty tmpfs that others may enter, and
    the path is moved back into place. Nothing else of the private folder stays visible.
    """
    by_blocker: dict[Path, list[Path]] = {}
    for path in sorted({p.resolve() for p in paths if p.exists()}):
        blocker = next((a for a in reversed(path.parents) if not _enterable(a)), None)
        if blocker is None and not _enterable(path):
            blocker = path if path.is_dir() else None
        if blocker is not None and blocker != Path("/"):
            by_blocker.setdefault(blocker, []).append(path)
    for blocker, inside in by_blocker.items():
        kept = [p for p in inside if not any(q in p.parents for q in inside)]
        staged = []
        for path in kept:
            stage = Path(tempfile.mkdtemp(prefix="workbook-stage-"))
            if (
                libc.mount(str(path).encode(), str(stage).encode(), None, MS_BIND | MS_REC, None)
                == 0
            ):
                staged.append((path, stage))
        libc.mount(b"tmpfs", str(blocker).encode(), b"tmpfs", 0, b"mode=0711")
        for path, stage in staged:
            path.mkdir(parents=True, exist_ok=True)
            for made in [path, *path.parents]:
                if made == blocker:
                    break
                os.chmod(made, 0o755)
            libc.mount(str(stage).encode(), str(path).encode(), None, MS_MOVE, None)


def _enterable(folder: Path) -> bool:
    try:
        return bool(folder.stat().st_mode & 0o001)
    except OSError:
        return False


def confine_child(limits: Limits, *, uid: int | None) -> None:
    """Resource limits and, when the grader is root, an unprivileged uid for one child."""
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a too-large write fails instead of killing
    _limit(resource.RLIMIT_AS, limits.memory_mb * 1024 * 1024)
    _limit(resource.RLIMIT_CPU, limits.cpu_seconds)
    _limit(resource.RLIMIT_NOFILE, limits.open_files)
    _limit(resource.RLIMIT_FSIZE, limits.file_size_mb * 1024 * 1024)
    _limit(resource.RLIMIT_CORE, 0)
    if uid is not None and is_root():
        os.setgroups([])
        os.setgid(uid)
        os.setuid(uid)
        # Counted per uid, so it is exact once the child has a uid of its own.
        _limit(resource.RLIMIT_NPROC, limits.processes + 1)
    elif not is_root():
        # Shared with the grader's own processes: allow those that exist, and no more.
        _limit(resource.RLIMIT_NPROC, _processes_of(os.getuid()) + limits.processes + 1)


def _processes_of(uid: int) -> int:
    """How many processes ``uid`` has now (Linux); a generous guess elsewhere."""
    proc = Path("/proc")
    if not proc.is_dir():
        return 256
    count = 0
    for entry in proc.iterdir():
        if entry.name.isdigit():
            try:
                count += entry.stat().st_uid == uid
            except OSError:
                continue
    return count


def _limit(kind: int, value: int) -> None:
    try:
        _, hard = resource.getrlimit(kind)
        if hard != resource.RLIM_INFINITY:
            value = min(value, hard)
        resource.setrlimit(kind, (value, value))
    except (ValueError, OSError):
        pass


def protections(limits: Limits, *, separate_uid: bool) -> list[Protection]:
    """Which protections a child gets on this host, for the report."""
    root = is_root()
    linux = _libc() is not None
    return [
        Protection(
            "separate process", True, "each (learner, exercise) runs in its own forked process"
        ),
        Protection("CPU time limit", True, f"{limits.cpu_seconds} s per process"),
        Protection("memory limit", True, f"{limits.memory_mb} MB address space"),
        Protection("open files limit", True, f"{limits.open_files} files"),
        Protection("file size limit", True, f"{limits.file_size_mb} MB per file"),
        Protection(
            "process limit",
            separate_uid and root,
            f"{limits.processes} extra processes"
            if separate_uid and root
            else "needs a separate uid (grade as root); the process group is killed instead",
        ),
        Protection(
            "no network",
            root and linux,
            "own network namespace with no interfaces"
            if root and linux
            else "network namespaces need Linux and root",
        ),
        Protection(
            "hidden folders",
            root and linux,
            "submissions, results and hidden checks are covered by an empty mount"
            if root and linux
            else "mount namespaces need Linux and root",
        ),
        Protection(
            "separate uid",
            separate_uid and root,
            f"children run as uid {FIRST_UID}+"
            if separate_uid and root
            else "grade as root to drop privileges",
        ),
    ]
