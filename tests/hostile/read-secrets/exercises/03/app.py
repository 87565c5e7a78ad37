import json
import os

# An attacker who knows exactly where everything is: the test writes every protected folder
# (other submissions, results, hidden checks, solutions) into TARGETS. At import, try to read
# every file under them, and the folders around this workspace, where other learners'
# workspaces would be. GET /leaks tells a hidden check what was readable.
TARGETS = []  # filled in by tests/test_grade.py
LEAKS = []
_around = os.path.dirname(os.path.dirname(os.path.dirname(os.getcwd())))
for top in (*TARGETS, _around):
    for folder, subfolders, names in os.walk(top):
        subfolders[:] = [s for s in subfolders if s not in (".venv", "site-packages", ".git")]
        for name in names:
            path = os.path.join(folder, name)
            try:
                with open(path, "rb") as file:
                    file.read(1)
            except OSError:
                continue
            LEAKS.append(os.path.realpath(path))

from flask import Flask, make_response, request

app = Flask(__name__)


@app.get("/leaks")
def leaks():
    return json.dumps(LEAKS), {"Content-Type": "application/json"}


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
