"""nbgrader interop: the exported source tree, check_task, and the real nbgrader commands on it."""

from __future__ import annotations

import csv
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from pathlib import Path

import nbformat
import pytest
from click.testing import CliRunner

from checker import course
from checker.cli import main
from checker.course.manifest import Exercise
from checker.course.results import Outcome
from checker.grade.gradebook import FILE_NAME, Gradebook
from checker.notebooks.cells import CheckerUnavailable, TaskFailed, check_task
from checker.notebooks.export import (
    BEGIN_SOLUTION,
    CONFIG_NAME,
    END_SOLUTION,
    ExportError,
    build_notebook,
    file_cell_id,
)
from checker.runtime import runner
from tests.conftest import ROOT, SOLUTION, overlay

NBGRADER = Path(sys.executable).parent / "nbgrader"
SUBMITTED = datetime(2026, 11, 10, 9, 30)  # when the first test submission was handed in
EXERCISES = course.exercises(ROOT)


def export(course_dir: Path) -> str:
    result = CliRunner().invoke(main, ["nbgrader", "export", str(course_dir)])
    assert result.exit_code == 0, result.output
    return result.output


def notebook_of(
    course_dir: Path, exercise: Exercise, where: str = "source"
) -> nbformat.NotebookNode:
    path = course_dir / where / exercise.id / f"exercise_{exercise.id}.ipynb"
    return nbformat.read(path, as_version=4)


def test_export_writes_one_assignment_per_module(tmp_path: Path):
    out = export(tmp_path)
    assert (tmp_path / CONFIG_NAME).is_file() and "generate_assignment" in out
    for exercise in EXERCISES:
        cells = notebook_of(tmp_path, exercise).cells
        meta = [cell.metadata["nbgrader"] for cell in cells]
        brief, working, *rest = cells
        assert brief.cell_type == working.cell_type == "markdown"
        assert f"Exercise {exercise.id}" in brief.source and meta[0]["locked"]
        starter = exercise.directory / exercise.edit_file
        assert starter.read_text().rstrip() in working.source
        solution_folder = ROOT / "solutions" / exercise.id
        names = exercise.owned_in(solution_folder)
        if any("/" in name for name in names):
            folders, *rest = rest
            assert folders.metadata["nbgrader"]["locked"] and "os.makedirs" in folders.source
        files, tests = rest[: len(names)], rest[len(names) :]
        for cell, name in zip(files, names, strict=True):
            nbgrader_meta = cell.metadata["nbgrader"]
            assert nbgrader_meta["solution"] and not nbgrader_meta["grade"]
            assert not nbgrader_meta["locked"]
            solution = (solution_folder / name).read_text().rstrip()
            begin, end = (
                (BEGIN_SOLUTION, END_SOLUTION)
                if name.endswith(".py")
                else ("{# BEGIN SOLUTION #}", "{# END SOLUTION #}")
            )
            assert cell.source == f"%%writefile {name}\n{begin}\n{solution}\n{end}"
        assert [
            (t.metadata["nbgrader"]["grade_id"], t.metadata["nbgrader"]["points"]) for t in tests
        ] == [(task.id, task.points) for task in exercise.tasks]
        for test, task in zip(tests, exercise.tasks, strict=True):
            assert test.metadata["nbgrader"]["locked"]
            assert f'check_task("{exercise.id}", "{task.id}")' in test.source


def test_export_keeps_an_existing_config(tmp_path: Path):
    (tmp_path / CONFIG_NAME).write_text("c = get_config()\n")
    assert "kept as it was" in export(tmp_path)
    assert (tmp_path / CONFIG_NAME).read_text() == "c = get_config()\n"


def test_export_refuses_an_exercise_graded_only_from_its_notebook():
    exercise = next(e for e in EXERCISES if e.notebook)
    with pytest.raises(
        ExportError, match=f"exercise {exercise.id} is always graded from its notebook"
    ):
        build_notebook(ROOT, replace(exercise, graded="notebook"))


