"""Module 09, another way: Flask's own signals instead of the hook decorators."""

import functools
import itertools
import re
import time
import uuid

from blinker import Namespace
from flask import Flask, current_app, g, request, request_finished, request_started
from flask.signals import request_tearing_down

VALID_REQUEST_ID = re.compile(r"[A-Za-z0-9-]{8,64}")

signals = Namespace()
bookmark_added = signals.signal("bookmark-added")


def login_required(view):
    """Let the view run only for a request with a known API token; its user goes in g.user."""

    @functools.wraps(view)
    def wrapped_view(*args, **kwargs):
        credentials = request.authorization
        user = None
        if credentials and credentials.type == "bearer":
            user = current_app.config["API_TOKENS"].get(credentials.token)
        if not user:
            return {"error": "login required"}, 401, {"WWW-Authenticate": "Bearer"}
        g.user = user
        return view(*args, **kwargs)

    return wrapped_view


def create_app(test_config=None):
    app = Flask(__name__)
    app.config.from_mapping(API_TOKENS={})
    if test_config is not None:
        app.config.from_mapping(test_config)

    bookmarks = {}
    new_ids = itertools.count(1)
    request_log = []
    added_by_user = {}

    # request_started is sent before the before_request functions run; request_finished
    # after the after_request functions, with the response that will be sent.
    @request_started.connect_via(app)
    def start_request(sender, **extra):
        g.started = time.perf_counter()
        sent = request.headers.get("X-Request-ID")
        valid = sent is not None and VALID_REQUEST_ID.fullmatch(sent)
        g.request_id = sent if valid else uuid.uuid4().hex

    @request_finished.connect_via(app)
    def add_request_headers(sender, response, **extra):
        response.headers["X-Request-ID"] = g.request_id
        response.headers["X-Response-Time"] = f"{time.perf_counter() - g.started:f}"

    @request_tearing_down.connect_via(app)
    def log_request(sender, exc=None, **extra):
        error = None if exc is None else type(exc).__name__
        request_log.append({"method": request.method, "path": request.path, "error": error})

    @bookmark_added.connect_via(app)
    def count_bookmark(sender, bookmark, **extra):
        added_by_user[bookmark["added_by"]] = added_by_user.get(bookmark["added_by"], 0) + 1

    @app.get("/ping")
    def ping():
        return {"status": "ok", "request_id": g.request_id}

    @app.get("/bookmarks")
    def list_bookmarks():
        return list(bookmarks.values())

    @app.post("/bookmarks")
    @login_required
    def add_bookmark():
        """Save the bookmark sent as JSON, as added by the logged-in user."""
        data = request.get_json()
        bookmark = {"id": next(new_ids), "url": data["url"], "title": data["title"]}
        bookmark["added_by"] = g.user
        bookmarks[bookmark["id"]] = bookmark
        bookmark_added.send(app, bookmark=bookmark)
        return bookmark, 201

    @app.delete("/bookmarks/<int:bookmark_id>")
    @login_required
    def delete_bookmark(bookmark_id):
        """Remove one bookmark."""
        if bookmark_id not in bookmarks:
            return {"error": "no such bookmark"}, 404
        del bookmarks[bookmark_id]
        return "", 204

    @app.get("/bookmarks/export")
    def export_bookmarks():
        raise NotImplementedError

    @app.get("/stats")
    def stats():
        return added_by_user

    @app.get("/log")
    def show_log():
        return request_log

    return app
