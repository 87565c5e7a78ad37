"""Instructor grading, end to end: sandboxed, with a gradebook, on hostile and honest submissions."""

from __future__ import annotations

import csv
import os
import shutil
import socket
import sqlite3
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from checker.grade import cohort
from checker.grade.cohort import Options
from checker.grade.gradebook import Gradebook

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

ROOT = Path(__file__).resolve().parent.parent
HOSTILE = ROOT / "tests" / "hostile"
HIDDEN = ROOT / "tests" / "hostile_hidden"
CASES = sorted(path.name for path in HOSTILE.iterdir() if (path / "expected.toml").is_file())
ROOT_ONLY = {"network", "read-secrets", "fork-bomb"}  # need namespaces and a separate uid

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="grading needs fork (use WSL)")


@pytest.fixture(scope="module")
def listener() -> Iterator[list[str]]:
    """A loopback server the network case tries to reach; it notes every connection."""
    seen: list[str] = []
    server = socket.create_server(("127.0.0.1", 45123))
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

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield seen
    stop.set()
    thread.join()
    server.close()


@pytest.fixture(scope="module")
def hostile_run(tmp_path_factory: pytest.TempPathFactory, listener: list[str]) -> Iterator[Path]:
    out = tmp_path_factory.mktemp("hostile-results")
    submissions = tmp_path_factory.mktemp("hostile-submissions")
    protected = [submissions, out, HIDDEN, ROOT / "solutions", ROOT / "tests"]
    os.environ["WORKBOOK_PROTECTED"] = os.pathsep.join(str(path) for path in protected)
    for case in CASES:
        shutil.copytree(HOSTILE / case, submissions / case, symlinks=True)
    # The symbolic link must point at the real reference solution from its new place.
    link = submissions / "symlink-out" / "exercises" / "03" / "app.py"
    link.unlink()
    link.symlink_to(ROOT / "solutions" / "03" / "app.py")
    options = Options(exercises=("03",), hidden=HIDDEN, check_timeout=2.0, workers=2)
    try:
        tally = cohort.grade(submissions, out, options, root=ROOT)
    finally:
        del os.environ["WORKBOOK_PROTECTED"]
    assert tally.done == len(CASES) and not tally.failures
    yield out


def rows(out: Path) -> dict[tuple[str, str], tuple[str, int, str]]:
    book = Gradebook(out / "gradebook.sqlite")
    found = {(g.learner, g.task): (g.outcome.value, g.points, g.message) for g in book.grades()}
    book.close()
    return found


@pytest.mark.parametrize("case", CASES)
def test_hostile_submission_gets_its_outcome_and_no_unearned_point(
    hostile_run: Path, case: str
) -> None:
    if case in ROOT_ONLY and os.geteuid() != 0:
        pytest.skip("this protection needs the grader to run as root (see the report)")
    expected = tomllib.loads((HOSTILE / case / "expected.toml").read_text())
    found = rows(hostile_run)
    points = sum(p for (learner, _), (_, p, _) in found.items() if learner == case)
    assert points == expected["max_points"], {k: v for k, v in found.items() if k[0] == case}
    for task, wanted in expected["tasks"].items():
        outcome, _, message = found[(case, task)]
        assert outcome == wanted["outcome"], f"{case} {task}: {outcome}: {message}"
        assert wanted["message"] in message, f"{case} {task}: {message!r}"


def test_nothing_leaked_into_results(hostile_run: Path, listener: list[str]) -> None:
    if os.geteuid() != 0:
        pytest.skip("network and file isolation need the grader to run as root")
    assert listener == [], "a submission reached the network"
    for path in hostile_run.rglob("*"):
        if path.is_file() and path.suffix in (".html", ".json", ".csv"):
            text = path.read_text(errors="replace")
            assert "HIDDEN-CHECK-SECRET" not in text or path.name == "report.html", path
            assert "NETWORK" not in text, path


def test_hidden_check_messages_stay_out_of_feedback(hostile_run: Path) -> None:
    feedback = (hostile_run / "feedback" / "view-loop.html").read_text()
    assert "HIDDEN-CHECK-SECRET" not in feedback
    assert "test_03_hidden" not in feedback


def test_every_output_is_written(hostile_run: Path) -> None:
    for name in ("gradebook.sqlite", "grades.csv", "report.html"):
        assert (hostile_run / name).is_file()
    for case in CASES:
        assert (hostile_run / "gradescope" / case / "results.json").is_file()
    with (hostile_run / "grades.csv").open() as file:
        table = {row["learner"]: row for row in csv.DictReader(file)}
    assert table["honest"]["total"] == "13" and table["honest"]["status"] == ""
    assert "timeout" in table["import-loop"]["status"]


def test_gradebook_rows_have_every_column(hostile_run: Path) -> None:
    with sqlite3.connect(hostile_run / "gradebook.sqlite") as db:
        columns = [row[1] for row in db.execute("PRAGMA table_info(grades)")]
        count = db.execute("SELECT COUNT(*) FROM grades").fetchone()[0]
    for column in ("learner", "exercise", "task", "outcome", "points", "max_points", "message",
                   "duration", "grader_version", "graded_at"):  # fmt: skip
        assert column in columns
    assert count == len(CASES) * 6
