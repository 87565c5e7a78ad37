"""The SQLite store, and the ``flask init-db`` and ``flask add`` commands."""

import sqlite3

import click
from flask import current_app, g
from flask.cli import with_appcontext

SCHEMA = """
DROP TABLE IF EXISTS todo;
CREATE TABLE todo (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    title TEXT NOT NULL,
    done INTEGER NOT NULL DEFAULT 0
);
"""


def get_db():
    """The request's database connection, opened on first use."""
    if "db" not in g:
        g.db = sqlite3.connect(current_app.config["DATABASE"])
        g.db.row_factory = sqlite3.Row
    return g.db


def close_db(error=None):
    db = g.pop("db", None)
    if db is not None:
        db.close()


def init_db():
    """Create an empty ``todo`` table, dropping the old one (call it inside an app context)."""
    get_db().executescript(SCHEMA)


def as_dict(row):
    return {"id": row["id"], "title": row["title"], "done": bool(row["done"])}


def insert(title, done=False):
    """Store a new to-do and return it as a dict."""
    db = get_db()
    cursor = db.execute("INSERT INTO todo (title, done) VALUES (?, ?)", (title, int(done)))
    db.commit()
    return {"id": cursor.lastrowid, "title": title, "done": done}


@click.command("init-db")
@with_appcontext
def init_db_command():
    """Create an empty database (what was in it is gone)."""
    init_db()
    click.echo("Initialized the database.")


@click.command("add")
@click.argument("title")
@click.option("--done", is_flag=True, help="Mark the new to-do as done.")
@with_appcontext
def add_command(title, done):
    """Add a to-do from the command line."""
    todo = insert(title, done)
    click.echo(f"Added todo {todo['id']}: {todo['title']}")


def init_app(app):
    app.cli.add_command(add_command)
    app.cli.add_command(init_db_command)
    app.teardown_appcontext(close_db)
