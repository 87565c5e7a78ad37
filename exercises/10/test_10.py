"""Checks for module 10: Errors and logging.

Most checks send requests and read the answers and the log records your app emitted while it
served them: each record's logger, level and message, and the lines your own handlers wrote for
it (`response.logs`). A few checks first run a probe, a function below that adds a view of the
check's own to an app made by your create_app(); the verdict is made here.
"""

import json
import re
import sys

import pytest

from checker.api import (
    expect,
    expect_element,
    expect_equal,
    expect_json,
    expect_status,
)

BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}
API = {"Accept": "application/json"}
FLASK_DEFAULT_LINE = re.compile(r"^\[[^\]]+\] [A-Z]+ in [\w.]+: ")
LINES_FIX = (
    "configure logging with dictConfig at the top of app.py: a logging.StreamHandler on the "
    "root logger, writing to ext://sys.stderr, with a formatter that turns each record into JSON"
)


# Probes: they run beside the learner's app and return plain data.


def serve_failing_views(app, message):
    """Views of the check's own that raise LookupError(message), at /api/_workbook/fails and
    /_workbook/fails. Whether the exception reaches a test client with the app as the factory
    made it; then, with PROPAGATE_EXCEPTIONS False, what each view answers."""

    def fails():
        raise LookupError(message)

    app.add_url_rule("/api/_workbook/fails", "_workbook_api_fails", fails)
    app.add_url_rule("/_workbook/fails", "_workbook_page_fails", fails)
    client = app.test_client()
    found = {
        "testing": app.config.get("TESTING"),
        "propagate": app.config.get("PROPAGATE_EXCEPTIONS"),
    }
    try:
        answer = client.get("/api/_workbook/fails", headers={"Accept": "application/json"})
    except LookupError:
        found["reached_the_test"], found["status"] = True, None
    else:
        found["reached_the_test"], found["status"] = False, answer.status_code

    app.config["PROPAGATE_EXCEPTIONS"] = False
    for name, path, accept in [
        ("api", "/api/_workbook/fails", "application/json"),
        ("page", "/_workbook/fails", "text/html,*/*;q=0.8"),
    ]:
        answer = client.get(path, headers={"Accept": accept})
        found[name] = {
            "status": answer.status_code,
            "mimetype": answer.mimetype,
            "text": answer.get_data(as_text=True),
            "json": answer.get_json(silent=True),
        }
    return found


def add_a_view_that_logs_an_exception(app, message):
    """A view of the check's own, at /api/_workbook/logs-an-exception, that catches
    LookupError(message) and logs it with app.logger.exception, then answers 200."""

    def logs_an_exception():
        try:
            raise LookupError(message)
        except LookupError:
            app.logger.exception("the check's view caught an exception")
        return {"logged": True}

    app.add_url_rule("/api/_workbook/logs-an-exception", "_workbook_logs", logs_an_exception)


def add_api_error_views(app, cases):
    """A view of the check's own for each case, at /api/_workbook/api-error/<n>, raising the
    learner's APIError(status, message, payload), or APIError(status, message) when payload is
    None. Reports what the learner's module has, and any error making the exceptions."""
    module = sys.modules[app.import_name]
    error_class = getattr(module, "APIError", None)
    if not isinstance(error_class, type):
        return {"problem": "app.py has no class APIError"}
    if not issubclass(error_class, Exception):
        return {"problem": "APIError is not an exception (make it a subclass of Exception)"}
    for number, (status, message, payload) in enumerate(cases):
        try:
            if payload is None:
                made = error_class(status, message)
            else:
                made = error_class(status, message, payload)
        except Exception as error:
            shown = "" if payload is None else f", {payload!r}"
            return {
                "problem": f"APIError({status}, {message!r}{shown}) raised "
                f"{type(error).__name__}: {error}"
            }

        def raises(made=made):
            raise made

        app.add_url_rule(
            f"/api/_workbook/api-error/{number}", f"_workbook_api_error_{number}", raises
        )
    return {"problem": None}


