"""Checks for module 01: Hello, Flask."""

import ast
import json

import pytest

from checker.api import expect, expect_json, expect_status, expect_text

GREETING = "Hello, World!"
ABOUT_SENTENCE = "This site is built with Flask."
STATUS = {"status": "ok"}
INFO = {"name": "hello", "version": 1, "ready": True}

NO_RETURN = (
    "if the error says the view did not return a valid response, the function ended without"
    " `return`: print() only writes to the terminal, `return` is what sends the page."
)
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
    if isinstance(value, (int, float)):
        return "a number"
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
            else:
                how = f"write {wanted!r} without quotes in Python"
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
    expect_status(response, 200, fixes={404: no_route(path), 500: NO_RETURN})
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
    expect_status(response, 200, fixes={404: no_route("/"), 500: NO_RETURN})
    expect_text(response, GREETING, fix=greeting_fix(response.text))


# about


@pytest.mark.task("about")
def test_about_page_says_what_the_site_is(client):
    response = client.get("/about")
    expect_status(response, 200, fixes={404: no_route("/about"), 500: NO_RETURN})
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


# run-guard: a static check, because running `python app.py` would start a real server.


def app_names(tree):
    """The names the module binds to Flask(...), plus 'app'."""
    names = {"app"}
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Call):
            func = node.value.func
            if isinstance(func, ast.Name) and func.id == "Flask":
                names.update(target.id for target in node.targets if isinstance(target, ast.Name))
    return names


def is_run_call(node, names):
    """Whether ``node`` is a call like app.run(...)."""
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "run"
        and isinstance(node.func.value, ast.Name)
        and node.func.value.id in names
    )


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


def runs_the_server(nodes, names, functions):
    """Whether these statements call app.run(), directly or through a function of the module."""
    for statement in nodes:
        for node in ast.walk(statement):
            if is_run_call(node, names):
                return True
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
                if node.func.id in functions:
                    return True
    return False


def run_calls_at_import(nodes, names):
    """Line numbers of app.run() calls that run on import (not in a def or an `if __name__`)."""
    lines = []
    for node in nodes:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
            continue
        if isinstance(node, ast.If) and name_test(node) is not None:
            lines += run_calls_at_import(node.orelse, names)  # the body is guarded
            continue
        if is_run_call(node, names):
            lines.append(node.lineno)
        lines += run_calls_at_import(ast.iter_child_nodes(node), names)
    return lines


@pytest.mark.task("run-guard")
def test_app_run_only_when_run_directly(submission):
    source = submission["app.py"]
    try:
        tree = ast.parse(source)
    except SyntaxError as error:
        expect(
            False,
            f"app.py is not valid Python (line {error.lineno}: {error.msg})",
            fix="correct the syntax first.",
        )
    names = app_names(tree)
    at_import = run_calls_at_import(tree.body, names)
    expect(
        not at_import,
        f"app.py calls app.run() on line {at_import[0] if at_import else 0}, outside"
        ' `if __name__ == "__main__":`. Importing app.py (as `flask run` and the checks do)'
        " would start the development server, which waits for requests forever.",
        fix=f"move the call into a block at the end of the file:\n{RUN_GUARD}",
    )
    functions = {
        node.name
        for node in tree.body
        if isinstance(node, ast.FunctionDef) and runs_the_server(node.body, names, set())
    }
    guards = [
        node for node in tree.body if isinstance(node, ast.If) and name_test(node) is not None
    ]
    for guard in guards:
        compared = name_test(guard)
        expect(
            compared == "__main__",
            f"the `if` on line {guard.lineno} compares __name__ with {compared!r}, but"
            " `python app.py` sets __name__ to '__main__' (two underscores on each side),"
            " so app.run() would never run.",
            fix='write the line as: if __name__ == "__main__":',
        )
    expect(
        any(runs_the_server(guard.body, names, functions) for guard in guards),
        'app.py has no `if __name__ == "__main__":` block that calls app.run(), so'
        " `python app.py` would create the app and exit without starting a server.",
        fix=f"add at the end of app.py:\n{RUN_GUARD}",
    )
