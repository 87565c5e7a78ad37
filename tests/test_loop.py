"""The learner's loop: `workbook reset`, `workbook solution` and `workbook submit`, and the
instructor grading what was submitted, on a small course that is a git clone."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from checker import course as course_module
from checker.cli import main
from checker.course import handin, state
from checker.grade import intake
from tests.conftest import ROOT, SOLUTION, STARTER

# A correct 01 that is not the reference solution, so the diff has something to show.
ALTERNATIVE = SOLUTION.replace('@app.route("/")', '@app.get("/")')


def invoke(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.output


def git(folder: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", "-c", "user.name=Course", "-c", "user.email=course@example.org", *args],
        cwd=folder,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout


@pytest.fixture
def cloned(course: Path) -> Path:
    """The small course committed with both exercises as the starter and a solutions/ folder;
    then the learner solved 01 in their own way."""
    (course / "exercises" / "01" / "app.py").write_text(STARTER)
    for number in ("01", "02"):
        (course / "solutions" / number).mkdir(parents=True)
        (course / "solutions" / number / "app.py").write_text(SOLUTION)
    (course / ".gitignore").write_text(".workbook-state.json\n.workbook-state.tmp\nbackups/\n")
    git(course, "init", "-q")
    git(course, "add", "-A")
    git(course, "commit", "-qm", "the course")
    git(course, "config", "user.name", "Ada Lovelace")
    (course / "exercises" / "01" / "app.py").write_text(ALTERNATIVE)
    return course


def backups(root: Path) -> list[Path]:
    return sorted((root / "backups").iterdir()) if (root / "backups").is_dir() else []


# workbook reset


def test_reset_keeps_the_learners_files_and_puts_the_starter_back(cloned: Path):
    code, out = invoke("reset", "01")
    assert code == 0, out
    assert (cloned / "exercises" / "01" / "app.py").read_text() == STARTER
    [backup] = backups(cloned)
    assert backup.name.startswith("01-")
    assert (backup / "app.py").read_text() == ALTERNATIVE
    kept = f"backups/{backup.name}/"
    assert "exercises/01/ is the starter again (app.py), from your last commit" in out
    assert f"Your files are kept in {kept}" in out
    assert f"cp -r {kept}. exercises/01/" in out
    # ... and the command it prints gives them back
    subprocess.run(f"cp -r {kept}. exercises/01/", shell=True, cwd=cloned, check=True)
    assert (cloned / "exercises" / "01" / "app.py").read_text() == ALTERNATIVE


def test_resetting_the_starter_changes_nothing(cloned: Path):
    code, out = invoke("reset", "02")
    assert code == 0
    assert out.strip() == "exercises/02/ is the starter already: nothing was changed."
    assert backups(cloned) == []


def test_reset_brings_back_a_deleted_file_and_backs_up_twice_apart(cloned: Path):
    assert invoke("reset", "01")[0] == 0
    (cloned / "exercises" / "01" / "app.py").write_text("# my second try\n")
    assert invoke("reset", "01")[0] == 0
    (cloned / "exercises" / "02" / "app.py").unlink()
    code, out = invoke("reset", "02")
    assert code == 0 and "(app.py)" in out
    assert (cloned / "exercises" / "02" / "app.py").read_text() == STARTER
    names = [path.name[:2] for path in backups(cloned)]
    assert names == ["01", "01", "02"]  # two backups of 01, none overwritten
    assert {(path / "app.py").read_text() for path in backups(cloned)[:2]} == {
        ALTERNATIVE,
        "# my second try\n",
    }
    assert list(backups(cloned)[2].iterdir()) == []  # 02 had no file of the learner's left


def test_reset_takes_the_courses_starter_not_the_learners_own_commit(cloned: Path, tmp_path):
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", str(cloned), str(clone))
    (clone / "exercises" / "01" / "app.py").write_text(ALTERNATIVE)
    git(clone, "commit", "-qam", "my solution")  # the learner commits their work
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(clone)
        code, out = invoke("reset", "01")
    assert code == 0, out
    assert "from the course as cloned from origin/" in out
    assert (clone / "exercises" / "01" / "app.py").read_text() == STARTER


def test_the_course_map_checks_no_untouched_starter_of_a_fresh_clone(
    cloned: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, map_checks: list[list[str]]
):
    (cloned / "exercises" / "01" / "app.py").write_text(STARTER)
    for number in ("01", "02"):  # the course lets the learner keep notes beside the app
        manifest = cloned / "exercises" / number / "exercise.toml"
        manifest.write_text(manifest.read_text().replace('"app.py"]', '"app.py", "*.md"]'))
    git(cloned, "commit", "-qam", "notes")
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", str(cloned), str(clone))
    monkeypatch.chdir(clone)
    code, out = invoke()
    assert code == 0 and map_checks == []  # both are the starter: what they score is known
    assert out.count("not started") == 2 and "0/5" in out
    (clone / "exercises" / "01" / "app.py").write_text(ALTERNATIVE)
    git(clone, "commit", "-qam", "my solution")  # committed work is the learner's all the same
    (clone / ".git" / "info" / "exclude").write_text("*.md\n")
    (clone / "exercises" / "02" / "notes.md").write_text("mine\n")  # new, and ignored by git
    code, out = invoke()
    assert code == 0 and map_checks == [["01", "02"]], out
    assert "5/5" in out and "done" in out, out


def test_the_course_map_checks_every_exercise_when_git_cannot_tell(
    cloned: Path, map_checks: list[list[str]]
):
    git(cloned, "commit", "-qam", "my solution")  # no branch it was cloned from: HEAD is mine
    assert invoke()[0] == 0
    assert map_checks == [["01", "02"]]


def test_the_backup_is_never_checked_graded_or_submitted(cloned: Path):
    assert invoke("reset", "01")[0] == 0
    exercises = course_module.exercises(cloned)
    for exercise in exercises:
        assert not any(name.startswith("backups") for name in exercise.owned_in(cloned))
    taken = intake.read("ada", cloned, exercises).exercises["01"]
    assert taken.files == {"app.py": STARTER.encode()}  # the starter, not the backup's solution
    code, out = invoke("check", "01")
    assert code == 1 and "score: 0/5 points" in out
    assert invoke("submit")[0] == 0
    with zipfile.ZipFile(cloned / "ada-lovelace.zip") as bundle:
        assert not [name for name in bundle.namelist() if "backups" in name]


def test_reset_outside_git_says_where_the_starter_is_kept(course: Path):
    code, out = invoke("reset", "01")
    assert code == 1
    [line] = out.strip().splitlines()
    assert line.startswith("workbook: cannot find the starter of exercise 01: this copy of the")
    assert "not a git clone" in line


@pytest.mark.parametrize("command", ["reset", "solution"])
def test_an_unknown_exercise_is_one_line(cloned: Path, command: str):
    code, out = invoke(command, "09")
    assert code == 1
    assert out.strip() == "workbook: there is no exercise '09'; the exercises are 01, 02"


# workbook solution


def test_solution_of_a_passing_exercise_is_a_diff_against_the_learners_files(cloned: Path):
    code, out = invoke("solution", "01")
    assert code == 0, out
    assert "Exercise 01 passes" in out
    assert "--- exercises/01/app.py (yours)" in out and "+++ solutions/01/app.py" in out
    assert '-@app.get("/")' in out and '+@app.route("/")' in out
    assert "gave_up" not in json.loads((cloned / state.STATE_FILE).read_text())


def test_solution_the_same_as_the_learners_says_so(cloned: Path):
    (cloned / "exercises" / "01" / "app.py").write_text(SOLUTION)
    code, out = invoke("solution", "1")
    assert code == 0
    assert "exercises/01/app.py: the same as the solution" in out


def test_solution_of_an_exercise_that_does_not_pass_says_what_to_do(cloned: Path):
    code, out = invoke("solution", "02")
    assert code == 1
    [line] = out.strip().splitlines()
    assert line.startswith("workbook: exercise 02 does not pass yet (0 of 2 tasks pass)")
    assert "`workbook hint 02`" in line and "`workbook solution 02 --give-up`" in line
    assert "solutions" not in out.split("stays hidden")[0]
    assert "gave_up" not in json.loads((cloned / state.STATE_FILE).read_text())


def test_giving_up_shows_the_solution_and_the_progress_says_so(cloned: Path):
    code, out = invoke("solution", "02", "--give-up")
    assert code == 0, out
    assert "You gave up on exercise 02 at 0 of 2 tasks" in out
    assert "+    return 'Hello, World!'" in out.replace('"', "'")
    seen = json.loads((cloned / state.STATE_FILE).read_text())["gave_up"]["02"]
    assert seen["passed_tasks"] == 0 and seen["tasks"] == 2 and seen["at"]
    code, out = invoke()
    assert code == 0 and "saw the solution at 0 of 2 tasks" in out
    assert invoke("solution", "02", "--give-up")[0] == 0  # asking again keeps the first record
    assert json.loads((cloned / state.STATE_FILE).read_text())["gave_up"]["02"] == seen


def test_a_course_without_solutions_says_so_before_checking(cloned: Path):
    (cloned / "solutions" / "01" / "app.py").unlink()
    (cloned / "solutions" / "01").rmdir()
    code, out = invoke("solution", "01")
    assert code == 1
    assert out.strip() == (
        "workbook: this copy of the workbook has no solution for exercise 01 "
        "(no solutions/01/ folder); ask your instructor for it"
    )


# workbook submit, then workbook grade


def grades(results: Path) -> dict[str, str]:
    with (results / "grades.csv").open(newline="") as table:
        return next(csv.DictReader(table))


def test_a_submitted_zip_is_graded_as_it_is_with_full_marks(cloned: Path):
    (cloned / "exercises" / "02" / "app.py").write_text(SOLUTION)
    assert invoke("hint", "01", "--task", "json")[0] == 0  # some progress to hand in
    code, out = invoke("submit", "--out", str(cloned / "cohort"))
    assert code == 0, out
    zipped = cloned / "cohort" / "ada-lovelace.zip"
    assert f"Wrote {zipped}: 2 files of 2 exercises and your progress." in out.replace("\n", " ")
    assert "named after git config user.name (ada-lovelace)" in out
    with zipfile.ZipFile(zipped) as bundle:
        assert sorted(bundle.namelist()) == [
            ".workbook-state.json",
            "exercises/01/app.py",
            "exercises/02/app.py",
        ]
        assert json.loads(bundle.read(".workbook-state.json"))["hints"] == {"01": {"json": 1}}
    code, out = invoke("grade", str(cloned / "cohort"), "--out", str(cloned / "results"), "-j", "1")
    assert code == 0, out
    row = grades(cloned / "results")
    assert (row["learner"], row["01"], row["02"], row["total"], row["status"]) == (
        "ada-lovelace",
        "5",
        "5",
        "10",
        "",
    )


def test_a_missing_exercise_is_said_at_submit_and_graded_missing(cloned: Path):
    (cloned / "exercises" / "02" / "app.py").unlink()
    code, out = invoke("submit", "--name", "Zoë O'Brien", "--out", str(cloned / "cohort"))
    assert code == 0, out
    flat = out.replace("\n", " ")
    assert (
        "Note: exercise 02: exercises/02/app.py is missing, so it will be graded as missing" in flat
    )
    assert "1 file of 1 exercise" in flat and "named after --name (zoë-o-brien)" in flat
    code, out = invoke("grade", str(cloned / "cohort"), "--out", str(cloned / "results"), "-j", "1")
    assert code == 0, out
    row = grades(cloned / "results")
    assert (row["learner"], row["01"], row["02"], row["status"]) == (
        "zoë-o-brien",
        "5",
        "0",
        "02: missing",
    )


def test_submit_writes_into_the_workbook_by_default_and_replaces_an_older_zip(cloned: Path):
    assert invoke("submit")[0] == 0
    first = (cloned / "ada-lovelace.zip").read_bytes()
    (cloned / "exercises" / "01" / "app.py").write_text(SOLUTION)
    assert invoke("submit")[0] == 0
    with zipfile.ZipFile(cloned / "ada-lovelace.zip") as bundle:
        assert bundle.read("exercises/01/app.py").decode() == SOLUTION
    assert (cloned / "ada-lovelace.zip").read_bytes() != first
    assert [path.name for path in cloned.iterdir() if "partial" in path.name] == []


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("Ada Lovelace", "ada-lovelace"),
        ("  j.smith ", "j.smith"),
        ("Zoë O'Brien", "zoë-o-brien"),
        ("../../etc/passwd", "etc-passwd"),
        ("李 小龍", "李-小龍"),
    ],
)
def test_the_zip_is_named_for_a_person_and_a_file_system(given: str, expected: str):
    assert handin.slug(given) == expected


def test_a_name_with_nothing_to_name_a_zip_by_is_one_line(cloned: Path):
    code, out = invoke("submit", "--name", "!!!")
    assert code == 1
    assert out.strip() == (
        "workbook: '!!!' (--name) has no letters or digits to name the zip by; "
        "give one with --name, for example --name ada-lovelace"
    )


# What comes next


def test_full_marks_say_which_lesson_and_command_come_next(course: Path):
    code, out = invoke("check", "01")
    assert code == 0
    lines = out.rstrip().splitlines()
    assert lines[-1] == "score: 5/5 points"
    assert (
        "Every task passes. Next: 02 Tiny exercise: read lessons/02_tiny.ipynb, then edit "
        "exercises/02/app.py and run `pytest exercises/02`." in lines
    )
    code, out = invoke("check", "02")
    assert code == 1 and "Every task passes" not in out
    (course / "exercises" / "02" / "app.py").write_text(SOLUTION)
    code, out = invoke("check", "02")
    assert code == 0
    assert "That was the last exercise: `workbook` shows the course map." in out


def test_a_hint_without_a_number_is_for_the_first_exercise_not_done(course: Path):
    code, out = invoke("hint")
    assert code == 0
    assert out.splitlines()[0] == "Exercise 02 is the first one not done yet."
    assert "02 hello" in out and "hint 1 of 2" in out
    assert invoke("hint", "--task", "json")[1].splitlines()[-1].strip() == "Return a dict."
    (course / "exercises" / "02" / "app.py").write_text(SOLUTION)
    code, out = invoke("hint")
    assert code == 0 and out.strip() == "Every exercise passes: no hint needed."


# The report guides: the hint not yet seen, and tasks counted beside checks


def test_the_report_hint_is_the_first_not_yet_seen_in_check_and_in_pytest(course: Path):
    def pytest_02() -> list[str]:
        done = subprocess.run(
            [sys.executable, "-m", "pytest", "exercises/02"],
            cwd=course,
            capture_output=True,
            text=True,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        )
        return done.stdout.rstrip().splitlines()

    def hints(lines: list[str]) -> list[str]:
        return [line.strip() for line in lines if line.strip().startswith("Hint:")]

    code, out = invoke("check", "02")
    assert code == 1 and hints(out.splitlines()) == [
        "Hint: Return a string from the view.",
        "Hint: Return a dict.",
    ]
    assert invoke("hint", "02")[0] == 0  # shows hello's first hint
    out = invoke("check", "02")[1]
    seen_one = ["Hint: return 'Hello, World!'", "Hint: Return a dict."]
    assert hints(out.splitlines()) == seen_one
    assert hints(pytest_02()) == seen_one
    assert invoke("hint", "02")[0] == 0
    assert invoke("hint", "02")[1].strip().startswith("02 hello: you have seen all 2 hints.")
    assert hints(invoke("check", "02")[1].splitlines())[0] == "Hint: return 'Hello, World!'"


def test_the_summary_counts_tasks_beside_checks(course: Path):
    (course / "exercises" / "02" / "app.py").write_text(
        SOLUTION.replace('return {"ok": True}', 'return "ok"')
    )
    code, out = invoke("check", "02")
    lines = out.rstrip().splitlines()
    assert code == 1 and lines[-2:] == ["1 of 2 tasks pass", "score: 2/5 points"]
    assert "1 failed, 1 passed" in lines[-3]  # pytest's count of checks, just above
    code, out = invoke("check", "01")
    assert out.rstrip().splitlines()[-2:] == ["2 of 2 tasks pass", "score: 5/5 points"]


# Bare pytest in a learner's install


BLOCKER = """\
import sys
from importlib.abc import MetaPathFinder


