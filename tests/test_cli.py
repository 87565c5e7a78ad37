"""The workbook command, through click's CliRunner, on a small course in a temporary folder."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from checker import course as course_module
from checker.cli import main
from checker.course import folders, progress
from tests.conftest import ROOT, SOLUTION


def invoke(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


def test_course_map_shows_progress_and_next_step(course: Path):
    code, out = invoke()
    assert code == 0
    assert "01" in out and "5/5" in out and "done" in out
    assert "02" in out and "0/5" in out
    assert "Next:" in out and "02" in out.split("Next:")[1]


def _noting_the_process(folders):
    """progress._check_here, noting which process ran it in the file $NOTE_PIDS."""
    import os

    with open(os.environ["NOTE_PIDS"], "a") as note:
        note.write(f"{os.getpid()}\n")
    return _CHECK_HERE(folders)


_CHECK_HERE = progress._check_here


@pytest.mark.parametrize("cores", [1, 2, 4])
def test_course_map_shares_the_exercises_out_among_the_cores(
    course: Path, monkeypatch: pytest.MonkeyPatch, cores: int
):
    import os

    note = course / "pids"
    monkeypatch.setenv("NOTE_PIDS", str(note))
    monkeypatch.setattr(progress, "_check_here", _noting_the_process)
    monkeypatch.setattr(os, "cpu_count", lambda: cores)
    assert progress._check(course_module.exercises(course)) == [
        ("01", 5, 2, True),
        ("02", 0, 0, False),
    ]
    pids = set(note.read_text().split())
    if cores == 1:
        assert pids == {str(os.getpid())}
    else:  # other processes (one may take both shares, if it is done with its first in time)
        assert pids and str(os.getpid()) not in pids


def test_course_map_checks_here_when_no_process_can_start(
    course: Path, monkeypatch: pytest.MonkeyPatch
):
    import concurrent.futures

    def refused(*args, **kwargs):
        raise OSError("no more processes")

    monkeypatch.setattr(concurrent.futures, "ProcessPoolExecutor", refused)
    monkeypatch.setattr("os.cpu_count", lambda: 2)
    assert [found[0] for found in progress._check(course_module.exercises(course))] == ["01", "02"]


def test_course_map_checks_again_only_what_changed(course: Path, map_checks: list[list[str]]):
    assert invoke()[0] == 0
    assert invoke()[0] == 0  # nothing changed: the saved results are shown
    (course / "exercises" / "02" / "app.py").write_text(SOLUTION)
    code, out = invoke()
    assert map_checks == [["01", "02"], ["02"]]
    assert code == 0 and "Every exercise passes" in out


def test_list_shows_every_exercise(course: Path):
    code, out = invoke("list")
    assert code == 0
    assert "Tiny exercise" in out and "exercise, and its lesson" in out
    assert "lessons/01_tiny.ipynb" in out and "lessons/02_tiny.ipynb" in out
    assert out.rstrip().splitlines()[-1] == "`workbook list NN` lists the tasks of exercise NN."


def test_list_cuts_no_lesson_short_in_80_columns(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("COLUMNS", "80")
    code, out = invoke("list")  # the workbook's own exercises, long titles and all
    assert code == 0 and "…" not in out
    for exercise in course_module.exercises(ROOT):
        assert f"lessons/{exercise.lesson}" in out


def test_list_of_one_exercise_shows_its_tasks(course: Path):
    code, out = invoke("list", "2")
    assert code == 0
    assert "exercises/02 · Tiny exercise (lessons/02_tiny.ipynb)" in out
    assert re.search(r"hello\s+Say hello\s+2", out)
    assert re.search(r"json\s+Answer JSON\s+3", out)


def test_check_gives_the_same_result_as_pytest(course: Path):
    code, out = invoke("check", "02")
    assert code == 1
    assert "✗ hello" in out and "Hint: Return a string from the view." in out
    assert out.rstrip().splitlines()[-1] == "score: 0/5 points"
    direct = subprocess.run(
        [sys.executable, "-m", "pytest", "exercises/02"], cwd=course, capture_output=True, text=True
    )
    assert direct.returncode == code
    assert direct.stdout.rstrip().splitlines()[-1] == "score: 0/5 points"
    code, out = invoke("check", "1", "--check-timeout", "10")  # the option's name in pytest too
    assert code == 0
    assert out.rstrip().splitlines()[-1] == "score: 5/5 points"
    for seed in ("--workbook-seed", "--seed"):  # pytest's name, and the one it had first
        code, out = invoke("check", "1", seed, "7")
        assert code == 0, out


def test_hint_shows_the_next_hint_each_time_and_remembers(course: Path):
    outputs = [invoke("hint", "02")[1] for _ in range(3)]
    assert "hint 1 of 2" in outputs[0] and "Return a string from the view." in outputs[0]
    assert "hint 2 of 2" in outputs[1] and "return 'Hello, World!'" in outputs[1]
    assert "seen all 2 hints" in outputs[2]
    state = json.loads((course / ".workbook-state.json").read_text())
    assert state == {"hints": {"02": {"hello": 2}}, "results": {}}


def test_hint_for_a_named_task(course: Path):
    code, out = invoke("hint", "02", "--task", "json")
    assert code == 0 and "Return a dict." in out


def test_hint_when_everything_passes(course: Path):
    code, out = invoke("hint", "01")
    assert code == 0 and "no hint needed" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("check", "09"), "there is no exercise '09'; the exercises are 01, 02"),
        (
            ("hint", "01", "--task", "nope"),
            "exercise 01 has no task 'nope'; its tasks are hello, json",
        ),
        (("chek",), "No such command 'chek'"),
        (("check",), "Missing argument 'EXERCISE'"),
        (("check", "01", "--timeout", "-1"), "--timeout"),
        (("check", "01", "--check-timeout", "0"), "--check-timeout"),
        (("watch", "01", "--check-timeout", "no"), "--check-timeout"),
    ],
    ids=[
        "unknown-exercise",
        "unknown-task",
        "unknown-command",
        "missing-argument",
        "bad-timeout",
        "bad-check-timeout",
        "bad-watch-timeout",
    ],
)
def test_bad_arguments_get_one_line_and_a_nonzero_exit(
    course: Path, args: tuple[str, ...], message: str
):
    result = CliRunner().invoke(main, list(args))
    assert result.exit_code != 0
    assert result.exception is None or isinstance(result.exception, SystemExit)
    lines = result.output.strip().splitlines()
    assert len(lines) == 1, result.output
    assert lines[0].startswith("workbook: ") and message in lines[0]


def test_outside_a_workbook_says_where_it_looked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(
        folders, "__file__", str(tmp_path / "nowhere" / "checker" / "course" / "folders.py")
    )
    code, out = invoke("list")
    assert code == 1
    assert out.startswith("workbook: no workbook here")


def test_broken_manifest_is_one_line(course: Path):
    (course / "exercises" / "02" / "exercise.toml").write_text('id = "02"\n')
    code, out = invoke("list")
    assert code == 1
    assert len(out.strip().splitlines()) == 1 and "title is missing" in out


def test_grade_writes_the_results_and_reports_a_bad_folder_in_one_line(course: Path):
    learner = course / "cohort" / "ada" / "exercises" / "01"
    learner.mkdir(parents=True)
    (learner / "app.py").write_text(SOLUTION)
    code, out = invoke("grade", str(course / "cohort"), "--out", str(course / "results"), "-j", "1")
    assert code == 0, out
    assert "Graded 1 learner; 0 timeouts, 0 crashes." in out
    assert (course / "results" / "grades.csv").read_text().splitlines()[1].startswith("ada,5,0,5")
    code, out = invoke("grade", str(course / "nowhere"), "--out", str(course / "results"))
    assert code == 1
    assert out.strip() == f"workbook: {course / 'nowhere'} is not a folder of submissions"


def test_the_course_is_found_from_anywhere_through_the_installed_package(tmp_path, monkeypatch):
    """nbgrader's autograde runs the test cells in a folder outside the course: the checker
    finds the course it was installed from."""
    monkeypatch.chdir(tmp_path)
    assert course_module.find_root() == ROOT
