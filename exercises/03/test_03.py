"""Checks for module 03: Request and response."""

import json
import re

import pytest

from checker.api import expect, expect_header, expect_json, expect_status, expect_text

POST_ONLY = "the route does not accept POST: write @app.post(...) or add methods=['POST']"
# Words that may follow a field's name when a message names it: "b is missing".
NAMING = r"is|was|must|missing|required|not|needed|cannot"


def names_field(error, field):
    """Whether an error message names ``field``: quoted ('b'), after "field", "key", "missing"
    or a colon ("missing field: b"), or followed by a word like "is" ("b is required"). The
    English word "a" in "a field is missing" does not name the field a."""
    if not isinstance(error, str):
        return False
    name = re.escape(field)
    patterns = [
        rf"['\"`]{name}['\"`]",
        rf"(?:field|key|missing|:)\s*{name}\b(?!\s+[a-z])",
        rf"\b{name}\s+(?:{NAMING})\b",
        rf"\b{name}\s*$",
    ]
    return any(re.search(pattern, error, re.IGNORECASE) for pattern in patterns)


STATUS_FIRST = (
    "the view returned the status before the body: the body comes first and the status"
    " second, as in return text, 201"
)


def status_first(response):
    """Whether Flask refused a view's return because its first item was a number."""
    error = response.error
    return error is not None and error.error_text.endswith("but it was a int.")


def sent(body):
    """A JSON body as a message shows it."""
    return json.dumps(body, ensure_ascii=False)


# query-args


@pytest.mark.task("query-args")
def test_greet_uses_the_name_from_the_query_string(client, inputs):
    for name in [inputs.name(label="name"), f"{inputs.name()} {inputs.name()}"]:
        response = client.get("/greet", query_string={"name": name})
        expect_status(response, 200, fixes={404: "add a route for GET /greet"})
        fix = "read the name with request.args.get('name', 'World') and return f'Hello, {name}!'"
        if response.text.startswith("Hello, ") and name not in response.text:
            fix = (
                f"the greeting does not use the name that was sent ({name!r}): read it from"
                " request.args.get('name', 'World') rather than writing a name in the code."
            )
        expect_text(response, f"Hello, {name}!", fix=fix)


@pytest.mark.task("query-args")
def test_greet_without_a_name_greets_the_world(client):
    response = client.get("/greet")
    expect_status(
        response,
        200,
        fixes={
            400: "request.args['name'] answers 400 when there is no name; "
            "use request.args.get('name', 'World') to fall back to World",
            404: "add a route for GET /greet",
        },
    )
    expect_text(
        response,
        "Hello, World!",
        fix="give request.args.get a default: request.args.get('name', 'World')",
    )


# page-number


def page_fix(body, sent_page):
    """Why the page came back wrong, from what came back."""
    if not isinstance(body, dict):
        return "return the JSON {'page': page}"
    got = body.get("page")
    if isinstance(got, str):
        return (
            f"query arguments are always strings, so the page came back as {got!r}; use"
            " request.args.get('page', 1, type=int) to get a number"
        )
    if isinstance(got, float):
        return (
            f"the page came back as {got!r}, a decimal number: convert it with type=int,"
            " not type=float (request.args.get('page', 1, type=int))"
        )
    if got == 1 and sent_page not in (None, "1"):
        return (
            f"?page={sent_page} gave 1: read the page the client sent, with"
            " request.args.get('page', 1, type=int)"
        )
    return None


@pytest.mark.task("page-number")
def test_books_reads_the_page_as_a_whole_number(client, inputs):
    page = inputs.integer(2, 999, label="page")
    not_numbers = [inputs.word(label="not a number"), f"{page}.5", ""]
    cases = [(str(page), page), (None, 1), *((text, 1) for text in not_numbers)]
    for text, expected in cases:
        response = client.get("/books", query_string={} if text is None else {"page": text})
        expect_status(
            response,
            200,
            fixes={
                400: "request.args['page'] answers 400 when there is no page; "
                "use request.args.get('page', 1, type=int)",
                404: "add a route for GET /books",
            },
            errors={
                "ValueError": "int(...) raised on a page that is not a whole number; "
                "request.args.get('page', 1, type=int) falls back to 1 instead",
            },
        )
        expect_json(response, {"page": expected}, fix=page_fix(response.get_json(), text))


# form-data


@pytest.mark.task("form-data")
def test_signup_reads_the_form_and_answers_201(client, inputs):
    for _ in range(2):
        name = inputs.name(label="name")
        email = inputs.email(name, label="email")
        response = client.post("/signup", data={"name": name, "email": email})
        if response.status_code >= 400:
            expect_status(
                response,
                201,
                fixes={
                    400: "a form field the view asked for was not found: form fields are in "
                    "request.form (request.args only holds the ?query part of the URL)",
                    404: "add a route for POST /signup",
                    405: POST_ONLY,
                },
                errors={"TypeError": STATUS_FIRST} if status_first(response) else None,
            )
        if "None" in response.text:
            fix = "the view read None: form fields are in request.form, not request.args"
        else:
            fix = "put the name and email from request.form in the text you return"
        expect_text(response, name, contains=True, fix=fix)
        expect_text(response, email, contains=True, fix=fix)
        expect_status(
            response,
            201,
            fixes={
                200: "return a tuple with the body first and the status second: return text, 201"
            },
        )