def test_check_task_reads_the_files_again_when_they_change(course: Path):
    folder = course / "exercises" / "02"
    with pytest.raises(TaskFailed) as failed:
        check_task("02", "hello", folder=folder)
    message = str(failed.value)
    assert "✗ hello: Say hello, 0/2 points" in message
    assert "GET / answered 404" in message and "Hint: Return a string from the view." in message
    (folder / "app.py").write_text(SOLUTION)
    check_task("02", "hello", folder=folder)
    check_task("02", "json", folder=folder)


def test_check_task_names_what_is_not_there(course: Path):
    with pytest.raises(CheckerUnavailable, match="no task 'nope'; its tasks are hello, json"):
        check_task("01", "nope")
    with pytest.raises(CheckerUnavailable, match="there is no exercise '09'"):
        check_task("09", "hello")


# The real nbgrader, on the exported course: one learner with every module's solution, one who
# pastes a realistic mistake into some, and one who submits the first module's released notebook
# untouched. Each notebook nbgrader runs costs a kernel and the exercise's checks; the modules with
# a mistake are the first (handed in through nbgrader's exchange), 11 (graded by the learner's own
# test suite) and 12 (a database per app), and the solution's notebook of every module shows its
# export grading full marks. (tests/test_course.py checks every mistake, and proves that every
# module's untouched starter fails every task.)
WITH_A_MISTAKE = {EXERCISES[0].id, "11", "12"}


@dataclass(frozen=True)
class Graded:
    course_dir: Path  # after nbgrader autograde and export
    untouched: Path  # a copy of the course as it was before autograde, for workbook grade
    expected: dict[tuple[str, str], dict[str, int]]  # (assignment, student) -> task -> points


