"""Instructor grading, end to end: sandboxed, with a gradebook, on hostile and honest submissions."""

from __future__ import annotations

import csv
import os
import pty
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from checker.grade import cohort, isolation
from checker.grade.cohort import Options
from checker.grade.gradebook import Gradebook
from tests.conftest import AS_NOBODY, NOBODY, as_nobody, give_to_nobody

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

ROOT = Path(__file__).resolve().parent.parent
HOSTILE = ROOT / "tests" / "hostile"
HIDDEN = ROOT / "tests" / "hostile_hidden"
CASES = sorted(path.name for path in HOSTILE.iterdir() if (path / "expected.toml").is_file())
# Graded on exercise 03 with the rest, but for a case that needs more exercises (its own test).
ALONE = {"lock-relay"}
CASES = [case for case in CASES if case not in ALONE]
SANDBOX_ONLY = {
    "network",
    "read-secrets",
    "fork-bomb",
    "delete-files",
    "unix-socket",
    "tmp-files",
    "proc-snoop",
    "kill-all",
    "ipc-stash",
    "exec-at-import",
    "cwd-home",
    "terminal",
    "var-socket",
    "memory-hoard",
}  # need a sandbox: namespaces, and a separate uid or a user namespace

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="grading needs fork (use WSL)")


@pytest.fixture(scope="module")
def listener() -> Iterator[list[str]]:
    """A loopback server the network case tries to reach; it notes every connection."""
    seen: list[str] = []
    try:
        server = socket.create_server(("127.0.0.1", 45123))
    except OSError:  # another test run listens there; the network case still has a target
        yield seen
        return
    server.settimeout(0.2)
    stop = threading.Event()

    def accept() -> None:
        while not stop.is_set():
            try:
                connection, address = server.accept()
            except OSError:
                continue
            seen.append(str(address))
            connection.close()

    # UNIX sockets of other services: in /tmp, in /run and, as a database's, in a folder under
    # /var/lib (the unix-socket and var-socket cases look).
    unix = []
    service = Path("/var/lib") / f"workbook-hostile-{os.getpid()}"
    for folder in (Path(tempfile.gettempdir()), Path("/run"), service):
        path = folder / f"workbook-hostile-{os.getpid()}.sock"
        try:
            folder.mkdir(mode=0o755, exist_ok=True)
            path.unlink(missing_ok=True)
            listening = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            listening.bind(str(path))
            os.chmod(path, 0o777)  # as a database's socket is: anyone may connect
        except OSError:
            continue
        listening.listen()
        listening.settimeout(0.2)
        unix.append((listening, path))

    def accept_unix() -> None:
        while not stop.is_set():
            for listening, path in unix:
                try:
                    connection, _ = listening.accept()
                except OSError:
                    continue
                seen.append(str(path))
                connection.close()

    threads = [threading.Thread(target=work, daemon=True) for work in (accept, accept_unix)]
    for thread in threads:
        thread.start()
    yield seen
    stop.set()
    for thread in threads:
        thread.join()
    server.close()
    for listening, path in unix:
        listening.close()
        path.unlink(missing_ok=True)
    shutil.rmtree(service, ignore_errors=True)


@dataclass(frozen=True)
class HostileRun:
    out: Path  # the results
    sandboxed: bool  # whether the learners' code ran in a sandbox
    mine: Path | None = None  # as the unprivileged grader: a folder of its user's own, in reach


SANDBOXED = isolation.why_no_sandbox() == ""


