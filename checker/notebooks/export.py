"""Export the course as an nbgrader source tree: one assignment per module.

``COURSE_DIR/source/03/exercise_03.ipynb`` holds, in order:

- locked markdown cells: the exercise brief (the lesson's "Exercise 03" cell, or the manifest's
  tasks when the lesson has none) and how to work in the notebook, with the starter code;
- one solution cell per learner file: ``%%writefile app.py`` and then the reference solution from
  ``solutions/03/app.py`` between nbgrader's solution markers, so the released notebook has a stub
  there and running the cell saves the learner's code as ``app.py`` beside the notebook;
- one locked, autograded test cell per task, worth the manifest's points, calling
  ``checker.nbgrader.check_task``, which runs the exercise's own checks.

Nothing about a check or a point value is copied into the tree except the points each test cell
carries, taken from the manifest at export time.
"""

from __future__ import annotations

import ast
import posixpath
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import nbformat
from nbformat import NotebookNode

from checker import course
from checker.course.manifest import Exercise, ManifestError
from checker.errors import Problem

BEGIN_SOLUTION = "### BEGIN SOLUTION"
END_SOLUTION = "### END SOLUTION"
CONFIG_NAME = "nbgrader_config.py"

CONFIG = '''\
"""nbgrader settings for the flask-workbook course, written by `workbook nbgrader export`.

Run nbgrader in this folder. Each test cell calls the workbook's checker, so the Python that runs
the notebooks needs flask-workbook installed (`pip install -e ".[instructor]"` in the workbook).
"""

c = get_config()  # noqa: F821

c.CourseDirectory.course_id = "flask-workbook"
# The first test cell of a notebook runs all of the exercise's checks; give it time.
c.Execute.timeout = 120
'''


class ExportError(Problem):
    """The course cannot be exported; the message says what to fix."""


@dataclass(frozen=True)
class Assignment:
    """One exported assignment: its nbgrader name and its source notebook."""

    name: str
    notebook: Path
    exercise: Exercise


def assignment_name(exercise: Exercise) -> str:
    """The nbgrader assignment of an exercise: its number, as in ``pytest exercises/03``."""
    return exercise.id


def notebook_name(exercise: Exercise) -> str:
    return f"exercise_{exercise.id}.ipynb"


def export(root: Path, course_dir: Path) -> tuple[list[Assignment], bool]:
    """Write ``course_dir/source/NN/`` for every exercise of the course at ``root``.

    Returns the assignments and whether nbgrader_config.py was written (an existing one is kept).
    """
    try:
        exercises = course.exercises(root, check_files=True)
    except ManifestError as error:
        raise ExportError(str(error)) from None
    if not exercises:
        raise ExportError(f"{root} has no exercises to export")
    notebooks = [(exercise, build_notebook(root, exercise)) for exercise in exercises]
    written = []
    for exercise, notebook in notebooks:
        folder = course_dir / "source" / assignment_name(exercise)
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / notebook_name(exercise)
        nbformat.write(notebook, path)  # type: ignore[no-untyped-call]
        written.append(Assignment(assignment_name(exercise), path, exercise))
    config = course_dir / CONFIG_NAME
    wrote_config = not config.exists()
    if wrote_config:
        config.write_text(CONFIG, encoding="utf-8")
    return written, wrote_config


def build_notebook(root: Path, exercise: Exercise) -> NotebookNode:
    """Read the brief, the starter and the solution of ``exercise`` and build its notebook."""
    if exercise.graded == "notebook":
        raise ExportError(
            f'exercise {exercise.id} is always graded from its notebook (graded = "notebook"), '
            "but an nbgrader assignment saves the learner's code as app.py; set graded = "
            '"choice" in its manifest to export it'
        )
    solution_folder = root / "solutions" / exercise.id
    for name in exercise.required:
        if not (solution_folder / name).is_file():
            raise ExportError(
                f"exercise {exercise.id}: {solution_folder / name} is missing; the export takes "
                "the solution cells from solutions/NN"
            )
    names = [n for n in exercise.owned_in(solution_folder) if n != exercise.notebook]
    starters = {
        name: (exercise.directory / name).read_text(encoding="utf-8")
        for name in exercise.owned_in(exercise.directory)
        if name != exercise.notebook
    }
    solutions = {name: (solution_folder / name).read_text(encoding="utf-8") for name in names}
    return notebook(exercise, lesson_brief(root, exercise), starters, solutions)


def lesson_brief(root: Path, exercise: Exercise) -> str | None:
    """The lesson's markdown cell headed "Exercise NN", or None when there is none."""
    path = course.lesson_path(root, exercise)
    if not path.is_file():
        return None
    lesson = nbformat.read(path, as_version=4)  # type: ignore[no-untyped-call]
    heading = re.compile(rf"^#{{1,6}}\s*Exercise\s+{exercise.id}\b", re.IGNORECASE)
    for cell in lesson.cells:
        if cell.cell_type == "markdown" and heading.match(cell.source.lstrip()):
            return str(cell.source)
    return None


