"""Helpers for writing checks whose failures explain themselves."""

from __future__ import annotations

from typing import Any

from checker.client import Response
from checker.failures import CheckFailed

_STATUS_HELP = {
    400: "the app rejected the request as bad input",
    404: "no route matches this URL: check the path in @app.route and any converter like <int:id>",
    405: "the route exists but does not accept this method: add it to methods=[...] in @app.route",
    415: "the view read a JSON body from a request that was not JSON, or the other way round",
    500: "the view raised an exception",
}


def expect(condition: object, message: str, *, fix: str | None = None) -> None:
    """Fail with ``message`` (and ``fix``) unless ``condition`` is true."""
    if not condition:
        raise CheckFailed(message, fix=fix)


def expect_status(
    response: Response, expected: int, *, fixes: dict[int, str] | None = None
) -> None:
    """Fail unless the response has the ``expected`` status code."""
    actual = response.status_code
    if actual == expected:
        return
    message = f"{response.request_line} answered {actual}, expected {expected}"
    if response.error is not None:
        message += f": the view raised {response.error.summary}"
    fix = (fixes or {}).get(actual) or _STATUS_HELP.get(actual)
    if response.error is not None and actual == 500 and not (fixes or {}).get(500):
        fix = None
    raise CheckFailed(message, expected=expected, actual=actual, fix=fix)


def expect_json(response: Response, expected: Any, *, fix: str | None = None) -> None:
    """Fail unless the response body is JSON equal to ``expected``."""
    actual = response.get_json()
    if actual is None:
        body = _preview(response.text)
        raise CheckFailed(
            f"{response.request_line} answered {response.mimetype or 'no content type'} "
            f"{body}, expected JSON {_short(expected)}",
            expected=expected,
            actual=response.text,
            fix=fix or "return a dict (or jsonify(...)) so Flask sends application/json",
        )
    if actual != expected:
        raise CheckFailed(
            f"{response.request_line} answered JSON {_short(actual)}, expected {_short(expected)}",
            expected=expected,
            actual=actual,
            fix=fix,
        )


def expect_text(
    response: Response, expected: str, *, fix: str | None = None, contains: bool = False
) -> None:
    """Fail unless the body is ``expected`` (or, with ``contains``, includes it)."""
    actual = response.text
    ok = expected in actual if contains else actual == expected
    if not ok:
        wanted = f"text containing {expected!r}" if contains else repr(expected)
        raise CheckFailed(
            f"{response.request_line} answered {_preview(actual)}, expected {wanted}",
            expected=expected,
            actual=actual,
            fix=fix,
        )


def expect_header(
    response: Response, name: str, expected: str | None = None, *, fix: str | None = None
) -> None:
    """Fail unless the response has header ``name`` (equal to ``expected``, if given)."""
    actual = response.headers.get(name)
    if actual is None:
        raise CheckFailed(
            f"{response.request_line} answered without a {name} header",
            expected=expected,
            actual=None,
            fix=fix,
        )
    if expected is not None and actual != expected:
        raise CheckFailed(
            f"{response.request_line} answered {name}: {actual!r}, expected {expected!r}",
            expected=expected,
            actual=actual,
            fix=fix,
        )


def _preview(text: str, limit: int = 80) -> str:
    if not text:
        return "an empty body"
    return repr(text if len(text) <= limit else text[:limit] + "...")


def _short(value: Any, limit: int = 120) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[:limit] + "..."
