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
    if "db" not in g:
        g.db = sqlite3.connect(current_app.config["DATABASE"])
        g.db.row_factory = sqlite3.Row
    return g.db


def close_db(error=None):
    """Close the connection at the end of the request, if the request opened one."""
    db = g.pop("db", None)
    if db is not None:
        db.close()


def init_db():
    """Create the tables if they are not there yet."""
    get_db().executescript(SCHEMA)


def init_app(app):
    """Close the connection after every request, and make sure the tables exist."""
    app.after_request(close_after_request)
    with app.app_context():
        init_db()


def close_after_request(response):
    """Close the connection once the response is ready."""
    close_db()
    return response
