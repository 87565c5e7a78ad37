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
    db = getattr(g, "_database", None)
    if db is None:
        db = g._database = sqlite3.connect(current_app.config["DATABASE"])
    return db


def close_db(exception):
    """Close the connection at the end of the request, if the request opened one."""
    db = getattr(g, "_database", None)
    if db is not None:
        db.close()


def init_db():
    """Create the tables if they are not there yet."""
    get_db().executescript(SCHEMA)


def init_app(app):
    """Close the connection after every request, and make sure the tables exist."""
    app.teardown_request(close_db)
    with app.app_context():
        init_db()
        close_db(None)
