"""A first Flask app: a home page, an about page and two small JSON routes."""

from flask import Flask, jsonify

app = Flask(__name__)


@app.route("/")
def hello():
    return "Hello, World!"


@app.route("/about")
def about():
    return "This site is built with Flask. It answers with text and with JSON."


@app.route("/api/status")
def status():
    return {"status": "ok"}


@app.route("/api/info")
def info():
    return jsonify(name="hello", version=1.0, ready=True)


if __name__ == "__main__":
    app.run(debug=True)
