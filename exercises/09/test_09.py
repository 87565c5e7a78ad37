"""Checks for module 09: Request hooks, view decorators and signals.

Most checks send requests to your app. A few run a probe: a function below that runs beside your
app (to give it an API token, make a second app with your create_app(), add a slow view, or listen
to your signal) and reports what happened as plain data. The verdict is made here.
"""

import gc
import math
import re
import sys
import time

import pytest

from checker.api import expect, expect_equal, expect_header, expect_json, expect_status

VALID_ID = re.compile(r"[A-Za-z0-9-]{8,64}")
ID_RULE = "8 to 64 characters, each a letter, a digit or a hyphen"

# Probes: they run beside the learner's app and return plain data.


def _module(app):
    return sys.modules[app.import_name]


def _new_app(app, tokens):
    """Another app from the learner's factory, with these API tokens."""
    return _module(app).create_app({"TESTING": True, "API_TOKENS": dict(tokens)})


def _send(client, method, path, **options):
    """One request through a test client of the probe's own, as plain data; an exception that
    escaped the app (it is in testing mode) is reported, not raised."""
    try:
        response = client.open(path, method=method, **options)
    except Exception as error:
        text = str(error).strip().splitlines()
        return {
            "status": 500,
            "json": None,
            "headers": {},
            "raised": f"{type(error).__name__}: {text[0] if text else ''}".rstrip(": "),
        }
    try:
        body = response.get_json(silent=True)
    except Exception:
        body = None
    return {
        "status": response.status_code,
        "json": body,
        "headers": dict(response.headers),
        "raised": None,
    }


def add_token(app, token, user):
    """Give ``user`` the API token ``token`` in the app's API_TOKENS, as its config would."""
    tokens = app.config.get("API_TOKENS")
    if not isinstance(tokens, dict):
        tokens = app.config["API_TOKENS"] = {}
    tokens[token] = user


def time_of_a_slow_view(app, seconds):
    """X-Response-Time of a view (added to a new app) that takes ``seconds``."""
    new_app = _new_app(app, {})

    def slow_view():
        time.sleep(seconds)
        return "done"

    new_app.add_url_rule("/_workbook/slow", "_workbook_slow", slow_view)
    return _send(new_app.test_client(), "GET", "/_workbook/slow")


def views_of(app, wanted):
    """For each (method, rule): the view function Flask calls, and what it wraps."""
    found = {}
    for method, path in wanted:
        for rule in app.url_map.iter_rules():
            if rule.rule == path and method in (rule.methods or ()):
                view = app.view_functions[rule.endpoint]
                inner = getattr(view, "__wrapped__", None)
                found[f"{method} {path}"] = {
                    "endpoint": rule.endpoint,
                    "name": getattr(view, "__name__", None),
                    "qualname": getattr(view, "__qualname__", None),
                    "doc": getattr(view, "__doc__", None),
                    "wraps": inner is not None,
                    "inner_name": getattr(inner, "__name__", None),
                    "inner_doc": getattr(inner, "__doc__", None),
                }
    return found


def with_no_tokens(app, token):
    """POST /bookmarks with a token to an app made with no API_TOKENS in its test config."""
    new_app = _module(app).create_app({"TESTING": True})
    answer = _send(
        new_app.test_client(), "POST", "/bookmarks",
        json={"url": "https://example.com/", "title": "t"}, headers=bearer(token),
    )  # fmt: skip
    return {**answer, "tokens": repr(new_app.config.get("API_TOKENS"))}


