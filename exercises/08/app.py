"""Module 08: Contexts. A small notes service.

The database helpers are in db.py. Check your work with `pytest exercises/08` or
`workbook check 08`.
"""

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

    # TODO(g-user): before every request, put the value of the X-User header in g.user
    # (None when the request has no such header), with @app.before_request. Then add
    # GET /whoami, which answers the JSON {"user": <g.user>}.

    @app.get("/notes")
    def list_notes():
        rows = db.get_db().execute("SELECT id, text FROM note ORDER BY id").fetchall()
        return [{"id": row[0], "text": row[1]} for row in rows]

    @app.post("/notes")
    def add_note():
        text = request.get_json()["text"]
        connection = db.get_db()
        cursor = connection.execute("INSERT INTO note (text) VALUES (?)", (text,))
        connection.commit()
        note_id = cursor.lastrowid
        # TODO(background): start a threading.Thread that runs record_activity (below)
        # with plain values: the database path, the note's id and its text. Then write
        # record_activity: open its own sqlite3 connection to that path and insert
        # (note_id, number of words in the text) into the activity table. The thread has
        # no request and no app context, so it cannot use request, g, current_app or get_db.
        return {"id": note_id, "text": text}, 201

    @app.get("/activity")
    def activity():
        rows = db.get_db().execute("SELECT note_id, words FROM activity ORDER BY id").fetchall()
        return [{"note": row[0], "words": row[1]} for row in rows]

    return app


def record_activity(database, note_id, text):
    """Count the note's words and record them. Runs in a thread of its own."""
