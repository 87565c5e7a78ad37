"""The JSON endpoints: /todos and /todos/<id>."""

from flask import Blueprint, abort, jsonify, request

from todo.db import as_dict, get_db, insert

bp = Blueprint("api", __name__)

MAX_TITLE = 100  # characters a title may have, after its surrounding spaces are removed


def bad_request(message):
    return jsonify(error=message), 400


def clean_title(data):
    """The title from a JSON body, stripped; None when it is missing, not text or too long."""
    title = data.get("title")
    if not isinstance(title, str):
        return None
    title = title.strip()
    if not title or len(title) > MAX_TITLE:
        return None
    return title


def find(todo_id):
    row = get_db().execute("SELECT * FROM todo WHERE id = ?", (todo_id,)).fetchone()
    if row is None:
        abort(404)
    return row


@bp.errorhandler(404)
def not_found(error):
    return jsonify(error="no such todo"), 404


@bp.get("/todos")
def list_todos():
    query = "SELECT * FROM todo"
    done = request.args.get("done")
    if done == "true":
        query += " WHERE done = 1"
    elif done == "false":
        query += " WHERE done = 0"
    rows = get_db().execute(query + " ORDER BY id").fetchall()
    return jsonify([as_dict(row) for row in rows])


@bp.post("/todos")
def create_todo():
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        return bad_request("send a JSON object")
    title = clean_title(data)
    if title is None:
        return bad_request(f"title must be text of 1 to {MAX_TITLE} characters")
    done = data.get("done", False)
    if not isinstance(done, bool):
        return bad_request("done must be true or false")
    return insert(title), 201


@bp.get("/todos/<int:todo_id>")
def show_todo(todo_id):
    return as_dict(find(todo_id))


@bp.patch("/todos/<int:todo_id>")
def update_todo(todo_id):
    todo = as_dict(find(todo_id))
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        return bad_request("send a JSON object")
    if "title" in data:
        todo["title"] = clean_title(data)
        if todo["title"] is None:
            return bad_request(f"title must be text of 1 to {MAX_TITLE} characters")
    if "done" in data:
        if not isinstance(data["done"], bool):
            return bad_request("done must be true or false")
        todo["done"] = data["done"]
    db = get_db()
    db.execute(
        "UPDATE todo SET title = ?, done = ? WHERE id = ?",
        (todo["title"], int(todo["done"]), todo_id),
    )
    db.commit()
    return todo


@bp.delete("/todos/<int:todo_id>")
def delete_todo(todo_id):
    find(todo_id)
    db = get_db()
    db.execute("DELETE FROM todo WHERE id = ?", (todo_id,))
    db.commit()
    return "", 204