@pytest.fixture(scope="module", params=["as-is", "unprivileged"])
def hostile_run(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, listener: list[str]
) -> Iterator[HostileRun]:
    """The hostile cohort graded as the tests run (root, in CI), and again by an unprivileged
    grader, whose sandbox is a user namespace, over files its user owns."""
    unprivileged = request.param == "unprivileged"
    if unprivileged and not AS_NOBODY:
        pytest.skip("grading as an unprivileged user needs the tests to run as root on Linux")
    base = tmp_path_factory.mktemp(f"hostile-{request.param}")
    out, submissions, mine = base / "results", base / "submissions", base / "mine"
    submissions.mkdir()
    # The instructor's folder, where the grading is started from: the learners see none of it.
    mine.mkdir()
    (mine / "notes.txt").write_text("the instructor's own file, which no learner may change\n")
    (mine / "grades-last-year.csv").write_text("learner,total\nada,20\n")
    (mine / ".ssh").mkdir(mode=0o700)
    (mine / ".ssh" / "id_ed25519").write_text("-----BEGIN OPENSSH PRIVATE KEY-----\n")
    os.chmod(mine / ".ssh" / "id_ed25519", 0o600)
    protected = [submissions, out, HIDDEN, ROOT / "solutions", ROOT / "tests", mine, "/dev/pts"]
    environment = {"WORKBOOK_PROTECTED": os.pathsep.join(str(path) for path in protected)}
    sandboxed = SANDBOXED or unprivileged
    for case in CASES:
        if case in SANDBOX_ONLY and not sandboxed:
            continue  # without a sandbox, delete-files would really delete the course
        shutil.copytree(HOSTILE / case, submissions / case, symlinks=True)
    for case in ("read-secrets", "delete-files"):  # they know where every protected file is
        app = submissions / case / "exercises" / "03" / "app.py"
        if app.is_file():
            targets = f"TARGETS = {[str(path) for path in [*protected, ROOT, mine]]!r}"
            app.write_text(app.read_text().replace("TARGETS = []", targets, 1))
    # The symbolic link must point at the real reference solution from its new place.
    link = submissions / "symlink-out" / "exercises" / "03" / "app.py"
    link.unlink()
    link.symlink_to(ROOT / "solutions" / "03" / "app.py")
    if unprivileged:
        scratch = base / "tmp"
        scratch.mkdir()
        give_to_nobody(base)
        # On a terminal of its user's own, as an instructor's grading is: the learners may
        # neither write on it nor read what is typed there (the terminal case tries).
        terminal, its_end = pty.openpty()
        os.fchown(its_end, NOBODY, -1)
        try:
            done = subprocess.run(
                [sys.executable, "-m", "checker.cli", "grade", str(submissions), "--out",
                 str(out), "-e", "03", "--hidden", str(HIDDEN), "--check-timeout", "2",
                 "--workers", "2"],
                cwd=mine,
                env={**os.environ, **environment, "TMPDIR": str(scratch), "HOME": str(mine)},
                preexec_fn=as_nobody([base]),
                stdin=its_end,
                capture_output=True,
                text=True,
            )  # fmt: skip
        finally:
            os.close(terminal)
            os.close(its_end)
        assert done.returncode == 0, done.stderr[-2000:]
        assert "not active: separate uid\n" in done.stdout  # every other protection held
        assert list(scratch.iterdir()) == []
        yield HostileRun(out, sandboxed=True, mine=mine)
        return
    options = Options(exercises=("03",), hidden=HIDDEN, check_timeout=2.0, workers=2)
    os.environ.update(environment)
    started_in = os.getcwd()
    os.chdir(mine)  # the grader's workers and warm servers start from the instructor's folder
    try:
        tally = cohort.grade(submissions, out, options, root=ROOT)
    finally:
        os.chdir(started_in)
        del os.environ["WORKBOOK_PROTECTED"]
    assert not tally.failures
    yield HostileRun(out, sandboxed=SANDBOXED)


def rows(out: Path) -> dict[tuple[str, str], tuple[str, int, str]]:
    book = Gradebook(out / "gradebook.sqlite")
    found = {(g.learner, g.task): (g.outcome.value, g.points, g.message) for g in book.grades()}
    book.close()
    return found


@pytest.mark.parametrize("case", CASES)
def test_hostile_submission_gets_its_outcome_and_no_unearned_point(
    hostile_run: HostileRun, case: str
) -> None:
    if case in SANDBOX_ONLY and not hostile_run.sandboxed:
        pytest.skip("this protection needs a sandbox: root, or user namespaces (see the report)")
    expected = tomllib.loads((HOSTILE / case / "expected.toml").read_text())
    found = rows(hostile_run.out)
    points = sum(p for (learner, _), (_, p, _) in found.items() if learner == case)
    assert points == expected["max_points"], {k: v for k, v in found.items() if k[0] == case}
    for task, wanted in expected["tasks"].items():
        outcome, _, message = found[(case, task)]
        assert outcome == wanted["outcome"], f"{case} {task}: {outcome}: {message}"
        assert wanted["message"] in message, f"{case} {task}: {message!r}"


