"""The JSON endpoints, as one class-based view per URL."""

from flask import Blueprint, abort, jsonify, request
from flask.views import MethodView

from todo.db import as_dict, get_db, insert

bp = Blueprint("todos", __name__)

LONGEST = 100


def _fail(text):
    return {"error": text}, 400


def _title_from(body):
    value = body.get("title")
    if isinstance(value, str) and 0 < len(value.strip()) <= LONGEST:
        return value.strip()
    return None


def _row_or_404(number):
    found = get_db().execute("SELECT id, title, done FROM todo WHERE id = ?", (number,)).fetchone()
    return found if found is not None else abort(404)


@bp.app_errorhandler(404)
def missing(error):
    return {"error": "not found"}, 404


class TodoList(MethodView):
    def get(self):
        wanted = {"true": 1, "false": 0}.get(request.args.get("done", ""))
        if wanted is None:
            rows = get_db().execute("SELECT * FROM todo ORDER BY id").fetchall()
        else:
            rows = get_db().execute(
                "SELECT * FROM todo WHERE done = ? ORDER BY id", (wanted,)
            ).fetchall()
        return jsonify([as_dict(row) for row in rows])

    def post(self):
        body = request.get_json(silent=True)
        if not isinstance(body, dict):
            return _fail("the body must be a JSON object")
        title = _title_from(body)
        if title is None:
            return _fail("a title is needed")
        done = body.get("done", False)
        if done is not True and done is not False:
            return _fail("done is a boolean")
        return jsonify(insert(title, done)), 201


class TodoItem(MethodView):
    def get(self, todo_id):
        return jsonify(as_dict(_row_or_404(todo_id)))

    def patch(self, todo_id):
        current = as_dict(_row_or_404(todo_id))
        body = request.get_json(silent=True)
        if not isinstance(body, dict):
            return _fail("the body must be a JSON object")
        if "title" in body:
            current["title"] = _title_from(body)
            if current["title"] is None:
                return _fail("a title is needed")
        if "done" in body:
            if body["done"] is not True and body["done"] is not False:
                return _fail("done is a boolean")
            current["done"] = body["done"]
        db = get_db()
        db.execute(
            "UPDATE todo SET title = ?, done = ? WHERE id = ?",
            (current["title"], int(current["done"]), todo_id),
        )
        db.commit()
        return jsonify(current)

    def delete(self, todo_id):
        _row_or_404(todo_id)
        db = get_db()
        db.execute("DELETE FROM todo WHERE id = ?", (todo_id,))
        db.commit()
        return "", 204


bp.add_url_rule("/todos", view_func=TodoList.as_view("list"))
bp.add_url_rule("/todos/<int:todo_id>", view_func=TodoItem.as_view("item"))
