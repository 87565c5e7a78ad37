"""Module 08: Contexts. A small notes service, with its views in a blueprint."""

import os
import sqlite3
from concurrent.futures import ThreadPoolExecutor

from db import get_db, init_app
from flask import Blueprint, Flask, current_app, g, jsonify, request

executor = ThreadPoolExecutor(max_workers=2)
bp = Blueprint("notes", __name__)


def current_user():
    """The user who sent this request, looked up once per request."""
    if "user" not in g:
        g.user = request.headers.get("X-User")
    return g.user


@bp.route("/whoami")
def whoami():
    return jsonify(user=current_user())


@bp.route("/notes")
def list_notes():
    rows = get_db().execute("SELECT id, text FROM note ORDER BY id").fetchall()
    return jsonify([dict(id=row["id"], text=row["text"]) for row in rows])


@bp.route("/notes", methods=["POST"])
def add_note():
    text = request.json["text"]
    db = get_db()
    note_id = db.execute("INSERT INTO note (text) VALUES (?)", (text,)).lastrowid
    db.commit()
    executor.submit(record_activity, current_app.config["DATABASE"], note_id, len(text.split()))
    return jsonify(id=note_id, text=text), 201


@bp.route("/activity")
def activity():
    rows = get_db().execute("SELECT note_id, words FROM activity ORDER BY id").fetchall()
    return jsonify([{"note": row["note_id"], "words": row["words"]} for row in rows])


def record_activity(database, note_id, words):
    connection = sqlite3.connect(database)
    try:
        connection.execute("INSERT INTO activity (note_id, words) VALUES (?, ?)", (note_id, words))
        connection.commit()
    finally:
        connection.close()


def create_app(test_config=None):
    app = Flask(__name__, instance_relative_config=True)
    app.config["DATABASE"] = os.path.join(app.instance_path, "notes.sqlite")
    if test_config:
        app.config.update(test_config)
    os.makedirs(os.path.dirname(app.config["DATABASE"]), exist_ok=True)
    init_app(app)
    app.register_blueprint(bp)
    return app
