import os

# The memory limit is on address space and the disk cap is the size of /tmp, but neither counts
# memory held by file descriptors that are never mapped: 110 memfds of 16 MB (the file size
# limit), and /tmp's inodes, which a size= tmpfs does not count (empty folders take no blocks).
# Seen: 1.7 GB of shared memory and 0.7 GB of kernel memory from one child in 4 seconds.
# GET /written says how many MB it held beyond its caps.
HELD = []
WRITTEN = 0
_block = b"x" * (1024 * 1024)
try:
    for _ in range(110):
        descriptor = os.memfd_create("hoard")
        for _ in range(16):
            os.write(descriptor, _block)
            WRITTEN += 1
        HELD.append(descriptor)
except OSError:
    pass
try:
    os.mkdir("/tmp/hoard")
    for number in range(200_000):  # about 200 MB of inodes and dentries
        os.mkdir(f"/tmp/hoard/{number}")
        if number % 1000 == 999:
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
