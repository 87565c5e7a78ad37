"""Checks for module 01: Hello, Flask."""

import ast
import json

import pytest

from checker.api import expect, expect_json, expect_status, expect_text

GREETING = "Hello, World!"
ABOUT_SENTENCE = "This site is built with Flask."
STATUS = {"status": "ok"}
INFO = {"name": "hello", "version": 1, "ready": True}

RUN_GUARD = 'if __name__ == "__main__":\n    app.run(debug=True)'


def no_route(path):
    """The fix for a 404: the route is missing or its path is spelled differently."""
    return (
        f"there is no route for {path}: put @app.route({path!r}) on the line above a view"
        " function, and check the path letter by letter."
    )


def only_letters(text):
    return "".join(char for char in text.lower() if char.isalnum())


def greeting_fix(text):
    """Why a greeting that is not exactly "Hello, World!" is wrong, in the learner's terms."""
    if text.strip() == GREETING:
        return (
            "remove the spaces or line breaks around the text: it must be exactly 'Hello, World!'."
        )
    if only_letters(text) == only_letters(GREETING):
        return (
            "the words are right but the capitals or the punctuation differ: return exactly"
            " 'Hello, World!' with a capital H and W, a comma and an exclamation mark."
        )
    return "make the view for '/' return the string 'Hello, World!'."


def kind(value):
    """What a JSON value is, in a beginner's words."""
    if isinstance(value, bool):
        return "a boolean, true or false"
    if isinstance(value, int):
        return "a whole number"
    if isinstance(value, float):
        return "a decimal number"
    if isinstance(value, str):
        return "text"
    if value is None:
        return "null"
    if isinstance(value, list):
        return "a list"
    return "an object"


def json_fix(actual, expected):
    """Name the first difference between two JSON objects, and how to mend it."""
    if not isinstance(actual, dict):
        return f"return a dict like {json.dumps(expected)}, not {kind(actual)}."
    keys = ", ".join(map(repr, expected))
    missing = [key for key in expected if key not in actual]
    if missing:
        return f"add the key {missing[0]!r}; the dict needs exactly the keys {keys}."
    extra = [key for key in actual if key not in expected]
    if extra:
        return f"remove the key {extra[0]!r}; the dict needs exactly the keys {keys}."
    for key, wanted in expected.items():
        got = actual[key]
        if kind(got) != kind(wanted):
            if isinstance(wanted, str):
                how = f"write it in quotes: {wanted!r}"
            elif isinstance(got, str):
                how = f"write {wanted!r} without quotes in Python"
            elif isinstance(wanted, int) and isinstance(got, float):
                how = f"write {wanted!r}, without a decimal point"
            else:
                how = f"write {wanted!r} in Python"
            return (
                f"{key!r} is {json.dumps(got)} ({kind(got)}) but should be"
                f" {json.dumps(wanted)} ({kind(wanted)}): {how}."
            )
        if got != wanted:
            return f"{key!r} is {json.dumps(got)} but should be {json.dumps(wanted)}."
    return None


def not_json_fix(text, expected):
    """Why a body is not JSON: usually a string that only looks like JSON."""
    try:
        json.loads(text)
    except ValueError:
        return f"return the dict itself: return {expected!r}. Flask turns a dict into JSON."
    return (
        "the body looks like JSON, but the view returned it as a string, and Flask sends every"
        " string as text/html. Return the dict itself, without quotes around the braces:"
        f" return {expected!r}."
    )


def expect_json_route(client, path, expected):
    """GET ``path`` and expect exactly the JSON ``expected``, sent as application/json."""
    response = client.get(path)
    expect_status(response, 200, fixes={404: no_route(path)})
    expect(
        response.mimetype == "application/json",
        f"GET {path} answered {response.text!r} as {response.mimetype or 'no content type'},"
        f" expected JSON {json.dumps(expected)} as application/json",
        fix=not_json_fix(response.text, expected),
    )
    expect_json(response, expected, fix=json_fix(response.get_json(), expected))


# hello


@pytest.mark.task("hello")
def test_home_page_says_hello(client):
    response = client.get("/")
    expect_status(response, 200, fixes={404: no_route("/")})
    expect_text(response, GREETING, fix=greeting_fix(response.text))


# about


@pytest.mark.task("about")
def test_about_page_says_what_the_site_is(client):
    response = client.get("/about")
    expect_status(response, 200, fixes={404: no_route("/about")})
    expect_text(
        response,
        ABOUT_SENTENCE,
        contains=True,
        fix=f"include the sentence {ABOUT_SENTENCE!r} exactly as written, full stop included.",
    )


# status-json


