"""A first Flask app: a home page, an about page and two small JSON routes."""

from flask import Flask

app = Flask(__name__)


# TODO(hello): add a route for "/" whose view returns the text "Hello, World!".


# TODO(about): add a route for "/about" whose text contains "This site is built with Flask."


# TODO(status-json): add a route for "/api/status" that answers the JSON {"status": "ok"}.


# TODO(info-json): add "/api/info" answering {"name": "hello", "version": 1, "ready": true}.


# TODO(run-guard): make `python app.py` call app.run(debug=True), but not when app.py is imported.
