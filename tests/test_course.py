"""The course checks itself: every exercise, solution, starter, mistake and lesson."""

from __future__ import annotations

import os
import re
import sys
import tempfile
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from checker import course, plugin
from checker.course import manifest
from checker.course.manifest import Exercise
from checker.course.results import ExerciseResult, Outcome
from checker.runtime import runner
from tests.conftest import overlay

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

ROOT = Path(__file__).resolve().parent.parent
EXERCISES = course.exercises(ROOT, check_files=True)
IDS = [exercise.id for exercise in EXERCISES]
TODO = re.compile(r"#\s*TODO\(([a-z0-9-]+)\)")
MISTAKES = sorted(path.parent for path in (ROOT / "tests" / "mistakes").glob("*/*/expected.toml"))
ALTERNATIVES = sorted(
    path.parent for path in (ROOT / "tests" / "alternatives").glob("*/*/about.toml")
)
# The checks draw their inputs from a seed; every verdict below must hold for any seed, and
# WORKBOOK_SEED=N tries another one.
SEED = int(os.environ.get("WORKBOOK_SEED") or "20261201")


# What each check found (outcome and message) in the runs below, by module and subject, for
# test_no_verdict_depends_on_what_another_check_left_behind to compare with a backward run.
FOUND: dict[tuple[str, str], dict[str, tuple[str, str]]] = {}


class _EachCheck:
    """Runs a module's checks first to last, or last to first, and keeps what each one found."""

    def __init__(self, backwards: bool) -> None:
        self.backwards = backwards
        self.found: dict[str, tuple[str, str]] = {}

    @pytest.hookimpl(trylast=True)
    def pytest_collection_modifyitems(self, items: list[pytest.Item]) -> None:
        if self.backwards:
            items.reverse()

    @pytest.hookimpl(tryfirst=True)
    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        for found in session.config.stash[plugin.run_key].checks:
            self.found[found.name] = (found.outcome.value, found.message)


def run_checks(
    exercise: Exercise, submission: Path | None, backwards: bool = False
) -> tuple[ExerciseResult, dict[str, tuple[str, str]]]:
    """Check ``submission`` (the starter when None): the result, and what each check found."""
    each = _EachCheck(backwards)
    _, results = runner.check(
        [exercise.directory], submission=submission, seed=SEED, plugins=(each,)
    )
    assert len(results) == 1, f"no result for exercise {exercise.id}"
    # Messages name the learner's files, and the app's private copy or a folder a probe made: new
    # folders in every run.
    made = re.compile(re.escape(tempfile.gettempdir()) + r"/workbook-[^/\s'\"]+|/probe-[^/\s'\"]+")
    # and times the app measured (X-Response-Time '0.000014'), which differ from run to run.
    measured = re.compile(r"\b\d+\.\d{4,}\b")
    where = str(submission or exercise.directory)
    found = {
        test: (
            outcome,
            measured.sub("<n>", made.sub("<made>", text.replace(where, "<submission>"))),
        )
        for test, (outcome, text) in each.found.items()
    }
    return results[0], found


def check(exercise: Exercise, submission: Path | None = None, subject: str = "") -> ExerciseResult:
    """Check ``submission``; keep what each check found in FOUND as ``subject``, if given."""
    result, found = run_checks(exercise, submission)
    if subject:
        FOUND[exercise.id, subject] = found
    return result


def by_task(result: ExerciseResult) -> dict[str, tuple[Outcome, str]]:
    return {task.task.id: (task.outcome, task.message) for task in result.tasks}


def test_the_course_has_its_first_modules():
    assert IDS[:3] == ["01", "02", "03"]


@pytest.mark.parametrize("exercise", EXERCISES, ids=IDS)
def test_manifest_is_complete(exercise: Exercise):
    assert len(exercise.tasks) >= 4, f"exercise {exercise.id} needs at least 4 tasks"
    for task in exercise.tasks:
        assert len(task.hints) >= 2, f"{exercise.id} {task.id}: give at least 2 progressive hints"
    assert (ROOT / "lessons" / exercise.lesson).is_file(), f"no lesson lessons/{exercise.lesson}"
    assert exercise.lesson.startswith(f"{exercise.id}_"), "the lesson file starts with the number"
    solution = ROOT / "solutions" / exercise.id
    assert solution.is_dir(), f"no solutions/{exercise.id}"
    for name in exercise.required:
        assert (solution / name).is_file(), f"solutions/{exercise.id}/{name}"
    starter = set(exercise.owned_in(exercise.directory)) - {exercise.notebook}
    assert set(exercise.owned_in(solution)) >= starter, (
        "the solution has every learner file of the starter"
    )
    assert (exercise.directory / f"test_{exercise.id}.py").is_file()