def decorate_a_new_view(app, token, user, number):
    """login_required on a view of the check's own, in a new app: with and without the token."""
    decorator = getattr(_module(app), "login_required", None)
    if not callable(decorator):
        return {"missing": True}
    from flask import g

    calls = []

    def secret_number(number):
        """A view of the check's own."""
        calls.append(number)
        return {"number": number, "user": g.get("user")}

    new_app = _new_app(app, {token: user})
    view = decorator(secret_number)
    new_app.add_url_rule("/_workbook/secret/<int(signed=True):number>", view_func=view)
    client = new_app.test_client()
    without = _send(client, "GET", f"/_workbook/secret/{number}")
    calls_without = len(calls)
    with_token = _send(client, "GET", f"/_workbook/secret/{number}", headers=bearer(token))
    return {
        "missing": False,
        "name": getattr(view, "__name__", None),
        "doc": getattr(view, "__doc__", None),
        "wraps": getattr(view, "__wrapped__", None) is secret_number,
        "qualname": getattr(view, "__qualname__", None),
        "without": without,
        "calls_without": calls_without,
        "with": with_token,
        "calls": len(calls),
    }


def raised_by(app, path):
    """GET ``path`` in the app's own test client: the exception its view raised, by name. (The
    check's client would count that exception against the check; here it is expected.)"""
    try:
        response = app.test_client().get(path)
    except Exception as error:
        return type(error).__name__
    return f"nothing: it answered {response.status_code}"


def the_signal(app):
    """What bookmark_added is in the learner's module."""
    found = getattr(_module(app), "bookmark_added", None)
    if found is None:
        return {"missing": True}
    from blinker import Signal

    return {
        "missing": False,
        "kind": type(found).__name__,
        "is_signal": isinstance(found, Signal),
        "name": getattr(found, "name", None),
    }


def signals_sent(app, users, url, title):
    """Listen to bookmark_added while two new apps serve requests; report every send, and what
    each app's /stats says. ``users`` maps tokens to users; each posts one bookmark to the first
    app, the last user a second one, and each posts one to the second app."""
    from blinker import Signal
    from flask import current_app

    signal = getattr(_module(app), "bookmark_added", None)
    if not isinstance(signal, Signal):
        return {"missing": True}
    first, second = _new_app(app, users), _new_app(app, users)
    gc.collect()  # a receiver that nothing else holds on to is gone now, as in a real server
    apps = {id(first): "first", id(second): "second"}
    sent = []

    def listen(sender, **data):
        sent.append(
            {
                "sender": apps.get(id(sender), type(sender).__name__),
                "proxy": sender is current_app,
                "keys": sorted(data),
                "bookmark": data.get("bookmark"),
            }
        )

    answers = []
    signal.connect(listen)
    try:
        tokens = list(users)
        plan = [(first, token) for token in tokens] + [(first, tokens[-1])]
        plan += [(second, token) for token in tokens]
        for which, token in plan:
            before = len(sent)
            answer = _send(
                which.test_client(), "POST", "/bookmarks",
                json={"url": url, "title": title}, headers=bearer(token),
            )  # fmt: skip
            answers.append({**answer, "sends": sent[before:]})
        before = len(sent)
        refused = _send(first.test_client(), "POST", "/bookmarks", json={"url": url, "title": "t"})
        _send(first.test_client(), "GET", "/bookmarks")
        quiet = {"refused": refused["status"], "sends": sent[before:]}
    finally:
        signal.disconnect(listen)
    return {
        "missing": False,
        "answers": answers,
        "quiet": quiet,
        "stats": [_send(each.test_client(), "GET", "/stats") for each in (first, second)],
    }


# Fixes, chosen from what the app did.


def after_request_fix(response):
    """The fix when one after_request function handed the next one None (Flask's own TypeError,
    when the last of them returns None, is explained by expect_status)."""
    error = response.error
    if error is not None and "'NoneType' object has no attribute" in error.error_text:
        if error.location is not None and "response" in error.location.source:
            return (
                "one after_request function gave the next one None: every after_request "
                "function must end with `return response`"
            )
    return None


SET_IN_G = {
    "request_id": "set g.request_id in a @app.before_request function, which runs before every "
    "view",
    "started": "set g.started = time.perf_counter() in a @app.before_request function",
    "user": "login_required should set g.user to the token's user before it calls the view, and "
    "sit under the route's decorator (@app.post(...) first, then @login_required), so that the "
    "route registers the protected view",
}