def logging_setup(app):
    """The app logger's state and the handlers a record of it passes through."""
    import logging

    from flask.logging import default_handler

    def describe(handler):
        stream = getattr(handler, "stream", None)
        if stream is sys.stderr or stream is sys.__stderr__:
            where = "stderr"
        elif stream is sys.stdout or stream is sys.__stdout__:
            where = "stdout"
        elif stream is None:
            where = None
        else:
            where = type(stream).__name__ if hasattr(stream, "write") else repr(stream)
        return {"class": type(handler).__name__, "stream": where}

    handlers = []
    logger = app.logger
    while logger is not None:
        handlers += [
            describe(h)
            for h in logger.handlers
            if h is not default_handler
            and not type(h).__module__.startswith(("_pytest", "checker"))
        ]
        logger = logger.parent if logger.propagate else None
    return {
        "disabled": app.logger.disabled,
        "level": logging.getLevelName(app.logger.getEffectiveLevel()),
        "default_handler": default_handler in app.logger.handlers,
        "handlers": handlers,
    }


# Helpers the checks share.


def book_ids(client):
    """The ids GET /api/books lists (the catalog of the starter, unless you changed it)."""
    response = client.get("/api/books", headers=API)
    expect_status(response, 200)
    listed = response.get_json()
    expect(
        isinstance(listed, list)
        and listed
        and all(isinstance(b, dict) and "id" in b for b in listed),
        f"GET /api/books answered {response.text[:200]!r}, expected the list of books",
    )
    return [book["id"] for book in listed]


def records(response, logger=None, message=None):
    """The records of ``response`` (from ``logger``, saying ``message``, when given)."""
    return [
        entry
        for entry in response.logs
        if (logger is None or entry.logger == logger)
        and (message is None or entry.message == message)
    ]


def no_record_fix(probe, level="INFO"):
    """Why a record at ``level`` the app should have logged is missing, from how its logger is
    set up; None when the set-up lets it through (then it was not logged)."""
    setup = probe(logging_setup)
    if setup["disabled"]:
        return (
            "the app's logger is disabled: dictConfig turns off the loggers that already exist "
            "when it runs, so call it at the top of app.py, before create_app, and give it "
            "'disable_existing_loggers': False"
        )
    order = ["NOTSET", "DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"]
    if setup["level"] in order and order.index(setup["level"]) > order.index(level):
        if not setup["handlers"]:
            return (
                f"the app's logger lets only {setup['level']} and above through, as it does "
                f"when nothing configures logging: {LINES_FIX}, at level INFO"
            )
        return (
            f"the app's logger lets only {setup['level']} and above through: give the root "
            "logger 'level': 'INFO' in dictConfig"
        )
    return None


def the_record(response, probe, logger, message, level="INFO"):
    found = records(response, logger, message)
    expect(
        found,
        f"{response.request_line} logged no record {message!r} from logger {logger!r}"
        + (
            ": it logged "
            + "; ".join(f"{e.level} {e.logger}: {e.message!r}" for e in response.logs[:4])
            if response.logs
            else ""
        ),
        fix=no_record_fix(probe, level),
    )
    return found[0]


def json_lines(request_line, entry, probe):
    """The lines the app's handlers wrote for ``entry``, each parsed as one JSON object."""
    doing = f"the record {entry.message!r} that {request_line} logged"
    expect(
        entry.lines,
        f"no handler of the app wrote a line for {doing}",
        fix=LINES_FIX,
    )
    parsed = []
    for line in entry.lines:
        if FLASK_DEFAULT_LINE.match(line):
            default = probe(logging_setup)["default_handler"]
            fix = (
                "that is Flask's own handler, which it gives app.logger when the logger is used "
                "before logging is configured: call dictConfig at the top of app.py, before "
                "create_app"
                if default
                else LINES_FIX
            )
            expect(
                False,
                f"a handler wrote {quoted(line)} for {doing}, expected one JSON object",
                fix=fix,
            )
        expect(
            "\n" not in line.rstrip("\n"),
            f"a handler wrote {quoted(line)} for {doing}, which takes more than one line: each record "
            "must be one JSON object on one line",
            fix="json.dumps(...) keeps everything on one line; put the traceback in the object too",
        )
        try:
            value = json.loads(line)
        except ValueError:
            value = None
        expect(
            isinstance(value, dict),
            f"a handler wrote {quoted(line)} for {doing}, expected one JSON object",
            fix="give the handler a formatter whose format(record) returns json.dumps({...})",
        )
        parsed.append(value)
    return parsed


