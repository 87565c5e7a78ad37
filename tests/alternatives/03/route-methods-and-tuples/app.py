from flask import Flask, jsonify, request

app = Flask(__name__)


@app.route("/greet", methods=["GET"])
def greet():
    return "Hello, " + request.args.get("name", "World") + "!"


@app.route("/books", methods=["GET"])
def books():
    return jsonify(page=request.args.get("page", default=1, type=int))


@app.route("/signup", methods=["POST"])
def signup():
    name = request.form.get("name", "")
    email = request.form.get("email")
    if not email:
        return jsonify(error="missing field: email"), 400
    return "Welcome, %s. Mail goes to %s." % (name, email), 201


@app.route("/api/sum", methods=["POST"])
def api_sum():
    data = request.json
    if "a" not in data:
        return jsonify(error="missing field: a"), 400
    if "b" not in data:
        return jsonify(error="missing field: b"), 400
    return jsonify(sum=data["a"] + data["b"])


@app.route("/maintenance")
def maintenance():
    return "Back soon", 503, {"Retry-After": "120", "X-Workbook": "03"}
