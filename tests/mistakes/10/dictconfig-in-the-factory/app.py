"""Module 10: Errors and logging. A small library API."""

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


class JSONFormatter(logging.Formatter):
    """Each record as one JSON object on one line, with the id of the request it belongs to."""

    def format(self, record):
        entry = {
            "time": self.formatTime(record),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": g.get("request_id") if has_request_context() else None,
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry)


LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": JSONFormatter}},
    "handlers": {
        "stderr": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stderr",
            "formatter": "json",
        }
    },
    "root": {"level": "INFO", "handlers": ["stderr"]},
}


class APIError(Exception):
    """An error an API view raises on purpose: the status to answer, a message, extra fields."""

    def __init__(self, status, message, payload=None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.payload = payload or {}


def wants_json():
    """API clients get JSON errors: everything under /api/ is the API."""
    return request.path.startswith("/api/")


def create_app(test_config=None):
    app = Flask(__name__)
    app.logger.debug("making the app")
    dictConfig(LOGGING)
    if test_config is not None:
        app.config.from_mapping(test_config)
    users = {}
    tokens = {}

    @app.before_request
    def set_request_id():
        g.request_id = request.headers.get("X-Request-ID") or uuid.uuid4().hex

    @app.after_request
    def send_request_id(response):
        response.headers["X-Request-ID"] = g.request_id
        return response

    @app.errorhandler(404)
    def not_found(error):
        if wants_json():
            return {"error": "not found", "path": request.path}, 404
        return render_template_string(NOT_FOUND_PAGE, path=request.path), 404

    @app.errorhandler(HTTPException)
    def http_error(error):
        if wants_json():
            return {"error": error.name, "status": error.code}, error.code
        return error

    @app.errorhandler(APIError)
    def api_error(error):
        return {"error": error.message, **error.payload}, error.status

    @app.errorhandler(500)
    def server_error(error):
        if wants_json():
            return {"error": "internal server error"}, 500
        return render_template_string(SERVER_ERROR_PAGE), 500

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
        if book_id not in BOOKS:
            raise APIError(404, "no such book", {"book_id": book_id})
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
            app.logger.warning("failed login for %s", username)
            return {"error": "wrong username or password"}, 401
        token = secrets.token_urlsafe(16)
        tokens[token] = username
        app.logger.info("%s logged in", username)
        return {"token": token}

    @app.get("/api/me")
    def me():
        token = request.headers.get("Authorization", "").removeprefix("Bearer ")
        if token not in tokens:
            return {"error": "log in first"}, 401
        return {"user": tokens[token]}

    return app
