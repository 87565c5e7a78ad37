"""Limits and isolation applied inside a sandboxed child, and which of them this host allows."""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import resource
import signal
import sys
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


def isolate_server(hide: Sequence[Path]) -> None:
    """Cut the warm server (and so every child it forks) off the network and from ``hide``.

    Done once, in the server, because a new network namespace costs milliseconds; children
    inherit it for free. Needs Linux and root; elsewhere it does nothing, and `protections`
    says so.
    """
    libc = _libc()
    if libc is None or not is_root():
        return
    libc.unshare(CLONE_NEWNET)
    if hide and libc.unshare(CLONE_NEWNS) == 0:
        libc.mount(b"none", b"/", None, MS_REC | MS_PRIVATE, None)
        for folder in hide:
            if folder.is_dir():
                libc.mount(b"tmpfs", str(folder).encode(), b"tmpfs", 0, b"size=4k,mode=000")


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
        # Counted per uid, so only meaningful once the child has a uid of its own.
        _limit(resource.RLIMIT_NPROC, limits.processes + 1)


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
