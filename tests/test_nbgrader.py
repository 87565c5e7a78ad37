"""nbgrader interop: the exported source tree, check_task, and the real nbgrader commands on it."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import nbformat
import pytest
from click.testing import CliRunner

from checker import course, runner
from checker.cli import main
from checker.manifest import Exercise
from checker.nbgrader import CheckerUnavailable, TaskFailed, check_task
from checker.nbgrader_export import BEGIN_SOLUTION, CONFIG_NAME, END_SOLUTION
from tests.conftest import ROOT, SOLUTION

NBGRADER = Path(sys.executable).parent / "nbgrader"
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
        brief, working, app, *tests = cells
        assert brief.cell_type == working.cell_type == "markdown"
        assert f"Exercise {exercise.id}" in brief.source and meta[0]["locked"]
        assert (exercise.directory / "app.py").read_text().rstrip() in working.source  # starter
        assert meta[2]["solution"] and not meta[2]["grade"] and not meta[2]["locked"]
        solution = (ROOT / "solutions" / exercise.id / "app.py").read_text().rstrip()
        assert app.source == f"%%writefile app.py\n{BEGIN_SOLUTION}\n{solution}\n{END_SOLUTION}"
        assert [(m["grade_id"], m["points"], m["locked"]) for m in meta[3:]] == [
            (task.id, task.points, True) for task in exercise.tasks
        ]
        for test, task in zip(tests, exercise.tasks, strict=True):
            assert f'check_task("{exercise.id}", "{task.id}")' in test.source


def test_export_keeps_an_existing_config(tmp_path: Path):
    (tmp_path / CONFIG_NAME).write_text("c = get_config()\n")
    assert "kept as it was" in export(tmp_path)
    assert (tmp_path / CONFIG_NAME).read_text() == "c = get_config()\n"


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


# The real nbgrader, on the exported course: one learner with the solutions, one who submits the
# released notebooks untouched, and one who pastes a realistic mistake into each.


@dataclass(frozen=True)
class Graded:
    course_dir: Path
    expected: dict[tuple[str, str], dict[str, int]]  # (assignment, student) -> task -> points


def nbgrader(course_dir: Path, *args: str) -> None:
    env = {
        **os.environ,
        "PATH": f"{NBGRADER.parent}{os.pathsep}{os.environ.get('PATH', '')}",  # nbgrader runs alembic
        "JUPYTER_CONFIG_DIR": str(course_dir / ".jupyter"),  # no personal nbgrader settings
    }
    done = subprocess.run(
        [str(NBGRADER), *args],
        cwd=course_dir,
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


def a_partial_mistake(exercise: Exercise) -> tuple[Path, dict[str, int]]:
    """A realistic wrong submission that earns some of the exercise's points, but not all."""
    for folder in sorted((ROOT / "tests" / "mistakes" / exercise.id).iterdir()):
        earned = points(exercise, folder)
        if 0 < sum(earned.values()) < exercise.points:
            return folder, earned
    raise AssertionError(f"no mistake for {exercise.id} earns partial credit")


@pytest.fixture(scope="module")
def graded(tmp_path_factory: pytest.TempPathFactory) -> Graded:
    pytest.importorskip("nbgrader")
    course_dir = tmp_path_factory.mktemp("nbgrader")
    export(course_dir)
    nbgrader(course_dir, "generate_assignment", "*")
    expected = {}
    for exercise in EXERCISES:
        released = notebook_of(course_dir, exercise, "release")
        mistake, partial = a_partial_mistake(exercise)
        pasted = notebook_of(course_dir, exercise, "release")
        pasted.cells[2].source = "%%writefile app.py\n" + (mistake / "app.py").read_text()
        submissions = {
            "solution": (
                notebook_of(course_dir, exercise),
                {t.id: t.points for t in exercise.tasks},
            ),
            "starter": (released, points(exercise)),
            "mistake": (pasted, partial),
        }
        for student, (notebook, earned) in submissions.items():
            folder = course_dir / "submitted" / student / exercise.id
            folder.mkdir(parents=True)
            nbformat.write(notebook, folder / f"exercise_{exercise.id}.ipynb")
            expected[exercise.id, student] = earned
    nbgrader(course_dir, "autograde", "*")
    nbgrader(course_dir, "export")
    return Graded(course_dir, expected)


def test_starter_earns_what_pytest_gives_the_starter(graded: Graded):
    for exercise in EXERCISES:
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
        key: (float(sum(earned.values())), float(maxima[key[0]]))
        for key, earned in graded.expected.items()
    }


def test_autograde_scores_every_task_like_the_checker(graded: Graded):
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{graded.course_dir / 'gradebook.db'}") as gradebook:
        for (assignment, student), earned in graded.expected.items():
            notebook = gradebook.find_submission_notebook(
                f"exercise_{assignment}", assignment, student
            )
            scores = {grade.name: (grade.score, grade.max_score) for grade in notebook.grades}
            exercise = next(e for e in EXERCISES if e.id == assignment)
            assert scores == {task.id: (earned[task.id], task.points) for task in exercise.tasks}, (
                assignment,
                student,
            )
