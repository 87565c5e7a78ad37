"""Module 10: Errors and logging. A small library API.

Check your work with `pytest exercises/10` or `workbook check 10`.
"""

import json
import logging
import secrets
import uuid
from logging.config import dictConfig

from flask import Flask, g, has_request_context, render_template_string, request
from werkzeug.exceptions import HTTPException, abort
from werkzeug.security import check_password_hash, generate_password_hash

BOOKS = {
    1: {"title": "Middlemarch", "author": "George Eliot"},
    2: {"title": "Kindred", "author": "Octavia E. Butler"},
    3: {"title": "The Leopard", "author": "Giuseppe Tomasi di Lampedusa"},
    4: {"title": "Things Fall Apart", "author": "Chinua Achebe"},
}

NOT_FOUND_PAGE = """<!doctype html>
<title>Page not found</title>
<h1>Page not found</h1>
<p>There is no page at <code>{{ path }}</code>.</p>
"""

SERVER_ERROR_PAGE = """<!doctype html>
<title>Something went wrong</title>
<h1>Something went wrong</h1>
<p>We have been told, and will look into it.</p>
"""


# TODO(json-logs): write class JSONFormatter(logging.Formatter) whose format(record) returns
# json.dumps of {"time": ..., "level": ..., "logger": ..., "message": ..., "request_id": ...},
# plus "exception" (the formatted traceback) when the record has exc_info. Then, here at the
# top of the file, before any app exists, call dictConfig: a logging.StreamHandler writing to
# ext://sys.stderr with that formatter, on the root logger, at level INFO.

# TODO(api-error): write class APIError(Exception), made as APIError(status, message,
# payload=None), keeping the three on the exception (payload as {} when it is None).

# TODO(not-found): write wants_json(), which tells an API client (a path under /api/) from
# a browser. The error handlers inside create_app use it.


def create_app(test_config=None):
    app = Flask(__name__)
    if test_config is not None:
        app.config.from_mapping(test_config)
    users = {}
    tokens = {}

    # TODO(request-id): before each request, keep an id for it in g.request_id: the request's
    # X-Request-ID header, or uuid.uuid4().hex when it has none. After each request, send it
    # back in the response's X-Request-ID header. JSONFormatter puts it in every line.

    # TODO(not-found): @app.errorhandler(404): answer API clients the JSON
    # {"error": "not found", "path": <the path asked for>} and browsers NOT_FOUND_PAGE
    # (render_template_string(NOT_FOUND_PAGE, path=...)), both with status 404.

    # TODO(http-errors): @app.errorhandler(HTTPException): answer API clients the JSON
    # {"error": error.name, "status": error.code} with status error.code; return the error
    # itself (Werkzeug's HTML page) to browsers.

    # TODO(api-error): @app.errorhandler(APIError): answer {"error": error.message,
    # **error.payload} with status error.status.

    # TODO(server-error): @app.errorhandler(500): answer API clients the JSON
    # {"error": "internal server error"} and browsers SERVER_ERROR_PAGE, both with status 500.
    # It runs only when exceptions do not propagate: leave PROPAGATE_EXCEPTIONS alone here.

    @app.get("/")
    def home():
        return "<h1>The library</h1><p>The API is under /api/.</p>"

    @app.get("/api/books")
    def list_books():
        limit = request.args.get("limit", "10")
        if not limit.isdigit():
            abort(400)
        return [{"id": key, **book} for key, book in BOOKS.items()][: int(limit)]

    @app.get("/api/books/<int:book_id>")
    def get_book(book_id):
        app.logger.info("looking up book %s", book_id)
        # TODO(api-error): when book_id is not in BOOKS, raise APIError(404, "no such book",
        # {"book_id": book_id}).
        return {"id": book_id, **BOOKS[book_id]}

    @app.post("/api/users")
    def register():
        data = request.get_json()
        users[data["username"]] = generate_password_hash(data["password"])
        return {"username": data["username"]}, 201

    @app.post("/api/login")
    def login():
        data = request.get_json()
        username = data["username"]
        stored = users.get(username)
        if stored is None or not check_password_hash(stored, data["password"]):
            # TODO(no-secrets): log a WARNING that names the username (never the password).
            return {"error": "wrong username or password"}, 401
        token = secrets.token_urlsafe(16)
        tokens[token] = username
        # TODO(no-secrets): log an INFO record that names the username (never the token).
        return {"token": token}

    @app.get("/api/me")
    def me():
        token = request.headers.get("Authorization", "").removeprefix("Bearer ")
        if token not in tokens:
            return {"error": "log in first"}, 401
        return {"user": tokens[token]}

    return app
