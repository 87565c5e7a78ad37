"""Reading submissions: only learner-owned files, from folders, workbook copies and zips."""

from __future__ import annotations

import zipfile
from pathlib import Path

import nbformat
import pytest

from checker.course import manifest
from checker.grade import intake

ROOT = Path(__file__).resolve().parent.parent
EXERCISE = manifest.load(ROOT / "exercises" / "03")
APP = b"from flask import Flask\napp = Flask(__name__)\n"


def take(entry: Path) -> intake.LearnerFiles:
    return intake.read(entry.stem, entry, [EXERCISE]).exercises["03"]


@pytest.mark.parametrize(
    "where", ["exercises/03/app.py", "03/app.py", "flask-workbook-main/exercises/03/app.py"]
)
def test_files_are_found_at_course_paths_or_in_a_copy(tmp_path: Path, where: str) -> None:
    (tmp_path / "ada" / where).parent.mkdir(parents=True)
    (tmp_path / "ada" / where).write_bytes(APP)
    assert take(tmp_path / "ada").files == {"app.py": APP}


def test_only_learner_owned_files_are_taken(tmp_path: Path) -> None:
    folder = tmp_path / "ada" / "exercises" / "03"
    folder.mkdir(parents=True)
    (folder / "app.py").write_bytes(APP)
    for extra in ("conftest.py", "test_03.py", "pytest.ini", "sitecustomize.py", "evil.pth"):
        (folder / extra).write_text("import os; os._exit(0)\n")
    assert set(take(tmp_path / "ada").files) == {"app.py"}


def test_nothing_submitted_is_missing_with_a_reason(tmp_path: Path) -> None:
    (tmp_path / "ada").mkdir()
    found = take(tmp_path / "ada")
    assert found.files == {} and found.problem == "no submission for exercise 03"


def test_a_symbolic_link_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "ada" / "exercises" / "03"
    folder.mkdir(parents=True)
    (folder / "app.py").symlink_to(ROOT / "solutions" / "03" / "app.py")
    found = take(tmp_path / "ada")
    assert found.files == {} and "symbolic link" in found.problem


def test_a_linked_folder_is_not_followed(tmp_path: Path) -> None:
    (tmp_path / "ada").mkdir()
    (tmp_path / "ada" / "exercises").symlink_to(ROOT / "solutions", target_is_directory=True)
    assert take(tmp_path / "ada").files == {}


def test_a_zip_of_a_workbook_copy(tmp_path: Path) -> None:
    archive = tmp_path / "ada.zip"
    with zipfile.ZipFile(archive, "w") as bundle:
        bundle.writestr("flask-workbook/exercises/03/app.py", APP)
        bundle.writestr("flask-workbook/exercises/03/conftest.py", "x = 1\n")
    assert take(archive).files == {"app.py": APP}


def test_a_zip_cannot_write_outside_its_folder(tmp_path: Path) -> None:
    archive = tmp_path / "ada.zip"
    with zipfile.ZipFile(archive, "w") as bundle:
        bundle.writestr("../../escaped.py", "print('out')\n")
        bundle.writestr("/etc/absolute.py", "print('out')\n")
        bundle.writestr("exercises/03/app.py", APP)
    assert take(archive).files == {"app.py": APP}
    assert not (tmp_path.parent / "escaped.py").exists()


def test_a_broken_zip_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    archive = tmp_path / "ada.zip"
    archive.write_bytes(b"PK\x03\x04 this is not really a zip")
    assert "could not be unpacked" in take(archive).problem


def test_learners_are_folders_and_zips_sorted(tmp_path: Path) -> None:
    for name in ("bob", "ada", ".hidden", "__MACOSX"):
        (tmp_path / name).mkdir()
    (tmp_path / "cy.zip").write_bytes(b"")
    (tmp_path / "notes.txt").write_text("not a learner")
    assert [name for name, _ in intake.learners(tmp_path)] == ["ada", "bob", "cy"]


# nbgrader's submitted/<learner>/03/ holds the assignment notebook; its %%writefile cells are the
# learner's files, as when nbgrader's autograde runs the notebook.


def nbgrader_submission(tmp_path: Path, *cells: str, app: bytes | None = None) -> Path:
    folder = tmp_path / "ada" / "03"
    folder.mkdir(parents=True)
    notebook = nbformat.v4.new_notebook(
        cells=[nbformat.v4.new_markdown_cell("Exercise 03")]
        + [nbformat.v4.new_code_cell(cell) for cell in cells]
    )
    nbformat.write(notebook, folder / "exercise_03.ipynb")
    if app is not None:
        (folder / "app.py").write_bytes(app)  # the copy the learner's last run left beside it
    return tmp_path / "ada"


def test_an_nbgrader_notebook_is_read_from_its_writefile_cells(tmp_path: Path) -> None:
    stale = b"print('an older run')\n"
    entry = nbgrader_submission(tmp_path, "%%writefile app.py\n" + APP.decode(), app=stale)
    assert take(entry).files == {"app.py": APP}


def test_nbgrader_cells_run_in_order_like_ipython(tmp_path: Path) -> None:
    entry = nbgrader_submission(
        tmp_path,
        "%%writefile app.py\nx = 1",
        "print('checks')",
        '%%writefile -a "app.py"\ny = 2\n',
        "%%writefile notes.txt\nnot a learner file",
        "  %%writefile app.py\nnot a cell magic: IPython does not write this",
        "%%writefile\nno file name: IPython refuses this cell",
    )
    assert take(entry).files == {"app.py": b"x = 1\ny = 2\n"}


def test_an_nbgrader_notebook_without_a_writefile_cell_leaves_the_submitted_file(
    tmp_path: Path,
) -> None:
    entry = nbgrader_submission(tmp_path, "print('the cell lost its first line')", app=APP)
    assert take(entry).files == {"app.py": APP}


def test_a_broken_nbgrader_notebook_is_a_problem(tmp_path: Path) -> None:
    folder = tmp_path / "ada" / "03"
    folder.mkdir(parents=True)
    (folder / "exercise_03.ipynb").write_text('{"cells": [')
    (folder / "app.py").write_bytes(APP)
    found = take(tmp_path / "ada")
    assert found.files == {}
    assert found.problem.startswith("exercise_03.ipynb is not a notebook Jupyter can open")


def test_a_linked_nbgrader_notebook_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "ada" / "03"
    folder.mkdir(parents=True)
    (folder / "exercise_03.ipynb").symlink_to(tmp_path / "elsewhere.ipynb")
    assert "symbolic link" in take(tmp_path / "ada").problem


def test_nbgrader_files_remember_the_cells_that_wrote_them(tmp_path: Path) -> None:
    entry = nbgrader_submission(
        tmp_path, "%%writefile app.py\nx = 1\ny = 2", "%%writefile -a app.py\nz = 3"
    )
    origin = take(entry).origins["app.py"]
    assert origin.notebook == "exercise_03.ipynb"
    # cells are counted from 1 and the markdown brief is cell 1; line 1 of a cell is the magic
    assert [origin.place(line) for line in (1, 2, 3)] == [(2, 2), (2, 3), (3, 2)]


def test_lines_from_a_submitted_file_are_not_put_in_cells(tmp_path: Path) -> None:
    entry = nbgrader_submission(tmp_path, "%%writefile -a app.py\nz = 3", app=APP)
    found = take(entry)
    assert found.files == {"app.py": APP + b"z = 3\n"} and found.origins == {}
