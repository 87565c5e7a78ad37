"""Limits and isolation applied inside a sandboxed child, and which of them this host allows."""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import os
import resource
import shutil
import signal
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from checker.course.manifest import Sandbox
from checker.grade.model import Protection

CLONE_NEWNS = 0x00020000
CLONE_NEWNET = 0x40000000
CLONE_NEWIPC = 0x08000000
MS_REC = 0x4000
MS_PRIVATE = 1 << 18
# Children run as FIRST_UID + their worker's pid when the grader is root: one uid per live worker,
# above the 16-bit range where distributions place real and dynamic accounts (60000-65535 too).
FIRST_UID = 2_000_000


@dataclass(frozen=True)
class Limits:
    """What one sandboxed child may use."""

    cpu_seconds: int = 30
    memory_mb: int = 1024
    processes: int = 0  # processes the learner's code may start
    threads: int = 16  # threads it may run besides its main one
    open_files: int = 128
    file_size_mb: int = 16
    disk_mb: int = 64  # everything it may write: its workspace and temporary folders together
    listen: bool = False  # a loopback of its own, up, that the app may listen on

    def for_exercise(self, sandbox: Sandbox) -> Limits:
        """These limits with what the exercise's manifest says it needs."""
        return replace(
            self,
            memory_mb=sandbox.memory_mb,
            processes=sandbox.processes,
            threads=sandbox.threads,
            disk_mb=sandbox.disk_mb,
            listen=sandbox.listen,
        )


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
    private folder such as /root, and ``hide`` is covered by an empty mount. Needs Linux, and
    root or an unprivileged user namespace; elsewhere it does nothing, and `protections` says so.
    """
    libc = _libc()
    if libc is None:
        return
    if not is_root():
        # Root of a user namespace of its own instead, where the kernel allows one: the same
        # namespaces and mounts as root, over nothing but what this user already owns.
        if why_no_user_namespace() or not _enter_user_namespace(libc):
            return
    libc.unshare(CLONE_NEWNET)
    if libc.unshare(CLONE_NEWNS) != 0:
        return
    libc.mount(b"none", b"/", None, MS_REC | MS_PRIVATE, None)
    if not _in_user_namespace:  # the learner runs as the grader's user then, who can read them
        _expose(libc, expose)
    for folder in hide:
        if folder.is_dir():
            libc.mount(b"tmpfs", str(folder).encode(), b"tmpfs", 0, b"size=4k,mode=000")


MS_BIND = 4096
MS_MOVE = 8192
_in_user_namespace = False  # set in a warm server that made one; its children inherit it


def _map_to(uid: int, gid: int, inside: int = 0) -> None:
    """Map ``inside`` of the user namespace this process just made to its ``uid`` and ``gid``
    outside: the only mapping an unprivileged process may write, one id each, no groups."""
    Path("/proc/self/setgroups").write_text("deny")
    Path("/proc/self/uid_map").write_text(f"{inside} {uid} 1")
    Path("/proc/self/gid_map").write_text(f"{inside} {gid} 1")


def _enter_user_namespace(libc: ctypes.CDLL) -> bool:
    """Make this process root of a new user namespace, mapped to its own uid outside."""
    global _in_user_namespace
    uid, gid = os.getuid(), os.getgid()
    if libc.unshare(CLONE_NEWUSER) != 0:
        return False
    _map_to(uid, gid)
    _in_user_namespace = True
    return True


@functools.cache
def why_no_user_namespace() -> str:
    """Why this host gives no unprivileged user namespace a sandbox can be made in, or "".

    Tried once per process, in a throwaway child: everything a child of the warm server will
    do there (its namespaces and their maps, a private tmpfs, a read-only root, /proc for its own
    pid namespace, a nested user namespace) must work, or none of it is used.
    """
    libc = _libc()
    if libc is None:
        return "this is not Linux"
    reader, writer = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - runs in the throwaway child
        os.close(reader)
        step = "a user namespace"
        try:
            flags = CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWNET | CLONE_NEWIPC | CLONE_NEWPID
            uid, gid = os.getuid(), os.getgid()
            if libc.unshare(flags) == 0:
                _map_to(uid, gid)
                step = "a private tmpfs"
                if libc.mount(b"none", b"/", None, MS_REC | MS_PRIVATE, None) == 0 and (
                    libc.mount(b"tmpfs", b"/tmp", b"tmpfs", 0, b"size=64k") == 0
                ):
                    step = "a read-only root"
                    if _mount_attributes(libc, "/", set=MOUNT_ATTR_RDONLY, recursive=True):
                        step = "a pid namespace"
                        inner = os.fork()
                        if inner == 0:
                            done = libc.mount(b"proc", b"/proc", b"proc", 0, None) == 0
                            done = done and libc.unshare(CLONE_NEWUSER) == 0
                            os._exit(0 if done else 1)
                        if os.waitpid(inner, 0)[1] == 0:
                            step = ""
            os.write(writer, step.encode())
        finally:
            os._exit(0)
    os.close(writer)
    with os.fdopen(reader, "rb") as answer:
        failed = answer.read().decode()
    os.waitpid(pid, 0)
    if failed:
        return f"the kernel refuses an unprivileged process {failed}"
    return ""


MOUNT_ATTR_RDONLY = 0x1
MOUNT_ATTR_NOSUID = 0x2
AT_RECURSIVE = 0x8000
AT_FDCWD = -100
_MOUNT_SETATTR = 442  # the same number on every architecture (a system call added in 5.12)


class _MountAttributes(ctypes.Structure):
    _fields_ = [
        ("attr_set", ctypes.c_uint64),
        ("attr_clr", ctypes.c_uint64),
        ("propagation", ctypes.c_uint64),
        ("userns_fd", ctypes.c_uint64),
    ]


def _mount_attributes(
    libc: ctypes.CDLL, where: str, *, set: int = 0, clear: int = 0, recursive: bool = False
) -> bool:
    """Set and clear attributes of the mount at ``where`` (and all below it, if ``recursive``)."""
    attributes = _MountAttributes(set, clear, 0, 0)
    flags = AT_RECURSIVE if recursive else 0
    found = libc.syscall(
        _MOUNT_SETATTR, AT_FDCWD, where.encode(), flags, ctypes.byref(attributes),
        ctypes.sizeof(attributes),
    )  # fmt: skip
    return bool(found == 0)


def _read_only(libc: ctypes.CDLL, writable: Sequence[str]) -> None:
    """Every mount of this child read-only and without set-uid, but its own ``writable`` ones."""
    if not _mount_attributes(libc, "/", set=MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID, recursive=True):
        if _in_user_namespace:  # the grader's own files would be the learner's to change
            raise _failed("cannot make / read-only")
        return  # as root, the child's own uid owns nothing outside its workspace anyway
    for where in writable:
        if not _mount_attributes(libc, where, clear=MOUNT_ATTR_RDONLY):
            raise _failed(f"cannot make {where} writable")


CAP_VERSION_3 = 0x20080522
PR_CAPBSET_DROP = 24


class _CapabilityHeader(ctypes.Structure):
    _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]


class _CapabilitySet(ctypes.Structure):
    _fields_ = [
        ("effective", ctypes.c_uint32),
        ("permitted", ctypes.c_uint32),
        ("inheritable", ctypes.c_uint32),
    ]


def _own_user_namespace(inside: int) -> None:
    """Leave the warm server's user namespace for one of this child's own, as uid ``inside``,
    with no capabilities in it: every mount and namespace the child has now belongs to the
    namespace above, out of its reach, and its processes are counted apart from every other
    child's."""
    libc = _libc()
    assert libc is not None
    if libc.unshare(CLONE_NEWUSER) != 0:
        raise _failed("cannot make a user namespace")
    _map_to(0, 0, inside)
    last = int(Path("/proc/sys/kernel/cap_last_cap").read_text())
    for capability in range(last + 1):
        libc.prctl(PR_CAPBSET_DROP, capability, 0, 0, 0)
    nothing = (_CapabilitySet * 2)()
    if libc.capset(ctypes.byref(_CapabilityHeader(CAP_VERSION_3, 0)), nothing) != 0:
        raise _failed("cannot drop capabilities")


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
            try:
                stage.rmdir()  # empty again once its mount moved back into place
            except OSError:
                pass


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
    if limits.listen:
        _own_loopback()
    # Linux counts threads as processes here, so the limit makes room for the threads the
    # exercise may run, the checker's own deadline threads among them.
    tasks = 1 + limits.processes * (1 + limits.threads) + limits.threads + _CHECKER_THREADS
    if _in_user_namespace:
        _own_user_namespace(uid or FIRST_UID)
        # Counted per user namespace too, so it is exact in one of the child's own.
        _limit(resource.RLIMIT_NPROC, tasks)
    elif uid is not None and is_root():
        os.setgroups([])
        os.setgid(uid)
        os.setuid(uid)
        # Counted per uid, so it is exact once the child has a uid of its own.
        _limit(resource.RLIMIT_NPROC, tasks)
    elif not is_root():
        # Shared with the grader's own processes: allow those that exist, and no more.
        _limit(resource.RLIMIT_NPROC, _processes_of(os.getuid()) + tasks)
    die_with_parent()  # the warm server's end, however it came, is this child's end
    _own_session_keyring()
    filter_system_calls(processes=limits.processes)


