"""The learner's code runs as a real app, the same under pytest, %check and workbook grade."""

from __future__ import annotations

import re
import sys
import textwrap
from pathlib import Path

import pytest

from checker.course.results import ExerciseResult
from checker.grade import cohort
from checker.grade.cohort import Options
from checker.grade.gradebook import Gradebook
from checker.runtime import runner

TASKS = """
[[tasks]]
id = "{task}"
title = "A task"
points = 1
hints = ["A hint.", "Another hint."]
"""


@pytest.fixture(autouse=True)
def _in_the_course(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Run from the course's folder, as a learner does: messages name exercises/NN/app.py."""
    monkeypatch.chdir(tmp_path)


def write(folder: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")


def exercise(
    root: Path,
    number: str,
    files: dict[str, str],
    checks: str,
    *,
    owned: str = '["*.py"]',
    app: str = "app:app",
    extra: str = "",
    tasks: tuple[str, ...] = ("works",),
) -> Path:
    """An exercise folder in the course at ``root``; its starter is ``files``."""
    folder = root / "exercises" / number
    manifest = (
        f'id = "{number}"\ntitle = "Runtime"\nlesson = "{number}_runtime.ipynb"\n'
        f"files = {owned}\napp = {app!r}\n".replace("'", '"')
        + extra
    )
    manifest += "".join(TASKS.format(task=task) for task in tasks)
    write(folder, {"exercise.toml": manifest, f"test_{number}.py": checks, **files})
    return folder


def check(*folders: Path) -> list[ExerciseResult]:
    _, results = runner.check(list(folders))
    return results


def outcomes(result: ExerciseResult) -> dict[str, tuple[str, str]]:
    return {task.task.id: (task.outcome.value, task.message) for task in result.tasks}


def graded(root: Path, number: str, tmp_path: Path) -> dict[str, tuple[str, str]]:
    """The same exercise graded by ``workbook grade``, the starter files as one learner's."""
    submissions = tmp_path / "submissions"
    learner = submissions / "ada" / "exercises" / number
    source = root / "exercises" / number
    for path in source.rglob("*"):
        relative = path.relative_to(source)
        if path.is_file() and not path.name.startswith("test_") and path.name != "exercise.toml":
            (learner / relative).parent.mkdir(parents=True, exist_ok=True)
            (learner / relative).write_bytes(path.read_bytes())
    out = tmp_path / "results"
    tally = cohort.grade(
        submissions, out, Options(exercises=(number,), workers=1, check_timeout=3.0), root=root
    )
    assert not tally.failures
    book = Gradebook(out / "gradebook.sqlite")
    found = {g.task: (g.outcome.value, g.message) for g in book.grades()}
    book.close()
    return found


SIBLINGS = {
    "app.py": """\
        from flask import Flask

        app = Flask(__name__)
        db = {"books": ["Dune", "Emma"]}

        import views  # noqa: E402  (the classic layout: views import the app back)
    """,
    "views.py": """\
        from app import app, db


        @app.route("/")
        def index():
            import helpers  # imported while serving the request, as `flask run` allows

            return helpers.shout(db["books"][0])
    """,
    "helpers.py": """\
        def shout(text):
            return text.upper()
    """,
}

SIBLING_CHECKS = """\
import pytest
from checker.api import expect_text


@pytest.mark.task("works")
def test_index(client):
    expect_text(client.get("/"), "DUNE")
"""


def test_sibling_modules_and_a_circular_import_work_as_under_flask_run(tmp_path: Path) -> None:
    folder = exercise(tmp_path, "01", SIBLINGS, SIBLING_CHECKS)
    [result] = check(folder)
    assert outcomes(result) == {"works": ("passed", "")}
    assert "app" not in sys.modules and "views" not in sys.modules, "the app's modules are gone"


def test_two_exercises_with_the_same_module_names_each_see_their_own(tmp_path: Path) -> None:
    first = exercise(tmp_path, "01", SIBLINGS, SIBLING_CHECKS)
    other = dict(SIBLINGS, **{"helpers.py": "def shout(text):\n    return text + '!'\n"})
    second = exercise(
        tmp_path, "02", other, SIBLING_CHECKS.replace('"DUNE"', '"Dune!"'), tasks=("works",)
    )
    results = check(first, second)
    assert [outcomes(result)["works"][0] for result in results] == ["passed", "passed"]


PACKAGE = {
    "shop/__init__.py": """\
        from flask import Flask


        def create_app(test_config=None):
            app = Flask(__name__, instance_relative_config=True)
            app.config.from_mapping(test_config or {})
            from . import catalog

            app.register_blueprint(catalog.bp, url_prefix="/catalog")
            return app
    """,
    "shop/catalog.py": """\
        from flask import Blueprint, current_app, render_template

        from shop.names import title

        bp = Blueprint("catalog", __name__)


        @bp.route("/")
        def index():
            with open(current_app.config["NOTES"], "a") as notes:
                notes.write("seen\\n")
            return render_template("catalog/index.html", name=title("dune"))
    """,
    "shop/names.py": "def title(text):\n    return text.title()\n",
    "shop/templates/catalog/index.html": "<h1>{{ name }}</h1>\n",
}

PACKAGE_CHECKS = """\
import pytest
from checker.api import expect_element, expect_template


@pytest.mark.task("works")
def test_index(client, probe):
    response = client.get("/catalog/")
    expect_element(response, "h1", text="Dune")
    expect_template(response, "catalog/index.html", context=("name",))
    assert probe.blueprints() == {"catalog": {"url_prefix": "/catalog", "rules": ["/catalog/"]}}
    assert probe.config("NOTES")["NOTES"].endswith("notes.txt")
"""


def test_a_package_app_with_templates_writes_only_to_its_own_instance_folder(
    tmp_path: Path,
) -> None:
    folder = exercise(
        tmp_path,
        "07",
        PACKAGE,
        PACKAGE_CHECKS,
        owned='["shop/*.py", "shop/templates/**/*.html"]',
        app="shop:create_app",
        extra='factory = true\n[config]\nNOTES = "{instance}/notes.txt"\n',
    )
    [result] = check(folder)
    assert outcomes(result) == {"works": ("passed", "")}
    written = [p for p in tmp_path.rglob("*") if "instance" in p.parts or p.name == "notes.txt"]
    assert written == [], "the app wrote into the course"


FEATURES = {
    "app.py": """\
        import asyncio
        import logging
        from concurrent.futures import ThreadPoolExecutor

        import click
        from flask import Flask, flash, make_response, redirect, request, session

        app = Flask(__name__)
        app.secret_key = "not-for-production"
        pool = ThreadPoolExecutor(max_workers=4)
        saved = []


        @app.route("/square/<int:n>")
        def square(n):
            return {"square": pool.submit(lambda: n * n).result()}


        @app.route("/wait")
        async def wait():
            values = await asyncio.gather(*(asyncio.sleep(0.01, i) for i in range(3)))
            return {"values": values}


        @app.post("/login")
        def login():
            session["user"] = request.form["user"]
            flash(f"Welcome, {request.form['user']}!", "info")
            app.logger.warning("login by %s", request.form["user"])
            response = make_response(redirect("/"))
            response.set_cookie("theme", "dark", httponly=True)
            return response


        @app.get("/me")
        def me():
            return {"user": session.get("user")}


        @app.cli.command("add")
        @click.argument("title")
        def add(title):
            saved.append(title)
            click.echo(f"added {title}; {len(saved)} saved")
    """
}

FEATURE_CHECKS = """\
import pytest
from checker.api import expect_equal, expect_flash, expect_json, expect_redirect


@pytest.mark.task("threads")
def test_a_thread_pool_answers(client):
    response = client.get("/square/7")
    expect_json(response, {"square": 49})
    expect_equal(response.rule, "/square/<int:n>", "the rule that matched")
    expect_equal(client.get("/square/seven").rule, None, "the rule that matched /square/seven")


@pytest.mark.task("async")
def test_an_async_view_answers(client):
    expect_json(client.get("/wait"), {"values": [0, 1, 2]})


@pytest.mark.task("login")
def test_login_sets_the_session_flashes_logs_and_a_cookie(client):
    response = client.post("/login", data={"user": "Zoë"})
    expect_redirect(response, "/")
    expect_flash(response, "Welcome, Zoë!", category="info")
    expect_equal(response.session, {"user": "Zoë", "_flashes": [["info", "Welcome, Zoë!"]]}, "the session")
    expect_equal(response.cookies, {"session": response.cookies["session"], "theme": "dark"}, "cookies")
    assert response.cookie("theme")["httponly"] == "True"
    assert ("app", "WARNING", "login by Zoë") in [entry[:3] for entry in response.logs]


@pytest.mark.task("visitors")
def test_another_visitor_has_cookies_of_its_own_until_given_some(client):
    cookie = client.post("/login", data={"user": "Ada"}).cookies["session"]
    other = client.another()
    expect_json(other.get("/me"), {"user": None})
    expect_json(other.get("/me", cookies={"session": cookie}), {"user": "Ada"})
    expect_json(other.get("/me"), {"user": "Ada"})  # a cookie given is kept
    expect_json(other.get("/me", cookies={"session": cookie[:-2] + "xx"}), {"user": None})
    expect_json(client.get("/me"), {"user": "Ada"})


@pytest.mark.task("cli")
@pytest.mark.fresh_app
def test_the_cli_command_runs_on_an_app_of_its_own(cli, probe):
    result = cli.invoke("add", "Dune")
    expect_equal((result.exit_code, result.output), (0, "added Dune; 1 saved\\n"), "flask add")
    assert "add" in probe.cli_commands()
"""


def test_threads_async_views_sessions_flashes_logs_cookies_and_the_cli(tmp_path: Path) -> None:
    tasks = ("threads", "async", "login", "visitors", "cli")
    folder = exercise(tmp_path, "09", FEATURES, FEATURE_CHECKS, tasks=tasks)
    [result] = check(folder)
    expected = {task: ("passed", "") for task in tasks}
    assert outcomes(result) == expected
    assert {task: found[0] for task, found in graded(tmp_path, "09", tmp_path).items()} == {
        task: "passed" for task in expected
    }


TYPED = {
    "app.py": "from flask import Flask\napp = Flask(__name__)\n\n@app.route('/')\ndef s():\n    return {'ready': 1, 'version': 1.0}\n"
}

TYPED_CHECKS = """\
import pytest
from checker.api import expect_json


@pytest.mark.task("ready")
def test_ready_is_a_boolean(client):
    expect_json(client.get("/"), {"ready": True, "version": 1.0})


@pytest.mark.task("version")
def test_version_is_a_whole_number(client):
    expect_json(client.get("/"), {"ready": 1, "version": 1})
"""


def test_json_is_compared_type_for_type(tmp_path: Path) -> None:
    folder = exercise(tmp_path, "03", TYPED, TYPED_CHECKS, tasks=("ready", "version"))
    [result] = check(folder)
    found = outcomes(result)
    assert found["ready"][0] == "failed"
    assert "['ready'] is 1 (a whole number), not true (a boolean)" in found["ready"][1]
    assert "['version'] is 1.0 (a decimal number), not 1 (a whole number)" in found["version"][1]


MISBEHAVING = {
    "app.py": """\
        import signal
        import sys

        from flask import Flask

        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        app = Flask(__name__)
    """
}


def test_code_that_only_works_in_the_main_thread_fails_alike_in_both_modes(
    tmp_path: Path,
) -> None:
    folder = exercise(tmp_path, "05", MISBEHAVING, SIBLING_CHECKS)
    [result] = check(folder)
    mine = outcomes(result)
    assert mine["works"][0] == "error"
    assert "signal only works in main thread" in mine["works"][1]
    assert graded(tmp_path, "05", tmp_path) == mine


@pytest.mark.parametrize(
    ("files", "outcome", "message"),
    [
        (
            {"app.py": "from flask import Flask\napp = Flask(__name__)\nimport missing_helper\n"},
            "error",
            "ModuleNotFoundError: No module named 'missing_helper'",
        ),
        (
            {
                "app.py": "from flask import Flask\nimport helpers\napp = Flask(__name__)\n",
                "helpers.py": "def f(:\n    pass\n",
            },
            "error",
            "helpers.py, line 1: SyntaxError",
        ),
        ({"app.py": "import sys\nsys.exit(3)\n"}, "crashed", "called exit(3)"),
        ({"app.py": "while True:\n    pass\n"}, "timeout", "did not finish within"),
    ],
    ids=["missing-module", "syntax-error-in-a-sibling", "exit", "loop"],
)
def test_a_broken_app_gets_the_same_outcome_and_message_in_both_modes(
    tmp_path: Path, files: dict[str, str], outcome: str, message: str
) -> None:
    folder = exercise(tmp_path, "04", files, SIBLING_CHECKS)
    [result] = check(folder)
    mine = outcomes(result)
    assert mine["works"][0] == outcome and message in (mine["works"][1] or result.problem)
    theirs = graded(tmp_path, "04", tmp_path)
    assert theirs["works"][0] == outcome
    assert message in theirs["works"][1]


ROOT = Path(__file__).resolve().parent.parent
# Hostile cases that are safe to run without a sandbox: nothing in them ends or harms the process.
SAFE_HOSTILE = [
    "honest", "honest-threads", "honest-async", "import-loop", "view-loop",
    "sys-exit-at-import", "bad-utf8",
]  # fmt: skip


def _cases() -> list[tuple[str, Path, Path | None]]:
    """(name, folder, the solution it is an overlay on, or None for a whole submission).

    One wrong submission of each module (the first by name), so that every module's checks and
    messages are compared in both modes while the run does not grow with every mistake the course
    gains (tests/test_course.py checks every one in learner mode)."""
    found: list[tuple[str, Path, Path | None]] = []
    for module in sorted(path for path in (ROOT / "tests" / "mistakes").iterdir() if path.is_dir()):
        mistakes = sorted(path.parent for path in module.glob("*/expected.toml"))
        found.extend(
            (f"mistake-{module.name}-{folder.name}", folder, ROOT / "solutions" / module.name)
            for folder in mistakes[:1]
        )
    for name in SAFE_HOSTILE:
        found.append((f"hostile-{name}", ROOT / "tests" / "hostile" / name, None))
    return found


def _lay_out(name: str, folder: Path, solution: Path | None, into: Path) -> str:
    """The case as a learner's copy of the course, ``into/name/exercises/NN/``; its exercise."""
    import shutil

    if solution is None:
        shutil.copytree(folder / "exercises", into / name / "exercises")
        return next((into / name / "exercises").iterdir()).name
    target = into / name / "exercises" / solution.name
    shutil.copytree(solution, target)
    for path in folder.rglob("*"):
        if path.is_file() and path.name != "expected.toml":
            (target / path.relative_to(folder)).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target / path.relative_to(folder))
    return solution.name


# The app's private run folder, which checks may quote (a database path, say): it differs by design.
TEMPORARY = re.compile(r"(?<=/)([\w.]+?-)[a-z0-9_]{8}(?=/)")  # what tempfile names a folder
RUN_FOLDER = re.compile(
    r"(/\S*?/(workbook-\d\d-[^/\s]+|workbook-grade-[^/\s]+/learner-[^/\s]+/exercises/\d\d)"
    r"|/+tmp/workspace/exercises/\d\d)/"  # where a graded child sees its folder
)


# A time the app measured (X-Response-Time '0.000013'), which differs from run to run.
MEASURED = re.compile(r"\b\d+\.\d{4,}\b")


def same_run(message: str) -> str:
    return MEASURED.sub("<n>", TEMPORARY.sub(r"\1XXXXXXXX", RUN_FOLDER.sub("RUN/", message)))


def test_wrong_and_hostile_submissions_get_the_same_verdicts_in_both_modes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    submissions = tmp_path / "submissions"
    exercises: dict[str, str] = {}
    for name, folder, solution in _cases():
        exercises[name] = _lay_out(name, folder, solution, submissions)
    out = tmp_path / "results"
    numbers = tuple(sorted(set(exercises.values())))
    tally = cohort.grade(
        submissions, out, Options(exercises=numbers, workers=2, check_timeout=2.0), root=ROOT
    )
    assert not tally.failures
    book = Gradebook(out / "gradebook.sqlite")
    graded = [g for g in book.grades() if exercises[g.learner] == g.exercise]
    book.close()
    grading_mode = {(g.learner, g.task): (g.outcome.value, same_run(g.message)) for g in graded}
    # The learner's own run, with the seed their feedback names, draws the same inputs.
    seeds = {g.learner: g.seed for g in graded}
    learner_mode: dict[tuple[str, str], tuple[str, str]] = {}
    for name, number in exercises.items():
        monkeypatch.chdir(submissions / name)  # messages name exercises/NN/app.py, as graded
        _, [result] = runner.check(
            [ROOT / "exercises" / number],
            submission=submissions / name,
            timeout=2.0,
            seed=seeds[name],
        )
        for task in result.tasks:
            learner_mode[name, task.task.id] = (
                task.outcome.value,
                same_run(task.message),
            )
    assert grading_mode.keys() == learner_mode.keys()
    differ = [
        f"{case} {task}:\n  pytest: {learner_mode[case, task]}\n  graded: {grading_mode[case, task]}"
        for case, task in learner_mode
        if learner_mode[case, task] != grading_mode[case, task]
    ]
    assert not differ, "\n".join(differ)


URL_FOR_CHECKS = """\
import pytest


@pytest.mark.task("works")
def test_login_url(probe):
    assert probe.url_for("login") == "/login"
"""


def test_url_for_that_cannot_build_fails_with_werkzeugs_explanation(tmp_path: Path) -> None:
    app = {
        "app.py": "from flask import Flask, Blueprint\napp = Flask(__name__)\nbp = Blueprint('auth', __name__)\n\n@bp.route('/login')\ndef login():\n    return 'hi'\n\napp.register_blueprint(bp)\n"
    }
    folder = exercise(tmp_path, "06", app, URL_FOR_CHECKS)
    [result] = check(folder)
    outcome, message = outcomes(result)["works"]
    assert outcome == "failed"
    assert message.startswith("url_for('login') could not build a URL: ")
    assert "auth.login" in message


CLI_APP = {
    "app.py": """\
        import click
        from flask import Flask, current_app

        app = Flask(__name__)
        app.config["GREETING"] = "hello"


        @click.command("greet")
        def greet():
            click.echo(current_app.config["GREETING"])  # flask --app pushes an app context


        @app.cli.command("broken")
        def broken():
            {}["missing"]


        app.cli.add_command(greet)
    """
}

CLI_CHECKS = """\
import pytest
from checker.api import expect_equal


@pytest.mark.task("plain-command")
def test_a_plain_click_command_runs_in_an_app_context(cli):
    result = cli.invoke("greet")
    expect_equal((result.exit_code, result.output), (0, "hello\\n"), "flask greet")


@pytest.mark.task("raising-command")
def test_a_command_that_raises_is_the_learners_error(cli):
    result = cli.invoke("broken")
    expect_equal(result.exit_code, 0, "the exit code of flask broken")
"""


def test_cli_commands_run_as_flask_runs_them(tmp_path: Path) -> None:
    folder = exercise(
        tmp_path, "06", CLI_APP, CLI_CHECKS, tasks=("plain-command", "raising-command")
    )
    [result] = check(folder)
    found = outcomes(result)
    assert found["plain-command"] == ("passed", "")
    outcome, message = found["raising-command"]
    assert outcome == "error"
    assert "The command raised KeyError: 'missing' (exercises/06/app.py, line 15" in message


OPTIONS_APP = {
    "app.py": """\
        from flask import Flask, request, stream_with_context

        app = Flask(__name__)


        @app.post("/upload")
        def upload():
            photo = request.files["photo"]
            return {"name": photo.filename, "size": len(photo.read()), "host": request.host,
                    "user": request.authorization.username if request.authorization else None}


        @app.route("/forever")
        def forever():
            def chunks():
                while True:
                    yield "x" * 1024

            return app.response_class(stream_with_context(chunks()))
    """
}

OPTIONS_CHECKS = """\
import ast

import pytest
from checker.api import expect_equal, expect_json


@pytest.mark.task("upload")
def test_an_upload_with_auth_on_another_host(client):
    response = client.post(
        "/upload",
        data={"photo": (b"\\x89PNG...", "cat.png")},
        base_url="https://shop.example",
        auth=("ada", "secret"),
    )
    expect_json(response, {"name": "cat.png", "size": 7, "host": "shop.example", "user": "ada"})


@pytest.mark.task("stream")
def test_a_stream_that_never_ends_is_cut(client):
    response = client.get("/forever", max_bytes=10_000)
    expect_equal(len(response.data), 10_000, "the bytes read")


@pytest.mark.task("static")
def test_the_source_through_the_ast(submission):
    names = {node.name for node in ast.walk(submission.tree("app.py")) if isinstance(node, ast.FunctionDef)}
    assert {"upload", "forever", "chunks"} <= names
"""


def test_uploads_base_url_auth_a_cut_stream_and_the_ast(tmp_path: Path) -> None:
    folder = exercise(
        tmp_path, "05", OPTIONS_APP, OPTIONS_CHECKS, tasks=("upload", "stream", "static")
    )
    [result] = check(folder)
    assert outcomes(result) == {task: ("passed", "") for task in ("upload", "stream", "static")}
    assert {task: found[0] for task, found in graded(tmp_path, "05", tmp_path).items()} == {
        task: "passed" for task in ("upload", "stream", "static")
    }


GUNICORN_APP = {
    "app.py": """\
        import os

        from flask import Flask

        app = Flask(__name__)


        @app.route("/")
        def index():
            return {"served_by": os.environ.get("SERVER_SOFTWARE", "").split("/")[0], "pid": os.getpid()}
    """
}

GUNICORN_CHECKS = """\
import pytest
from checker.api import expect_equal, expect_status


@pytest.mark.task("gunicorn")
def test_the_app_answers_under_gunicorn(service):
    server = service.start(
        "gunicorn", "--bind", "127.0.0.1:{port}", "--workers", "2", "--no-control-socket", "app:app"
    )
    response = server.get("/")
    expect_status(response, 200)
    expect_equal(response.get_json()["served_by"], "gunicorn", "the server")
    assert "Booting worker" in server.output()


@pytest.mark.task("broken")
def test_a_server_that_cannot_start_says_why(service):
    server = service.start(
        "gunicorn", "--bind", "127.0.0.1:{port}", "--no-control-socket", "nowhere:app"
    )
    import time

    time.sleep(1.0)  # gunicorn listens before its worker has imported the app
    server.get("/")
"""


def test_a_real_gunicorn_is_started_and_always_stopped(tmp_path: Path) -> None:
    folder = exercise(
        tmp_path,
        "20",
        GUNICORN_APP,
        GUNICORN_CHECKS,
        tasks=("gunicorn", "broken"),
        extra="[sandbox]\nprocesses = 4\nlisten = true\n",
    )
    before = _gunicorns()
    [result] = check(folder)
    found = outcomes(result)
    assert found["gunicorn"] == ("passed", "")
    assert found["broken"][0] == "error"
    assert "exited with code" in found["broken"][1] and "nowhere" in found["broken"][1]
    graded_here = graded(tmp_path, "20", tmp_path)
    assert graded_here["gunicorn"] == ("passed", "")
    assert graded_here["broken"][0] == "error"
    assert _gunicorns() == before, "a gunicorn outlived its check"


def _gunicorns() -> set[int]:
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                command = (entry / "cmdline").read_bytes()
            except OSError:
                continue
            if b"gunicorn" in command and b"app:app" in command:
                found.add(int(entry.name))
    return found


def test_an_unknown_command_is_named_as_flask_names_it(tmp_path: Path) -> None:
    checks = (
        CLI_CHECKS
        + """

@pytest.mark.task("unknown-command")
def test_unknown(cli):
    result = cli.invoke("init-db")
    assert "Usage: flask [OPTIONS] COMMAND" in result.output, result.output
    assert "No such command 'init-db'" in result.output
"""
    )
    folder = exercise(
        tmp_path,
        "06",
        CLI_APP,
        checks,
        tasks=("plain-command", "raising-command", "unknown-command"),
    )
    [result] = check(folder)
    assert outcomes(result)["unknown-command"] == ("passed", "")


STOPPING = {
    "app.py": """\
        import sys

        from flask import Flask

        app = Flask(__name__)


        @app.route("/interrupt")
        def interrupt():
            raise KeyboardInterrupt


        @app.route("/generator-exit")
        def generator_exit():
            raise GeneratorExit


        @app.route("/exit")
        def leave():
            sys.exit(4)
    """
}

STOPPING_CHECKS = """\
import pytest


@pytest.mark.task("interrupt")
def test_interrupt(client):
    client.get("/interrupt")


@pytest.mark.task("generator-exit")
def test_generator_exit(client):
    client.get("/generator-exit")


@pytest.mark.task("exit")
def test_exit(client):
    client.get("/exit")
"""


def test_a_view_that_raises_what_stops_a_program_is_judged_alike_in_both_modes(
    tmp_path: Path,
) -> None:
    tasks = ("interrupt", "generator-exit", "exit")
    folder = exercise(tmp_path, "09", STOPPING, STOPPING_CHECKS, tasks=tasks)
    [result] = check(folder)
    mine = outcomes(result)
    assert mine == {
        "interrupt": (
            "crashed",
            "GET /interrupt raised KeyboardInterrupt, which stops the whole program: "
            "a web app must not raise it.",
        ),
        "generator-exit": (
            "crashed",
            "GET /generator-exit raised GeneratorExit, which stops the whole program: "
            "a web app must not raise it.",
        ),
        "exit": (
            "crashed",
            "GET /exit called exit(4), which stops the whole program: remove the call.",
        ),
    }
    assert graded(tmp_path, "09", tmp_path) == mine


LOGGING = {
    "app.py": """\
        import json
        import logging
        from logging.config import dictConfig

        from flask import Flask


        class JSONLines(logging.Formatter):
            def format(self, record):
                return json.dumps({"level": record.levelname, "message": record.getMessage()})


        # As Flask's docs have it: no disable_existing_loggers, so an app logger made by an
        # earlier import of this file would be turned off here.
        dictConfig({
            "version": 1,
            "formatters": {"json": {"()": JSONLines}},
            "handlers": {"out": {"class": "logging.StreamHandler", "formatter": "json"}},
            "root": {"level": "INFO", "handlers": ["out"]},
        })


        def create_app(test_config=None):
            app = Flask(__name__)

            @app.get("/")
            def home():
                app.logger.info("home for %s", "Zoë")
                logging.getLogger("app.quiet").debug("not emitted")
                return "ok"

            return app
    """
}

LOGGING_CHECKS = """\
import pytest
from checker.api import expect_equal


@pytest.mark.task("lines")
def test_records_carry_the_lines_the_apps_handlers_wrote(client):
    [entry] = client.get("/").logs
    expect_equal(
        [*entry[:3], list(entry.lines)],
        ["app", "INFO", "home for Zoë", ['{"level": "INFO", "message": "home for Zo\\\\u00eb"}']],
        "the record",
    )


@pytest.mark.task("reimport")
@pytest.mark.fresh_app
@pytest.mark.parametrize("round", [1, 2])
def test_each_import_meets_logging_as_a_new_process_would(client, round):
    expect_equal([entry.message for entry in client.get("/").logs], ["home for Zoë"], "records")
"""


def test_log_records_carry_their_lines_and_each_import_meets_fresh_logging(
    tmp_path: Path,
) -> None:
    import logging

    def setup() -> tuple[int, list[logging.Handler]]:
        mine = [h for h in logging.root.handlers if not type(h).__module__.startswith("_pytest")]
        return logging.root.level, mine

    before = setup()
    app_logger = logging.Logger.manager.loggerDict.get("app")  # an earlier test's, or none
    folder = exercise(
        tmp_path,
        "10",
        LOGGING,
        LOGGING_CHECKS,
        app="app:create_app",
        extra="factory = true\n",
        tasks=("lines", "reimport"),
    )
    [result] = check(folder)
    assert outcomes(result) == {"lines": ("passed", ""), "reimport": ("passed", "")}
    assert setup() == before, "logging was not put back"
    assert logging.Logger.manager.loggerDict.get("app") is app_logger
    found = graded(tmp_path, "10", tmp_path)
    assert {task: outcome for task, (outcome, _) in found.items()} == {
        "lines": "passed",
        "reimport": "passed",
    }