def manifest_brief(exercise: Exercise) -> str:
    """A brief made from the manifest's task titles, for a lesson without an exercise cell."""
    tasks = "\n".join(
        f"- **`{task.id}`** ({task.points} point{'s' if task.points != 1 else ''}): {task.title}"
        for task in exercise.tasks
    )
    return (
        f"## Exercise {exercise.id}: {exercise.title}\n\n"
        f"The tasks ({exercise.points} points in all), as the lesson "
        f"`lessons/{exercise.lesson}` explains them:\n\n{tasks}"
    )


def notebook(
    exercise: Exercise, brief: str | None, starters: dict[str, str], solutions: dict[str, str]
) -> NotebookNode:
    """The assignment notebook. Pure: everything it needs is passed in."""
    cells = [
        _markdown("brief", brief or manifest_brief(exercise)),
        _markdown("working-here", _working_here(exercise, starters)),
    ]
    folders = sorted({posixpath.dirname(name) for name in solutions} - {""})
    if folders:  # %%writefile makes no folders: this cell does, before the files are written
        made = ", ".join(repr(folder) for folder in folders)
        cells.append(
            _locked(
                "folders",
                f"import os\n\nfor folder in [{made}]:\n    os.makedirs(folder, exist_ok=True)",
            )
        )
    for name in solutions:
        cells.append(_solution(file_cell_id(name), name, solutions[name]))
    for task in exercise.tasks:
        source = (
            "from checker.nbgrader import check_task\n\n"
            f'check_task("{exercise.id}", "{task.id}")  # {task.title}'
        )
        cells.append(_test(task.id, source, task.points))
    ids = [cell.id for cell in cells]
    if len(set(ids)) != len(ids):
        raise ExportError(
            f"exercise {exercise.id}: a task id is also the name of another cell ({', '.join(ids)}); "
            "rename the task"
        )
    notebook: NotebookNode = nbformat.v4.new_notebook(  # type: ignore[no-untyped-call]
        cells=cells,
        metadata={
            "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
            "language_info": {"name": "python"},
        },
    )
    return notebook


def file_cell_id(name: str) -> str:
    """The nbgrader cell id of the cell that writes learner file ``name``."""
    return "file-" + re.sub(r"[^A-Za-z0-9_]", "-", name)


def _working_here(exercise: Exercise, starters: dict[str, str]) -> str:
    files = ", ".join(f"`{name}`" for name in starters)
    starter = "\n\n".join(
        f"`{name}`:\n\n```{_language(name)}\n{text.rstrip()}\n```"
        for name, text in starters.items()
    )
    return (
        "### Working in this notebook\n\n"
        f"Here you write {files} in the code cells below instead of in `exercises/{exercise.id}/`. "
        "Each cell's first line, such as `%%writefile "
        f"{next(iter(starters), exercise.edit_file)}`, saves the cell as a file beside "
        "this notebook when you run it, so keep that line. Replace `# YOUR CODE HERE` and "
        f"`raise NotImplementedError()` with your {'tests' if exercise.course_app else 'app'}; the starter below is a good beginning: each "
        "`# TODO(task-id)` marks a task.\n\n"
        "Each cell after it checks one task with the same checks as "
        f"`pytest exercises/{exercise.id}`: it prints ✓ when the task passes, and otherwise fails "
        "with what the check did, what it expected, what it got, and a hint. Run the file cells again "
        "after every change, then the checks.\n\n"
        f"{starter}"
    )


def _metadata(grade_id: str, *, grade: bool, solution: bool, locked: bool) -> dict[str, Any]:
    return {
        "nbgrader": {
            "grade": grade,
            "grade_id": grade_id,
            "locked": locked,
            "schema_version": 3,
            "solution": solution,
            "task": False,
        }
    }


def _markdown(grade_id: str, source: str) -> NotebookNode:
    cell: NotebookNode = nbformat.v4.new_markdown_cell(  # type: ignore[no-untyped-call]
        source, id=grade_id, metadata=_metadata(grade_id, grade=False, solution=False, locked=True)
    )
    return cell


