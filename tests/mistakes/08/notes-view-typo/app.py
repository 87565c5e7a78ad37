"""Module 08: Contexts. A small notes service."""

import os
import sqlite3
import threading
from contextlib import closing

from flask import Flask, current_app, g, request

import db


def create_app(test_config=None):
    app = Flask(__name__, instance_relative_config=True)
    app.config.from_mapping(DATABASE=os.path.join(app.instance_path, "notes.sqlite"))
    if test_config is not None:
        app.config.from_mapping(test_config)
    os.makedirs(os.path.dirname(app.config["DATABASE"]), exist_ok=True)
    db.init_app(app)

    @app.before_request
    def load_user():
        g.user = request.headers.get("X-User")

    @app.get("/whoami")
    def whoami():
        return {"user": g.user}

    @app.get("/notes")
    def list_notes():
        rows = db.get_db().execute("SELECT id, text FROM note ORDER BY id").fetchall()
        return [{"id": row[0], "text": row[1]} for row in row]

    @app.post("/notes")
    def add_note():
        text = request.get_json()["text"]
        connection = db.get_db()
        cursor = connection.execute("INSERT INTO note (text) VALUES (?)", (text,))
        connection.commit()
        note_id = cursor.lastrowid
        worker = threading.Thread(
            target=record_activity,
            args=(current_app.config["DATABASE"], note_id, text),
        )
        worker.start()
        return {"id": note_id, "text": text}, 201

    @app.get("/activity")
    def activity():
        rows = db.get_db().execute("SELECT note_id, words FROM activity ORDER BY id").fetchall()
        return [{"note": row[0], "words": row[1]} for row in rows]

    return app


def record_activity(database, note_id, text):
    """Count the note's words and record them.

    This runs in a thread of its own, after the request may have ended: it has no request
    and no app context, only the plain values it was given.
    """
    with closing(sqlite3.connect(database)) as connection, connection:
        connection.execute(
            "INSERT INTO activity (note_id, words) VALUES (?, ?)", (note_id, len(text.split()))
        )
