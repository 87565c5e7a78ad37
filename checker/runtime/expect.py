"""Helpers for writing checks whose failures explain themselves."""

from __future__ import annotations

import json
from http import HTTPStatus
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from checker.runtime.client import Response
from checker.runtime.explain import explain_error
from checker.runtime.failures import CheckFailed

if TYPE_CHECKING:
    from bs4 import Tag

_STATUS_HELP = {
    400: "the app rejected the request as bad input",
    401: "the app asked the client to log in first (401 Unauthorized)",
    403: "the app refused the request (403 Forbidden)",
    404: "no route matches this URL: check the path in @app.route and any converter like <int:id>",
    405: "the route exists but does not accept this method: add it to methods=[...] in @app.route",
    415: "the view read a JSON body from a request that was not JSON, or the other way round",
}


def expect(condition: object, message: str, *, fix: str | None = None) -> None:
    """Fail with ``message`` (and ``fix``) unless ``condition`` is true."""
    if not condition:
        raise CheckFailed(message, fix=fix)


def expect_status(
    response: Response,
    expected: int,
    *,
    fixes: dict[int, str] | None = None,
    errors: dict[str, str] | None = None,
) -> None:
    """Fail unless the response has the ``expected`` status code.

    The fix is chosen from what happened: ``errors`` maps the type of an exception the learner's
    code raised (``"KeyError"``) to its fix; then ``fixes`` maps the status to one; otherwise
    ``explain_status`` says what the status means, from the evidence it has.
    """
    actual = response.status_code
    if actual == expected:
        return
    message = f"{response.request_line} answered {actual}, expected {expected}"
    if response.error is not None:
        message += f": the view raised {response.error.summary}"
    fix = None
    if response.error is not None and errors:
        fix = errors.get(response.error.error_type)
    fix = fix or (fixes or {}).get(actual) or explain_status(response)
    name = _phrase(actual) if actual < 200 or actual >= 400 else None
    if fix is None and response.error is None and name:
        # What it means, said in the message: passed off as a fix, it would be no fix at all.
        message += f' ({actual} is "{name}")'
    raise CheckFailed(message, expected=expected, actual=actual, fix=fix)


def explain_status(response: Response) -> str | None:
    """What a status means, for a learner, from what was seen: the status, the Location, the
    exception the view raised. None when nothing more can be said than the status itself."""
    status = response.status_code
    error = response.error
    if error is not None:
        return explain_error(error.error_type, error.error_text, error.location is not None)
    if not 100 <= status <= 599:
        return (
            f"{status} is not an HTTP status: statuses are whole numbers from 100 to 599. Flask "
            "sends 0 when the status in a view's return is not a number (a string like 'ok'), "
            "so check the second item of the tuple you return."
        )
    if status in _REDIRECTS:
        location = response.location or ""
        path = response.request_line.partition(" ")[2].partition("?")[0]
        if status == 308 and urlsplit(location).path == path + "/":
            return (
                f"the route is written with a slash at the end ('{path}/'), so Flask redirects "
                f"{path} there: write the route as '{path}', without the slash."
            )
        where = f" to {location}" if location else ""
        return f"the view answered with a redirect{where} instead of the page itself."
    if status == 500:
        return (
            "the app answered 500 without an exception reaching Flask: a view or an error "
            "handler returned it, or called abort(500)."
        )
    if status == 404 and response.rule is not None:
        return (
            f"the route {response.rule} matched, so the 404 came from the app itself: a view "
            "that called abort(404) (or get_or_404, first_or_404) or returned the status, or a "
            "request hook or error handler that did."
        )
    if status in _STATUS_HELP:
        return _STATUS_HELP[status]
    if (status < 200 or status >= 400) and _phrase(status) is None:
        return f"{status} is a status HTTP gives no name to; check the number in the return."
    return None  # its name, in the message, is all that can be said


def _phrase(status: int) -> str | None:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return None


def expect_json(response: Response, expected: Any, *, fix: str | None = None) -> None:
    """Fail unless the response body is JSON equal to ``expected``, type for type: ``true`` is not
    ``1``, and ``1`` is not ``1.0``."""
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
    difference = differs(actual, expected)
    if difference is not None:
        raise CheckFailed(
            f"{response.request_line} answered JSON {_short(actual)}, expected {_short(expected)}"
            + ("" if difference == "" else f": {difference}"),
            expected=expected,
            actual=actual,
            fix=fix,
        )


def expect_equal(actual: Any, expected: Any, what: str, *, fix: str | None = None) -> None:
    """Fail unless ``actual`` equals ``expected`` type for type; ``what`` names it in the message."""
    difference = differs(actual, expected, as_json=False)
    if difference is not None:
        message = f"{what} is {_short(actual)}, expected {_short(expected)}"
        raise CheckFailed(
            message + ("" if difference == "" else f": {difference}"),
            expected=expected,
            actual=actual,
            fix=fix,
        )


