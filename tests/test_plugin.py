"""The pytest plugin, run for real with pytester."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import FACTORY_SOLUTION, SOLUTION

Exercise = Callable[..., Path]


def run(pytester: pytest.Pytester, *args: str) -> pytest.RunResult:
    return pytester.runpytest_subprocess("--check-timeout", "1", *args)


def test_solution_passes_every_task_and_ends_with_the_score(pytester, make_exercise: Exercise):
    make_exercise()
    result = run(pytester, "exercises/01")
    assert result.ret == 0
    result.stdout.fnmatch_lines(["*✓ hello*2/2", "*✓ json*3/3"])
    assert result.stdout.lines[-1] == "score: 5/5 points"


def test_failing_task_shows_message_fix_and_first_hint(pytester, make_exercise: Exercise):
    make_exercise(SOLUTION.replace('return {"ok": True}', 'return "ok"'))
    result = run(pytester, "exercises/01")
    assert result.ret == 1
    result.stdout.fnmatch_lines(
        [
            "*✓ hello*2/2",
            "*✗ json*0/3  failed",
            "*GET /json answered text/html 'ok', expected JSON {'ok': True}",
            "*Fix: return a dict*",
            "*Hint: Return a dict.",
        ]
    )
    assert result.stdout.lines[-1] == "score: 2/5 points"
    assert "Traceback" not in result.stdout.str()
    assert "def test_json" not in result.stdout.str()


@pytest.mark.parametrize(
    ("app", "outcome", "message"),
    [
        (
            "from flask import Flask\napp = Flask(__name__\n",
            "error",
            "app.py, line 2: SyntaxError: '(' was never closed",
        ),
        (
            "import flaks\n",
            "error",
            "ModuleNotFoundError: No module named 'flaks' (exercises/01/app.py, line 1: `import flaks`)",
        ),
        (
            "from flask import Flask\napp = Flsk(__name__)\n",
            "error",
            "NameError: name 'Flsk' is not defined",
        ),
        (
            "from flask import Flask\napplication = Flask(__name__)\n",
            "missing",
            "app.py defines no 'app'",
        ),
        ("app = 'not flask'\n", "error", "app is str, not a Flask application"),
        ("import sys\nsys.exit(3)\n", "crashed", "called exit(3)"),
    ],
    ids=["syntax-error", "import-error", "name-error", "no-app", "not-flask", "exit"],
)
def test_code_that_does_not_load_gives_one_message(
    pytester, make_exercise: Exercise, app: str, outcome: str, message: str
):
    make_exercise(app)
    result = run(pytester, "exercises/01")
    assert result.ret == 1
    out = result.stdout.str()
    assert out.count(message) == 1, out
    result.stdout.fnmatch_lines([f"*✗ hello*0/2  {outcome}", f"*✗ json*0/3  {outcome}"])
    assert "Traceback" not in out
    assert result.stdout.lines[-1] == "score: 0/5 points"


def test_factory_gets_the_manifest_config(pytester, make_exercise: Exercise):
    make_exercise(FACTORY_SOLUTION, factory=True)
    result = run(pytester, "exercises/01")
    assert result.ret == 0, result.stdout.str()
    assert result.stdout.lines[-1] == "score: 5/5 points"


@pytest.mark.parametrize(
    ("app", "outcome", "message"),
    [
        (SOLUTION, "missing", "app.py defines no 'create_app'"),
        (
            FACTORY_SOLUTION.replace("    return app\n", ""),
            "error",
            "create_app() returned NoneType",
        ),
        (
            FACTORY_SOLUTION.replace("app.config.from_mapping", "app.config.form_mapping"),
            "error",
            "calling create_app() raised AttributeError: 'Config' object has no attribute 'form_mapping'",
        ),
    ],
    ids=["no-factory", "returns-none", "factory-raises"],
)
def test_broken_factory_gives_one_message(
    pytester, make_exercise: Exercise, app: str, outcome: str, message: str
):
    make_exercise(app, factory=True)
    result = run(pytester, "exercises/01")
    assert result.ret == 1
    assert result.stdout.str().count(message) == 1, result.stdout.str()
    result.stdout.fnmatch_lines([f"*✗ hello*{outcome}", f"*✗ json*{outcome}"])


def test_missing_file_is_reported_missing(pytester, make_exercise: Exercise):
    (make_exercise() / "app.py").unlink()
    result = run(pytester, "exercises/01")
    assert result.ret == 1
    result.stdout.fnmatch_lines(["*app.py is missing*", "*✗ hello*missing", "*✗ json*missing"])


@pytest.mark.parametrize(
    ("app", "message", "cause"),
    [
        (
            "from flask import Flask\napp = Flask(__name__)\nwhile True:\n    pass\n",
            "importing exercises/01/app.py did not finish within 1 s; it was still running "
            "exercises/01/app.py, line 3: `while True:`",
            "This `while` loop never ends",
        ),
        (
            SOLUTION
            + "\nfrom werkzeug.serving import run_simple\nrun_simple('127.0.0.1', 0, app)\n",
            "importing exercises/01/app.py did not finish within 1 s",
            "app.run() starts the development server",
        ),
    ],
    ids=["while-true", "server-at-import"],
)
def test_import_that_never_ends_times_out_with_its_cause(
    pytester, make_exercise: Exercise, app: str, message: str, cause: str
):
    make_exercise(app)
    result = run(pytester, "exercises/01")
    assert result.ret == 1
    out = result.stdout.str()
    assert out.count(message) == 1, out
    assert cause in out
    result.stdout.fnmatch_lines(["*✗ hello*timeout", "*✗ json*timeout"])


@pytest.mark.parametrize("call", ["app.run()", "app.run(debug=True)", "app.run(port=5000)"])
def test_app_run_at_import_starts_no_server_and_does_not_hang(
    pytester, make_exercise: Exercise, call: str
):
    make_exercise(SOLUTION + f"\n{call}\n")
    result = run(pytester, "exercises/01")
    assert result.ret == 0, result.stdout.str()
    assert result.stdout.lines[-1] == "score: 5/5 points"


def test_view_that_never_returns_times_out_and_the_rest_still_run(
    pytester, make_exercise: Exercise
):
    make_exercise(SOLUTION.replace('    return "Hello, World!"', "    while True:\n        pass"))
    result = run(pytester, "exercises/01")
    assert result.ret == 1
    result.stdout.fnmatch_lines(
        [
            "*✗ hello*0/2  timeout",
            "*GET / did not finish within 1 s; it was still running exercises/01/app.py, line 8: `while True:`",
            "*✓ json*3/3",
        ]
    )


def test_view_that_raises_is_an_error_with_the_learners_line(pytester, make_exercise: Exercise):
    make_exercise(SOLUTION.replace('return {"ok": True}', 'return {"ok": missing}'))
    result = run(pytester, "exercises/01")
    result.stdout.fnmatch_lines(
        [
            "*✗ json*0/3  error",
            "*GET /json answered 500, expected 200: the view raised NameError: name 'missing' is "
            'not defined (exercises/01/app.py, line 13: `return {"ok": missing}`)',
        ]
    )


def test_learner_output_is_shown_with_the_failure_and_trimmed(pytester, make_exercise: Exercise):
    noisy = SOLUTION.replace(
        '    return {"ok": True}',
        '    for n in range(50):\n        print("line", n)\n    return "no"',
    )
    make_exercise(noisy)
    result = run(pytester, "exercises/01")
    out = result.stdout.str()
    result.stdout.fnmatch_lines(
        ["*Your code printed:", "*... (38 earlier lines not shown)", "*| line 49"]
    )
    assert "| line 37" not in out
    assert "| line 38" in out


def test_submission_option_checks_files_elsewhere(pytester, make_exercise: Exercise):
    make_exercise("")  # the starter in the exercise folder defines nothing
    elsewhere = pytester.mkdir("mine")
    (elsewhere / "app.py").write_text(SOLUTION)
    assert run(pytester, "exercises/01").ret == 1
    result = run(pytester, "exercises/01", "--submission", "mine")
    assert result.ret == 0
    assert result.stdout.lines[-1] == "score: 5/5 points"


def test_submission_folder_of_exercises(pytester, make_exercise: Exercise):
    make_exercise("", number="01")
    make_exercise("", number="02")
    for number in ("01", "02"):
        folder = pytester.mkdir(f"copy-{number}") if False else pytester.path / "copy" / number
        folder.mkdir(parents=True)
        (folder / "app.py").write_text(SOLUTION)
    result = run(pytester, "exercises", "--submission", "copy")
    assert result.ret == 0, result.stdout.str()
    assert result.stdout.lines[-1] == "score: 10/10 points"


def test_missing_submission_folder_is_a_usage_error(pytester, make_exercise: Exercise):
    make_exercise()
    result = run(pytester, "exercises/01", "--submission", "nowhere")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*--submission nowhere: no such folder*"])


def test_exercises_with_the_same_file_names_do_not_see_each_other(
    pytester, make_exercise: Exercise
):
    make_exercise(number="01")
    make_exercise(SOLUTION.replace("Hello, World!", "Hello from 02"), number="02")
    result = run(pytester, "exercises")
    result.stdout.fnmatch_lines(
        ["*exercises/01*", "*✓ hello*", "*exercises/02*", "*✗ hello*", "*'Hello from 02'*"]
    )
    assert result.stdout.lines[-1] == "score: 8/10 points"


def test_check_without_a_task_marker_is_a_usage_error(pytester, make_exercise: Exercise):
    make_exercise(checks="def test_unmarked(client):\n    pass\n")
    result = run(pytester, "exercises/01")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(
        ["*test_unmarked: mark the check with exactly one task*hello, json*"]
    )


def test_check_with_an_unknown_task_is_a_usage_error(pytester, make_exercise: Exercise):
    make_exercise(
        checks='import pytest\n@pytest.mark.task("helo")\ndef test_x(client):\n    pass\n'
    )
    result = run(pytester, "exercises/01")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*task 'helo' is not in*exercise.toml; use one of: hello, json*"])


def test_task_without_checks_fails_the_run(pytester, make_exercise: Exercise):
    make_exercise(checks=CHECKS_HELLO_ONLY)
    result = run(pytester, "exercises/01")
    assert result.ret == 1
    result.stdout.fnmatch_lines(["*✗ json*missing", "*no check ran for this task*"])


def test_probe_returns_plain_data_and_rejects_closures(pytester, make_exercise: Exercise):
    make_exercise(checks=PROBE_CHECKS)
    result = run(pytester, "exercises/01")
    result.stdout.fnmatch_lines(
        ["*✓ hello*", "*✗ json*", "*probe() needs a function defined at the top level*"]
    )


def test_ordinary_tests_are_left_alone(pytester):
    pytester.makepyfile(test_plain="def test_one():\n    assert 1 + 1 == 2\n")
    result = run(pytester)
    assert result.ret == 0
    assert "score:" not in result.stdout.str()
    assert "= workbook =" not in result.stdout.str()


CHECKS_HELLO_ONLY = """\
import pytest
from checker.runtime.expect import expect_text


@pytest.mark.task("hello")
def test_hello(client):
    expect_text(client.get("/"), "Hello, World!")
"""

PROBE_CHECKS = """\
import pytest
from checker.runtime.expect import expect


def rules(app):
    return sorted((rule.rule, tuple(sorted(rule.methods))) for rule in app.url_map.iter_rules())


@pytest.mark.task("hello")
def test_rules(probe):
    found = probe(rules)
    expect(["/", ["GET", "HEAD", "OPTIONS"]] in found, f"no / in {found}")


@pytest.mark.task("json")
def test_closure(probe):
    probe(lambda app: 1)
"""


def test_loading_the_plugin_imports_nothing_heavy():
    """A pytest run with no exercise in it pays for the plugin's options and hooks only: no
    Flask, Werkzeug, nbformat or checker runtime is imported until a check needs one."""
    import subprocess
    import sys

    from checker import plugin
    from checker.course import manifest

    assert plugin.MANIFEST_NAME == manifest.MANIFEST_NAME
    code = (
        "import sys, checker.plugin; heavy = ('flask', 'werkzeug', 'nbformat', 'jsonschema', "
        "'pathspec', 'checker.course', 'checker.runtime', 'checker.grade'); "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in heavy or m.startswith(heavy)))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
