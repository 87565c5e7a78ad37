"""The database helpers of module 08. There is no `app` in this file, on purpose.

Check your work with `pytest exercises/08` or `workbook check 08`.
"""

import sqlite3

from flask import current_app, g

SCHEMA = """
CREATE TABLE IF NOT EXISTS note (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    text TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS activity (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    note_id INTEGER NOT NULL,
    words INTEGER NOT NULL
);
"""


def get_db():
    """Return this request's database connection, opening it the first time it is asked for."""
    # TODO(get-db): open the connection only the first time get_db() is called in a
    # request, keep it in g (g.db), and return that same connection on every later call.
    # TODO(current-app): connect to the file named by the app's DATABASE setting. This
    # module has no `app`: read it from current_app.config["DATABASE"].
    # A stand-in so that the app starts: every call opens a new, empty database in memory.
    return sqlite3.connect(":memory:")


def close_db(error=None):
    """Close the connection at the end of the request, if the request opened one."""
    # TODO(teardown): take the connection out of g (g.pop("db", None)) and close it if
    # there was one. Then, in init_app below, register close_db with
    # app.teardown_appcontext so that it runs after every request, even one that raised.


def init_db():
    """Create the tables if they are not there yet."""
    get_db().executescript(SCHEMA)


def init_app(app):
    """Close the connection after every request, and make sure the tables exist."""
    with app.app_context():
        init_db()