# json-body


def sum_fix(body):
    """Why the sum came back wrong, from what came back."""
    got = body.get("sum") if isinstance(body, dict) else None
    if isinstance(got, str):
        return (
            f"the sum came back as the text {got!r}: return the number itself,"
            " {'sum': data['a'] + data['b']}, not str(...) or an f-string"
        )
    return "add the two numbers from request.get_json() and return {'sum': ...}"


def post_sum(client, body, expected):
    """POST ``body`` to /api/sum and expect the JSON {"sum": expected}."""
    response = client.post("/api/sum", json=body)
    expect_status(
        response,
        200,
        fixes={
            400: f"the body {sent(body)} has both numbers, yet the view answered 400: read it"
            " with request.get_json() (not request.form or request.args), and check"
            " `'a' not in data` rather than `not data.get('a')`, which also rejects 0",
            404: "add a route for POST /api/sum",
            405: POST_ONLY,
        },
    )
    expect_json(response, {"sum": expected}, fix=sum_fix(response.get_json()))


@pytest.mark.task("json-body")
def test_sum_adds_the_two_numbers_of_the_json_body(client, inputs):
    whole = inputs.integers(2, -500, 500, label="a, b")
    decimals = [inputs.decimal(-50, 50, label="a"), inputs.integer(-9, 9, label="b")]
    for a, b in [whole, decimals, (0, inputs.integer(1, 99, label="b"))]:
        post_sum(client, {"a": a, "b": b}, a + b)


# missing-input


@pytest.mark.task("missing-input")
@pytest.mark.parametrize(("present", "missing"), [("a", "b"), ("b", "a")])
def test_sum_without_a_number_answers_400_naming_it(client, inputs, present, missing):
    value = inputs.integer(-99, 99, label=present)
    post_sum(client, {"a": value, "b": 0} if present == "a" else {"a": 0, "b": value}, value)
    body = {present: value}
    response = client.post("/api/sum", json=body)
    expect_status(
        response,
        400,
        fixes={
            200: f"the view answered as if nothing was missing; check "
            f"if '{missing}' not in data and return an error with 400",
            405: POST_ONLY,
        },
        errors={
            "KeyError": f"reading the missing '{missing}' from the JSON raised KeyError, which"
            f" Flask turns into 500; check if '{missing}' not in data first and"
            " return {'error': ...}, 400",
            "TypeError": f"data.get('{missing}') gave None, and adding None to a number raises"
            f" TypeError; check if '{missing}' not in data first and return"
            " {'error': ...}, 400",
        },
    )
    answer = response.get_json()
    got = "a body that is not JSON" if answer is None else f"the JSON {answer!r}"
    expect(
        isinstance(answer, dict) and "error" in answer,
        f"{response.request_line} with {sent(body)} answered 400 with {got}, "
        "expected JSON with an 'error' key",
        fix=f"return {{'error': 'missing field: {missing}'}}, 400 so the client gets JSON "
        "(abort(400) answers with an HTML page)",
    )
    error = answer["error"]
    expect(
        names_field(error, missing),
        f"{response.request_line} with {sent(body)} answered the error {error!r}, "
        f"which does not say that {missing!r} is missing",
        fix=f"name the missing field in the message, like 'missing field: {missing}'",
    )
    expect(
        not names_field(error, present),
        f"{response.request_line} with {sent(body)} answered the error {error!r}, which names"
        f" {present!r} too, though it was sent",
        fix=f"name only the field that is missing, like 'missing field: {missing}'",
    )


@pytest.mark.task("missing-input")
def test_signup_without_an_email_answers_400(client, inputs):
    name = inputs.name(label="name")
    email = inputs.email(name, label="email")
    complete = client.post("/signup", data={"name": name, "email": email})
    expect(
        complete.status_code == 201,
        f"POST /signup with name and email answered {complete.status_code}, expected 201:"
        " a signup without an email counts only once a complete one is accepted.",
        fix="finish task form-data first.",
    )
    response = client.post("/signup", data={"name": name})
    expect_status(
        response,
        400,
        fixes={
            201: "the signup was accepted without an email; read it with request.form['email'] "
            "(Flask answers 400 when it is missing) or check and return an error with 400",
            405: POST_ONLY,
        },
    )


# status-and-headers


@pytest.mark.task("status-and-headers")
def test_maintenance_answers_503_with_headers(client):
    response = client.get("/maintenance")
    expect_status(
        response,
        503,
        fixes={
            200: "the status is still the default 200: build the response with "
            "make_response('Back soon', 503)",
            404: "add a route for GET /maintenance",
        },
    )
    expect_text(response, "Back soon")
    expect_header(
        response,
        "Retry-After",
        "120",
        fix="set response.headers['Retry-After'] = '120' before returning the response",
    )
    expect_header(
        response,
        "X-Workbook",
        "03",
        fix="set response.headers['X-Workbook'] = '03' before returning the response",
    )