@pytest.mark.parametrize("exercise", EXERCISES, ids=IDS)
def test_exercise_folder_has_no_python_file_the_checks_would_call_stray(exercise: Exercise):
    # A learner's main.py beside app.py is pointed out as not checked; a file of the course's
    # own there would be too.
    from checker.runtime.submission import strays

    assert not strays(exercise, exercise.directory), "ship only the learner's files and the checks"


@pytest.mark.parametrize("exercise", EXERCISES, ids=IDS)
def test_solution_scores_full_marks(exercise: Exercise):
    result = check(exercise, ROOT / "solutions" / exercise.id, "the solution")
    failing = {
        task: found for task, found in by_task(result).items() if found[0] is not Outcome.PASSED
    }
    assert not failing
    assert result.points == exercise.points


@pytest.mark.parametrize("exercise", EXERCISES, ids=IDS)
def test_starter_has_a_todo_for_every_task_and_fails_each(exercise: Exercise):
    todos = set()
    for name in exercise.owned_in(exercise.directory):
        if name != exercise.notebook:
            todos |= set(TODO.findall((exercise.directory / name).read_text(encoding="utf-8")))
    tasks = {task.id for task in exercise.tasks}
    assert todos <= tasks, f"TODO markers name unknown tasks: {sorted(todos - tasks)}"
    assert todos == tasks, (
        f"tasks without a # TODO(task-id) in the starter: {sorted(tasks - todos)}"
    )
    result = check(exercise, None, "the starter")
    assert not result.problem, f"the starter must load cleanly: {result.problem}"
    passing = [task for task, (outcome, _) in by_task(result).items() if outcome is Outcome.PASSED]
    assert not passing, f"the untouched starter passes {passing}"


@pytest.mark.parametrize("exercise", EXERCISES, ids=IDS)
def test_every_module_has_three_wrong_submissions(exercise: Exercise):
    mine = [path for path in MISTAKES if path.parent.name == exercise.id]
    assert len(mine) >= 3, f"tests/mistakes/{exercise.id}/ needs at least 3 wrong submissions"


@pytest.mark.parametrize(
    "folder", MISTAKES, ids=[f"{path.parent.name}/{path.name}" for path in MISTAKES]
)
def test_wrong_submission_fails_with_its_message(folder: Path, tmp_path: Path):
    expected = tomllib.loads((folder / "expected.toml").read_text(encoding="utf-8"))
    assert expected.get("about"), "say in `about` what mistake this is"
    exercise = manifest.load(ROOT / "exercises" / folder.parent.name)
    subject = f"tests/mistakes/{folder.parent.name}/{folder.name}"
    result = check(exercise, overlay(folder, tmp_path / "submission"), subject)
    found = by_task(result)
    assert result.points < exercise.points, "a wrong submission must not score full marks"
    assert expected.get("tasks"), "name at least one task and the message it must show"
    for task_id, wanted in expected["tasks"].items():
        outcome, message = found[task_id]
        assert outcome.value == wanted["outcome"], f"{task_id}: {outcome.value}: {message}"
        shown = message or result.problem
        assert wanted.get("message", "") in shown, f"{task_id}: {shown!r}"
        absent = wanted.get("absent", [])
        for text in [absent] if isinstance(absent, str) else absent:
            assert text not in shown, f"{task_id}: a wrong explanation, {text!r}, in {shown!r}"


@pytest.mark.parametrize("exercise", EXERCISES, ids=IDS)
def test_no_verdict_depends_on_what_another_check_left_behind(exercise: Exercise, tmp_path: Path):
    """Every check finds the same (outcome and message) when the module's checks run in the
    opposite order, for the solution and for every wrong submission: a check that changes the
    app's state must leave nothing another task's check sees, or a mistake in one task is blamed
    on another, or hidden by a check that happened to run first."""
    mine = [path for path in MISTAKES if path.parent.name == exercise.id]
    subjects = {
        "the starter": None,
        "the solution": ROOT / "solutions" / exercise.id,
        **{
            f"tests/mistakes/{exercise.id}/{path.name}": overlay(path, tmp_path / path.name)
            for path in mine
        },
    }
    for name, submission in subjects.items():
        if (exercise.id, name) not in FOUND:  # this subject's own test did not run first
            check(exercise, submission, name)
        _, backward = run_checks(exercise, submission, backwards=True)
        found = [FOUND[exercise.id, name], backward]
        assert found[0], f"{name}: no check ran"
        changed = {
            test: (found[0][test], found[1].get(test))
            for test in found[0]
            if found[0][test] != found[1].get(test)
        }
        assert not changed, f"{name}: with the checks run backwards, {changed}"


