"""The expectations checks use: each passes what is right and explains what is not."""

from __future__ import annotations

import re
from typing import Any

import pytest
from werkzeug.datastructures import Headers

from checker.api import (
    CheckFailed,
    LogEntry,
    Rendered,
    Response,
    differs,
    expect_cookie,
    expect_element,
    expect_equal,
    expect_flash,
    expect_json,
    expect_log,
    expect_redirect,
    expect_template,
)


def response(
    body: str = "", status: int = 200, headers: Headers | None = None, **extra: object
) -> Response:
    return Response(
        "GET /page",
        status,
        headers or Headers({"Content-Type": "text/html"}),
        body.encode(),
        **extra,
    )  # type: ignore[arg-type]


def fails(text: str) -> Any:
    """Expect a CheckFailed whose message holds ``text`` as it is."""
    return pytest.raises(CheckFailed, match=re.escape(text))


def message(failing: object) -> str:
    assert isinstance(failing, CheckFailed)
    return failing.show()


@pytest.mark.parametrize(
    ("actual", "expected", "said"),
    [
        (1, True, "the value is 1 (a whole number), not true (a boolean)"),
        ({"v": 1.0}, {"v": 1}, "['v'] is 1.0 (a decimal number), not 1 (a whole number)"),
        ({"v": "5"}, {"v": 5}, "['v'] is \"5\" (text), not 5 (a whole number)"),
        ([1, 2], [1, 2, 3], "the list has 2 items, expected 3"),
        ({"a": 1}, {"a": 1, "b": 2}, "the object has no 'b'"),
        (
            {"a": [{"b": None}]},
            {"a": [{"b": False}]},
            "['a'][0]['b'] is null (null), not false (a boolean)",
        ),
    ],
)
def test_differs_names_where_and_how_typed_values_differ(actual, expected, said):
    assert differs(actual, expected) == said
    assert differs(expected, expected) is None


def test_expect_json_and_expect_equal_are_typed():
    ok = Response("GET /s", 200, Headers({"Content-Type": "application/json"}), b'{"ready": true}')
    expect_json(ok, {"ready": True})
    with pytest.raises(CheckFailed) as failing:
        expect_json(ok, {"ready": 1})
    assert "['ready'] is true (a boolean), not 1 (a whole number)" in message(failing.value)
    with fails(
        "config['DEBUG'] is 0, expected False: the value is 0 (a whole number), not False (a boolean)"
    ):
        expect_equal(0, False, "config['DEBUG']")
    with fails("the value is None (None), not 'k' (a string)"):
        expect_equal(None, "k", "config['SECRET_KEY']")


def test_expect_redirect_compares_the_path_on_any_host():
    moved = response(status=302, headers=Headers({"Location": "https://shop.example/books/2?x=1"}))
    expect_redirect(moved, "/books/2?x=1")
    with fails("redirected to https://shop.example/books/2?x=1, expected /books/3"):
        expect_redirect(moved, "/books/3")
    with fails("answered 200, expected a redirect to /"):
        expect_redirect(response(), "/")


def test_expect_element_queries_html_with_css():
    page = response(
        "<main><h1> Emma </h1><ul class='books'><li>A</li><li>B &amp; C</li></ul></main>"
    )
    assert len(expect_element(page, "ul.books > li", count=2, text="B & C")) == 2
    with fails("no element matching 'ol'"):
        expect_element(page, "ol")
    with fails("2 elements matching 'li', expected 3"):
        expect_element(page, "li", count=3)
    with fails("no 'h1' element contains 'Dune'"):
        expect_element(page, "h1", contains="Dune")


def test_template_flash_log_and_cookie_expectations():
    served = response(
        headers=Headers(
            [("Set-Cookie", "theme=dark; Path=/; HttpOnly"), ("Set-Cookie", "seen=1; Path=/")]
        ),
        templates=(Rendered("book.html", ("book", "g", "request")),),
        flashes=(("info", "Saved!"),),
        logs=(LogEntry("shop", "WARNING", "low stock: 2"),),
    )
    expect_template(served, "book.html", context=("book",))
    expect_flash(served, "Saved!", category="info")
    expect_log(served, "low stock", level="warning", contains=True)
    expect_cookie(served, "theme", "dark", httponly=True)
    with fails("without 'reviews' in its context"):
        expect_template(served, "book.html", context=("reviews",))
    with fails("rendered book.html, expected list.html"):
        expect_template(served, "list.html")
    with fails("flashed 'Saved!' (info), expected the flashed message 'Gone'"):
        expect_flash(served, "Gone")
    with pytest.raises(
        CheckFailed,
        match="logged WARNING shop: 'low stock: 2', expected a log record saying 'sold'",
    ):
        expect_log(served, "sold")
    with fails("set the cookie 'seen' without the Httponly flag"):
        expect_cookie(served, "seen", httponly=True)
    with fails("set no 'session' cookie (cookies set: theme, seen)"):
        expect_cookie(served, "session")