def g_fix(response):
    """The fix for reading a name g does not have in this request, if that is what happened."""
    error = response.error
    if error is None or error.error_type != "AttributeError" or error.location is None:
        return None
    name = error.error_text.strip("'")
    if not name.isidentifier() or f"g.{name}" not in error.location.source:
        return None
    return SET_IN_G.get(name, f"g has no {name} in this request: set g.{name} before it is read")


def expect_answer(response, status, *, fixes=None):
    """expect_status, with the fix for an after_request function that returned None, or for a
    name missing from g."""
    fix = after_request_fix(response) or g_fix(response)
    if fix is not None and response.status_code != status:
        expect(False, f"{response.request_line} raised {response.error.summary}", fix=fix)
    expect_status(response, status, fixes=fixes)


def request_id_of(response, *, sent=None):
    value = response.headers.get("X-Request-ID")
    expect(
        value is not None,
        f"{response.request_line}{sent or ''} answered without an X-Request-ID header",
        fix="in an @app.after_request function, set response.headers['X-Request-ID'] = "
        "g.request_id, then return response",
    )
    return value


def a_valid_id(inputs, length):
    """A request id of exactly ``length`` characters: made-up words, digits and hyphens."""
    pieces = []
    while len("-".join(pieces)) < length:
        pieces.append(inputs.choice([inputs.word(), str(inputs.integer(0, 99999))]))
    value = "-".join(pieces)[:length]
    if value.endswith("-"):
        value = value[:-1] + "7"
    return value


# request-id


@pytest.mark.task("request-id")
def test_every_request_gets_a_new_id(client, inputs):
    first, second = client.get("/ping"), client.get("/ping")
    for response in (first, second):
        expect_answer(response, 200)
    ids = [request_id_of(first), request_id_of(second)]
    for response, value in zip((first, second), ids, strict=True):
        expect(
            VALID_ID.fullmatch(value) is not None,
            f"{response.request_line} answered X-Request-ID {value!r}, expected an id of {ID_RULE}",
            fix="make a new one with uuid.uuid4().hex",
        )
        expect_json(
            response,
            {"status": "ok", "request_id": value},
            fix="keep the id in g (g.request_id = ...) in a @app.before_request function; "
            "the header and /ping both read it from there",
        )
    expect(
        ids[0] != ids[1],
        f"two requests to GET /ping both answered X-Request-ID {ids[0]!r}, expected a new id "
        "for each request",
        fix="make the id in a @app.before_request function, which runs for every request, not "
        "once when the app is made",
    )
    missing = f"/{inputs.word(label='path')}/{inputs.word(label='path')}"
    response = client.get(missing)
    expect_answer(response, 404)
    value = request_id_of(response)
    expect(
        value not in ids and VALID_ID.fullmatch(value) is not None,
        f"GET {missing} (no such page) answered X-Request-ID {value!r}, expected a new id of "
        f"{ID_RULE}",
    )


@pytest.mark.task("request-id")
@pytest.mark.parametrize("kind", ["drawn", "shortest", "longest", "uuid"])
def test_a_valid_id_from_the_client_is_kept(client, inputs, kind):
    if kind == "uuid":
        digits = "".join(f"{inputs.integer(0, 15):x}" for _ in range(32))
        sent = "-".join([digits[:8], digits[8:12], digits[12:16], digits[16:20], digits[20:]])
    else:
        length = {"shortest": 8, "longest": 64}.get(kind) or inputs.integer(12, 40)
        sent = a_valid_id(inputs, length)
    response = client.get("/ping", headers={"X-Request-ID": sent})
    expect_answer(response, 200)
    value = request_id_of(response, sent=f" with X-Request-ID {sent!r}")
    expect(
        value == sent,
        f"GET /ping with X-Request-ID {sent!r} ({len(sent)} characters) answered X-Request-ID "
        f"{value!r}, expected the client's id back",
        fix=f"keep the client's id when it has {ID_RULE}: "
        "re.fullmatch(r'[A-Za-z0-9-]{8,64}', sent)",
    )
    expect_json(response, {"status": "ok", "request_id": sent})


