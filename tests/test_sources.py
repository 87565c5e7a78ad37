"""Solving an exercise in a notebook: which file is graded, and messages that point at cells."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

from checker.course import manifest
from checker.course.results import Outcome
from checker.runtime import runner, sources
from checker.runtime.failures import LearnerUnavailable
from tests.conftest import CHECKS, MANIFEST, SOLUTION

NOTEBOOK_MANIFEST = MANIFEST.replace(
    'app = "app:app"', 'app = "app:app"\nnotebook = "exercise.ipynb"'
)


def notebook(*cells: str, graded: bool = True) -> bytes:
    document = nbformat.v4.new_notebook()
    document.cells = [nbformat.v4.new_markdown_cell("# Exercise")]
    document.cells += [nbformat.v4.new_code_cell(cell) for cell in cells]
    if graded:
        document.metadata["workbook"] = {"graded": True}
    return nbformat.writes(document).encode()


@pytest.fixture
def exercise(tmp_path: Path) -> manifest.Exercise:
    folder = tmp_path / "exercises" / "01"
    folder.mkdir(parents=True)
    (folder / "exercise.toml").write_text(NOTEBOOK_MANIFEST.format(number="01"))
    (folder / "app.py").write_text("from flask import Flask\napp = Flask(__name__)\n")
    (folder / "exercise.ipynb").write_bytes(notebook("from flask import Flask", graded=False))
    (folder / "test_01.py").write_text(CHECKS)
    return manifest.load(folder)


def test_notebook_code_cells_become_the_module_with_their_places(exercise: manifest.Exercise):
    files = {
        "exercise.ipynb": notebook("from flask import Flask\n%matplotlib inline", "x = 1\n!ls")
    }
    source = sources.read(exercise, files, exercise.directory, "exercises/01")
    assert source.is_notebook
    assert source.text == "from flask import Flask\n\nx = 1\n\n"
    assert source.place(3) == (3, 1)  # the markdown cell is cell 1
    assert source.place(2) == (2, 2)


def test_without_a_choice_app_py_is_graded(exercise: manifest.Exercise):
    files = {"app.py": b"app = 1\n", "exercise.ipynb": notebook("app = 2", graded=False)}
    assert not sources.read(exercise, files, exercise.directory, "x").is_notebook


def test_a_broken_chosen_notebook_says_so(tmp_path: Path, exercise: manifest.Exercise):
    forced = manifest.parse(
        {**_data(exercise), "graded": "notebook"},
        exercise.directory,
        exercise.directory / "exercise.toml",
    )
    with pytest.raises(LearnerUnavailable) as caught:
        sources.read(forced, {"exercise.ipynb": b"{ not json"}, exercise.directory, "exercises/01")
    assert caught.value.outcome is Outcome.ERROR
    assert "exercises/01/exercise.ipynb is not a notebook Jupyter can open" in caught.value.message


def test_checks_grade_the_chosen_notebook(exercise: manifest.Exercise, tmp_path: Path):
    submission = tmp_path / "mine"
    submission.mkdir()
    (submission / "exercise.ipynb").write_bytes(notebook(*SOLUTION.split("\n\n\n")))
    _, results = runner.check([exercise.directory], submission=submission)
    assert results[0].points == 5 and results[0].graded.endswith("exercise.ipynb")


def test_errors_point_at_the_cell_and_line(exercise: manifest.Exercise, tmp_path: Path):
    submission = tmp_path / "mine"
    submission.mkdir()
    broken = SOLUTION.replace('return {"ok": True}', "return {'ok': missing}")
    (submission / "exercise.ipynb").write_bytes(notebook(*broken.split("\n\n\n")))
    _, results = runner.check([exercise.directory], submission=submission)
    json_task = results[0].tasks[1]
    assert json_task.outcome is Outcome.ERROR
    assert "exercise.ipynb, cell 4, line 3: `return {'ok': missing}`" in json_task.message


def test_a_syntax_error_names_the_cell(exercise: manifest.Exercise, tmp_path: Path):
    submission = tmp_path / "mine"
    submission.mkdir()
    (submission / "exercise.ipynb").write_bytes(
        notebook("from flask import Flask", "def f(:\n    pass")
    )
    _, results = runner.check([exercise.directory], submission=submission)
    assert "exercise.ipynb, cell 3, line 1: SyntaxError" in results[0].problem


def test_use_records_the_choice_in_the_notebook(exercise: manifest.Exercise):
    graded = sources.choose(exercise, exercise.directory, True)
    assert graded.name == "exercise.ipynb"
    assert nbformat.read(graded, 4).metadata["workbook"] == {"graded": True}
    sources.choose(exercise, exercise.directory, False)
    assert "workbook" not in nbformat.read(graded, 4).metadata


def test_use_without_a_notebook_explains(tmp_path: Path):
    exercise = manifest.load(Path(__file__).resolve().parent.parent / "exercises" / "01")
    message = re.escape("exercise 01 has no notebook; solve it in exercises/01/app.py")
    with pytest.raises(ValueError, match=message):
        sources.choose(exercise, exercise.directory, True)


def _data(exercise: manifest.Exercise) -> dict[str, object]:
    return manifest.tomllib.loads((exercise.directory / "exercise.toml").read_text())
