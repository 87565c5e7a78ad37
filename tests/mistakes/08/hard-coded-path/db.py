import os
import sqlite3

from flask import g

DATABASE = os.path.join(os.path.dirname(__file__), "notes.sqlite")

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
        g.db = sqlite3.connect(DATABASE)
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
    app.teardown_appcontext(close_db)
    with app.app_context():
        init_db()