_KEYCTL = {"x86_64": 250, "aarch64": 219, "i686": 288, "armv7l": 311}  # the system call's number
KEYCTL_JOIN_SESSION_KEYRING = 1


def _own_session_keyring() -> None:
    """A new, empty session keyring: a fork shares the grader's, with whatever keys are in it
    (the system call filter then refuses the keyring calls, where there is one)."""
    import platform

    libc = _libc()
    number = _KEYCTL.get(platform.machine())
    if libc is not None and number is not None:
        libc.syscall(number, KEYCTL_JOIN_SESSION_KEYRING, None)


CLONE_THREAD = 0x00010000


def seccomp_available() -> bool:
    """Whether system calls can be filtered here (Linux with libseccomp)."""
    try:
        import pyseccomp  # noqa: F401
    except (ImportError, OSError):  # not installed, or no libseccomp.so
        return False
    return True


CLONE_NEWUSER = 0x10000000


def filter_system_calls(*, processes: int) -> None:
    """A system call filter for the learner's process, where libseccomp is there.

    Always refused: new namespaces (``unshare``, ``setns``, a ``clone`` with CLONE_NEWUSER) and
    mounts, so the mounts that hide the grader's folders stay as they are. With ``processes``
    0, also fork, vfork, exec and a clone without CLONE_THREAD (EPERM): threads still start.
    clone3, whose flags a filter cannot read, fails with ENOSYS, so the C library falls back to
    clone.
    """
    if not seccomp_available():
        return
    import errno

    import pyseccomp as seccomp

    rules = seccomp.SyscallFilter(defaction=seccomp.ALLOW)
    refused = seccomp.ERRNO(errno.EPERM)
    for call in (
        *("unshare", "setns", "mount", "umount2", "pivot_root", "mount_setattr"),
        *("keyctl", "add_key", "request_key"),  # the kernel's keyrings are not per namespace
        "memfd_create",  # memory no limit counts until it is mapped
    ):
        rules.add_rule(refused, call)
    rules.add_rule(
        refused, "clone", seccomp.Arg(0, seccomp.MASKED_EQ, CLONE_NEWUSER, CLONE_NEWUSER)
    )
    rules.add_rule(seccomp.ERRNO(errno.ENOSYS), "clone3")
    if processes == 0:
        # No process of its own, and no exec that would leave the harness behind.
        for call in ("fork", "vfork", "execve", "execveat"):
            rules.add_rule(refused, call)
        rules.add_rule(refused, "clone", seccomp.Arg(0, seccomp.MASKED_EQ, CLONE_THREAD, 0))
    rules.load()