@pytest.mark.task("status-json")
def test_status_answers_json(client):
    expect_json_route(client, "/api/status", STATUS)


# info-json


@pytest.mark.task("info-json")
def test_info_answers_json(client):
    expect_json_route(client, "/api/info", INFO)


# run-guard: app.py is run again, as `python app.py` runs it and as an import, with the
# development server replaced by a stand-in that notes what it would have served.


def run_app_file(module, as_main):
    """Run the learner's app.py afresh, as ``__main__`` or under its module name, with
    werkzeug's run_simple (what app.run() starts) replaced; return each would-be start."""
    import contextlib
    import io
    import os
    import runpy
    import traceback

    import werkzeug.serving
    from flask import Flask

    path = module.__file__
    started = []

    def stand_in(hostname, port, application, **options):
        lines = [frame.lineno for frame in traceback.extract_stack() if frame.filename == path]
        started.append(
            {
                "app": id(application),
                "rules": sorted(rule.rule for rule in application.url_map.iter_rules()),
                "debug": bool(application.debug),
                "lines": lines,
            }
        )

    real = werkzeug.serving.run_simple
    from_cli = os.environ.pop("FLASK_RUN_FROM_CLI", None)
    werkzeug.serving.run_simple = stand_in
    try:
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            space = runpy.run_path(path, run_name="__main__" if as_main else module.__name__)
    finally:
        werkzeug.serving.run_simple = real
        if from_cli is not None:
            os.environ["FLASK_RUN_FROM_CLI"] = from_cli
    apps = {id(value): value for value in space.values() if isinstance(value, Flask)}
    for start in started:
        app = apps.get(start.pop("app"))
        final = app.url_map.iter_rules() if app is not None else ()
        start["rules_at_end"] = sorted(rule.rule for rule in final) or start["rules"]
    return started


def name_test(node):
    """For `if __name__ == "...":`, the string compared with __name__; otherwise None."""
    test = node.test
    if not (
        isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.ops[0], ast.Eq)
    ):
        return None
    sides = [test.left, test.comparators[0]]
    if not any(isinstance(side, ast.Name) and side.id == "__name__" for side in sides):
        return None
    for side in sides:
        if isinstance(side, ast.Constant) and isinstance(side.value, str):
            return side.value
    return None


def guards_of(submission):
    """(line, the string compared with __name__) for each top-level `if __name__ == ...`."""
    try:
        tree = ast.parse(submission["app.py"])
    except SyntaxError:
        return []
    return [
        (node.lineno, name_test(node))
        for node in tree.body
        if isinstance(node, ast.If) and name_test(node) is not None
    ]


def where(start):
    """"on line 12" (and "called from line 30" when the call began elsewhere), from a start."""
    lines = start["lines"]
    if not lines:
        return ""
    text = f" on line {lines[-1]}"
    return text + (f", called from line {lines[0]}" if lines[0] != lines[-1] else "")


@pytest.mark.task("run-guard")
def test_importing_app_py_starts_no_server(probe):
    started = probe.module(run_app_file, False)
    expect(
        not started,
        "importing app.py (as `flask run` and the checks do) called app.run()"
        + (where(started[0]) if started else "")
        + ": it would start the development server, which waits for requests forever.",
        fix=f"call app.run() only inside a block at the end of the file:\n{RUN_GUARD}",
    )


@pytest.mark.task("run-guard")
def test_python_app_py_serves_every_route(probe, submission):
    started = probe.module(run_app_file, True)
    if not started:
        wrong = [(line, text) for line, text in guards_of(submission) if text != "__main__"]
        if wrong:
            line, text = wrong[0]
            expect(
                False,
                f"`python app.py` never calls app.run(): the `if` on line {line} compares"
                f" __name__ with {text!r}, but `python app.py` sets __name__ to '__main__'"
                " (two underscores on each side).",
                fix='write the line as: if __name__ == "__main__":',
            )
        expect(
            False,
            "`python app.py` would create the app and exit without starting the server:"
            " nothing calls app.run() when the file is run.",
            fix=f"add at the end of app.py:\n{RUN_GUARD}",
        )
    start = started[0]
    missing = [rule for rule in start["rules_at_end"] if rule not in start["rules"]]
    expect(
        not missing,
        f"`python app.py` calls app.run(){where(start)} before the routes "
        + ", ".join(missing)
        + " exist, so the server it starts answers 404 for them: the lines below the call run"
        " only after the server stops.",
        fix="move the `if __name__ == \"__main__\":` block to the very end of app.py.",
    )
    expect(
        start["debug"],
        f"`python app.py` calls app.run(){where(start)} without debug mode.",
        fix="start it with app.run(debug=True).",
    )