TIME = re.compile(r"\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d(?:[,.]\d+)?")
MADE_ID = re.compile(r"\b[0-9a-f]{32}\b")


def quoted(text, limit=300):
    """``text`` for a message, its times and made-up ids masked: they change from run to run."""
    text = MADE_ID.sub("<a uuid4().hex>", TIME.sub("<time>", str(text)))
    return repr(text[:limit])


def drawn_path(inputs, prefix):
    word = inputs.word(label="path")
    return f"{prefix}{word}/{inputs.integer(1, 999, label='path')}"


def request_id(inputs):
    return f"{inputs.word(label='request id')}-{inputs.integer(1000, 99999, label='request id')}"


# not-found

HANDLER_STATUS = (
    "the 404 handler answered with the default status 200: return the status as well, "
    "return ..., 404"
)


@pytest.mark.task("not-found")
def test_an_unknown_api_path_answers_json(client, inputs):
    book_ids(client)
    for _ in range(2):
        path = drawn_path(inputs, "/api/")
        response = client.get(path, headers=API)
        body = response.get_json()
        handled = response.status_code == 200 and isinstance(body, dict) and "error" in body
        expect_status(response, 404, fixes={200: HANDLER_STATUS} if handled else None)
        fix = None
        if response.mimetype != "application/json":
            fix = (
                "register a function with @app.errorhandler(404) that answers JSON "
                "{'error': 'not found', 'path': request.path} to API clients, with status 404"
            )
        expect_json(response, {"error": "not found", "path": path}, fix=fix)


@pytest.mark.task("not-found")
def test_an_unknown_page_answers_html_to_browsers(client, inputs):
    response = client.get("/", headers=BROWSER)
    expect_status(response, 200)
    expect_element(response, "h1", text="The library")
    for _ in range(2):
        path = drawn_path(inputs, "/")
        response = client.get(path, headers=BROWSER)
        handled = response.status_code == 200 and "Page not found" in response.text
        expect_status(response, 404, fixes={200: HANDLER_STATUS} if handled else None)
        expect(
            response.mimetype == "text/html",
            f"GET {path} from a browser (Accept: text/html) answered {response.mimetype}, "
            "expected an HTML page",
            fix="answer JSON only to API clients (a path under /api/, or a client whose Accept "
            "header prefers JSON), and render NOT_FOUND_PAGE for everyone else",
        )
        expect_element(
            response,
            "h1",
            text="Page not found",
            fix="render NOT_FOUND_PAGE with render_template_string(NOT_FOUND_PAGE, path=request.path)",
        )
        expect_element(
            response,
            "code",
            text=path,
            fix="pass the path that was asked for: render_template_string(NOT_FOUND_PAGE, "
            "path=request.path)",
        )


# http-errors


def catches_everything(probe):
    handlers = {(h["blueprint"], h["exception"]) for h in probe.error_handlers()}
    return (None, "Exception") in handlers and (None, "HTTPException") not in handlers