@pytest.mark.task("request-id")
@pytest.mark.parametrize(
    "kind", ["too-short", "too-long", "a-space", "an-underscore", "empty", "non-ascii"]
)
def test_an_invalid_id_from_the_client_is_replaced(client, inputs, kind):
    good = a_valid_id(inputs, inputs.integer(8, 64))
    response = client.get("/ping", headers={"X-Request-ID": good})
    expect_answer(response, 200)
    expect_header(response, "X-Request-ID", good, fix=f"keep the client's id when it has {ID_RULE}")
    bad = {
        "too-short": lambda: a_valid_id(inputs, 7),
        "too-long": lambda: a_valid_id(inputs, 65),
        "a-space": lambda: f"{inputs.word()} {inputs.word()}",
        "an-underscore": lambda: f"{inputs.word()}_{inputs.word()}",
        "empty": lambda: "",
        "non-ascii": lambda: f"Zoë-{inputs.word()}-{inputs.integer(100, 999)}",
    }[kind]()
    response = client.get("/ping", headers={"X-Request-ID": bad})
    expect_answer(response, 200)
    value = request_id_of(response, sent=f" with X-Request-ID {bad!r}")
    expect(
        value != bad and VALID_ID.fullmatch(value) is not None,
        f"GET /ping with X-Request-ID {bad!r} answered X-Request-ID {value!r}, expected a new "
        f"id instead: the client's is not {ID_RULE}",
        fix="keep the client's id only when re.fullmatch(r'[A-Za-z0-9-]{8,64}', sent) matches; "
        "otherwise make a new one with uuid.uuid4().hex",
    )
    expect_json(response, {"status": "ok", "request_id": value})


# timing


def seconds_in(request, value):
    doing = f"{request} answered X-Response-Time {value!r}"
    expect(
        value is not None,
        f"{request} answered without an X-Response-Time header",
        fix="in before_request keep g.started = time.perf_counter(); in after_request set "
        "response.headers['X-Response-Time'] to the seconds since then",
    )
    try:
        seconds = float(value)
    except ValueError:
        expect(
            False,
            f"{doing}, expected a number of seconds",
            fix="write the number alone, with no unit: f'{elapsed:.6f}'",
        )
    expect(math.isfinite(seconds) and seconds >= 0, f"{doing}, expected 0 or more seconds")
    expect(
        re.fullmatch(r"\d+(\.\d+)?", value.strip()) is not None,
        f"{doing}, expected the seconds written as a plain decimal number like 0.001234",
        fix="str() of a small float can give 1.2e-05: format it, f'{elapsed:.6f}'",
    )
    return seconds


@pytest.mark.task("timing")
def test_every_response_says_how_long_it_took(client, inputs):
    missing = f"/no-such-{inputs.word(label='path')}"
    for response, status in [
        (client.get("/bookmarks"), 200),
        (client.get(missing), 404),
        (client.delete("/bookmarks"), 405),
    ]:
        expect_answer(response, status)
        seconds = seconds_in(response.request_line, response.headers.get("X-Response-Time"))
        expect(
            seconds < 10,
            f"{response.request_line} answered X-Response-Time {seconds}, expected the seconds "
            "it took, well under 10",
            fix="subtract: time.perf_counter() - g.started",
        )


@pytest.mark.task("timing")
@pytest.mark.parametrize("seconds", [0.2, 0.35])
def test_the_time_covers_the_view(probe, seconds):
    answer = probe(time_of_a_slow_view, seconds)
    doing = f"a view that takes {seconds} s (added to an app made by your create_app())"
    expect(answer["raised"] is None, f"{doing} raised {answer['raised']}")
    value = answer["headers"].get("X-Response-Time")
    measured = seconds_in(doing, value) if value is not None else None
    expect(
        measured is not None,
        f"{doing} answered without an X-Response-Time header",
        fix="set it in an @app.after_request function, which runs after every view",
    )
    expect(
        seconds <= measured < seconds + 10,
        f"{doing} answered X-Response-Time {value!r}, expected about {seconds}",
        fix="start the clock in a @app.before_request function (g.started = "
        "time.perf_counter()) and read it in @app.after_request: time.perf_counter() - g.started",
    )