_CHECKER_THREADS = 4  # a call's deadline thread, and room for ones abandoned after a timeout
SIOCGIFFLAGS = 0x8913
SIOCSIFFLAGS = 0x8914
IFF_UP = 0x1


def _own_loopback() -> None:
    """A network namespace of this child's own whose loopback is up: the app may listen on
    127.0.0.1 and talk to itself, and still reach nothing else. Needs Linux and root (of a user
    namespace will do)."""
    libc = _libc()
    if libc is None or not is_root() or libc.unshare(CLONE_NEWNET) != 0:
        return
    import fcntl
    import socket
    import struct

    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        request = struct.pack("16sH14x", b"lo", 0)
        flags = struct.unpack("16sH14x", fcntl.ioctl(sock, SIOCGIFFLAGS, request))[1]
        fcntl.ioctl(sock, SIOCSIFFLAGS, struct.pack("16sH14x", b"lo", flags | IFF_UP))


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


SANDBOX_NEEDS = "Linux, and root or unprivileged user namespaces"  # `why_no_sandbox`, in words


def why_no_sandbox() -> str:
    """Why no sandbox can be made on this host, or "" when one can: the one rule for it.

    A sandbox needs Linux, and root or a kernel that gives unprivileged processes user
    namespaces (then the warm server is root of one of its own, and each child of a nested one).
    """
    if _libc() is None:
        return "this is not Linux"
    if is_root():
        return ""
    missing = why_no_user_namespace()
    return f"the grader is not root and {missing}" if missing else ""