def differs(actual: Any, expected: Any, where: str = "", *, as_json: bool = True) -> str | None:
    """None when the two are equal type for type; else where and how they differ ("" when the
    whole value simply differs). Values are named as JSON writes them (``true``, ``null``), or,
    with ``as_json=False``, as Python does (``True``, ``None``)."""
    kind, shown = (_kind, _shown) if as_json else (_python_kind, repr)
    if kind(actual) != kind(expected):
        return (
            f"{where or 'the value'} is {shown(actual)} ({kind(actual)}), "
            f"not {shown(expected)} ({kind(expected)})"
        )
    if isinstance(expected, dict):
        missing = [key for key in expected if key not in actual]
        extra = [key for key in actual if key not in expected]
        if missing or extra:
            parts = []
            if missing:
                parts.append("no " + ", ".join(repr(key) for key in missing))
            if extra:
                parts.append("an unexpected " + ", ".join(repr(key) for key in extra))
            return f"{where or 'the object'} has " + " and ".join(parts)
        for key in expected:
            found = differs(actual[key], expected[key], f"{where}[{key!r}]", as_json=as_json)
            if found is not None:
                return (
                    found
                    or f"{where}[{key!r}] is {_short(actual[key])}, expected {_short(expected[key])}"
                )
        return None
    if isinstance(expected, (list, tuple)):
        if len(actual) != len(expected):
            return f"{where or 'the list'} has {len(actual)} items, expected {len(expected)}"
        for index, (got, wanted) in enumerate(zip(actual, expected, strict=False)):
            found = differs(got, wanted, f"{where}[{index}]", as_json=as_json)
            if found is not None:
                return found or f"{where}[{index}] is {_short(got)}, expected {_short(wanted)}"
        return None
    return None if actual == expected else ""


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int):
        return "a whole number"
    if isinstance(value, float):
        return "a decimal number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, (list, tuple)):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


def _python_kind(value: Any) -> str:
    if value is None:
        return "None"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, dict):
        return "a dict"
    return _kind(value)


def _shown(value: Any) -> str:
    """A value as JSON writes it: true, null, "text"."""
    try:
        return _clip(json.dumps(value, ensure_ascii=False))
    except (TypeError, ValueError):
        return _short(value)