@pytest.mark.parametrize("exercise", EXERCISES, ids=IDS)
def test_every_module_has_three_alternative_solutions(exercise: Exercise):
    mine = [path for path in ALTERNATIVES if path.parent.name == exercise.id]
    assert len(mine) >= 3, f"tests/alternatives/{exercise.id}/ needs at least 3 correct solutions"


@pytest.mark.parametrize(
    "folder", ALTERNATIVES, ids=[f"{path.parent.name}/{path.name}" for path in ALTERNATIVES]
)
def test_alternative_solution_scores_full_marks(folder: Path, tmp_path: Path):
    about = tomllib.loads((folder / "about.toml").read_text(encoding="utf-8"))
    assert about.get("about"), "say in `about` which idiom this solution shows"
    exercise = manifest.load(ROOT / "exercises" / folder.parent.name)
    result = check(exercise, overlay(folder, tmp_path / "submission"))
    failing = {
        task: found for task, found in by_task(result).items() if found[0] is not Outcome.PASSED
    }
    assert not failing, result.problem
    assert result.points == exercise.points


LESSONS = sorted((ROOT / "lessons").glob("*.ipynb"))


@pytest.mark.parametrize("path", LESSONS, ids=[path.name for path in LESSONS])
def test_lesson_is_stored_without_outputs(path: Path):
    notebook = nbformat.read(path, as_version=4)
    nbformat.validate(notebook)
    for cell in notebook.cells:
        if cell.cell_type == "code":
            assert not cell.outputs, f"{path.name}: clear the outputs before committing"
            assert cell.execution_count is None, f"{path.name}: clear execution counts"


@pytest.mark.parametrize("path", LESSONS, ids=[path.name for path in LESSONS])
def test_lesson_runs_top_to_bottom_in_a_fresh_kernel(path: Path, tmp_path: Path):
    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(
        notebook,
        timeout=120,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
    )
    # The examples' folders (tempfile.mkdtemp) go with this test's own folder, not into /tmp.
    client.execute(env={**os.environ, "TMPDIR": str(tmp_path)})
    number = path.name[:2]
    last = notebook.cells[-1]
    assert last.cell_type == "code" and f'check("{number}")' in last.source, (
        f"{path.name} must end with the check cell"
    )
    briefs = [cell for cell in notebook.cells if cell.cell_type == "markdown"]
    assert any(f"Exercise {number}" in cell.source for cell in briefs[-3:]), (
        f"{path.name} must end with the exercise brief, then the check cell"
    )
    html = "".join(
        output.get("data", {}).get("text/html", "")
        for output in last.outputs
        if output.output_type in ("execute_result", "display_data")
    )
    assert "workbook-check" in html, f"the check cell of {path.name} showed no table"
    assert "✗" in html and "score: 0/" in html, "against the starter, every task should fail"


NOTEBOOK_EXERCISES = [exercise for exercise in EXERCISES if exercise.notebook]


def notebook_of(source: str, *, graded: bool = True) -> str:
    """A notebook whose code cells are ``source``, split at blank-line-separated blocks."""
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell(block) for block in source.split("\n\n\n")]
    if graded:
        notebook.metadata["workbook"] = {"graded": True}
    return nbformat.writes(notebook)


@pytest.mark.parametrize("exercise", NOTEBOOK_EXERCISES, ids=[e.id for e in NOTEBOOK_EXERCISES])
def test_exercise_notebook_mirrors_the_starter(exercise: Exercise):
    assert exercise.notebook is not None
    notebook = nbformat.read(exercise.directory / exercise.notebook, as_version=4)
    code = "\n".join(cell.source for cell in notebook.cells if cell.cell_type == "code")
    starter = (exercise.directory / exercise.app_file).read_text(encoding="utf-8")
    assert code.split() == starter.split(), "the notebook's code cells must be the starter's code"
    assert all(not cell.get("outputs") for cell in notebook.cells), "store it without outputs"
    assert "workbook" not in notebook.metadata, "the starter notebook must not be chosen already"


@pytest.mark.parametrize("exercise", NOTEBOOK_EXERCISES, ids=[e.id for e in NOTEBOOK_EXERCISES])
def test_solution_in_the_notebook_scores_full_marks_when_chosen(exercise: Exercise, tmp_path: Path):
    assert exercise.notebook is not None
    solution = (ROOT / "solutions" / exercise.id / exercise.app_file).read_text(encoding="utf-8")
    (tmp_path / exercise.app_file).write_text("# the untouched starter would fail\n")
    (tmp_path / exercise.notebook).write_text(notebook_of(solution))
    result = check(exercise, tmp_path)
    assert result.points == exercise.points
    assert result.graded.endswith(exercise.notebook)
    (tmp_path / exercise.notebook).write_text(notebook_of(solution, graded=False))
    assert check(exercise, tmp_path).points == 0, "without the choice, app.py is graded"
