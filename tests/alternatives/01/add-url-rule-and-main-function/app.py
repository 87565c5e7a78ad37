"""A first Flask app, with the routes added by app.add_url_rule and jsonify for the JSON."""

from flask import Flask, jsonify, make_response


def hello():
    return make_response("Hello, World!")


def about():
    return "<p>This site is built with Flask.</p>"


def status():
    return jsonify({"status": "ok"})


def info():
    return jsonify(ready=True, version=1, name="hello")


app = Flask(__name__)
app.add_url_rule("/", view_func=hello)
app.add_url_rule("/about", view_func=about)
app.add_url_rule("/api/status", view_func=status)
app.add_url_rule("/api/info", view_func=info)


def main():
    app.run(debug=True)


if __name__ == "__main__":
    main()