def test_nothing_leaked_into_results(hostile_run: HostileRun, listener: list[str]) -> None:
    if not hostile_run.sandboxed:
        pytest.skip("network and file isolation need a sandbox")
    assert listener == [], "a submission reached the network"
    for path in hostile_run.out.rglob("*"):
        if path.is_file() and path.suffix in (".html", ".json", ".csv"):
            text = path.read_text(errors="replace")
            assert "HIDDEN-CHECK-SECRET" not in text or path.name == "report.html", path
            assert "NETWORK" not in text, path


def test_nothing_a_learner_wrote_outlives_it(hostile_run: HostileRun) -> None:
    if not hostile_run.sandboxed:
        pytest.skip("a private /tmp needs a sandbox")
    left = [
        *Path("/tmp").glob("workbook-hostile-flood-*"),
        *(Path(f) / "workbook-hostile-left-behind" for f in ("/tmp", "/var/tmp", "/dev/shm")),
    ]
    assert [str(path) for path in left if path.exists()] == []
    # Nor does a System V shared memory segment (ipc-stash's key), in its own IPC namespace.
    keys = Path("/proc/sysvipc/shm").read_text().split()[1::1]
    assert str(0x57424B31) not in keys
    # The flood stopped at its cap, and the app still answered (the hidden check reads it).
    assert rows(hostile_run.out)[("tmp-files", "page-number")][:2] == ("passed", 2)


def test_no_reply_was_decoded_as_code(hostile_run: HostileRun) -> None:
    # forged-reply frames a pickle that would create this file; the grader decodes only JSON.
    assert not Path("/tmp/workbook-hostile-unpickled").exists()
    assert rows(hostile_run.out)[("forged-reply", "query-args")][0] == "flagged"


def test_the_instructor_sees_who_was_flagged(hostile_run: HostileRun) -> None:
    status = {
        row["learner"]: row["status"]
        for row in csv.DictReader((hostile_run.out / "grades.csv").open(encoding="utf-8"))
    }
    for case in ("patch-harness", "forged-reply", "monkeypatch"):
        assert status[case] == "03: flagged", case
    assert status["honest"] == ""
    report = (hostile_run.out / "report.html").read_text(encoding="utf-8")
    flagged = report[report.index('class="badge flagged"') :].split("</tr>")[0]
    assert "patch-harness" in flagged and "honest" not in flagged
    # What was found is the instructor's, in the gradebook.
    assert (
        "replaced checker.grade.child.answer"
        in rows(hostile_run.out)[("patch-harness", "json-body")][2]
    )
    # The learner reads a fixed sentence: what was found may quote what its own process sent.
    feedback = (hostile_run.out / "feedback" / "patch-harness.html").read_text(encoding="utf-8")
    assert "tampered with the grader" in feedback and "replaced checker" not in feedback


def test_deleting_code_damaged_nothing_outside_its_sandbox(hostile_run: HostileRun) -> None:
    if not hostile_run.sandboxed:
        pytest.skip("a separate uid, or a read-only filesystem, needs a sandbox")
    assert (ROOT / "solutions" / "03" / "app.py").is_file()
    if hostile_run.mine is not None:  # the unprivileged grader's own file, which it could change
        assert (hostile_run.mine / "notes.txt").is_file()
    assert (ROOT / "exercises" / "03" / "test_03.py").is_file()
    assert (hostile_run.out / "gradebook.sqlite").is_file()
    found = rows(hostile_run.out)
    assert (
        sum(points for (learner, _), (_, points, _) in found.items() if learner == "honest") == 13
    )


def test_hidden_check_messages_stay_out_of_feedback(hostile_run: HostileRun) -> None:
    feedback = (hostile_run.out / "feedback" / "view-loop.html").read_text()
    assert "HIDDEN-CHECK-SECRET" not in feedback
    assert "test_03_hidden" not in feedback


def test_every_output_is_written(hostile_run: HostileRun) -> None:
    for name in ("gradebook.sqlite", "grades.csv", "report.html"):
        assert (hostile_run.out / name).is_file()
    for case in CASES:
        if case not in SANDBOX_ONLY or hostile_run.sandboxed:
            assert (hostile_run.out / "gradescope" / case / "results.json").is_file()
    with (hostile_run.out / "grades.csv").open() as file:
        table = {row["learner"]: row for row in csv.DictReader(file)}
    assert table["honest"]["total"] == "13" and table["honest"]["status"] == ""
    assert "timeout" in table["import-loop"]["status"]