def protections(limits: Limits, *, separate_uid: bool) -> list[Protection]:
    """Which protections a child gets on this host, for the terminal and the report."""
    missing = why_no_sandbox()
    sandbox = not missing
    root = is_root()
    uid = separate_uid and sandbox and root
    counted = sandbox and (separate_uid or not root)  # a uid, or a user namespace, of its own
    return [
        Protection(
            "separate process", True, "each (learner, exercise) runs in its own forked process"
        ),
        Protection("CPU time limit", True, f"{limits.cpu_seconds} s per process"),
        Protection("memory limit", True, f"{limits.memory_mb} MB address space"),
        Protection("open files limit", True, f"{limits.open_files} files"),
        Protection("file size limit", True, f"{limits.file_size_mb} MB per file"),
        Protection(
            "no new processes",
            limits.processes > 0 or seccomp_available(),
            "fork and spawn are refused by a system call filter, threads allowed"
            if limits.processes == 0 and seccomp_available()
            else "exercises that start processes get a process limit instead"
            if limits.processes > 0
            else "needs libseccomp (Linux): the process limit alone holds the line",
        ),
        Protection(
            "process limit",
            counted,
            f"{limits.processes} extra processes (or as an exercise's manifest says), "
            f"{limits.threads} threads"
            if counted
            else f"needs a separate uid, and {missing or 'separate uids were turned off'}; "
            "the process group is killed instead",
        ),
        Protection(
            "no network",
            sandbox,
            "a network namespace of its own per child, with no interfaces (a loopback of its own "
            "where an exercise may listen)"
            if sandbox
            else f"needs a network namespace, and {missing}",
        ),
        Protection(
            "hidden folders",
            sandbox,
            "submissions, results and hidden checks are covered by an empty mount"
            if sandbox
            else f"needs a mount namespace, and {missing}",
        ),
        Protection(
            "private temporary space",
            sandbox,
            f"/tmp, /var/tmp and /dev/shm are one tmpfs of {limits.disk_mb} MB per child (or as "
            "an exercise's manifest says), gone with it; /run is empty"
            if sandbox
            else f"needs a mount namespace, and {missing}",
        ),
        Protection(
            "read-only filesystem",
            sandbox,
            "everything a child sees is read-only and without set-uid programs, but its own "
            "temporary space"
            if sandbox
            else f"needs a mount namespace, and {missing}",
        ),
        Protection(
            "own pid namespace",
            sandbox,
            "a child sees and signals only its own processes, and they all end with it"
            if sandbox
            else f"needs a pid namespace, and {missing}",
        ),
        Protection(
            "plain data only",
            True,
            "what a child sends is length-framed JSON checked against a schema, capped and read "
            "on a deadline; a child that replaces the checker's code is flagged",
        ),
        Protection(
            "separate uid",
            uid,
            f"children run as uid {FIRST_UID}+"
            if uid
            else "children run as the grader's own user, each in a user namespace of its own "
            f"with no capabilities{_kept_groups()}"
            if sandbox and not root
            else f"children run as the grader's own user: {missing or 'turned off'}",
        ),
    ]


