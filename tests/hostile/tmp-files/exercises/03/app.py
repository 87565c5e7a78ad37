import os

# Leave files behind for later learners, in every world-writable place, and try to fill the disk:
# 420 MB in 10 MB files, until a write fails. GET /written says how much got written.
for folder in ("/tmp", "/var/tmp", "/dev/shm"):
    try:
        with open(os.path.join(folder, "workbook-hostile-left-behind"), "w") as file:
            file.write("for the next learner")
    except OSError:
        pass
WRITTEN = 0
_block = b"x" * (1024 * 1024)
try:
    for number in range(42):
        with open(f"/tmp/workbook-hostile-flood-{number}", "wb") as file:
            for _ in range(10):
                file.write(_block)
                WRITTEN += 1
except OSError:
    pass

from flask import Flask, make_response, request

app = Flask(__name__)


@app.get("/written")
def written():
    return {"mb": WRITTEN}


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