def nbgrader(course_dir: Path, *args: str, cwd: Path | None = None) -> None:
    env = {
        **os.environ,
        "PATH": f"{NBGRADER.parent}{os.pathsep}{os.environ.get('PATH', '')}",  # nbgrader runs alembic
        "JUPYTER_CONFIG_DIR": str(course_dir / ".jupyter"),  # no personal nbgrader settings
    }
    done = subprocess.run(
        [str(NBGRADER), *args],
        cwd=cwd or course_dir,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, f"nbgrader {' '.join(args)} failed:\n{done.stderr[-5000:]}"
    assert "ERROR" not in done.stderr, done.stderr[-5000:]


def points(exercise: Exercise, submission: Path | None = None) -> dict[str, int]:
    """Task points from the checker itself, as `pytest exercises/NN [--submission DIR]` gives."""
    _, results = runner.check([exercise.directory], submission=submission)
    return {task.task.id: task.points for task in results[0].tasks}


def a_partial_mistake(exercise: Exercise, scratch: Path) -> tuple[Path, dict[str, int]]:
    """A realistic wrong submission that earns some of the exercise's points, but not all: the
    learner's files in full (the mistake laid over the solution)."""
    for folder in sorted((ROOT / "tests" / "mistakes" / exercise.id).iterdir()):
        files = overlay(folder, scratch / exercise.id / folder.name)
        earned = points(exercise, files)
        if 0 < sum(earned.values()) < exercise.points:
            return files, earned
    raise AssertionError(f"no mistake for {exercise.id} earns partial credit")


def paste(notebook: nbformat.NotebookNode, files: Path, exercise: Exercise) -> None:
    """Write the learner files in ``files`` into the notebook's %%writefile cells."""
    for name in exercise.owned_in(files):
        cell = next(c for c in notebook.cells if c.get("id") == file_cell_id(name))
        cell.source = f"%%writefile {name}\n" + (files / name).read_text()


@pytest.fixture(scope="module")
def graded(tmp_path_factory: pytest.TempPathFactory) -> Graded:
    """The course exported and generated. For the first module, the "mistake" learner fetches
    the assignment through a local nbgrader exchange, writes a realistic wrong app into the
    notebook's cell and submits it, and the instructor collects; for the other modules of
    WITH_A_MISTAKE the same notebook is put straight into submitted/, as the "solution" and
    "starter" submissions are (the exchange does the same for every assignment, and each of its
    commands costs seconds).
    Then nbgrader autogrades and exports."""
    pytest.importorskip("nbgrader")
    course_dir = tmp_path_factory.mktemp("nbgrader")
    exchange = tmp_path_factory.mktemp("exchange")
    exchange.chmod(0o777)  # nbgrader's exchange is shared by instructor and learners
    home = tmp_path_factory.mktemp("learner-home")
    via = (f"--Exchange.root={exchange}",)
    export(course_dir)
    nbgrader(course_dir, "generate_assignment", "*")
    expected: dict[tuple[str, str], dict[str, int]] = {}

    def hand_in(student: str, exercise: Exercise, submitted: nbformat.NotebookNode) -> None:
        folder = course_dir / "submitted" / student / exercise.id
        folder.mkdir(parents=True)
        nbformat.write(submitted, folder / f"exercise_{exercise.id}.ipynb")
        # one submission a minute apart, so that each has its own time (and a real date,
        # however many modules there are)
        submitted_at = SUBMITTED + timedelta(minutes=len(expected))
        (folder / "timestamp.txt").write_text(f"{submitted_at:%Y-%m-%d %H:%M:%S} UTC")

    for exercise in EXERCISES:
        if exercise.id in WITH_A_MISTAKE:
            mistake, partial = a_partial_mistake(exercise, tmp_path_factory.mktemp("mistakes"))
            if exercise is EXERCISES[0]:
                nbgrader(course_dir, "release_assignment", exercise.id, *via)
                nbgrader(
                    course_dir, "fetch_assignment", exercise.id, "--course=flask-workbook", *via,
                    cwd=home,
                )  # fmt: skip
                fetched = home / exercise.id / f"exercise_{exercise.id}.ipynb"
                notebook = nbformat.read(fetched, as_version=4)
                paste(notebook, mistake, exercise)
                nbformat.write(notebook, fetched)
                nbgrader(
                    course_dir, "submit", exercise.id, "--course=flask-workbook",
                    "--student=mistake", *via, cwd=home,
                )  # fmt: skip
                nbgrader(course_dir, "collect", exercise.id, *via)
            else:
                notebook = notebook_of(course_dir, exercise, "release")
                paste(notebook, mistake, exercise)
                hand_in("mistake", exercise, notebook)
            expected[exercise.id, "mistake"] = partial
        hand_in("solution", exercise, notebook_of(course_dir, exercise))
        expected[exercise.id, "solution"] = {t.id: t.points for t in exercise.tasks}
        if exercise is EXERCISES[0]:
            hand_in("starter", exercise, notebook_of(course_dir, exercise, "release"))
            expected[exercise.id, "starter"] = points(exercise)
    assert (course_dir / "submitted" / "mistake" / EXERCISES[0].id / "timestamp.txt").is_file()
    untouched = tmp_path_factory.mktemp("nbgrader-untouched")
    shutil.copytree(course_dir, untouched, dirs_exist_ok=True)
    nbgrader(course_dir, "autograde", "*")
    nbgrader(course_dir, "export")
    return Graded(course_dir, untouched, expected)


def test_starter_earns_what_pytest_gives_the_starter(graded: Graded):
    exercise = EXERCISES[0]
    assert graded.expected[exercise.id, "starter"] == {task.id: 0 for task in exercise.tasks}


def test_nbgrader_export_has_the_checkers_totals(graded: Graded):
    with open(graded.course_dir / "grades.csv", newline="") as file:
        rows = list(csv.DictReader(file))
    found = {
        (row["assignment"], row["student_id"]): (float(row["raw_score"]), float(row["max_score"]))
        for row in rows
    }
    maxima = {exercise.id: exercise.points for exercise in EXERCISES}
    assert found == {
        **{key: (0.0, float(maxima[key[0]])) for key in not_handed_in(graded)},
        **{
            key: (float(sum(earned.values())), float(maxima[key[0]]))
            for key, earned in graded.expected.items()
        },
    }


def not_handed_in(graded: Graded) -> set[tuple[str, str]]:
    """(assignment, student) for every assignment a student did not hand in: the "starter"
    learner's after the first, and the "mistake" learner's outside WITH_A_MISTAKE."""
    students = {student for _, student in graded.expected}
    every = {(exercise.id, student) for exercise in EXERCISES for student in students}
    missing = every - graded.expected.keys()
    assert missing == {(exercise.id, "starter") for exercise in EXERCISES[1:]} | {
        (exercise.id, "mistake") for exercise in EXERCISES if exercise.id not in WITH_A_MISTAKE
    }
    return missing


def test_autograde_scores_every_task_like_the_checker(graded: Graded):
    assert_scores(graded.course_dir, graded.expected)


def assert_scores(course_dir: Path, expected: dict[tuple[str, str], dict[str, int]]) -> None:
    """nbgrader's gradebook holds ``expected`` for every task of every submission."""
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course_dir / 'gradebook.db'}") as gradebook:
        for (assignment, student), earned in expected.items():
            notebook = gradebook.find_submission_notebook(
                f"exercise_{assignment}", assignment, student
            )
            scores = {grade.name: (grade.score, grade.max_score) for grade in notebook.grades}
            exercise = next(e for e in EXERCISES if e.id == assignment)
            assert scores == {task.id: (earned[task.id], task.points) for task in exercise.tasks}, (
                assignment,
                student,
            )


