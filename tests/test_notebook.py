"""Checking from a notebook: the check() function, the %check magic, HTML and text."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from IPython.core.interactiveshell import InteractiveShell

from checker.notebooks.check import CheckReport, check
from tests.conftest import SOLUTION


def test_check_reads_the_files_again_on_every_call(course: Path):
    first = check("02")
    assert not first.passed and first.points == 0
    (course / "exercises" / "02" / "app.py").write_text(SOLUTION)
    second = check("02")
    assert second.passed and (second.points, second.max_points) == (5, 5)


def test_check_an_app_built_in_the_notebook(course: Path):
    app = Flask("notebook_app")

    @app.route("/")
    def hello():
        return "Hello, World!"

    report = check(2, app=app)
    passed = {task.task.id: task.passed for task in report.results[0].tasks}
    assert passed == {"hello": True, "json": False}
    assert "GET /json answered 404" in str(report)
    # It says it graded that app, and only that app: nothing of exercises/02/app.py.
    assert "graded: the Flask app passed as app=, not a file" in str(report)
    assert "graded: the Flask app passed as app=" in report._repr_html_()


def test_a_task_graded_by_running_the_file_says_so_for_an_app_from_a_cell(
    monkeypatch: pytest.MonkeyPatch,
):
    """Module 01's run-guard task runs app.py again as ``python app.py`` would; an app made in a
    notebook cell has no file, so the task is missing with why, not an AttributeError."""
    import runpy

    root = Path(__file__).resolve().parent.parent
    monkeypatch.chdir(root)
    made = runpy.run_path(str(root / "solutions" / "01" / "app.py"), run_name="notebook_cell")
    report = check("01", app=made["app"])
    found = {task.task.id: task for task in report.results[0].tasks}
    assert [name for name, task in found.items() if not task.passed] == ["run-guard"]
    assert found["run-guard"].outcome.value == "missing"
    assert "app given with app= was made where there is none (a notebook cell)" in (
        found["run-guard"].message
    )
    assert 'check("01") without app= grades exercises/01/app.py' in found["run-guard"].message


def test_html_is_a_table_and_text_matches_pytest(course: Path):
    report = check("02")
    html = report._repr_html_()
    assert "<table>" in html and "✗" in html and "Say hello" in html
    assert "Return a string from the view." in html  # the first hint
    assert "score: 0/5 points" in html
    assert "graded: exercises/02/app.py" in html
    text = repr(report)
    assert "✗ hello" in text and text.splitlines()[-1] == "score: 0/5 points"


def test_the_hint_is_the_first_not_yet_seen_and_tasks_are_counted(course: Path):
    from click.testing import CliRunner

    from checker.cli import main

    assert CliRunner().invoke(main, ["hint", "02"]).exit_code == 0  # hello's first hint
    report = check("02")
    html = report._repr_html_()
    assert "return &#39;Hello, World!&#39;" in html and "Return a string" not in html
    assert "0 of 2 tasks pass" in html
    text = repr(report).splitlines()
    assert "      Hint: return 'Hello, World!'" in text
    assert text[-2:] == ["0 of 2 tasks pass", "score: 0/5 points"]


def test_learner_text_is_escaped_in_html(course: Path):
    (course / "exercises" / "02" / "app.py").write_text(
        SOLUTION.replace('return "Hello, World!"', 'return "<script>alert(1)</script>"')
    )
    html = check("02")._repr_html_()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;" in html


def test_unknown_exercise_is_a_message_not_an_exception(course: Path):
    report = check("09")
    assert not report.passed
    assert str(report) == "workbook: there is no exercise '09'; the exercises are 01, 02"
    assert "there is no exercise" in report._repr_html_()


@pytest.fixture
def shell() -> InteractiveShell:
    shell = InteractiveShell.instance()
    shell.run_line_magic("load_ext", "checker.notebook")
    return shell


def test_magic_checks_an_exercise(course: Path, shell: InteractiveShell):
    report = shell.run_line_magic("check", "01")
    assert isinstance(report, CheckReport) and report.passed
    assert shell.run_line_magic("check", "01 --check-timeout 10").passed  # as pytest's option
    assert shell.run_line_magic("check", "01 --timeout 10").passed


def test_magic_checks_a_notebook_app_by_name(course: Path, shell: InteractiveShell):
    app = Flask("magic_app")
    app.add_url_rule("/json", "answer", lambda: {"ok": True})
    shell.user_ns["my_app"] = app
    report = shell.run_line_magic("check", "02 --app my_app")
    assert [task.passed for task in report.results[0].tasks] == [False, True]


@pytest.mark.parametrize(
    ("line", "problem"),
    [("", "usage: %check NN"), ("02 --app nothing", "this notebook has no variable 'nothing'")],
)
def test_magic_bad_input(course: Path, shell: InteractiveShell, line: str, problem: str):
    assert problem in str(shell.run_line_magic("check", line))
