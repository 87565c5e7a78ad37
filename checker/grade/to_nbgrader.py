"""Write ``workbook grade``'s results into an nbgrader course, as ``nbgrader autograde`` would.

``workbook grade COURSE/submitted --out RESULTS --nbgrader COURSE`` grades the learners in the
sandbox first. Then, for every submission of an exported assignment, it runs nbgrader's own
autograde converter with one change: instead of executing the notebook in a kernel, it gives each
test cell the output ``check_task`` would have printed for that learner's result (``✓ ...`` for a
passing task, a ``TaskFailed`` error for one that does not pass). Everything else is nbgrader's
work, through its API: the student and the submission's timestamp, cells restored from the
source, scores saved with ``SaveAutoGrades`` (an error output scores 0, any other output full
points), late penalties, and ``autograded/<student>/NN/``, so the formgrader, manual grading,
``generate_feedback`` and ``export`` work as after a normal autograde.

The learner's code never runs in nbgrader's process: the notebook is not executed.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from nbconvert.preprocessors import ClearMetadataPreprocessor
from nbformat import from_dict
from nbgrader.api import Gradebook, MissingEntry
from nbgrader.converters import Autograde
from nbgrader.coursedir import CourseDirectory
from nbgrader.preprocessors import (
    AssignLatePenalties,
    CheckCellMetadata,
    IgnorePattern,
    LimitOutput,
    NbGraderPreprocessor,
    SaveAutoGrades,
)
from nbgrader.utils import capture_log, is_grade
from sqlalchemy.exc import SAWarning
from traitlets import Dict
from traitlets.config import Config
from traitlets.config.loader import PyFileConfigLoader

from checker.course.manifest import Exercise
from checker.course.results import Outcome
from checker.errors import Problem
from checker.grade.gradebook import Gradebook as Results
from checker.grade.model import TaskGrade
from checker.grade.outputs import shown_message
from checker.notebooks.cells import failed_text, passed_line
from checker.notebooks.export import CONFIG_NAME, assignment_name, notebook_name


class NbgraderError(Problem):
    """The nbgrader course cannot take the results; the message says what to do."""


@dataclass(frozen=True)
class Course:
    """An nbgrader course folder, with nbgrader's own settings for it."""

    config: Any  # traitlets Config, with the course folder as CourseDirectory.root
    assignments: tuple[str, ...]  # the graded exercises that are assignments in its gradebook
    submitted: Path  # nbgrader's submitted folder


@dataclass
class Written:
    """What went into nbgrader: submissions written, and those nbgrader refused, with why."""

    submissions: int = 0
    failures: list[tuple[str, str, str]] = field(default_factory=list)  # learner, assignment, why


def open_course(root: Path, exercises: Sequence[Exercise]) -> Course:
    """Read the nbgrader course at ``root`` and check that its assignments match the manifests.

    Run before grading, so a mismatch is reported before any time is spent.
    """
    root = root.resolve()
    config = Config()
    if (root / CONFIG_NAME).is_file():
        try:
            config = PyFileConfigLoader(CONFIG_NAME, path=str(root)).load_config()
        except Exception as error:
            raise NbgraderError(f"{root / CONFIG_NAME} could not be read: {error}") from None
    config.merge(Config({"CourseDirectory": {"root": str(root)}}))
    coursedir = CourseDirectory(config=config)
    db_url = str(coursedir.db_url)
    if db_url.startswith("sqlite:///") and not Path(db_url.removeprefix("sqlite:///")).is_file():
        raise NbgraderError(
            f"{root} is not an nbgrader course with assignments: its gradebook "
            f"{db_url.removeprefix('sqlite:///')} does not exist. Give --nbgrader the folder "
            "where you run nbgrader, after `nbgrader generate_assignment`"
        )
    assignments = []
    try:
        opened = Gradebook(db_url, str(coursedir.course_id))
    except Exception as error:  # SQLAlchemy's errors for a file that is not a gradebook
        reason = str(error).splitlines()[0] if str(error) else type(error).__name__
        raise NbgraderError(
            f"nbgrader's gradebook {db_url} could not be opened: {reason}"
        ) from None
    with opened as gradebook:
        for exercise in exercises:
            name = assignment_name(exercise)
            try:
                notebook = gradebook.find_notebook(notebook_name(exercise)[: -len(".ipynb")], name)
            except MissingEntry:
                continue
            cells = {cell.name: cell.max_score for cell in notebook.grade_cells}
            tasks = {task.id: float(task.points) for task in exercise.tasks}
            if cells != tasks:
                raise NbgraderError(
                    f"assignment {name} in nbgrader's gradebook does not match exercise "
                    f"{exercise.id}: its test cells are {_points(cells)}, the manifest's tasks "
                    f"are {_points(tasks)}. Export the course again (workbook nbgrader export "
                    f"{root}) and run `nbgrader generate_assignment {name} --force`"
                )
            assignments.append(name)
    if not assignments:
        wanted = ", ".join(assignment_name(exercise) for exercise in exercises)
        raise NbgraderError(
            f"nbgrader's gradebook {db_url} has none of the assignments graded ({wanted}); "
            f"run `workbook nbgrader export {root}` and `nbgrader generate_assignment` first"
        )
    submitted = (root / str(coursedir.submitted_directory)).resolve()
    return Course(config, tuple(assignments), submitted)


def _points(cells: dict[str, float]) -> str:
    return ", ".join(f"{name} ({points:g})" for name, points in cells.items()) or "none"