@pytest.mark.task("http-errors")
def test_other_http_errors_answer_json_on_the_api(client, probe, inputs):
    ids = book_ids(client)
    limit = inputs.integer(1, 3, label="limit")
    response = client.get("/api/books", query_string={"limit": str(limit)}, headers=API)
    expect_status(response, 200)
    expect_equal(
        [book.get("id") for book in response.get_json()],
        ids[:limit],
        f"the ids GET /api/books?limit={limit} listed",
    )
    word = inputs.word(label="limit")
    method = inputs.choice(["PUT", "DELETE", "PATCH"], label="method")
    book = inputs.choice(ids, label="book")
    for sent, (status, name) in [
        ((f"/api/books?limit={word}", "GET"), (400, "Bad Request")),
        ((f"/api/books/{book}", method), (405, "Method Not Allowed")),
    ]:
        path, verb = sent
        response = client.open(path, method=verb, headers=API)
        everything = status != response.status_code == 500 and catches_everything(probe)
        expect_status(
            response,
            status,
            fixes={
                200: "return the error's status as well: return {...}, error.code",
                500: "a handler for Exception receives HTTP errors too, and answers them with "
                "500: register the handler for HTTPException (from werkzeug.exceptions), or "
                "for 500 only"
                if everything
                else None,
            },
        )
        fix = None
        if response.mimetype != "application/json":
            fix = (
                "register @app.errorhandler(HTTPException) and answer API clients "
                "{'error': error.name, 'status': error.code}, error.code"
            )
        expect_json(response, {"error": name, "status": status}, fix=fix)
    response = client.post("/", headers=BROWSER)
    expect_status(response, 405)
    expect(
        response.mimetype == "text/html",
        f"POST / from a browser answered {response.mimetype}, expected Werkzeug's HTML page",
        fix="answer JSON only to API clients; for a browser, return the error itself (return "
        "error), which is already a response",
    )


# api-error


def api_error_cases(inputs):
    statuses = inputs.sample([400, 402, 403, 409, 410, 418, 422, 429, 503], 2, label="status")
    key = inputs.word(label="payload key")
    payload = {
        key: inputs.integer(-50, 500, label="payload"),
        "hint": f"{inputs.name(label='payload')} {inputs.word(label='payload')}",
    }
    first = f"{inputs.word(label='message')} {inputs.word(accents=True, label='message')}"
    second = inputs.word(label="message")
    return [(statuses[0], first, payload), (statuses[1], second, None)]


@pytest.mark.task("api-error")
@pytest.mark.fresh_app
def test_an_api_error_answers_its_status_and_payload(client, probe, inputs):
    cases = api_error_cases(inputs)
    found = probe(add_api_error_views, cases)
    expect(
        found["problem"] is None,
        str(found["problem"]),
        fix="class APIError(Exception) with def __init__(self, status, message, payload=None)",
    )
    for number, (status, message, payload) in enumerate(cases):
        shown = "" if payload is None else f", {payload!r}"
        raised = f"a view that raises APIError({status}, {message!r}{shown})"
        response = client.get(f"/api/_workbook/api-error/{number}", headers=API)
        no_handler = response.status_code == 500 and response.error is not None
        expect_status(
            response,
            status,
            fixes={
                500: "register a handler with @app.errorhandler(APIError) that answers error.status"
                if no_handler
                else None,
                200: "return the status as well: return {...}, error.status",
            },
        )
        expected = {"error": message, **(payload or {})}
        expect_json(
            response,
            expected,
            fix=f"{raised} should answer {{'error': error.message, **error.payload}}"
            + (", with payload {} when none was given" if payload is None else ""),
        )


@pytest.mark.task("api-error")
def test_an_unknown_book_is_an_api_error(client, inputs):
    ids = book_ids(client)
    known = inputs.choice(ids, label="book")
    response = client.get(f"/api/books/{known}", headers=API)
    expect_status(response, 200)
    expect_equal(response.get_json().get("id"), known, f"the id GET /api/books/{known} answered")
    unknown = inputs.integer(max(ids) + 1, 9999, label="book")
    response = client.get(f"/api/books/{unknown}", headers=API)
    expect_status(
        response,
        404,
        errors={
            "KeyError": "the book is not in BOOKS: raise APIError(404, 'no such book', "
            "{'book_id': book_id}) before looking it up"
        },
    )
    expect_json(
        response,
        {"error": "no such book", "book_id": unknown},
        fix="in get_book: if book_id not in BOOKS: raise APIError(404, 'no such book', "
        "{'book_id': book_id})",
    )


# server-error


