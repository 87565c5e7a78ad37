"""The SQLite store, and the ``flask init-db`` and ``flask add`` commands."""

import sqlite3

import click
from flask import current_app, g
from flask.cli import with_appcontext

TABLE = """
CREATE TABLE IF NOT EXISTS todo (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    title TEXT NOT NULL,
    done TEXT NOT NULL DEFAULT 'no' CHECK (done IN ('yes', 'no'))
);
"""


def get_db():
    """The request's database connection, opened on first use."""
    if "db" not in g:
        g.db = sqlite3.connect(current_app.config["DATABASE"])
    return g.db


def close_db(error=None):
    db = g.pop("db", None)
    if db is not None:
        db.close()


def init_db():
    """An empty ``todo`` table, its ids counting from 1 again (call it inside an app context)."""
    db = get_db()
    db.executescript(TABLE)
    db.execute("DELETE FROM todo")
    db.execute("DELETE FROM sqlite_sequence WHERE name = 'todo'")
    db.commit()


def as_dict(row):
    number, title, done = row
    return {"id": number, "title": title, "done": done == "yes"}


def insert(title, done=False):
    """Store a new to-do and return it as a dict."""
    db = get_db()
    with db:
        cursor = db.execute(
            "INSERT INTO todo (title, done) VALUES (?, ?)", (title, "yes" if done else "no")
        )
    return {"id": cursor.lastrowid, "title": title, "done": bool(done)}


@click.command("init-db")
@with_appcontext
def init_db_command():
    """Create an empty database (what was in it is gone)."""
    init_db()
    click.echo("Initialized the database.")


@click.command("add")
@click.argument("title")
@click.option("--done/--not-done", default=False, help="Whether the new to-do is done.")
@with_appcontext
def add_command(title, done):
    """Add a to-do from the command line."""
    made = insert(title, done)
    click.echo(f"Added todo {made['id']}: {made['title']}")


def init_app(app):
    app.teardown_appcontext(close_db)
    app.cli.add_command(init_db_command)
    app.cli.add_command(add_command)