def submissions(course: Course, learners: Sequence[str]) -> list[tuple[str, str]]:
    """(learner, assignment) for every submission nbgrader's submitted folder holds, as
    ``nbgrader autograde`` would find them."""
    coursedir = CourseDirectory(config=course.config)
    return [
        (learner, name)
        for name in course.assignments
        for learner in learners
        if Path(coursedir.format_path(coursedir.submitted_directory, learner, name)).is_dir()
    ]


def write(
    course: Course,
    results: Path,
    todo: Sequence[tuple[str, str]],
    log: Path,
    *,
    show_hidden: bool,
    on_done: Callable[[int], None] = lambda done: None,
) -> Written:
    """Autograde each (learner, assignment) in ``todo`` from ``results``, the gradebook
    ``workbook grade`` just wrote. nbgrader's log of each submission it refused goes to ``log``."""
    written = Written()
    log.unlink(missing_ok=True)
    book = Results(results)
    try:
        grades = _by_submission(book.grades())
    finally:
        book.close()
    for done, (learner, name) in enumerate(todo, 1):
        found = grades.get((learner, name))
        if found:
            why = _autograde(course, learner, name, found, log, show_hidden=show_hidden)
        else:
            why = "workbook grade has no result for it"
        if why:
            written.failures.append((learner, name, why))
        else:
            written.submissions += 1
        on_done(done)
    return written


def _autograde(
    course: Course,
    learner: str,
    name: str,
    grades: Sequence[TaskGrade],
    log: Path,
    *,
    show_hidden: bool,
) -> str:
    """Run nbgrader's autograde on one submission with ``grades`` as its test cells' outputs;
    return why nbgrader refused it, or ""."""
    outputs = {grade.task: _output(grade, show_hidden=show_hidden) for grade in grades}
    config = Config(course.config)
    config.merge(
        Config(
            {
                "CourseDirectory": {"assignment_id": name, "student_id": learner},
                "Autograde": {"autograde_preprocessors": PREPROCESSORS},
                "WorkbookResults": {"outputs": outputs},
            }
        )
    )
    app = Autograde(coursedir=CourseDirectory(config=config), config=config)
    app.force = True
    app.create_student = True
    with warnings.catch_warnings():
        # nbgrader's gradebook code trips SQLAlchemy's autoflush warnings; they are not ours
        warnings.simplefilter("ignore", SAWarning)
        outcome = capture_log(app)
    if outcome["success"]:
        return ""
    with log.open("a", encoding="utf-8") as file:
        file.write(f"=== {learner}/{name}\n{outcome.get('log', '')}\n")
    return _why(outcome)


def _by_submission(grades: Sequence[TaskGrade]) -> dict[tuple[str, str], list[TaskGrade]]:
    found: dict[tuple[str, str], list[TaskGrade]] = {}
    for grade in grades:
        found.setdefault((grade.learner, grade.exercise), []).append(grade)
    return found


def _why(outcome: dict[str, Any]) -> str:
    """One line out of nbgrader's log for why it failed: the exception, else its first error."""
    lines = str(outcome.get("log", "")).splitlines()
    raised = [line.strip() for line in lines if _EXCEPTION.match(line)]
    if raised:
        return raised[-1]
    errors = [line.removeprefix("[ERROR]").strip() for line in lines if line.startswith("[ERROR]")]
    if errors:
        return errors[0]
    error = str(outcome.get("error") or "").strip().splitlines()
    return error[-1] if error else "nbgrader's autograde failed"


_EXCEPTION = re.compile(r"^\s*[\w.]+(Error|Exception): ")


def _output(grade: TaskGrade, *, show_hidden: bool) -> dict[str, Any]:
    """The output ``check_task`` gives the test cell of ``grade``'s task: nbgrader scores an
    error output 0 and any other output full points, as our tasks are scored."""
    if grade.outcome is Outcome.PASSED:
        text = passed_line(grade.task, grade.task_title, grade.max_points)
        return {"output_type": "stream", "name": "stdout", "text": f"{text}\n"}
    text = failed_text(
        grade.task,
        grade.task_title,
        grade.max_points,
        grade.outcome.value,
        shown_message(grade, show_hidden=show_hidden),
        grade.hint,
    )
    return {"output_type": "error", "ename": "TaskFailed", "evalue": text, "traceback": [text]}


class WorkbookResults(NbGraderPreprocessor):  # type: ignore[misc]
    """Gives each test cell the output of its task's result, in place of running the notebook."""

    outputs = Dict(help="task id -> the output its test cell gets").tag(config=True)

    def preprocess_cell(self, cell: Any, resources: Any, index: int) -> tuple[Any, Any]:
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
            if is_grade(cell):
                grade_id = cell.metadata["nbgrader"]["grade_id"]
                output = self.outputs.get(grade_id) or {
                    "output_type": "error",
                    "ename": "NotGraded",
                    "evalue": f"workbook grade has no task {grade_id!r}; grade this cell by hand",
                    "traceback": [],
                }
                cell.outputs = [from_dict(output)]  # type: ignore[no-untyped-call]
        return cell, resources


# nbgrader's own autograde list, with the kernel's Execute replaced by the workbook's results.
PREPROCESSORS = [
    WorkbookResults,
    IgnorePattern,
    ClearMetadataPreprocessor,
    LimitOutput,
    SaveAutoGrades,
    AssignLatePenalties,
    CheckCellMetadata,
]
