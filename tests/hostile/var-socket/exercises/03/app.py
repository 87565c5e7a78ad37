import json
import os
import socket

# The sandbox empties /run and gives the child its own /tmp, but a UNIX socket elsewhere, say a
# database's under /var/lib (MariaDB's /var/lib/mysql/mysql.sock on Fedora and RHEL) or LXD's
# under /var/snap, is still a file this process can connect to: a network namespace does not
# cover sockets reached by path. Connect to every socket under /var, /srv, /opt and /etc.
# GET /leaks names each one that answered; a hidden check fails if any is protected.
LEAKS = []
for top in ("/var", "/srv", "/opt", "/etc"):
    for folder, subfolders, names in os.walk(top):
        for name in names:
            path = os.path.join(folder, name)
            client = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            client.settimeout(0.2)
            try:
                client.connect(path)
            except OSError:
                continue
            finally:
                client.close()
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
