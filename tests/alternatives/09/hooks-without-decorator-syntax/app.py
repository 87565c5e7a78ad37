"""Module 09, another way: hooks and views registered by calling app's methods."""

import time
from itertools import count
from functools import wraps
from uuid import uuid4

import blinker
from flask import Flask, abort, current_app, g, jsonify, make_response, request

bookmark_added = blinker.signal("bookmark-added")  # a signal of blinker's default namespace

ALLOWED = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-")


def looks_like_an_id(value):
    return value is not None and 8 <= len(value) <= 64 and set(value) <= ALLOWED


def start_request():
    sent = request.headers.get("X-Request-ID")
    g.request_id = sent if looks_like_an_id(sent) else uuid4().hex
    g.started = time.monotonic()


def add_request_headers(response):
    response.headers.set("X-Request-ID", g.request_id)
    response.headers.set("X-Response-Time", format(time.monotonic() - g.started, ".6f"))
    return response


def login_required(view):
    """Let the view run only for a request with a known API token; its user goes in g.user."""

    @wraps(view)
    def check_token(**values):
        header = request.headers.get("Authorization") or ""
        if header.startswith("Bearer "):
            user = current_app.config["API_TOKENS"].get(header.removeprefix("Bearer "))
            if user is not None:
                g.user = user
                return view(**values)
        response = jsonify(error="login required")
        response.status_code = 401
        response.headers["WWW-Authenticate"] = "Bearer"
        abort(response)

    return check_token


def create_app(test_config=None):
    app = Flask(__name__)
    app.config.from_mapping({"API_TOKENS": {}, **(test_config or {})})
    bookmarks = []
    ids = count(1)
    log = []
    counts = {}

    def log_request(exc):
        log.append(
            {"method": request.method, "path": request.path,
             "error": exc.__class__.__name__ if exc is not None else None}
        )  # fmt: skip

    def count_bookmark(sender, **data):
        user = data["bookmark"]["added_by"]
        counts[user] = counts.get(user, 0) + 1

    app.before_request(start_request)
    app.after_request(add_request_headers)
    app.teardown_request(log_request)
    bookmark_added.connect(count_bookmark, sender=app, weak=False)

    def ping():
        return jsonify(status="ok", request_id=g.request_id)

    def list_bookmarks():
        return jsonify(bookmarks)

    def add_bookmark():
        """Save the bookmark sent as JSON, as added by the logged-in user."""
        data = request.get_json()
        bookmark = {"id": next(ids), "url": data["url"], "title": data["title"],
                    "added_by": g.user}  # fmt: skip
        bookmarks.append(bookmark)
        bookmark_added.send(app, bookmark=bookmark)
        return make_response(jsonify(bookmark), 201)

    def delete_bookmark(bookmark_id):
        """Remove one bookmark."""
        for bookmark in bookmarks:
            if bookmark["id"] == bookmark_id:
                bookmarks.remove(bookmark)
                return make_response("", 204)
        return make_response(jsonify(error="no such bookmark"), 404)

    def export_bookmarks():
        raise NotImplementedError("not yet")

    app.add_url_rule("/ping", view_func=ping)
    app.add_url_rule("/bookmarks", view_func=list_bookmarks)
    app.add_url_rule("/bookmarks", view_func=login_required(add_bookmark), methods=["POST"])
    app.add_url_rule(
        "/bookmarks/<int:bookmark_id>", view_func=login_required(delete_bookmark),
        methods=["DELETE"],
    )  # fmt: skip
    app.add_url_rule("/bookmarks/export", view_func=export_bookmarks)
    app.add_url_rule("/stats", view_func=lambda: counts, endpoint="stats")
    app.add_url_rule("/log", view_func=lambda: log, endpoint="log")
    return app