# workbook grade on nbgrader's own folders: the same scores as nbgrader's autograde.


def workbook_grade(*args: str) -> str:
    result = CliRunner().invoke(main, ["grade", *args, "--workers", "2"])
    assert result.exit_code == 0, result.output
    return result.output


def export_rows(course_dir: Path) -> list[dict[str, str]]:
    with open(course_dir / "grades.csv", newline="") as file:
        return sorted(csv.DictReader(file), key=lambda row: (row["assignment"], row["student_id"]))


def test_workbook_grade_reads_nbgraders_submitted_folder(graded: Graded, tmp_path: Path):
    workbook_grade(str(graded.course_dir / "submitted"), "--out", str(tmp_path))
    book = Gradebook(tmp_path / FILE_NAME)
    try:
        found: dict[tuple[str, str], dict[str, int]] = {}
        messages = {}
        missing = set()
        for grade in book.grades():
            if grade.message == f"no submission for exercise {grade.exercise}":
                assert grade.outcome is Outcome.MISSING and grade.points == 0
                missing.add((grade.exercise, grade.learner))
                continue
            found.setdefault((grade.exercise, grade.learner), {})[grade.task] = grade.points
            messages[grade.exercise, grade.learner, grade.task] = grade.message
    finally:
        book.close()
    assert found == graded.expected
    assert missing == not_handed_in(graded)
    # The released stub was never changed: the message points at the notebook's cell.
    exercise = EXERCISES[0]
    assert (
        f"importing app.py (written by exercise_{exercise.id}.ipynb) raised NotImplementedError "
        f"(exercise_{exercise.id}.ipynb, cell 3, line 3: `raise NotImplementedError()`)"
    ) in messages[exercise.id, "starter", exercise.tasks[0].id]