# nbgrader finds a solution region by the words "BEGIN SOLUTION" anywhere in a line, so each
# kind of file gets them inside its own comments, where they change nothing the file does.
_MARKERS = {
    ".py": (BEGIN_SOLUTION, END_SOLUTION),
    ".html": ("{# BEGIN SOLUTION #}", "{# END SOLUTION #}"),
    ".jinja": ("{# BEGIN SOLUTION #}", "{# END SOLUTION #}"),
    ".txt": ("{# BEGIN SOLUTION #}", "{# END SOLUTION #}"),
    ".css": ("/* BEGIN SOLUTION */", "/* END SOLUTION */"),
    ".js": ("/* BEGIN SOLUTION */", "/* END SOLUTION */"),
}
_LANGUAGES = {
    ".py": "python",
    ".html": "html+jinja",
    ".jinja": "html+jinja",
    ".css": "css",
    ".js": "javascript",
}


def _language(name: str) -> str:
    return _LANGUAGES.get(posixpath.splitext(name)[1], "")


def _locked(grade_id: str, source: str) -> NotebookNode:
    cell: NotebookNode = nbformat.v4.new_code_cell(  # type: ignore[no-untyped-call]
        source, id=grade_id, metadata=_metadata(grade_id, grade=False, solution=False, locked=True)
    )
    return cell


def _solution(grade_id: str, name: str, code: str) -> NotebookNode:
    markers = _MARKERS.get(posixpath.splitext(name)[1])
    if markers is None:
        raise ExportError(
            f"learner file {name!r} cannot be exported: the nbgrader export knows how to mark a "
            f"solution in {', '.join(sorted(_MARKERS))} files only"
        )
    begin, end = markers
    if "BEGIN SOLUTION" in code or "END SOLUTION" in code:
        raise ExportError(f"{name} already holds nbgrader's solution markers; remove them")
    source = f"%%writefile {name}\n{begin}\n{code.rstrip()}\n{end}"
    cell: NotebookNode = nbformat.v4.new_code_cell(  # type: ignore[no-untyped-call]
        source, id=grade_id, metadata=_metadata(grade_id, grade=False, solution=True, locked=False)
    )
    return cell


def _test(grade_id: str, source: str, points: int) -> NotebookNode:
    metadata = _metadata(grade_id, grade=True, solution=False, locked=True)
    metadata["nbgrader"]["points"] = points
    cell: NotebookNode = nbformat.v4.new_code_cell(  # type: ignore[no-untyped-call]
        source, id=grade_id, metadata=metadata
    )
    return cell


@dataclass(frozen=True)
class Write:
    """What one ``%%writefile`` cell writes."""

    name: str  # the learner file
    text: str
    append: bool  # %%writefile -a
    cell: int  # the cell's number in the notebook, from 1
    first_line: int  # the line of the cell that is the text's first line


def writefile_cells(notebook: NotebookNode, owns: Callable[[str], bool]) -> list[Write]:
    """What running ``notebook`` top to bottom writes with ``%%writefile`` to the files ``owns``
    says are the learner's, as IPython itself reads the cells, in order.

    This is how ``workbook grade`` reads an nbgrader submission: nbgrader's autograde runs the
    notebook, whose ``%%writefile app.py`` cell saves the learner's code before the test cells
    check it. Other cells do not write learner files, so they are not read.
    """
    from IPython.core.error import UsageError
    from IPython.core.inputtransformer2 import TransformerManager
    from IPython.core.magic_arguments import parse_argstring
    from IPython.core.magics.osm import OSMagics

    transformer = TransformerManager()  # type: ignore[no-untyped-call]
    writes = []
    for number, cell in enumerate(notebook.cells, 1):
        if cell.get("cell_type") != "code" or not isinstance(cell.get("source"), str):
            continue
        magic = _cell_magic(transformer.transform_cell(cell.source))
        if magic is None or magic[0] != "writefile":
            continue
        _, line, body = magic
        try:
            args = parse_argstring(OSMagics.writefile, line)  # type: ignore[no-untyped-call]
        except UsageError:
            continue  # IPython refuses to run the cell, so it writes nothing
        filename = str(args.filename)
        if re.match(r"^('.*')|(\".*\")$", filename):
            filename = filename[1:-1]
        name = posixpath.normpath(filename)
        if owns(name):
            lines = cell.source.splitlines()
            magic_line = next(i for i, text in enumerate(lines, 1) if text.strip())
            writes.append(Write(name, body, bool(args.append), number, magic_line + 1))
    return writes


def _cell_magic(code: str) -> tuple[str, str, str] | None:
    """(magic, line, body) when IPython turned a cell into one cell magic call, else None."""
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return None
    if len(tree.body) != 1 or not isinstance(tree.body[0], ast.Expr):
        return None
    call = tree.body[0].value
    if not (
        isinstance(call, ast.Call)
        and isinstance(call.func, ast.Attribute)
        and call.func.attr == "run_cell_magic"
        and len(call.args) == 3
        and all(isinstance(arg, ast.Constant) and isinstance(arg.value, str) for arg in call.args)
    ):
        return None
    magic, line, body = (arg.value for arg in call.args)  # type: ignore[attr-defined]
    return magic, line, body