# teardown


@pytest.mark.task("teardown")
@pytest.mark.fresh_app
def test_teardown_logs_every_request(client, inputs):
    missing = f"/{inputs.word(label='path')}/{inputs.integer(1, 999, label='path')}"
    sent = [("GET", "/bookmarks", 200), ("GET", missing, 404), ("DELETE", "/bookmarks", 405)]
    for method, path, status in sent:
        expect_answer(client.open(path, method=method), status)
    response = client.get("/log")
    expect_status(response, 200)
    expected = [{"method": method, "path": path, "error": None} for method, path, _ in sent]
    logged = response.get_json()
    if isinstance(logged, list) and len(logged) == len(sent) + 1 and logged[:1] == expected[:1]:
        fix = (
            "the log also holds GET /log itself: record the request in teardown_request, "
            "which runs after its response is made"
        )
    else:
        fix = (
            "in a @app.teardown_request function, append {'method': request.method, "
            "'path': request.path, 'error': None} (the error's class name when there was one)"
        )
    expect_equal(
        logged,
        expected,
        "GET /log after " + ", ".join(f"{method} {path}" for method, path, _ in sent),
        fix=fix,
    )


@pytest.mark.task("teardown")
@pytest.mark.fresh_app
def test_teardown_logs_a_view_that_raised(client, probe, inputs):
    missing = f"/no-such-{inputs.word(label='path')}"
    expect_answer(client.get(missing), 404)
    raised = probe(raised_by, "/bookmarks/export")
    expect(
        raised == "NotImplementedError",
        f"GET /bookmarks/export raised {raised}, expected its view to raise "
        "NotImplementedError, as the starter's does",
        fix="leave the export view as the starter has it",
    )
    response = client.get("/log")
    expect_status(response, 200)
    logged = response.get_json()
    first = {"method": "GET", "path": missing, "error": None}
    failed = {"method": "GET", "path": "/bookmarks/export", "error": "NotImplementedError"}
    if logged == [first]:
        fix = (
            "after_request functions do not run when a view raises: record the request in a "
            "@app.teardown_request function, which runs however the request ended"
        )
    elif isinstance(logged, list) and len(logged) == 2 and logged[0] == first:
        fix = (
            "teardown_request receives the exception (None when there was none): "
            "'error': None if error is None else type(error).__name__"
        )
    else:
        fix = None
    expect_equal(
        logged,
        [first, failed],
        f"GET /log after GET {missing} and GET /bookmarks/export (whose view raised)",
        fix=fix,
    )


# login-required


def bearer(token):
    return {"Authorization": f"Bearer {token}"}


def a_token(inputs):
    return f"{inputs.word(label='token')}-{inputs.integer(1000, 99999, label='token')}"


def expect_refused(response, why):
    ran = (
        f"the view ran {why}: login_required must check the token before it calls the view, "
        "and sit under the route's decorator (@app.post(...) first, then @login_required), so "
        "that the route registers the protected view"
    )
    expect_answer(response, 401, fixes={200: ran, 201: ran, 204: ran})
    expect_json(
        response, {"error": "login required"}, fix="return {'error': 'login required'}, 401"
    )
    expect_header(
        response,
        "WWW-Authenticate",
        "Bearer",
        fix="send the header that says which kind of credentials to use: return "
        "{'error': 'login required'}, 401, {'WWW-Authenticate': 'Bearer'}",
    )


def a_user_with_a_token(probe, inputs):
    """A drawn user, given a drawn API token in the app's config."""
    user, token = inputs.name(label="user"), a_token(inputs)
    probe(add_token, token, user)
    return user, token


WRAPS_FIX = "decorate the inner function with @functools.wraps(view)"


