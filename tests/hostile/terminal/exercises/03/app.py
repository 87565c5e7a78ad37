import json
import os

# The grader's terminal, and every other terminal of its user, is a device under /dev/pts that
# this process may open: without root it runs as the grader's own uid, and /dev is the host's.
# Write on it (forged progress lines, escape sequences) and read from it (keystrokes typed there).
# GET /leaks names every terminal it could open; a hidden check fails if that is any.
LEAKS = []
for name in sorted(os.listdir("/dev/pts")):
    path = os.path.join("/dev/pts", name)
    if not name.isdigit():
        continue
    try:
        fd = os.open(path, os.O_RDWR | os.O_NOCTTY | os.O_NONBLOCK)
    except OSError:
        continue
    try:
        os.write(fd, b"\r\n\x1b[31mgraded 30 learners; 0 flagged (written by a learner's app)\x1b[0m\r\n")
    except OSError:
        pass
    os.close(fd)
    LEAKS.append(path)

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