class Absent(MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in {"playwright", "nbgrader", "distributed"}:
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None


sys.meta_path.insert(0, Absent())
"""


def test_bare_pytest_without_the_dev_extras_says_in_one_line_what_to_install(tmp_path: Path):
    (tmp_path / "sitecustomize.py").write_text(BLOCKER)  # as if only `pip install -e .` ran
    done = subprocess.run(
        [sys.executable, "-m", "pytest"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": os.pathsep.join([str(tmp_path), str(ROOT)])},
    )
    assert done.returncode == 4
    assert done.stdout.strip() == ""
    assert done.stderr.strip() == (
        "ERROR: `pytest` here runs the workbook's own tests (tests/), which need its dev extras "
        '(no playwright, nbgrader, distributed here): python -m pip install -e ".[dev]". To '
        "check an exercise: pytest exercises/01, or workbook check 01"
    )


def test_progress_saved_by_two_processes_at_once_is_always_a_whole_file(tmp_path: Path):
    """A watch and a pytest run may save the learner's progress at the same moment: each write
    is whole, and no temporary file is left beside it."""
    import multiprocessing

    from checker.course import state

    def save_many(hints: int) -> None:
        for _ in range(200):
            state.save(tmp_path, state.State({"01": {"hello": hints}}))

    context = multiprocessing.get_context("fork")
    writers = [context.Process(target=save_many, args=(n,)) for n in (1, 2)]
    for writer in writers:
        writer.start()
    seen = set()
    while any(writer.is_alive() for writer in writers):
        seen.add(state.load(tmp_path).hints_seen("01", "hello"))
    for writer in writers:
        writer.join()
        assert writer.exitcode == 0
    assert seen <= {0, 1, 2}
    assert state.load(tmp_path).hints_seen("01", "hello") in (1, 2)
    assert sorted(path.name for path in tmp_path.iterdir()) == [state.STATE_FILE]
