"""Module 08: Contexts. A small notes service."""

import os
import threading

import db
from flask import Flask, copy_current_request_context, g, request


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
        return [{"id": row[0], "text": row[1]} for row in rows]

    @app.post("/notes")
    def add_note():
        text = request.get_json()["text"]
        connection = db.get_db()
        cursor = connection.execute("INSERT INTO note (text) VALUES (?)", (text,))
        connection.commit()
        note_id = cursor.lastrowid

        @copy_current_request_context
        def record_activity():
            # A copy of this request's context, pushed in the thread: request works there,
            # and g is a new one, so get_db() opens (and teardown closes) a connection of its own.
            words = len(request.get_json()["text"].split())
            connection = db.get_db()
            connection.execute(
                "INSERT INTO activity (note_id, words) VALUES (?, ?)", (note_id, words)
            )
            connection.commit()

        threading.Thread(target=record_activity).start()
        return {"id": note_id, "text": text}, 201

    @app.get("/activity")
    def activity():
        rows = db.get_db().execute("SELECT note_id, words FROM activity ORDER BY id").fetchall()
        return [{"note": row[0], "words": row[1]} for row in rows]

    return app
