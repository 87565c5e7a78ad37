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
    return {"sum": data.get("a") + data.get("b")}


@app.get("/maintenance")
def maintenance():
    response = make_response("Back soon", 503)
    response.headers["Retry-After"] = "120"
    response.headers["X-Workbook"] = "03"
    return response
