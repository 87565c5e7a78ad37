import json
import os

# The warm server runs as `python -m checker.grade.sandbox`, so the grader's working folder is
# on its sys.path, and the sandbox binds every sys.path folder back into the child. An instructor
# who runs `workbook grade` from their home folder hands every learner that home folder: read
# every file under every bind mount /proc/self/mountinfo names that is not the system's or Python's.
# GET /leaks lists what was readable; a hidden check fails if any of it is protected.
LEAKS = []
_SKIP = {"site-packages", "lib", "include", "bin", ".git", "__pycache__", "checker"}
for line in open("/proc/self/mountinfo"):
    point = line.split()[4].replace("\\040", " ")
    if point in ("/", "/tmp", "/proc") or point.startswith(("/proc/", "/sys", "/dev", "/tmp/workspace", "/tmp/.")):
        continue
    for folder, subfolders, names in os.walk(point):
        subfolders[:] = [s for s in subfolders if s not in _SKIP]
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