def _kept_groups() -> str:
    """The grader's supplementary groups, which a child without root keeps (an unprivileged
    process cannot drop them), in words for the report."""
    import grp

    extra = sorted(set(os.getgroups()) - {os.getgid()})
    if not extra:
        return ""
    names = []
    for gid in extra:
        try:
            names.append(grp.getgrgid(gid).gr_name)
        except KeyError:
            names.append(str(gid))
    return (
        f", but with the grader's groups ({', '.join(names)}): what those groups may read outside"
        " the hidden folders, the children may read"
    )


def unprotected(found: Sequence[Protection]) -> list[str]:
    """The names of the protections that were not active."""
    return [protection.name for protection in found if not protection.active]


def summary(found: Sequence[Protection]) -> str:
    """One line for the terminal: the active protections, and how many of all."""
    active = [protection.name for protection in found if protection.active]
    line = f"protections: {', '.join(active) or 'none'} ({len(active)} of {len(found)})"
    if len(active) < len(found):
        line += f"; not active: {', '.join(unprotected(found))}"
    return line


PR_SET_PDEATHSIG = 1


def die_with_parent(parent: int | None = None) -> bool:
    """Have the kernel SIGKILL this process when the thread that started it ends, even by
    ``kill -9`` (Linux). A change of uid clears it, so a child sets it after dropping to its own.
    Given the ``parent`` it was started by, a process whose parent is already gone ends here:
    the kernel would never tell it. Returns whether it could be set."""
    libc = _libc()
    if libc is None:
        return False
    done = bool(libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) == 0)
    if parent is not None and os.getppid() != parent:
        os._exit(1)
    return done


MS_NOSUID = 2
MS_NODEV = 4
CHILD_WORKSPACE = Path("/tmp/workspace")  # where a child's workspace is, in its own mounts


