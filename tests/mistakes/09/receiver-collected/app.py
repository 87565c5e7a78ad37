"""Module 09: Request hooks, view decorators and signals. A team's bookmarks API."""

import functools
import itertools
import re
import time
import uuid

from blinker import Namespace
from flask import Flask, current_app, g, request

# A client may send its own request id; we keep it only when it looks like one.
VALID_REQUEST_ID = re.compile(r"[A-Za-z0-9-]{8,64}")

signals = Namespace()
bookmark_added = signals.signal("bookmark-added")


def login_required(view):
    """Let the view run only for a request with a known API token; its user goes in g.user."""

    @functools.wraps(view)
    def wrapped_view(*args, **kwargs):
        credentials = request.authorization  # Authorization: Bearer <token>, parsed
        user = None
        if credentials is not None and credentials.type == "bearer":
            user = current_app.config["API_TOKENS"].get(credentials.token)
        if user is None:
            return {"error": "login required"}, 401, {"WWW-Authenticate": "Bearer"}
        g.user = user
        return view(*args, **kwargs)

    return wrapped_view


def create_app(test_config=None):
    app = Flask(__name__)
    app.config.from_mapping(API_TOKENS={})  # token -> user name; set by the real config
    if test_config is not None:
        app.config.from_mapping(test_config)

    bookmarks = {}
    new_ids = itertools.count(1)
    request_log = []
    added_by_user = {}

    @app.before_request
    def start_request():
        sent = request.headers.get("X-Request-ID")
        if sent is not None and VALID_REQUEST_ID.fullmatch(sent):
            g.request_id = sent
        else:
            g.request_id = uuid.uuid4().hex
        g.started = time.perf_counter()

    @app.after_request
    def add_request_headers(response):
        response.headers["X-Request-ID"] = g.request_id
        response.headers["X-Response-Time"] = f"{time.perf_counter() - g.started:.6f}"
        return response

    @app.teardown_request
    def log_request(error=None):
        request_log.append(
            {
                "method": request.method,
                "path": request.path,
                "error": None if error is None else type(error).__name__,
            }
        )

    def count_bookmark(sender, bookmark, **extra):
        user = bookmark["added_by"]
        added_by_user[user] = added_by_user.get(user, 0) + 1

    bookmark_added.connect(count_bookmark, sender=app)

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
        bookmark = {
            "id": next(new_ids),
            "url": data["url"],
            "title": data["title"],
            "added_by": g.user,
        }
        bookmarks[bookmark["id"]] = bookmark
        bookmark_added.send(app, bookmark=bookmark)
        return bookmark, 201

    @app.delete("/bookmarks/<int:bookmark_id>")
    @login_required
    def delete_bookmark(bookmark_id):
        """Remove one bookmark."""
        if bookmarks.pop(bookmark_id, None) is None:
            return {"error": "no such bookmark"}, 404
        return "", 204

    @app.get("/bookmarks/export")
    def export_bookmarks():
        raise NotImplementedError  # not written yet: a view that fails, to watch the hooks

    @app.get("/stats")
    def stats():
        return added_by_user

    @app.get("/log")
    def show_log():
        return request_log

    return app