def _clip(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[:limit] + "..."


_REDIRECTS = (301, 302, 303, 307, 308)


def expect_redirect(response: Response, to: str, *, fix: str | None = None) -> None:
    """Fail unless the response redirects (301, 302, 303, 307 or 308) to the path ``to``."""
    if response.status_code not in _REDIRECTS:
        message = (
            f"{response.request_line} answered {response.status_code}, expected a redirect to {to}"
        )
        if response.error is not None:
            message += f": the view raised {response.error.summary}"
        raise CheckFailed(message, expected=to, actual=response.status_code, fix=fix)
    location = response.location
    if not location:
        raise CheckFailed(
            f"{response.request_line} answered {response.status_code} without a Location header",
            expected=to,
            actual=None,
            fix=fix or "return redirect(url) so Flask sets the Location header",
        )
    parts = urlsplit(location)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    wanted = urlsplit(to)
    if path != wanted.path + (f"?{wanted.query}" if wanted.query else ""):
        raise CheckFailed(
            f"{response.request_line} redirected to {location}, expected {to}",
            expected=to,
            actual=location,
            fix=fix,
        )


def select(response: Response, css: str) -> list[Tag]:
    """The elements of the HTML body that match the CSS selector ``css``."""
    from bs4 import BeautifulSoup

    return list(BeautifulSoup(response.data, "html.parser").select(css))


def expect_element(
    response: Response,
    css: str,
    *,
    count: int | None = None,
    text: str | None = None,
    contains: str | None = None,
    fix: str | None = None,
) -> list[Tag]:
    """Fail unless the HTML body has elements matching ``css`` (exactly ``count`` of them, and
    one whose text is ``text`` or includes ``contains``, when given); return them."""
    found = select(response, css)
    if not found:
        raise CheckFailed(
            f"{response.request_line} answered a page with no element matching {css!r}"
            + _page(response),
            expected=css,
            actual=None,
            fix=fix,
        )
    if count is not None and len(found) != count:
        raise CheckFailed(
            f"{response.request_line} answered a page with {len(found)} elements matching "
            f"{css!r}, expected {count}",
            expected=count,
            actual=len(found),
            fix=fix,
        )
    texts = [element.get_text(" ", strip=True) for element in found]
    if text is not None and text not in texts:
        raise CheckFailed(
            f"{response.request_line}: no {css!r} element has the text {text!r}; "
            f"they have {_short(texts)}",
            expected=text,
            actual=texts,
            fix=fix,
        )
    if contains is not None and not any(contains in shown for shown in texts):
        raise CheckFailed(
            f"{response.request_line}: no {css!r} element contains {contains!r}; "
            f"they have {_short(texts)}",
            expected=contains,
            actual=texts,
            fix=fix,
        )
    return found


def _page(response: Response) -> str:
    if response.status_code != 200:
        return f" (status {response.status_code})"
    if not response.text.strip():
        return " (the body is empty)"
    return ""


def expect_template(
    response: Response, name: str, *, context: tuple[str, ...] = (), fix: str | None = None
) -> None:
    """Fail unless the app rendered the template ``name`` while serving the request, with (at
    least) the context variables ``context``."""
    rendered = [template for template in response.templates if template.name == name]
    if not rendered:
        names = [template.name for template in response.templates]
        got = f"rendered {', '.join(names)}" if names else "rendered no template"
        raise CheckFailed(
            f"{response.request_line} {got}, expected {name}",
            expected=name,
            actual=names,
            fix=fix or (None if names else f"return render_template({name!r}, ...)"),
        )
    missing = [key for key in context if not any(key in t.context for t in rendered)]
    if missing:
        raise CheckFailed(
            f"{response.request_line} rendered {name} without "
            + ", ".join(repr(key) for key in missing)
            + " in its context",
            expected=context,
            actual=rendered[0].context,
            fix=fix
            or f"pass it to the template: render_template({name!r}, "
            + ", ".join(f"{key}=..." for key in missing)
            + ")",
        )


def expect_flash(
    response: Response,
    message: str | None = None,
    *,
    category: str | None = None,
    contains: bool = False,
    fix: str | None = None,
) -> None:
    """Fail unless the view called ``flash()`` with ``message`` (and ``category``, if given)."""
    for got_category, got_message in response.flashes:
        text_ok = message is None or (
            message in got_message if contains else got_message == message
        )
        if text_ok and (category is None or got_category == category):
            return
    wanted = "a flashed message" if message is None else f"the flashed message {message!r}"
    if category is not None:
        wanted += f" in category {category!r}"
    got = (
        "flashed " + ", ".join(f"{m!r} ({c})" for c, m in response.flashes)
        if response.flashes
        else "flashed nothing"
    )
    raise CheckFailed(
        f"{response.request_line} {got}, expected {wanted}",
        expected=message,
        actual=response.flashes,
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


def expect_log(
    response: Response,
    message: str,
    *,
    level: str | None = None,
    logger: str | None = None,
    contains: bool = False,
    fix: str | None = None,
) -> None:
    """Fail unless a log record with ``message`` (at ``level``, from ``logger``, when given) was
    emitted while the app served the request."""
    for entry in response.logs:
        text_ok = message in entry.message if contains else entry.message == message
        if (
            text_ok
            and (level is None or entry.level == level.upper())
            and (logger is None or entry.logger == logger)
        ):
            return
    wanted = f"a log record {'containing' if contains else 'saying'} {message!r}"
    if level is not None:
        wanted += f" at {level.upper()}"
    if logger is not None:
        wanted += f" from logger {logger!r}"
    got = (
        "logged " + "; ".join(f"{e.level} {e.logger}: {e.message!r}" for e in response.logs[:5])
        if response.logs
        else "logged nothing (records below a logger's level are not emitted)"
    )
    raise CheckFailed(
        f"{response.request_line} {got}, expected {wanted}",
        expected=message,
        actual=[tuple(entry) for entry in response.logs],
        fix=fix,
    )


def expect_cookie(
    response: Response,
    name: str,
    value: str | None = None,
    *,
    httponly: bool | None = None,
    secure: bool | None = None,
    fix: str | None = None,
) -> None:
    """Fail unless the response set the cookie ``name`` (to ``value``, with the flags, if given)."""
    attributes = response.cookie(name)
    if attributes is None:
        shown = ", ".join(response.cookies) or "none"
        raise CheckFailed(
            f"{response.request_line} set no {name!r} cookie (cookies set: {shown})",
            expected=name,
            actual=list(response.cookies),
            fix=fix or f"response.set_cookie({name!r}, ...) sets it",
        )
    actual = response.cookies[name]
    if value is not None and actual != value:
        raise CheckFailed(
            f"{response.request_line} set the cookie {name!r} to {actual!r}, expected {value!r}",
            expected=value,
            actual=actual,
            fix=fix,
        )
    for flag, wanted in (("httponly", httponly), ("secure", secure)):
        if wanted is not None and (flag in attributes) != wanted:
            state = "without" if wanted else "with"
            raise CheckFailed(
                f"{response.request_line} set the cookie {name!r} {state} the {flag.capitalize()} flag",
                expected=wanted,
                actual=flag in attributes,
                fix=fix or f"response.set_cookie({name!r}, ..., {flag}={wanted})",
            )