def test_gradebook_rows_have_every_column(hostile_run: HostileRun) -> None:
    with sqlite3.connect(hostile_run.out / "gradebook.sqlite") as db:
        columns = [row[1] for row in db.execute("PRAGMA table_info(grades)")]
        count = db.execute("SELECT COUNT(*) FROM grades").fetchone()[0]
        learners = db.execute("SELECT COUNT(DISTINCT learner) FROM grades").fetchone()[0]
    for column in ("learner", "exercise", "task", "outcome", "points", "max_points", "message",
                   "duration", "grader_version", "graded_at", "seed"):  # fmt: skip
        assert column in columns
    graded = len([c for c in CASES if c not in SANDBOX_ONLY or hostile_run.sandboxed])
    assert learners == graded and count == graded * 6


def cohort_folder(folder: Path, size: int) -> Path:
    """A cohort of ``size`` learners mixing solutions, starters and known mistakes."""
    kinds: list[dict[str, Path]] = [
        {n: ROOT / "solutions" / n / "app.py" for n in ("01", "02", "03")},
        {n: ROOT / "exercises" / n / "app.py" for n in ("01", "02", "03")},
    ]
    for mistake in sorted((ROOT / "tests" / "mistakes").glob("*/*/app.py")):
        kinds.append({mistake.parent.parent.name: mistake})
    for index in range(size):
        for number, source in kinds[index % len(kinds)].items():
            target = folder / f"learner-{index:03d}" / "exercises" / number / "app.py"
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)
    return folder


def comparable(out: Path) -> list[tuple[object, ...]]:
    with sqlite3.connect(out / "gradebook.sqlite") as db:
        return db.execute(
            "SELECT learner, exercise, task, outcome, points, max_points, message FROM grades "
            "ORDER BY learner, exercise, task"
        ).fetchall()


def test_run_killed_part_way_resumes_to_the_same_gradebook(tmp_path: Path) -> None:
    size = 12  # enough that the run is always mid-way when killed, after the first 3
    submissions = cohort_folder(tmp_path / "cohort", size)
    command = [sys.executable, "-m", "checker.cli", "grade", str(submissions), "--workers", "1"]
    command += ["--seed", "7"]  # the fresh run below draws the same inputs
    killed = tmp_path / "killed"
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    process = subprocess.Popen(
        [*command, "--out", str(killed)],
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        cwd=ROOT,
        env={**os.environ, "TMPDIR": str(scratch)},
    )
    deadline = time.monotonic() + 60
    graded = 0
    while time.monotonic() < deadline and process.poll() is None:
        try:
            with sqlite3.connect(killed / "gradebook.sqlite", timeout=1) as db:
                graded = db.execute("SELECT COUNT(DISTINCT learner) FROM grades").fetchone()[0]
        except sqlite3.Error:
            graded = 0
        if graded >= 3:
            break
        time.sleep(0.05)
    assert process.poll() is None, "the run finished before it could be killed; grow the cohort"
    os.killpg(process.pid, signal.SIGKILL)  # the whole process group
    process.wait()
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and any(scratch.iterdir()):
        time.sleep(0.1)
    assert sorted(path.name for path in scratch.iterdir()) == []  # the warm server cleaned up
    partial = {row[0] for row in comparable(killed)}
    assert 3 <= len(partial) < size
    resumed = subprocess.run(
        [*command, "--out", str(killed), "--resume"], cwd=ROOT, capture_output=True, text=True
    )
    assert resumed.returncode == 0, resumed.stderr
    assert f"({len(partial)} already in the gradebook)" in resumed.stdout
    fresh = tmp_path / "fresh"
    whole = subprocess.run(
        [*command, "--out", str(fresh)], cwd=ROOT, capture_output=True, text=True
    )
    assert whole.returncode == 0, whole.stderr
    assert comparable(killed) == comparable(fresh)
    assert len({row[0] for row in comparable(fresh)}) == size


def _descendants(pid: int) -> set[int]:
    """Every process below ``pid`` now (Linux)."""
    parents: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError, ValueError):
            continue
        if entry.name.isdigit():
            parents.setdefault(int(fields[1]), []).append(int(entry.name))
    found: set[int] = set()
    todo = [pid]
    while todo:
        for child in parents.get(todo.pop(), []):
            if child not in found:
                found.add(child)
                todo.append(child)
    return found