def private_spaces(
    workspace: Path, *, uid: int | None, disk_mb: int, leave: str, socket: str = ""
) -> Path:
    """Give this child mounts of its own, and return where its workspace now is.

    In a new mount namespace: /tmp is a fresh tmpfs of ``disk_mb`` holding a copy of the
    workspace (all but ``leave``, the output file the grader reads from the original), and
    /var/tmp and /dev/shm are folders of that same tmpfs, so all it writes shares one cap and is
    gone with its last process; it holds at most ``disk_mb`` x 256 files. The grader's scratch
    folder, where other learners' workspaces are, is covered; /run and /var, where other
    services' UNIX sockets live, are empty (but /var/tmp); /dev holds only null, zero, full,
    random, urandom and tty, and no terminal of the grader's; every top-level
    folder that is not the system's (/home, /root, /opt, /srv, ...) is empty but for Python and
    its packages, bound back; and /proc shows only its own pid namespace. Its System V and POSIX
    IPC are its own, and everything but its temporary space is read-only. ``socket``, a
    database server's UNIX socket (``--postgres``), is the one thing of another service's it
    sees, in /run/postgresql. Needs Linux and root (of a user namespace will do); elsewhere the
    workspace stays where it is.
    """
    libc = _libc()
    if libc is None or not is_root():
        return workspace
    original = os.open(workspace, os.O_RDONLY | os.O_DIRECTORY)
    # Its own System V and POSIX IPC and its own (empty) network: shared memory, message queues
    # and abstract UNIX sockets are nobody else's, and die with it.
    if libc.unshare(CLONE_NEWNS | CLONE_NEWIPC | CLONE_NEWNET) != 0:
        os.close(original)
        return workspace
    libc.mount(b"none", b"/", None, MS_REC | MS_PRIVATE, None)
    flags = MS_NOSUID | MS_NODEV
    # Python and the packages may live in a folder about to be covered (a CI's venv in /tmp):
    # hold them open, to bind them back into place.
    elsewhere, below = child_layout()
    needed = [(path, os.open(path, os.O_RDONLY | os.O_DIRECTORY)) for path in below]
    devices = [(name, os.open(f"/dev/{name}", O_PATH)) for name in _DEVICES]
    server = os.open(socket, O_PATH) if socket else None
    # Files count as well as bytes: empty folders by the hundred thousand cost kernel memory.
    _mount(libc, "/tmp", flags, f"size={disk_mb}m,nr_inodes={disk_mb * 256},mode=1777")
    # /run and /var hold other services' sockets and data (a database's socket under /var/lib),
    # the other top-level folders home folders, /opt, /srv (a second copy of the course, say):
    # all are emptied. /dev, with the grader's terminals and whatever devices its user may open,
    # is replaced by the few devices any program needs.
    for top in ("/run", "/var", *map(str, elsewhere)):
        if Path(top).is_dir():
            _mount(libc, top, flags, "size=64k,mode=755")
    if server is not None:
        from checker.grade.databases import SOCKET_FOLDER

        Path(SOCKET_FOLDER).mkdir(mode=0o755, parents=True)
        node = Path(SOCKET_FOLDER) / Path(socket).name
        node.touch()
        if libc.mount(f"/proc/self/fd/{server}".encode(), str(node).encode(), None, MS_BIND, None):
            raise _failed(f"cannot bind the database's socket {socket} into /run")
        os.close(server)
    _mount(libc, "/dev", MS_NOSUID, "size=64k,mode=755")
    for name, held in devices:
        node = Path("/dev") / name
        node.touch()
        if libc.mount(f"/proc/self/fd/{held}".encode(), str(node).encode(), None, MS_BIND, None):
            node.unlink()  # a device this host does not have, or will not share
        os.close(held)
    for name, target in (("fd", "/proc/self/fd"), ("stdin", "/proc/self/fd/0"),
                         ("stdout", "/proc/self/fd/1"), ("stderr", "/proc/self/fd/2")):  # fmt: skip
        os.symlink(target, f"/dev/{name}")
    Path("/dev/pts").mkdir()  # no terminals: the grader's are not the learner's to open
    for folder, inside in (("/var/tmp", ".var-tmp"), ("/dev/shm", ".shm")):
        shared = Path("/tmp") / inside
        shared.mkdir(mode=0o1777)
        os.chmod(shared, 0o1777)
        Path(folder).mkdir()
        if libc.mount(str(shared).encode(), folder.encode(), None, MS_BIND, None) != 0:
            raise _failed(f"cannot bind {folder}")
    shutil.copytree(
        f"/proc/self/fd/{original}",
        CHILD_WORKSPACE,
        symlinks=True,
        ignore=lambda folder, names: {leave} & set(names),
    )
    os.close(original)
    if uid is not None:
        for path in CHILD_WORKSPACE.rglob("*"):
            os.lchown(path, uid, uid)
    # Its own, but not to be found by listing /tmp: the app knows its folder, a walk does not.
    os.chown(CHILD_WORKSPACE, 0, 0)
    os.chmod(CHILD_WORKSPACE, 0o711)
    scratch = workspace.parent
    if scratch.is_dir() and scratch != Path("/tmp"):  # not already under the new /tmp
        _mount(libc, str(scratch), flags, "size=4k,mode=000")
    for path, held in needed:
        path.mkdir(parents=True, exist_ok=True)
        source = f"/proc/self/fd/{held}".encode()
        if libc.mount(source, str(path).encode(), None, MS_BIND | MS_REC, None) != 0:
            raise _failed(f"cannot bind {path} back into place")
        os.close(held)
    _read_only(libc, ["/tmp", "/var/tmp", "/dev/shm"])
    libc.mount(b"proc", b"/proc", b"proc", flags | MS_NOEXEC, b"hidepid=invisible")
    return CHILD_WORKSPACE


