"""`workbook grade` at the terminal: one-line errors, and no grading without a sandbox unless asked."""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from checker.cli import main
from checker.grade import isolation
from tests.conftest import AS_NOBODY, as_nobody, give_to_nobody

ROOT = Path(__file__).resolve().parent.parent
NOT_ROOT = "the grader is not root"
# The course's exercises, as the messages list them: 01, 02, ...
KNOWN = ", ".join(sorted(path.parent.name for path in (ROOT / "exercises").glob("*/exercise.toml")))
ALL = [
    "separate process",
    "CPU time limit",
    "memory limit",
    "open files limit",
    "file size limit",
    "no new processes",
    "process limit",
    "no network",
    "hidden folders",
    "private temporary space",
    "read-only filesystem",
    "own pid namespace",
    "plain data only",
    "separate uid",
]
WITHOUT_SANDBOX = [
    "process limit", "no network", "hidden folders", "private temporary space",
    "read-only filesystem", "own pid namespace", "separate uid",
]  # fmt: skip
SHAPE = (
    "one folder or .zip per learner, holding the learner's files at their course paths "
    "(ada/exercises/01/app.py, or ada/01/app.py, or ada.zip)"
)
NEEDS = "a sandbox needs Linux, and root or unprivileged user namespaces"
UNPROTECTED = (
    "process limit, no network, hidden folders, private temporary space, read-only filesystem, "
    "own pid namespace, separate uid"
)
REFUSAL = (
    f"workbook: no sandbox can be made here (the grader is not root; {NEEDS}), so learners' code "
    f"would run without: {UNPROTECTED}; add --unsafe to grade anyway"
)

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="grading needs fork (use WSL)")