def _command_line(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()[:200]
    except OSError:
        return "?"


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs Linux's /proc")
def test_nothing_outlives_a_grader_killed_with_sigkill(tmp_path: Path) -> None:
    # Learners whose views loop: the run is sure to be mid-way, children and all, when killed.
    submissions = tmp_path / "cohort"
    for index in range(6):
        shutil.copytree(HOSTILE / "view-loop", submissions / f"learner-{index}")
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    process = subprocess.Popen(
        [sys.executable, "-m", "checker.cli", "grade", str(submissions), "--out",
         str(tmp_path / "out"), "-e", "03", "--workers", "2", "--check-timeout", "1", "--unsafe"],
        cwd=ROOT,
        env={**os.environ, "TMPDIR": str(scratch)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    deadline = time.monotonic() + 60
    below: set[int] = set()
    while time.monotonic() < deadline and process.poll() is None:
        below = _descendants(process.pid)
        # workers, their warm servers, and the servers' children running learners' apps
        if len(below) >= 5 and any(scratch.glob("workbook-grade-*/learner-*")):
            break
        time.sleep(0.05)
    assert process.poll() is None and len(below) >= 5, "the run was not under way in time"
    process.kill()  # SIGKILL to the grader alone, not its process group
    process.wait()
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and (
        any(_alive(pid) for pid in below) or any(scratch.iterdir())
    ):
        time.sleep(0.1)
    left = {pid: _command_line(pid) for pid in below if _alive(pid)}
    assert left == {}
    assert sorted(path.name for path in scratch.iterdir()) == []


# Bystanders: processes that come and go all the time beside the grader, each reporting any signal
# it gets (and its parent, one killed by SIGKILL or SIGSTOP'd and never ending on its own).
BYSTANDERS = """
import os, random, signal, sys, time

report, stop = sys.argv[1], sys.argv[2]
seen = wraps = last = 0
bad = []
CATCH = [s for s in signal.Signals if s not in (signal.SIGKILL, signal.SIGSTOP, signal.SIGCHLD)]
while not os.path.exists(stop):
    try:
        pid = os.fork()
    except BlockingIOError:  # every pid taken for a moment: the run goes on
        time.sleep(0.01)
        continue
    if pid == 0:
        def got(number, frame):
            with open(report, "a") as out:
                out.write(f"{os.getpid()} got {signal.Signals(number).name}\\n")
            os._exit(3)
        for caught in CATCH:
            try:
                signal.signal(caught, got)
            except (OSError, ValueError):
                pass
        time.sleep(random.uniform(0.001, 0.05))
        os._exit(0)
    wraps += pid < last
    last = pid
    _, status = os.waitpid(pid, 0)
    seen += 1
    if os.WIFSIGNALED(status) or os.WEXITSTATUS(status) != 0:
        bad.append(f"{pid} ended with status {status}")
with open(report, "a") as out:
    out.write("\\n".join([*bad, f"{seen} bystanders, pids reused {wraps} times"]) + "\\n")
"""
PIDS = 500  # pids in the test's own pid namespace: every one of them is reused within seconds


def _why_no_pid_reuse() -> str | None:
    """Why this machine cannot run the grader in a pid namespace with few pids, if it cannot."""
    if os.geteuid() != 0 or shutil.which("unshare") is None:
        return "needs root and util-linux's unshare"
    tried = subprocess.run(
        ["unshare", "--pid", "--fork", "--mount-proc", "sh", "-c",
         f"echo {PIDS} > /proc/sys/kernel/pid_max"],
        capture_output=True,
        timeout=30,
    )  # fmt: skip
    if tried.returncode != 0:
        return "needs a pid_max of a pid namespace's own (Linux 6.14 or later)"
    return None


def test_the_grader_signals_no_process_of_anyone_else_while_pids_are_reused(
    tmp_path: Path,
) -> None:
    why = _why_no_pid_reuse()
    if why is not None:
        pytest.skip(why)
    cohort_folder = tmp_path / "cohort"
    cases = ["honest", "view-loop", "import-loop", "fork-bomb", "sigkill-self", "os-exit-in-view",
             "kill-all"]  # fmt: skip
    for case in cases:
        shutil.copytree(HOSTILE / case, cohort_folder / case, ignore=shutil.ignore_patterns("*.toml"))
    bystanders, report, stop = tmp_path / "bystanders.py", tmp_path / "report", tmp_path / "stop"
    bystanders.write_text(BYSTANDERS)
    out = tmp_path / "out"
    grade = [sys.executable, "-m", "checker.cli", "grade", str(cohort_folder), "--out", str(out),
             "-e", "03", "--workers", "2", "--check-timeout", "1"]  # fmt: skip
    script = (
        f"echo {PIDS} > /proc/sys/kernel/pid_max\n"
        f"{sys.executable} {bystanders} {report} {stop} &\n"
        f"{' '.join(grade)} > {tmp_path / 'grade.log'} 2>&1; echo $? > {tmp_path / 'code'}\n"
        f"touch {stop}; wait\n"
    )
    subprocess.run(
        ["unshare", "--pid", "--fork", "--mount-proc", "sh", "-c", script],
        cwd=ROOT,
        env={**os.environ, "TMPDIR": str(tmp_path)},
        timeout=600,
        check=True,
    )
    log = (tmp_path / "grade.log").read_text()
    assert (tmp_path / "code").read_text().strip() == "0", log
    lines = report.read_text().splitlines()
    *signalled, summary = lines
    assert signalled == [], "the grader signalled processes that were not its own"
    seen, reused = [int(word) for word in summary.split() if word.isdigit()]
    assert seen > 100 and reused >= 1, f"the pids were not reused, so this showed nothing: {summary}"
    with open(out / "grades.csv", newline="") as handle:
        grades = {row["learner"]: row for row in csv.DictReader(handle)}
    assert sorted(grades) == sorted(cases)
    assert int(grades["honest"]["03"]) == 13
    assert all(int(grades[case]["03"]) < 13 for case in cases if case != "honest")


def test_a_slow_learner_is_named_while_graded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    submissions = tmp_path / "cohort"
    shutil.copytree(HOSTILE / "honest", submissions / "quick")
    shutil.copytree(HOSTILE / "view-loop", submissions / "looping")
    monkeypatch.setattr(cohort, "SLOW", 0.5)
    seen: list[str] = []
    tally = cohort.grade(
        submissions,
        tmp_path / "out",
        Options(exercises=("03",), workers=1, check_timeout=1.0),
        root=ROOT,
        on_learner=lambda tally: seen.append(tally.slowest),
    )
    assert tally.done == 2
    named = [line for line in seen if line]
    assert named and all(line.startswith(("looping (", "quick (")) for line in named), seen
    assert any(line.startswith("looping (") for line in named), seen


def test_one_learner_can_be_regraded(tmp_path: Path) -> None:
    submissions = cohort_folder(tmp_path / "cohort", 3)
    out = tmp_path / "out"
    cohort.grade(submissions, out, Options(exercises=("01",), workers=1), root=ROOT)
    before = comparable(out)
    assert {row[4] for row in before if row[0] == "learner-001"} == {0}  # the starter
    solution = ROOT / "solutions" / "01" / "app.py"
    shutil.copyfile(solution, submissions / "learner-001" / "exercises" / "01" / "app.py")
    tally = cohort.grade(
        submissions, out, Options(exercises=("01",), workers=1, learner="learner-001"), root=ROOT
    )
    assert tally.done == 1
    after = comparable(out)
    assert sum(int(str(row[4])) for row in after if row[0] == "learner-001") == 7
    assert [row for row in after if row[0] != "learner-001"] == [
        row for row in before if row[0] != "learner-001"
    ]


def test_the_seed_is_kept_and_each_learner_draws_from_their_own(tmp_path: Path) -> None:
    submissions = cohort_folder(tmp_path / "cohort", 3)
    out = tmp_path / "out"
    tally = cohort.grade(submissions, out, Options(exercises=("02",), workers=1), root=ROOT)
    book = Gradebook(out / "gradebook.sqlite")
    assert book.seed() == tally.seed
    seeds = {g.learner: g.seed for g in book.grades()}
    book.close()
    assert len(set(seeds.values())) == 3, "each learner's inputs come from a seed of their own"
    with (out / "grades.csv").open(newline="", encoding="utf-8") as file:
        table = {row["learner"]: row["seeds"] for row in csv.DictReader(file)}
    assert table == {learner: f"02: {seed}" for learner, seed in seeds.items()}
    # A regrade draws as before (the gradebook's seed); a changed submission meets new inputs.
    before = comparable(out)
    again = cohort.grade(
        submissions, out, Options(exercises=("02",), workers=1, learner="learner-001"), root=ROOT
    )
    assert again.seed == tally.seed and comparable(out) == before
    app = submissions / "learner-001" / "exercises" / "02" / "app.py"
    app.write_text(app.read_text() + "\n# changed\n")
    cohort.grade(
        submissions, out, Options(exercises=("02",), workers=1, learner="learner-001"), root=ROOT
    )
    book = Gradebook(out / "gradebook.sqlite")
    changed = {g.learner: g.seed for g in book.grades()}
    book.close()
    assert changed["learner-001"] != seeds["learner-001"]
    assert {k: v for k, v in changed.items() if k != "learner-001"} == {
        k: v for k, v in seeds.items() if k != "learner-001"
    }


def test_unknown_exercise_or_learner_is_a_clear_error(tmp_path: Path) -> None:
    submissions = cohort_folder(tmp_path / "cohort", 1)
    with pytest.raises(cohort.GradeError, match="there is no exercise '99'"):
        cohort.grade(submissions, tmp_path / "out", Options(exercises=("99",)), root=ROOT)
    with pytest.raises(cohort.GradeError, match="no learner 'nobody'"):
        cohort.grade(submissions, tmp_path / "out", Options(learner="nobody"), root=ROOT)
    with pytest.raises(cohort.GradeError, match="is not a folder of submissions"):
        cohort.grade(tmp_path / "nowhere", tmp_path / "out", Options(), root=ROOT)


def test_grading_on_a_dask_cluster_gives_the_same_gradebook(tmp_path: Path) -> None:
    distributed = pytest.importorskip("distributed")
    submissions = cohort_folder(tmp_path / "cohort", 6)
    # Beside the cohort, hostile learners: their outcomes must not depend on where they ran.
    for case in ("forged-reply", "patch-harness", "short-reply", "honest-async"):
        shutil.copytree(HOSTILE / case, submissions / case)
    local = tmp_path / "local"
    cohort.grade(submissions, local, Options(workers=1, seed=7), root=ROOT)
    import dask

    # Its scheduler's and workers' scratch space, not the temporary folder.
    with dask.config.set({"temporary-directory": str(tmp_path / "dask")}), distributed.LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        dashboard_address=None,
        local_directory=tmp_path / "dask",
    ) as cluster:
        on_cluster = tmp_path / "cluster"
        tally = cohort.grade(
            submissions, on_cluster, Options(scheduler=cluster.scheduler_address, seed=7), root=ROOT
        )
    assert tally.done == 10 and not tally.failures
    assert comparable(on_cluster) == comparable(local)
    outcomes = {(row[0], row[3]) for row in comparable(on_cluster)}
    assert ("forged-reply", "flagged") in outcomes and ("patch-harness", "flagged") in outcomes
    assert not Path("/tmp/workbook-hostile-unpickled").exists()


@pytest.mark.skipif(not SANDBOXED, reason="needs a sandbox")
def test_no_app_of_a_learner_outlives_its_exercise(tmp_path: Path) -> None:
    """lock-relay's hidden 03 app would pass what hidden requests showed, through file locks,
    to its 04 app, for a visible check to quote: it has ended before the 04 app loads."""
    submissions = tmp_path / "cohort"
    shutil.copytree(HOSTILE / "lock-relay", submissions / "lock-relay")
    out = tmp_path / "out"
    options = Options(exercises=("03", "04"), hidden=HIDDEN, check_timeout=6.0, workers=1)
    tally = cohort.grade(submissions, out, options, root=ROOT)
    assert tally.done == 1 and not tally.failures
    expected = tomllib.loads((HOSTILE / "lock-relay" / "expected.toml").read_text())
    found = rows(out)
    for task, wanted in expected["tasks"].items():
        outcome, _, message = found[("lock-relay", task)]
        assert outcome == wanted["outcome"], f"{task}: {outcome}: {message}"
        assert wanted["message"] in message, f"{task}: {message!r}"
    for path in out.rglob("*"):
        if (
            path.is_file()
            and path.suffix in (".html", ".json", ".csv")
            and path.name != "report.html"
        ):
            assert "HIDDEN-CHECK-SECRET" not in path.read_text(errors="replace"), path


def _no_sandbox_here() -> None:
    isolation.why_no_sandbox = lambda: "a worker that stands for one on another host"


@pytest.mark.skipif(not SANDBOXED, reason="needs a sandbox where the grader runs")
def test_a_dask_worker_that_cannot_make_the_sandbox_grades_no_one(tmp_path: Path) -> None:
    """The grader found a sandbox, a worker (another host, another user) cannot make one: its
    learners are recorded as the grader's failures, saying why, and nothing runs unsandboxed."""
    distributed = pytest.importorskip("distributed")
    submissions = cohort_folder(tmp_path / "cohort", 2)
    import dask

    with dask.config.set({"temporary-directory": str(tmp_path / "dask")}), distributed.LocalCluster(
        n_workers=1,
        threads_per_worker=1,
        processes=True,
        dashboard_address=None,
        local_directory=tmp_path / "dask",
    ) as cluster, distributed.Client(cluster) as client:  # fmt: skip
        client.run(_no_sandbox_here)
        tally = cohort.grade(
            submissions, tmp_path / "out", Options(scheduler=cluster.scheduler_address), root=ROOT
        )
    assert tally.done == 2 and sorted(tally.failures) == ["learner-000", "learner-001"]
    found = comparable(tmp_path / "out")
    assert found and {(row[3], row[4]) for row in found} == {("crashed", 0)}
    assert all("cannot make a sandbox (a worker that stands for one" in row[6] for row in found)
    assert (tmp_path / "out" / "report.html").is_file()


def test_unreachable_scheduler_is_a_clear_error(tmp_path: Path) -> None:
    pytest.importorskip("distributed")
    submissions = cohort_folder(tmp_path / "cohort", 1)
    with pytest.raises(cohort.GradeError, match="cannot reach the Dask scheduler"):
        cohort.grade(
            submissions, tmp_path / "out", Options(scheduler="tcp://127.0.0.1:1"), root=ROOT
        )


def test_learners_cannot_see_an_nbgrader_course_around_the_submissions(tmp_path: Path) -> None:
    """Its source/ holds the solutions and its gradebook.db every score; the workbook stays."""
    course = tmp_path / "course"
    (course / "submitted").mkdir(parents=True)
    (course / "nbgrader_config.py").write_text("c = get_config()\n")
    hidden = cohort._private(ROOT, course / "submitted", tmp_path, None, None)
    assert course.resolve() in hidden and tmp_path.resolve() in hidden
    assert ROOT not in hidden and not any(folder in ROOT.parents for folder in hidden)
    assert cohort._private(ROOT, ROOT / "tests", ROOT, None, None) == tuple(
        (ROOT / name).resolve() for name in ("tests", "solutions", ".git")
    )


def test_messages_point_at_the_nbgrader_cells_that_wrote_the_app(tmp_path: Path) -> None:
    """An nbgrader learner never saw an app.py: a failure names the notebook's cell and line."""
    import nbformat

    solution = (ROOT / "solutions" / "01" / "app.py").read_text()
    top, views = solution.split('@app.route("/about")')
    broken_about = '@app.route("/about")\ndef about():\n    return 1 / 0\n\n\n'
    rest = views.split('@app.route("/api/status")')[1]
    cells = [
        nbformat.v4.new_markdown_cell("## Exercise 01"),
        nbformat.v4.new_code_cell("\n%%writefile app.py\n" + top),  # a blank line first
        nbformat.v4.new_code_cell("print('a cell between')"),
        nbformat.v4.new_code_cell(
            "%%writefile -a app.py\n" + broken_about + '@app.route("/api/status")' + rest
        ),
    ]
    folder = tmp_path / "submitted" / "ada" / "01"
    folder.mkdir(parents=True)
    nbformat.write(nbformat.v4.new_notebook(cells=cells), folder / "exercise_01.ipynb")
    out = tmp_path / "out"
    cohort.grade(tmp_path / "submitted", out, Options(exercises=("01",), workers=1), root=ROOT)
    found = {
        task: (outcome, points, message)
        for (_, task), (outcome, points, message) in rows(out).items()
    }
    assert found["hello"][:2] == ("passed", 1)
    outcome, points, message = found["about"]
    assert (outcome, points) == ("error", 0)
    assert "exercise_01.ipynb, cell 4, line 4: `return 1 / 0`" in message, message
