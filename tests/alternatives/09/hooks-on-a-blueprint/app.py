"""Module 09, another way: the API in a blueprint whose app-wide hooks do the work."""

import functools
import re
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from itertools import count

from blinker import Namespace
from flask import Blueprint, Flask, current_app, g, request

VALID_REQUEST_ID = re.compile(r"[A-Za-z0-9-]{8,64}")

signals = Namespace()
bookmark_added = signals.signal("bookmark-added")

api = Blueprint("api", __name__)


@dataclass
class Store:
    """What one app keeps: its bookmarks, the request log and the count per user."""

    bookmarks: dict = field(default_factory=dict)
    ids: count = field(default_factory=lambda: count(1))
    log: list = field(default_factory=list)
    added: Counter = field(default_factory=Counter)


def store():
    return current_app.extensions["bookmarks"]


def login_required(view):
    """Let the view run only for a request with a known API token; its user goes in g.user."""

    @functools.wraps(view)
    def decorated(*args, **kwargs):
        credentials = request.authorization
        tokens = current_app.config["API_TOKENS"]
        if credentials is None or credentials.type != "bearer" or credentials.token not in tokens:
            return {"error": "login required"}, 401, {"WWW-Authenticate": "Bearer"}
        g.user = tokens[credentials.token]
        return view(*args, **kwargs)

    return decorated


@api.before_app_request
def start_request():
    g.started = time.perf_counter()
    sent = request.headers.get("X-Request-ID", "")
    g.request_id = sent if VALID_REQUEST_ID.fullmatch(sent) else str(uuid.uuid4())


@api.after_app_request
def add_request_id(response):
    response.headers["X-Request-ID"] = g.request_id
    return response


@api.after_app_request
def add_response_time(response):
    response.headers["X-Response-Time"] = "%.4f" % (time.perf_counter() - g.started)
    return response


@api.teardown_app_request
def log_request(error):
    name = type(error).__name__ if error else None
    store().log.append({"method": request.method, "path": request.path, "error": name})


def count_bookmark(app, bookmark):
    app.extensions["bookmarks"].added[bookmark["added_by"]] += 1


@api.get("/ping")
def ping():
    return {"status": "ok", "request_id": g.request_id}


@api.route("/bookmarks")
def list_bookmarks():
    return list(store().bookmarks.values())


@api.route("/bookmarks", methods=["POST"])
@login_required
def add_bookmark():
    """Save the bookmark sent as JSON, as added by the logged-in user."""
    data = request.json
    bookmark = dict(id=next(store().ids), url=data["url"], title=data["title"], added_by=g.user)
    store().bookmarks[bookmark["id"]] = bookmark
    bookmark_added.send(current_app._get_current_object(), bookmark=bookmark)
    return bookmark, 201


@api.route("/bookmarks/<int:bookmark_id>", methods=["DELETE"])
@login_required
def delete_bookmark(bookmark_id):
    """Remove one bookmark."""
    if bookmark_id not in store().bookmarks:
        return {"error": "no such bookmark"}, 404
    del store().bookmarks[bookmark_id]
    return "", 204


@api.get("/bookmarks/export")
def export_bookmarks():
    raise NotImplementedError


@api.get("/stats")
def stats():
    return dict(store().added)


@api.get("/log")
def show_log():
    return store().log


def create_app(test_config=None):
    app = Flask(__name__)
    app.config["API_TOKENS"] = {}
    app.config.update(test_config or {})
    app.extensions["bookmarks"] = Store()
    bookmark_added.connect(lambda sender, bookmark: count_bookmark(sender, bookmark),
                           sender=app, weak=False)
    app.register_blueprint(api)
    return app