@pytest.mark.task("server-error")
@pytest.mark.fresh_app
def test_a_500_handler_answers_when_exceptions_do_not_propagate(client, probe, inputs):
    message = f"{inputs.word(label='error')} {inputs.integer(1, 999, label='error')}"
    found = probe(serve_failing_views, message)
    book_ids(client)
    handlers = {(h["blueprint"], h["exception"]) for h in probe.error_handlers()}
    if found["reached_the_test"]:
        fix = None
    elif (None, "Exception") in handlers or (None, "LookupError") in handlers:
        fix = (
            "a handler for Exception runs even when exceptions propagate, so tests never see "
            "one: register the handler for 500 (or InternalServerError), which Flask calls only "
            "for the exceptions it does not propagate"
        )
    else:
        fix = (
            "leave PROPAGATE_EXCEPTIONS alone in create_app: with TESTING on, Flask lets the "
            "exception reach the test so that it shows you the traceback"
        )
    expect(
        found["reached_the_test"],
        "with your create_app({'TESTING': True}), an exception in a view did not reach the test "
        f"client: it answered {found['status']} (TESTING is {found['testing']!r}, "
        f"PROPAGATE_EXCEPTIONS is {found['propagate']!r})",
        fix=fix,
    )
    for name, path, kind in [
        ("api", "/api/_workbook/fails", "application/json"),
        ("page", "/_workbook/fails", "text/html"),
    ]:
        answer = found[name]
        doing = (
            f"GET {path} (a view of the check's that raises LookupError({message!r}), with "
            "PROPAGATE_EXCEPTIONS False)"
        )
        expect(
            answer["status"] == 500,
            f"{doing} answered {answer['status']}, expected 500",
            fix="return the status as well: return ..., 500" if answer["status"] == 200 else None,
        )
        expect(
            "Internal Server Error" not in answer["text"],
            f"{doing} answered Werkzeug's own page: no 500 handler of yours ran",
            fix="register a function with @app.errorhandler(500)",
        )
        expect(
            message not in answer["text"],
            f"{doing} answered {answer['text'][:200]!r}, which shows the exception's text",
            fix="never put str(error) in the answer: the details are for your logs",
        )
        expect(
            answer["mimetype"] == kind,
            f"{doing} answered {answer['mimetype']} {answer['text'][:120]!r}, expected {kind}",
            fix="answer JSON to API clients and SERVER_ERROR_PAGE to browsers",
        )
        if kind == "application/json":
            expect_equal(
                answer["json"], {"error": "internal server error"}, f"the JSON {doing} answered"
            )
        else:
            expect(
                "<h1>Something went wrong</h1>" in answer["text"],
                f"{doing} answered {answer['text'][:200]!r}, expected SERVER_ERROR_PAGE",
                fix="return render_template_string(SERVER_ERROR_PAGE), 500 for browsers",
            )


# json-logs


def expect_fields(value, wanted, doing):
    for key, expected in wanted.items():
        expect(
            key in value,
            f"the JSON line {quoted(json.dumps(value))} for {doing} has no key {key!r}",
            fix="the formatter's object needs at least: time, level, logger, message, request_id",
        )
        if expected is not None:
            fix = None
            if key == "message" and isinstance(value[key], str) and "%" in value[key]:
                fix = "record.msg is the message before its arguments are filled in: use "
                fix += "record.getMessage()"
            expect_equal(value[key], expected, f"{key!r} in the JSON line for {doing}", fix=fix)


@pytest.mark.task("json-logs")
def test_each_record_is_one_json_line_on_stderr(client, probe, inputs):
    ids = book_ids(client)
    for book in [inputs.choice(ids, label="book"), inputs.integer(max(ids) + 1, 999, label="book")]:
        response = client.get(
            f"/api/books/{book}", headers={**API, "X-Request-ID": request_id(inputs)}
        )
        expect(
            response.status_code in (200, 404),
            f"{response.request_line} answered {response.status_code}, expected 200 or 404",
        )
        message = f"looking up book {book}"
        entry = the_record(response, probe, "app", message)
        for value in json_lines(response.request_line, entry, probe):
            expect_fields(
                value,
                {"time": None, "level": "INFO", "logger": "app", "message": message},
                f"the record {message!r}",
            )
            expect(
                isinstance(value["time"], str) and value["time"],
                f"'time' in the JSON line for the record {message!r} is {value['time']!r}, "
                "expected the time as text",
                fix="'time': self.formatTime(record)",
            )
    handlers = probe(logging_setup)["handlers"]
    expect(
        any(h["stream"] == "stderr" for h in handlers),
        "no handler the app's records reach writes to standard error: they go to "
        + (", ".join(f"{h['class']} ({h['stream']})" for h in handlers) or "no handler"),
        fix="'stream': 'ext://sys.stderr' in the handler's dictConfig entry",
    )