@pytest.mark.task("login-required")
@pytest.mark.fresh_app
def test_adding_a_bookmark_needs_a_token(client, probe, inputs):
    user, token = a_user_with_a_token(probe, inputs)
    url = f"https://{inputs.word(label='url')}.example/{inputs.word(label='url')}"
    title = f"{inputs.word(label='title')} {inputs.name(label='title')}"
    response = client.post("/bookmarks", json={"url": url, "title": title}, headers=bearer(token))
    expect_answer(
        response,
        201,
        fixes={
            401: f"the token {token!r} belongs to {user!r}: look it "
            "up in current_app.config['API_TOKENS'] (request.authorization.token)"
        },
    )
    body = response.get_json()
    expect_json(
        response,
        {"id": 1, "url": url, "title": title, "added_by": user},
        fix="login_required should put the token's user in g.user before calling the view",
    )
    for headers, why in [
        ({}, "without an Authorization header"),
        (bearer(f"{token}x"), "with a token nobody has"),
        ({"Authorization": f"Token {token}"}, "with the token under another scheme than Bearer"),
        ({"Authorization": token}, "with the token and no scheme"),
    ]:
        response = client.post("/bookmarks", json={"url": url, "title": "x"}, headers=headers)
        expect_refused(response, why)
        listed = client.get("/bookmarks")
        expect_answer(listed, 200)
        expect_json(
            listed,
            [body],
            fix=f"the view saved a bookmark {why}: login_required must answer 401 without "
            "calling the view, so check the token first",
        )


@pytest.mark.task("login-required")
@pytest.mark.fresh_app
def test_deleting_a_bookmark_needs_a_token(client, probe, inputs):
    _, token = a_user_with_a_token(probe, inputs)
    url = f"https://{inputs.word(label='url')}.example/"
    response = client.post("/bookmarks", json={"url": url, "title": "t"}, headers=bearer(token))
    expect_answer(response, 201)
    bookmark = response.get_json()
    path = f"/bookmarks/{bookmark['id']}"
    expect_refused(client.delete(path), "without an Authorization header")
    expect_refused(client.delete(path, headers=bearer(token[::-1])), "with a token nobody has")
    expect_json(client.get("/bookmarks"), [bookmark])
    response = client.delete(path, headers=bearer(token))
    expect_answer(response, 204)
    expect_json(client.get("/bookmarks"), [])
    response = client.delete(path, headers=bearer(token))
    expect_answer(response, 404)
    expect_json(response, {"error": "no such bookmark"})


@pytest.mark.task("login-required")
@pytest.mark.fresh_app
def test_each_token_is_its_own_users(client, probe, inputs):
    users = [inputs.name(label="user")]
    users.append(inputs.name(label="user", avoid=users))
    tokens = [a_token(inputs), a_token(inputs)]
    for user, token in zip(users, tokens, strict=True):
        probe(add_token, token, user)
    for number, (user, token) in enumerate(zip(users, tokens, strict=True), start=1):
        response = client.post(
            "/bookmarks", json={"url": f"https://{token}.example/", "title": user},
            headers=bearer(token),
        )  # fmt: skip
        expect_answer(response, 201)
        expect_json(
            response,
            {"id": number, "url": f"https://{token}.example/", "title": user, "added_by": user},
            fix="look the token up in current_app.config['API_TOKENS'] on every request, and "
            "keep its user in g.user (not in a global)",
        )


@pytest.mark.task("login-required")
def test_an_app_without_tokens_refuses_every_token(probe, inputs):
    token = a_token(inputs)
    found = probe(with_no_tokens, token)
    doing = "create_app() with no API_TOKENS in its test config, then POST /bookmarks with a token,"
    expect(found["raised"] is None, f"{doing} raised {found['raised']}",
           fix="create_app() should start with no tokens: app.config.from_mapping(API_TOKENS={})")  # fmt: skip
    expect(
        found["status"] == 401,
        f"create_app() with no API_TOKENS in its test config answered POST /bookmarks with the "
        f"token {token!r} {found['status']}, expected 401 (its API_TOKENS is {found['tokens']})",
        fix="create_app() should start with no tokens: app.config.from_mapping(API_TOKENS={})",
    )