MS_NOEXEC = 8
O_PATH = getattr(os, "O_PATH", 0o10000000)
_PRIVATE = (Path("/tmp"), Path("/var"), Path("/dev"), Path("/run"))
_DEVICES = ("null", "zero", "full", "random", "urandom", "tty")


def python_paths() -> list[Path]:
    """What the children must be able to read: Python itself and the installed packages."""
    import checker

    paths = [Path(sys.base_prefix), Path(sys.prefix), Path(checker.__file__).parent]
    paths += [Path(entry) for entry in sys.path if entry]
    # A home folder, or / itself, on the path (PYTHONPATH=~, say) would hand the learner all of
    # it: only the folders Python and the packages are in go through.
    try:
        home = Path.home().resolve()
    except (KeyError, RuntimeError, OSError):
        home = Path("/")
    too_wide = {home, *home.parents}
    fixed = paths[:3]
    return [
        path
        for path in paths
        if path.exists()
        and path.name != "python311.zip"
        and path.resolve() not in too_wide
        and (path in fixed or _holds_python(path))
    ]


_PYTHON_FILES = (".py", ".pyc", ".so", ".pyd", ".pth")


def _holds_python(folder: Path) -> bool:
    """Whether a folder on the path has something to import at its top: a module, a package,
    a .pth file. A folder of other things (an instructor's, where the grading was started with
    PYTHONPATH=.) is not bound into the children for being on the path."""
    if folder.is_file():
        return folder.suffix in (".zip", ".egg", ".whl")
    try:
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.name.endswith(_PYTHON_FILES):
                    return True
                if entry.is_dir() and os.path.exists(os.path.join(entry.path, "__init__.py")):
                    return True
    except OSError:
        return False
    return False


_SYSTEM = frozenset(
    {"bin", "boot", "dev", "etc", "lib", "lib32", "lib64", "libx32", "proc", "run", "sbin", "sys",
     "tmp", "usr", "var"}
)  # fmt: skip


@functools.cache
def child_layout() -> tuple[tuple[Path, ...], tuple[Path, ...]]:
    """What every child of a warm server covers besides the system's folders (the other
    top-level ones: home folders, /opt, /srv, ...), and Python's folders below all it covers, to
    bind back. The same for every child: the warm server works it out once before it forks."""
    elsewhere = tuple(_elsewhere())
    return elsewhere, tuple(_covered([*_PRIVATE, *elsewhere]))


def _elsewhere() -> list[Path]:
    """The top-level folders that are not the system's: home folders, /opt, /srv, /work, ..."""
    found = []
    for entry in sorted(Path("/").iterdir()):
        try:
            if entry.name not in _SYSTEM and entry.is_dir() and not entry.is_symlink():
                found.append(entry)
        except OSError:
            continue
    return found


def _covered(tops: Sequence[Path]) -> list[Path]:
    """Python's folders below ``tops`` (resolved), outermost only."""
    found = sorted(
        {
            path
            for path in (p.resolve() for p in python_paths())
            if path.is_dir() and any(top.resolve() in path.parents for top in tops)
        }
    )
    return [path for path in found if not any(other in path.parents for other in found)]


def _failed(doing: str) -> OSError:
    """The error of the C library call that just failed, saying what it was for."""
    error = ctypes.get_errno()
    return OSError(error, f"{doing}: {os.strerror(error)}")


def _mount(libc: ctypes.CDLL, where: str, flags: int, options: str) -> None:
    if libc.mount(b"tmpfs", where.encode(), b"tmpfs", flags, options.encode()) != 0:
        raise _failed(f"cannot mount a private tmpfs on {where}")


CLONE_NEWPID = 0x20000000


def new_pid_namespace() -> bool:
    """Put this process's next child first in a new pid namespace (Linux, root); whether it did.
    Once only per process: the kernel refuses a second one to a process that made one."""
    libc = _libc()
    if libc is None or not is_root():
        return False
    return bool(libc.unshare(CLONE_NEWPID) == 0)