@pytest.mark.task("json-logs")
@pytest.mark.fresh_app
def test_a_logged_exception_stays_on_one_line(client, probe, inputs):
    message = f"{inputs.word(label='error')} {inputs.integer(1, 999, label='error')}"
    probe(add_a_view_that_logs_an_exception, message)
    book_ids(client)
    response = client.get("/api/_workbook/logs-an-exception", headers=API)
    expect_status(response, 200)
    entry = the_record(response, probe, "app", "the check's view caught an exception", "ERROR")
    for value in json_lines(
        f"{response.request_line} (a view of the check's that logs LookupError({message!r}) "
        "with app.logger.exception)",
        entry,
        probe,
    ):
        expect_fields(value, {"level": "ERROR", "exception": None}, "the logged exception")
        expect(
            f"LookupError: {message}" in str(value["exception"]),
            f"'exception' in the JSON line of the logged exception is "
            f"{quoted(value['exception'])}, expected its traceback, ending in "
            f"'LookupError: {message}'",
            fix="when record.exc_info, add 'exception': self.formatException(record.exc_info)",
        )


# request-id


def expect_id_in_lines(response, probe, book, wanted, named):
    """Every line of the request's record carries ``wanted``, the id ``named`` says it is."""
    entry = the_record(response, probe, "app", f"looking up book {book}")
    expect(
        entry.lines,
        f"no handler of the app wrote a line for {response.request_line}",
        fix=LINES_FIX,
    )
    for line in entry.lines:
        try:
            value = json.loads(line)
        except ValueError:
            value = None
        if isinstance(value, dict):
            expect(
                value.get("request_id") == wanted,
                f"'request_id' in the line {quoted(line)} logged by {response.request_line} is "
                f"{quoted(value.get('request_id'))}, expected {named}",
                fix="read the id the request was given: 'request_id': g.get('request_id') if "
                "has_request_context() else None (or a logging.Filter that sets "
                "record.request_id)",
            )
        else:
            expect(
                wanted in line,
                f"the line {quoted(line)} logged by {response.request_line} does not carry {named}",
                fix="put the request id in every line, in the formatter or with a logging.Filter",
            )


@pytest.mark.task("request-id")
def test_each_request_keeps_its_id_in_the_answer_and_the_logs(client, probe, inputs):
    ids = book_ids(client)
    sent = request_id(inputs)
    book = inputs.choice(ids, label="book")
    response = client.get(f"/api/books/{book}", headers={**API, "X-Request-ID": sent})
    expect_status(response, 200)
    expect(
        response.headers.get("X-Request-ID") is not None,
        f"the answer to GET /api/books/{book} sent with X-Request-ID: {sent} has no "
        "X-Request-ID header",
        fix="keep the header's value in g in a before_request function, and set "
        "response.headers['X-Request-ID'] in an after_request function",
    )
    expect_equal(
        response.headers.get("X-Request-ID"),
        sent,
        f"the X-Request-ID header of the answer to GET /api/books/{book} sent with "
        f"X-Request-ID: {sent}",
        fix="keep the header's value in g in a before_request function, and set "
        "response.headers['X-Request-ID'] in an after_request function",
    )
    expect_id_in_lines(response, probe, book, sent, f"{sent!r}, the X-Request-ID it was sent")
    made = []
    for _ in range(2):
        response = client.get(f"/api/books/{book}", headers=API)
        expect_status(response, 200)
        given = response.headers.get("X-Request-ID")
        expect(
            isinstance(given, str) and given and given != sent and given not in made,
            f"GET /api/books/{book} without an X-Request-ID header answered the id "
            f"{quoted(given)}, expected a new one"
            + (" (the same as the request before)" if given in [sent, *made] else ""),
            fix="when the header is missing, make a new id for each request: "
            "request.headers.get('X-Request-ID') or uuid.uuid4().hex, kept in g",
        )
        made.append(given)
        expect_id_in_lines(
            response, probe, book, given, "the id the answer's X-Request-ID header gave"
        )
    other = request_id(inputs)
    response = client.get(f"/api/books/{book}", headers={**API, "X-Request-ID": other})
    expect_equal(response.headers.get("X-Request-ID"), other, "the X-Request-ID of the answer")
    expect_id_in_lines(response, probe, book, other, f"{other!r}, the X-Request-ID it was sent")