@pytest.mark.task("login-required")
def test_protected_views_keep_their_names(probe):
    wanted = [("POST", "/bookmarks"), ("DELETE", "/bookmarks/<int:bookmark_id>")]
    found = probe(views_of, wanted)
    for method, path in wanted:
        view = found.get(f"{method} {path}")
        expect(view is not None, f"the app has no route for {method} {path}")
        doing = f"the view of {method} {path}"
        inside = "login_required" in (view["qualname"] or "")
        expect(
            view["wraps"] or inside,
            f"{doing} is {view['name']!r}, not decorated with login_required",
            fix="put @login_required under the route's decorator",
        )
        expect(
            view["wraps"],
            f"{doing} is login_required's inner function {view['name']!r}, with its name and "
            "docstring instead of the view's own",
            fix=WRAPS_FIX,
        )
        expect_equal(view["name"], view["inner_name"], f"the __name__ of {doing}", fix=WRAPS_FIX)
        expect_equal(view["doc"], view["inner_doc"], f"the docstring of {doing}", fix=WRAPS_FIX)


@pytest.mark.task("login-required")
def test_login_required_works_on_any_view(probe, inputs):
    user, token = inputs.name(label="user"), a_token(inputs)
    number = inputs.integer(-50, 500, label="number")
    found = probe(decorate_a_new_view, token, user, number)
    expect(
        not found["missing"],
        "app.py has no login_required at its top level",
        fix="define def login_required(view): ... at the top level of app.py, outside create_app",
    )
    doing = "a view of the check's own, decorated with your login_required,"
    without, granted = found["without"], found["with"]
    for answer, how in [(without, "without a token"), (granted, "with a token")]:
        expect(answer["raised"] is None, f"{doing} {how}, raised {answer['raised']}")
    expect(
        found["calls_without"] == 0 and without["status"] == 401,
        f"{doing} answered {without['status']} without a token (the view ran "
        f"{found['calls_without']} time(s)), expected 401 without running it",
    )
    expect(
        granted["status"] == 200 and found["calls"] == 1,
        f"{doing} answered {granted['status']} {granted['json']!r} with the token (the view ran "
        f"{found['calls'] - found['calls_without']} time(s)), expected 200",
        fix="call the view with the arguments it was given and return what it returns: "
        "return view(*args, **kwargs)",
    )
    expect_equal(
        granted["json"],
        {"number": number, "user": user},
        f"what {doing} answered for /_workbook/secret/{number}",
        fix="pass the URL's values on: def wrapped_view(*args, **kwargs): ... "
        "return view(*args, **kwargs)",
    )
    expect(
        found["name"] == "secret_number",
        f"{doing} is named {found['name']!r}, expected 'secret_number', the view's own name",
        fix=WRAPS_FIX,
    )
    expect_equal(found["doc"], "A view of the check's own.", f"the docstring of {doing}",
                 fix=WRAPS_FIX)  # fmt: skip
    expect(found["wraps"], f"{doing} has no __wrapped__, the view it wraps", fix=WRAPS_FIX)


# signal


@pytest.mark.task("signal")
def test_bookmark_added_is_a_named_blinker_signal(probe):
    found = probe(the_signal)
    expect(
        not found["missing"],
        "app.py has no bookmark_added at its top level",
        fix="signals = Namespace() (from blinker import Namespace); "
        "bookmark_added = signals.signal('bookmark-added')",
    )
    expect(
        found["is_signal"],
        f"bookmark_added is a {found['kind']}, expected a blinker signal",
        fix="bookmark_added = signals.signal('bookmark-added'), where signals = Namespace()",
    )
    expect_equal(found["name"], "bookmark-added", "the name of bookmark_added",
                 fix="signals.signal('bookmark-added')")  # fmt: skip


def two_users(inputs):
    users = [inputs.name(label="user")]
    users.append(inputs.name(label="user", avoid=users))
    return {a_token(inputs): user for user in users}