@pytest.fixture(autouse=True)
def _in_the_course(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    # The terminal line and the refusal then read the same wherever the tests run.
    monkeypatch.setattr(isolation, "seccomp_available", lambda: True)


@pytest.fixture
def sandbox(monkeypatch: pytest.MonkeyPatch) -> None:
    """This host can make a sandbox, whoever runs the tests."""
    monkeypatch.setattr(isolation, "why_no_sandbox", lambda: "")


@pytest.fixture
def no_sandbox(monkeypatch: pytest.MonkeyPatch) -> None:
    """This host cannot make a sandbox, as when the grader is not root."""
    monkeypatch.setattr(isolation, "why_no_sandbox", lambda: NOT_ROOT)


def learner(folder: Path, name: str = "ada", exercise: str = "01") -> Path:
    """A learner who submitted the reference solution of ``exercise``."""
    target = folder / name / "exercises" / exercise / "app.py"
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(ROOT / "solutions" / exercise / "app.py", target)
    return folder


def grade(*args: str | Path) -> Result:
    return CliRunner().invoke(main, ["grade", *map(str, args)])


def assert_one_line_error(result: Result, message: str, code: int = 1) -> None:
    assert isinstance(result.exception, SystemExit), result.exc_info  # not a traceback
    assert (result.exit_code, result.stderr) == (code, f"workbook: {message}\n")
    assert result.stdout == ""


def files_in(folder: Path) -> list[Path]:
    return sorted(folder.rglob("*"))


def report_protections(report: Path) -> list[tuple[str, str]]:
    """(name, "active" or "inactive") per row of the report's protections table."""
    section = report.read_text().split('<section id="protections">')[1].split("</section>")[0]
    pattern = r'<tr><td>([^<]+)</td>\s*<td><span class="badge (active|inactive)">'
    return re.findall(pattern, section)


# Bad input: (how to make it in tmp_path, the arguments after `workbook grade`, the message)
Case = Callable[[Path], tuple[list[str | Path], str]]


def empty_folder(tmp: Path) -> tuple[list[str | Path], str]:
    (tmp / "cohort").mkdir()
    (tmp / "cohort" / ".DS_Store").write_text("")  # not a learner, so still empty
    return (
        [tmp / "cohort", "--out", tmp / "out"],
        f"there are no submissions in {tmp / 'cohort'}: it should hold {SHAPE}",
    )


def submissions_are_a_file(tmp: Path) -> tuple[list[str | Path], str]:
    (tmp / "cohort.zip").write_bytes(b"PK")
    return (
        [tmp / "cohort.zip", "--out", tmp / "out"],
        f"{tmp / 'cohort.zip'} is not a folder of submissions but a file: give the folder that "
        f"holds {SHAPE}",
    )


def no_submissions_folder(tmp: Path) -> tuple[list[str | Path], str]:
    return (
        [tmp / "cohort", "--out", tmp / "out"],
        f"{tmp / 'cohort'} is not a folder of submissions",
    )


def unknown_exercise(tmp: Path) -> tuple[list[str | Path], str]:
    return (
        [learner(tmp / "cohort"), "--out", tmp / "out", "--exercise", "99"],
        f"there is no exercise '99'; the exercises are {KNOWN}",
    )


def unknown_learner(tmp: Path) -> tuple[list[str | Path], str]:
    return (
        [learner(tmp / "cohort"), "--out", tmp / "out", "--learner", "bob"],
        f"no learner 'bob' in {tmp / 'cohort'}",
    )


def hidden_without_exercise_folders(tmp: Path) -> tuple[list[str | Path], str]:
    (tmp / "hidden" / "extra").mkdir(parents=True)
    (tmp / "hidden" / "extra" / "test_03_hidden.py").write_text("")
    hidden = tmp / "hidden"
    return (
        [learner(tmp / "cohort"), "--out", tmp / "out", "--hidden", hidden],
        f"--hidden {hidden} has no folder of hidden checks; they go in {hidden}/NN/test_*.py, "
        f"with NN an exercise: {KNOWN}",
    )


def hidden_with_test_files_itself(tmp: Path) -> tuple[list[str | Path], str]:
    (tmp / "checks").mkdir()
    (tmp / "checks" / "test_03_hidden.py").write_text("")
    hidden = tmp / "checks"
    return (
        [learner(tmp / "cohort"), "--out", tmp / "out", "--hidden", hidden],
        f"--hidden {hidden} holds test files itself; hidden checks go in {hidden}/NN/test_*.py, "
        f"with NN an exercise: {KNOWN} (give the folder above it, if it is one exercise's folder)",
    )


def hidden_of_one_exercise(tmp: Path) -> tuple[list[str | Path], str]:
    (tmp / "hidden" / "03").mkdir(parents=True)
    (tmp / "hidden" / "03" / "test_03_hidden.py").write_text("")
    hidden = tmp / "hidden" / "03"
    return (
        [learner(tmp / "cohort"), "--out", tmp / "out", "--hidden", hidden],
        f"--hidden {hidden} is the hidden checks of exercise 03 alone; give the folder above "
        f"it: --hidden {tmp / 'hidden'}",
    )


def out_inside_submissions(tmp: Path) -> tuple[list[str | Path], str]:
    cohort = learner(tmp / "cohort")
    return (
        [cohort, "--out", cohort / "results"],
        f"--out {cohort / 'results'} is inside the submissions folder {cohort}; the next run "
        "would grade the results as a learner: choose a folder outside it",
    )


def out_is_submissions(tmp: Path) -> tuple[list[str | Path], str]:
    cohort = learner(tmp / "cohort")
    return (
        [cohort, "--out", cohort],
        f"--out {cohort} is the submissions folder {cohort}; the next run would grade the "
        "results as a learner: choose a folder outside it",
    )


def out_cannot_be_created(tmp: Path) -> tuple[list[str | Path], str]:
    (tmp / "a-file").write_text("")
    return (
        [learner(tmp / "cohort"), "--out", tmp / "a-file" / "out"],
        f"cannot create {tmp / 'a-file' / 'out'}: Not a directory",
    )


@pytest.mark.usefixtures("sandbox")
@pytest.mark.parametrize(
    "case",
    [
        empty_folder,
        submissions_are_a_file,
        no_submissions_folder,
        unknown_exercise,
        unknown_learner,
        hidden_without_exercise_folders,
        hidden_with_test_files_itself,
        hidden_of_one_exercise,
        out_inside_submissions,
        out_is_submissions,
        out_cannot_be_created,
    ],
    ids=lambda case: case.__name__,
)
def test_bad_input_is_one_line_and_writes_nothing(tmp_path: Path, case: Case) -> None:
    args, message = case(tmp_path)
    before = files_in(tmp_path)
    assert_one_line_error(grade(*args), message)
    assert files_in(tmp_path) == before


@pytest.mark.usefixtures("sandbox")
@pytest.mark.skipif(not Path("/proc/self").is_dir(), reason="needs Linux's /proc")
def test_results_folder_in_proc_is_one_line(tmp_path: Path) -> None:
    cohort = learner(tmp_path / "cohort")
    assert_one_line_error(
        grade(cohort, "--out", "/proc/foo"), "cannot create /proc/foo: No such file or directory"
    )
    assert not (cohort.parent / "out").exists()


@pytest.mark.usefixtures("sandbox")
def test_results_folder_that_is_a_file_keeps_clicks_message(tmp_path: Path) -> None:
    (tmp_path / "out").write_text("")
    result = grade(learner(tmp_path / "cohort"), "--out", tmp_path / "out")
    assert_one_line_error(
        result,
        f"Invalid value for '--out': Directory '{tmp_path / 'out'}' is a file. "
        "(see: main grade --help)",
        code=2,
    )


@pytest.mark.usefixtures("no_sandbox")
def test_without_a_sandbox_grading_refuses_and_writes_nothing(tmp_path: Path) -> None:
    cohort = learner(tmp_path / "cohort")
    before = files_in(tmp_path)
    result = grade(cohort, "--out", tmp_path / "out", "--exercise", "01")
    assert isinstance(result.exception, SystemExit), result.exc_info
    assert (result.exit_code, result.stderr, result.stdout) == (1, REFUSAL + "\n", "")
    assert files_in(tmp_path) == before


@pytest.mark.usefixtures("no_sandbox")
def test_unsafe_grades_and_says_what_was_unprotected(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = grade(
        learner(tmp_path / "cohort"), "--out", out, "--exercise", "01", "--workers", "1", "--unsafe"
    )
    assert result.exit_code == 0, (result.output, result.exc_info)
    warning = (
        "workbook: warning: grading without a sandbox (the grader is not root, --unsafe): the "
        f"learners' code runs with your user's rights and without: {UNPROTECTED}"
    )
    assert result.stderr.splitlines()[0] == warning
    active = ", ".join(name for name in ALL if name not in WITHOUT_SANDBOX)
    line = f"protections: {active} (7 of 14); not active: {', '.join(WITHOUT_SANDBOX)}"
    assert result.stdout.splitlines()[0] == line
    with sqlite3.connect(out / "gradebook.sqlite") as db:
        points = db.execute("SELECT SUM(points) FROM grades WHERE learner = 'ada'").fetchone()[0]
    assert points == 7  # the reference solution of 01 really was graded
    assert report_protections(out / "report.html") == [
        (name, "inactive" if name in WITHOUT_SANDBOX else "active") for name in ALL
    ]


@pytest.mark.usefixtures("sandbox")
def test_terminal_and_report_list_the_same_protections(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = grade(learner(tmp_path / "cohort"), "--out", out, "--exercise", "01", "-j", "1")
    assert result.exit_code == 0, (result.output, result.exc_info)
    assert "warning" not in result.stderr
    # The tests run as root; an unprivileged grader's sandbox has all but a separate uid.
    active = ALL if os.geteuid() == 0 else ALL[:-1]
    line = f"protections: {', '.join(active)} ({len(active)} of {len(ALL)})"
    assert result.stdout.splitlines()[0] == line + (
        "" if active == ALL else "; not active: separate uid"
    )
    assert report_protections(out / "report.html") == [
        (name, "active" if name in active else "inactive") for name in ALL
    ]


def test_the_rule_is_what_protections_follow(monkeypatch: pytest.MonkeyPatch) -> None:
    """One rule says whether a sandbox can be made; the protections it brings follow it."""
    if sys.platform == "linux" and os.geteuid() == 0:
        assert isolation.why_no_sandbox() == ""
    monkeypatch.setattr(isolation, "why_no_sandbox", lambda: NOT_ROOT)
    found = isolation.protections(isolation.Limits(), separate_uid=True)
    assert isolation.unprotected(found) == WITHOUT_SANDBOX
    assert {p.name: p.detail for p in found}["no network"] == (
        "needs a network namespace, and the grader is not root"
    )


def test_an_error_through_python_m_is_one_line_and_exits_non_zero(tmp_path: Path) -> None:
    """The way the module is run changes neither the exit code nor the message (no empty bar)."""
    (tmp_path / "cohort").mkdir()
    done = subprocess.run(
        [sys.executable, "-m", "checker.cli", "grade", str(tmp_path / "cohort"), "--out",
         str(tmp_path / "out")],
        cwd=ROOT, capture_output=True, text=True,
    )  # fmt: skip
    assert done.returncode == 1
    assert done.stderr == f"workbook: there are no submissions in {tmp_path / 'cohort'}: " + (
        f"it should hold {SHAPE}\n"
    )
    assert done.stdout == "" and not (tmp_path / "out").exists()


@pytest.fixture
def shared_folder() -> Iterator[Path]:
    """A folder an unprivileged user can read and write (tmp_path is private to its owner)."""
    folder = Path(tempfile.mkdtemp(prefix="workbook-test-"))
    folder.chmod(0o777)
    yield folder
    shutil.rmtree(folder)


@pytest.mark.skipif(not AS_NOBODY, reason="needs root on Linux, to grade as nobody")
def test_an_unprivileged_grader_without_user_namespaces_refuses(shared_folder: Path) -> None:
    """As on a kernel that gives unprivileged processes no user namespace (a filter refuses
    them here): the one-line refusal names why, what a sandbox needs, and what is missing."""
    cohort = learner(shared_folder / "cohort")
    out = shared_folder / "out"
    give_to_nobody(shared_folder)
    done = subprocess.run(
        [sys.executable, "-m", "checker.cli", "grade", str(cohort), "--out", str(out), "-e", "01"],
        cwd=ROOT,
        env={**os.environ, "HOME": str(shared_folder)},
        preexec_fn=as_nobody([shared_folder], no_user_namespaces=True),
        capture_output=True,
        text=True,
    )  # fmt: skip
    assert done.returncode == 1, done.stderr
    assert done.stderr == (
        "workbook: no sandbox can be made here (the grader is not root and the kernel refuses an "
        f"unprivileged process a user namespace; {NEEDS}), so learners' code would run without: "
        f"{UNPROTECTED}; add --unsafe to grade anyway\n"
    )
    assert done.stdout == "" and not out.exists()


@pytest.mark.skipif(not AS_NOBODY, reason="needs root on Linux, to grade as nobody")
def test_an_unprivileged_grader_grades_in_a_user_namespace(shared_folder: Path) -> None:
    cohort = learner(shared_folder / "cohort")
    out = shared_folder / "out"
    give_to_nobody(shared_folder)
    done = subprocess.run(
        [sys.executable, "-m", "checker.cli", "grade", str(cohort), "--out", str(out), "-e", "01"],
        cwd=ROOT,
        env={**os.environ, "HOME": str(shared_folder)},
        preexec_fn=as_nobody([shared_folder]),
        capture_output=True,
        text=True,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "warning" not in done.stderr
    line = f"protections: {', '.join(ALL[:-1])} (13 of 14); not active: separate uid"
    assert done.stdout.splitlines()[0] == line
    assert report_protections(out / "report.html") == [
        (name, "inactive" if name == "separate uid" else "active") for name in ALL
    ]
    with sqlite3.connect(out / "gradebook.sqlite") as db:
        points = db.execute("SELECT SUM(points) FROM grades WHERE learner = 'ada'").fetchone()[0]
    assert points == 7