# no-secrets


def account(inputs):
    name = f"{inputs.name(label='username')}{inputs.integer(10, 99, label='username')}".lower()
    password = f"{inputs.word(label='password')}-{inputs.integer(1000, 9999, label='password')}"
    return name, password


def expect_no_secret(response, secrets):
    for entry in response.logs:
        for what, secret in secrets.items():
            texts = [entry.message, *entry.lines]
            leaked = [text for text in texts if secret in text]
            body = any(text.lstrip().startswith("{'") or "'password'" in text for text in leaked)
            if not leaked:
                continue
            if what == "token":  # a new one each run: the message names it, not its value
                said = f"the token it gave out: {quoted(leaked[0].replace(secret, '<the token>'))}"
            else:
                said = f"the {what} {secret!r}: {quoted(leaked[0])}"
            expect(
                not leaked,
                f"{response.request_line} logged {said}",
                fix="request.get_json() and request.form hold the password: log only the username"
                if body
                else f"log who logged in, never the {what}",
            )


def expect_login_logged(response, probe, doing, who, level, fix):
    """A record at ``level`` that names ``who``, as the brief asks of each login."""
    logged = "; ".join(f"{e.level} {e.message!r}" for e in response.logs) or "nothing"
    expect(
        any(who in e.message and e.level == level for e in response.logs),
        f"{doing} logged {logged}, expected a{'n' if level == 'INFO' else ''} {level} record "
        f"naming {who!r}",
        fix=(no_record_fix(probe, level) if not response.logs else None) or fix,
    )


def wrong_password(inputs, password):
    while True:
        label = "wrong password"
        wrong = f"{inputs.word(label=label)}-{inputs.integer(1000, 9999, label=label)}"
        if wrong not in password and password not in wrong:
            return wrong


@pytest.mark.task("no-secrets")
@pytest.mark.fresh_app
def test_logins_are_logged_without_passwords_or_tokens(client, probe, inputs):
    name, password = account(inputs)
    stranger, _ = account(inputs)
    wrong = wrong_password(inputs, password)
    response = client.post("/api/users", json={"username": name, "password": password})
    expect_status(response, 201)
    expect_json(response, {"username": name})
    secrets = {"password": password}
    for who, tried, doing in [
        (name, wrong, f"POST /api/login with the wrong password for {name!r}"),
        (stranger, password, f"POST /api/login for {stranger!r}, who has no account"),
    ]:
        response = client.post("/api/login", json={"username": who, "password": tried})
        expect_status(response, 401)
        expect_json(response, {"error": "wrong username or password"})
        expect_no_secret(response, {"password": tried, **secrets})
        expect_login_logged(
            response,
            probe,
            doing,
            who,
            "WARNING",
            "app.logger.warning('failed login for %s', username) before the 401",
        )
    response = client.post("/api/login", json={"username": name, "password": password})
    expect_status(response, 200)
    token = (response.get_json() or {}).get("token")
    expect(isinstance(token, str) and token, f"POST /api/login answered {response.text!r}")
    secrets["token"] = token
    expect_no_secret(response, secrets)
    expect_login_logged(
        response,
        probe,
        f"POST /api/login with the right password for {name!r}",
        name,
        "INFO",
        "app.logger.info('%s logged in', username) before returning the token",
    )
    response = client.get("/api/me", headers={"Authorization": f"Bearer {token}", **API})
    expect_status(response, 200)
    expect_json(response, {"user": name})
    expect_no_secret(response, secrets)
    response = client.get("/api/me", headers=API)
    expect_status(response, 401)
    expect_json(response, {"error": "log in first"})
