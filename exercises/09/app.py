"""Module 09: Request hooks, view decorators and signals. A team's bookmarks API.

The views are written; the hooks, the decorator and the signal are yours. Check your work with
`pytest exercises/09` or `workbook check 09`.
"""

import functools
import itertools
import re
import time
import uuid

from blinker import Namespace
from flask import Flask, current_app, g, request

# A client may send its own request id; we keep it only when it looks like one.
VALID_REQUEST_ID = re.compile(r"[A-Za-z0-9-]{8,64}")

# TODO(signal): make a blinker Namespace and, in it, the signal bookmark_added, named
# "bookmark-added": signals = Namespace(); bookmark_added = signals.signal("bookmark-added").


# TODO(login-required): write the decorator login_required(view). The function it returns
# reads the request's API token (request.authorization: its .type is "bearer" and its .token
# the token, for the header "Authorization: Bearer <token>") and looks it up in
# current_app.config["API_TOKENS"], which maps tokens to user names. Unknown or missing: answer
# {"error": "login required"} with status 401 and the header WWW-Authenticate: Bearer, without
# calling the view. Known: keep the user in g.user and return what the view returns. Decorate
# the inner function with @functools.wraps(view), so each view keeps its name and docstring.


def create_app(test_config=None):
    app = Flask(__name__)
    app.config.from_mapping(API_TOKENS={})  # token -> user name; set by the real config
    if test_config is not None:
        app.config.from_mapping(test_config)

    bookmarks = {}
    new_ids = itertools.count(1)
    request_log = []
    added_by_user = {}

    # TODO(request-id): in a @app.before_request function, keep the client's X-Request-ID header
    # in g.request_id when it is 8 to 64 letters, digits or hyphens (VALID_REQUEST_ID.fullmatch),
    # and otherwise a new id, uuid.uuid4().hex. In a @app.after_request function, add the header
    # X-Request-ID: <g.request_id> to the response, and return the response.

    # TODO(timing): in before_request, start the clock: g.started = time.perf_counter(). In
    # after_request, add the header X-Response-Time with the seconds since then, as a number
    # such as 0.001234 (f"{seconds:.6f}").

    # TODO(teardown): in a @app.teardown_request function (it receives the error, or None),
    # append {"method": ..., "path": ..., "error": None, or the error's class name such as
    # "NotImplementedError"} to request_log, for every request, also one whose view raised.

    # TODO(signal): connect a receiver of bookmark_added for this app only, which counts the
    # bookmarks each user added in added_by_user ({"ada": 2}), and send the signal (below).

    @app.get("/ping")
    def ping():
        return {"status": "ok", "request_id": g.request_id}

    @app.get("/bookmarks")
    def list_bookmarks():
        return list(bookmarks.values())

    # TODO(login-required): put @login_required under the route of add_bookmark and of
    # delete_bookmark.
    @app.post("/bookmarks")
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
        # TODO(signal): send bookmark_added, with the app as sender and bookmark=bookmark.
        return bookmark, 201

    @app.delete("/bookmarks/<int:bookmark_id>")
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