def raised(kind: str, text: str, in_learner_code: bool = True) -> Any:
    from checker.runtime.failures import Location, Raised

    where = Location("app.py", 12, "return x") if in_learner_code else None
    return Raised(kind, text, where)


NONE = (
    "The view function for 'hello' did not return a valid response. The function either "
    "returned None or ended without a return statement."
)
SET = (
    "The view function did not return a valid response. The return type must be a string, "
    "dict, list, tuple with headers or status, Response instance, or WSGI callable, but it was "
    "a set."
)

TAKES_NOTHING = "create_app.<locals>.log_request() takes 0 positional arguments but 1 was given"
ENDPOINT_TAKEN = "View function mapping is overwriting an existing endpoint function: wrapper"


@pytest.mark.parametrize(
    ("status", "extra", "said"),
    [
        (308, {"headers": Headers({"Location": "/page/"})}, "written with a slash at the end"),
        (302, {"headers": Headers({"Location": "/elsewhere"})}, "a redirect to /elsewhere"),
        (0, {}, "0 is not an HTTP status"),
        (999, {}, "999 is not an HTTP status"),
        (404, {}, "no route matches this URL"),
        (404, {"rule": "/books/<int:book_id>"}, "the route /books/<int:book_id> matched"),
        (500, {}, "without an exception reaching Flask"),
        (500, {"error": raised("TypeError", NONE)}, "the view returned None"),
        (500, {"error": raised("TypeError", SET)}, "the view returned a set"),
        (500, {"error": raised("NameError", "name 'abort' is not defined")}, "from flask import"),
        (500, {"error": raised("NameError", "name 'totl' is not defined")}, "its spelling"),
        (
            500,
            {"error": raised("AttributeError", "'float' object has no attribute 'strip'", False)},
            "not a whole number or a string",
        ),
        (
            500,
            {"error": raised("TypeError", "'NoneType' object is not callable", False)},
            "an after_request function returned None",
        ),
        (500, {"error": raised("TypeError", TAKES_NOTHING, False)}, "def log_request(error=None)"),
    ],
)
def test_a_status_is_explained_from_what_was_seen(status, extra, said):
    from checker.api import explain_status

    explained = explain_status(response(status=status, **extra))
    assert explained is not None and said in explained


def test_a_status_with_nothing_more_to_say_is_named_in_the_message_not_the_fix():
    from checker.api import expect_status, explain_status

    for status, name in ((409, '409 is "Conflict"'), (422, '422 is "Unprocessable')):
        seen = response(status=status)
        assert explain_status(seen) is None
        with pytest.raises(CheckFailed) as failing:
            expect_status(seen, 201)
        assert failing.value.fix is None
        assert f"answered {status}, expected 201 ({name}" in message(failing.value)
    with pytest.raises(CheckFailed) as failing:
        expect_status(response(status=200), 201)
    assert message(failing.value) == "GET /page answered 200, expected 201"  # a success: no name


def test_the_same_exception_in_learner_code_gets_no_flask_explanation():
    from checker.api import explain_status

    for text in ["'NoneType' object is not callable", TAKES_NOTHING]:
        assert explain_status(response(status=500, error=raised("TypeError", text))) is None


def test_an_error_loading_the_app_is_explained_like_one_in_a_view():
    from checker.runtime.happened import judge

    outcome, said = judge("calling create_app()", raised("AssertionError", ENDPOINT_TAKEN))
    assert outcome.value == "error"
    assert said.startswith(f"calling create_app() raised AssertionError: {ENDPOINT_TAKEN}")
    assert "\nFix: two views got the same endpoint name, 'wrapper'" in said
    assert "@functools.wraps(view)" in said
    _, said = judge("importing app.py", raised("KeyError", "'b'"))
    assert "Fix:" not in said


def test_an_exception_nothing_is_known_about_gets_no_guess():
    from checker.api import expect_status, explain_status

    seen = response(status=500, error=raised("KeyError", "'b'"))
    assert explain_status(seen) is None
    with pytest.raises(CheckFailed) as failing:
        expect_status(seen, 200, fixes={404: "add the route"})
    assert failing.value.fix is None and "KeyError: 'b'" in message(failing.value)


def test_a_fix_is_chosen_by_the_exception_before_the_status():
    from checker.api import expect_status

    seen = response(status=500, error=raised("KeyError", "'b'"))
    with pytest.raises(CheckFailed) as failing:
        expect_status(seen, 400, fixes={500: "by status"}, errors={"KeyError": "by exception"})
    assert failing.value.fix == "by exception"
    with pytest.raises(CheckFailed) as failing:
        expect_status(seen, 400, fixes={500: "by status"}, errors={"TypeError": "not this"})
    assert failing.value.fix == "by status"
