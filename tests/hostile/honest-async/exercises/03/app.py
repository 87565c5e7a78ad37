import asyncio

from flask import Flask, make_response, request

app = Flask(__name__)


@app.get("/greet")
async def greet():
    await asyncio.sleep(0)
    name = request.args.get("name", "World")
    return f"Hello, {name}!"


@app.get("/books")
async def books():
    await asyncio.sleep(0)
    page = request.args.get("page", 1, type=int)
    return {"page": page}


@app.post("/signup")
async def signup():
    await asyncio.sleep(0)
    name = request.form["name"]
    email = request.form["email"]
    return f"Thanks for signing up, {name}! We will write to {email}.", 201


@app.post("/api/sum")
async def api_sum():
    await asyncio.sleep(0)
    data = request.get_json()
    for field in ("a", "b"):
        if field not in data:
            return {"error": f"missing field: {field}"}, 400
    return {"sum": data["a"] + data["b"]}


@app.get("/maintenance")
async def maintenance():
    await asyncio.sleep(0)
    response = make_response("Back soon", 503)
    response.headers["Retry-After"] = "120"
    response.headers["X-Workbook"] = "03"
    return response