def test_workbook_grade_into_nbgrader_gives_autogrades_scores(graded: Graded, tmp_path: Path):
    course_dir = graded.untouched
    out = workbook_grade(
        str(course_dir / "submitted"), "--out", str(tmp_path), "--nbgrader", str(course_dir)
    )
    assert f"Autograded {len(graded.expected)} nbgrader submissions" in out
    assert_scores(course_dir, graded.expected)
    nbgrader(course_dir, "export")
    assert export_rows(course_dir) == export_rows(graded.course_dir)  # scores and timestamps
    # The formgrader lists every submission as autograded, with its score...
    from nbgrader.apps.api import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory
    from traitlets.config import Config

    config = Config({"CourseDirectory": {"root": str(course_dir)}})
    api = NbGraderAPI(CourseDirectory(config=config), config=config)
    for exercise in EXERCISES:
        listed = {row["student"]: row["score"] for row in api.get_submissions(exercise.id)}
        assert api.get_autograded_students(exercise.id) == set(listed)
        assert listed == {
            student: sum(earned.values())
            for (assignment, student), earned in graded.expected.items()
            if assignment == exercise.id
        }
    # ...and opens the autograded notebooks, where each test cell shows its task's result.
    exercise = EXERCISES[0]
    cells = notebook_of(course_dir, exercise, "autograded/starter").cells
    first = next(cell for cell in cells if cell.metadata["nbgrader"].get("grade"))
    (output,) = first.outputs
    assert output.output_type == "error" and output.evalue.startswith(
        f"✗ {exercise.tasks[0].id}: {exercise.tasks[0].title}, 0/{exercise.tasks[0].points} points"
    )


def test_workbook_grade_refuses_an_assignment_that_no_longer_matches(tmp_path: Path):
    pytest.importorskip("nbgrader")
    course_dir = tmp_path / "course"
    export(course_dir)
    exercise = EXERCISES[0]
    source = course_dir / "source" / exercise.id / f"exercise_{exercise.id}.ipynb"
    notebook = nbformat.read(source, as_version=4)
    notebook.cells[-1].metadata["nbgrader"]["points"] += 1  # exported before a manifest change
    nbformat.write(notebook, source)
    nbgrader(course_dir, "generate_assignment", exercise.id)
    (course_dir / "submitted" / "ada" / exercise.id).mkdir(parents=True)
    result = CliRunner().invoke(
        main,
        ["grade", str(course_dir / "submitted"), "--out", str(tmp_path / "out"),
         "--nbgrader", str(course_dir)],
    )  # fmt: skip
    assert result.exit_code == 1
    assert f"assignment {exercise.id} in nbgrader's gradebook does not match" in result.output
    assert f"nbgrader generate_assignment {exercise.id} --force" in result.output
    assert not (tmp_path / "out").exists()  # refused before grading anything


def test_submissions_nbgrader_cannot_take_are_reported_and_kept(graded: Graded, tmp_path: Path):
    course_dir = tmp_path / "course"
    shutil.copytree(graded.untouched, course_dir)
    exercise = EXERCISES[0]
    broken = course_dir / "submitted" / "broken" / exercise.id
    broken.mkdir(parents=True)
    (broken / f"exercise_{exercise.id}.ipynb").write_text('{"cells": [')
    no_notebook = course_dir / "submitted" / "no-notebook" / exercise.id
    no_notebook.mkdir(parents=True)
    shutil.copy(ROOT / "solutions" / exercise.id / "app.py", no_notebook / "app.py")
    out = tmp_path / "out"
    result = CliRunner().invoke(
        main,
        ["grade", str(course_dir / "submitted"), "--out", str(out), "--exercise", exercise.id,
         "--nbgrader", str(course_dir)],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    text = " ".join(result.output.split())  # rich wraps long lines
    assert "Autograded 3 nbgrader submissions" in text  # the others are all there
    assert f"nbgrader did not take broken/{exercise.id}: nbformat.reader.NotJSONError" in text
    assert f"nbgrader did not take no-notebook/{exercise.id}: No notebooks were matched" in text
    assert "=== broken/" in (out / "nbgrader.log").read_text()
    book = Gradebook(out / FILE_NAME)
    try:
        mine = {(g.learner, g.task): (g.points, g.message) for g in book.grades()}
    finally:
        book.close()
    task = exercise.tasks[0].id
    assert mine["broken", task][1].startswith(
        f"exercise_{exercise.id}.ipynb is not a notebook Jupyter can open"
    )
    assert mine["no-notebook", task][0] == exercise.tasks[0].points  # graded from its app.py
