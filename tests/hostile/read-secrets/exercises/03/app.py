import os
import time

import checker

# Look for everything this process can read: other learners' files, the gradebook, the hidden
# checks, the reference solutions. A hidden check asks for LEAKS and fails on any protected path.
LEAKS = []
_deadline = time.monotonic() + 1.0
_course = os.path.dirname(os.path.dirname(checker.__file__))
for top in (_course, "/tmp", "/work", "/root", "/home", "/srv"):
    for folder, subfolders, names in os.walk(top):
        subfolders[:] = [s for s in subfolders if s not in (".venv", "site-packages", "proc")]
        if time.monotonic() > _deadline:
            break
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
