"""Checks for module 03: Request and response."""

import re

import pytest

from checker.api import expect, expect_header, expect_json, expect_status, expect_text

POST_ONLY = "the route does not accept POST: write @app.post(...) or add methods=['POST']"


def names_field(error, field):
    """Whether an error message mentions ``field`` as a word of its own."""
    return isinstance(error, str) and re.search(rf"\b{field}\b", error) is not None


# query-args


@pytest.mark.task("query-args")
@pytest.mark.parametrize("name", ["Ada", "Grace"])
def test_greet_uses_the_name_from_the_query_string(client, name):
    response = client.get("/greet", query_string={"name": name})
    expect_status(response, 200, fixes={404: "add a route for GET /greet"})
    expect_text(
        response,
        f"Hello, {name}!",
        fix="read the name with request.args.get('name', 'World') and return f'Hello, {name}!'",
    )


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


@pytest.mark.task("page-number")
@pytest.mark.parametrize(
    ("query", "page"),
    [({"page": "2"}, 2), ({"page": "7"}, 7), ({}, 1), ({"page": "two"}, 1)],
    ids=["page=2", "page=7", "no-page", "page=two"],
)
def test_books_reads_the_page_as_a_number(client, query, page):
    response = client.get("/books", query_string=query)
    expect_status(
        response,
        200,
        fixes={
            400: "request.args['page'] answers 400 when there is no page; "
            "use request.args.get('page', 1, type=int)",
            404: "add a route for GET /books",
            500: "int(...) raised on a page that is not a number; "
            "request.args.get('page', 1, type=int) falls back to 1 instead",
        },
    )
    body = response.get_json()
    fix = None
    if isinstance(body, dict) and isinstance(body.get("page"), str):
        fix = (
            "query arguments are always strings, so the page came back as "
            f"{body['page']!r}; use request.args.get('page', 1, type=int) to get a number"
        )
    expect_json(response, {"page": page}, fix=fix)


# form-data


@pytest.mark.task("form-data")
@pytest.mark.parametrize(
    ("name", "email"), [("Ada", "ada@example.com"), ("Grace", "grace@example.org")]
)
def test_signup_reads_the_form_and_answers_201(client, name, email):
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
                500: "if the error says the view did not return a valid response, check the "
                "order in your return: the body comes first and the status second, "
                "as in return text, 201",
            },
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
        fixes={200: "return a tuple with the body first and the status second: return text, 201"},
    )


# json-body


@pytest.mark.task("json-body")
@pytest.mark.parametrize(("a", "b", "total"), [(2, 3, 5), (1.5, -4, -2.5)])
def test_sum_reads_the_json_body(client, a, b, total):
    response = client.post("/api/sum", json={"a": a, "b": b})
    expect_status(
        response,
        200,
        fixes={
            400: "a JSON body is not a form: read it with request.get_json(), "
            "not request.form or request.args",
            404: "add a route for POST /api/sum",
            405: POST_ONLY,
        },
    )
    expect_json(
        response,
        {"sum": total},
        fix="add the two numbers from request.get_json() and return {'sum': ...}",
    )


# missing-input


@pytest.mark.task("missing-input")
@pytest.mark.parametrize(("sent", "missing"), [({"a": 2}, "b"), ({"b": 3}, "a")])
def test_sum_without_a_number_answers_400_naming_it(client, sent, missing):
    response = client.post("/api/sum", json=sent)
    expect_status(
        response,
        400,
        fixes={
            200: f"the view answered as if nothing was missing; check "
            f"if '{missing}' not in data and return an error with 400",
            404: "add a route for POST /api/sum",
            405: POST_ONLY,
            500: f"reading the missing '{missing}' from the JSON raised KeyError, which Flask "
            f"turns into 500; check if '{missing}' not in data first and "
            f"return {{'error': ...}}, 400",
        },
    )
    body = response.get_json()
    got = "a body that is not JSON" if body is None else f"the JSON {body!r}"
    expect(
        isinstance(body, dict) and "error" in body,
        f"{response.request_line} with {sent} answered 400 with {got}, "
        "expected JSON with an 'error' key",
        fix=f"return {{'error': 'missing field: {missing}'}}, 400 so the client gets JSON "
        "(abort(400) answers with an HTML page)",
    )
    expect(
        names_field(body["error"], missing),
        f"{response.request_line} with {sent} answered the error {body['error']!r}, "
        f"which does not say that {missing!r} is missing",
        fix=f"name the missing field in the message, like 'missing field: {missing}'",
    )


@pytest.mark.task("missing-input")
def test_signup_without_an_email_answers_400(client):
    response = client.post("/signup", data={"name": "Ada"})
    expect_status(
        response,
        400,
        fixes={
            201: "the signup was accepted without an email; read it with request.form['email'] "
            "(Flask answers 400 when it is missing) or check and return an error with 400",
            404: "add a route for POST /signup",
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