@pytest.mark.task("signal")
def test_each_new_bookmark_sends_bookmark_added(probe, inputs):
    users = two_users(inputs)
    url = f"https://{inputs.word(label='url')}.example/"
    found = probe(signals_sent, users, url, inputs.word(label="title"))
    expect(not found["missing"], "app.py has no blinker signal bookmark_added at its top level")
    for number, answer in enumerate(found["answers"], start=1):
        doing = f"POST /bookmarks number {number}, to an app made by your create_app(),"
        expect(answer["raised"] is None, f"{doing} raised {answer['raised']}")
        expect(answer["status"] == 201, f"{doing} answered {answer['status']}, expected 201")
        sends = answer["sends"]
        expect(
            len(sends) == 1,
            f"{doing} sent bookmark_added {len(sends)} time(s), expected once",
            fix="after saving the bookmark, call bookmark_added.send(app, bookmark=bookmark)"
            if not sends
            else "send it once per bookmark",
        )
        send = sends[0]
        expect(
            not send["proxy"],
            f"{doing} sent bookmark_added with current_app as its sender: that is a proxy, not "
            "the app, so receivers connected for the app never hear it",
            fix="send it with the app itself: bookmark_added.send(app, ...) in create_app, or "
            "current_app._get_current_object()",
        )
        which = "first" if number <= len(users) + 1 else "second"
        expect(
            send["sender"] == which,
            f"{doing} sent bookmark_added with the sender {send['sender']!r}, expected the app "
            "that served it",
            fix="the sender is the first argument of send(): bookmark_added.send(app, ...)",
        )
        expect_equal(
            send["keys"], ["bookmark"], f"the keyword arguments {doing} sent",
            fix="send the bookmark as a keyword argument: bookmark_added.send(app, "
            "bookmark=bookmark)",
        )  # fmt: skip
        expect_equal(send["bookmark"], answer["json"], f"the bookmark {doing} sent",
                     fix="send the bookmark the view answers")  # fmt: skip
    quiet = found["quiet"]
    expect(
        quiet["refused"] == 401 and not quiet["sends"],
        f"a POST /bookmarks without a token (answered {quiet['refused']}) and GET /bookmarks "
        f"sent bookmark_added {len(quiet['sends'])} time(s), expected none",
        fix="send it only after a bookmark was saved",
    )


@pytest.mark.task("signal")
def test_stats_count_only_this_apps_bookmarks(probe, inputs):
    users = two_users(inputs)
    found = probe(signals_sent, users, f"https://{inputs.word()}.example/", "title")
    expect(not found["missing"], "app.py has no blinker signal bookmark_added at its top level")
    names = list(users.values())
    expected = [{names[0]: 1, names[1]: 2}, {names[0]: 1, names[1]: 1}]
    both = {name: expected[0][name] + expected[1][name] for name in names}
    for index, (stats, counts) in enumerate(zip(found["stats"], expected, strict=True)):
        which = ["the first", "a second"][index]
        doing = (
            f"GET /stats in {which} app, after {names[0]!r} added 1 and {names[1]!r} "
            f"{counts[names[1]]} bookmark(s) there"
        )
        expect(stats["raised"] is None, f"{doing} raised {stats['raised']}")
        expect(stats["status"] == 200, f"{doing} answered {stats['status']}, expected 200")
        if stats["json"] == {}:
            fix = (
                "connect the receiver with bookmark_added.connect(count_bookmark, sender=app, "
                "weak=False), or decorate it with @bookmark_added.connect_via(app): blinker "
                "keeps only a weak reference to a receiver connected with connect(), so a "
                "function defined inside create_app() is gone once create_app() returns"
            )
        elif stats["json"] == both:
            fix = (
                "connect the receiver for this app only (sender=app, or connect_via(app)): "
                "otherwise every app's receiver counts every app's bookmarks"
            )
        else:
            fix = None
        expect_equal(stats["json"], counts, doing, fix=fix)
