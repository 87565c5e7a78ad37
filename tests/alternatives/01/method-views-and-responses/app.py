"""A first Flask app with class-based views and hand-made responses."""

import json

from flask import Flask, Response
from flask.views import MethodView

app = Flask(__name__)


class Home(MethodView):
    def get(self):
        return Response("Hello, World!", mimetype="text/plain")


class About(MethodView):
    def get(self):
        return "This site is built with Flask.", 200


class Status(MethodView):
    def get(self):
        return Response(json.dumps({"status": "ok"}), mimetype="application/json")


class Info(MethodView):
    def get(self):
        return {"name": "hello", "version": 1, "ready": True}, 200, {"X-Info": "yes"}


app.add_url_rule("/", view_func=Home.as_view("home"))
app.add_url_rule("/about", view_func=About.as_view("about"))
app.add_url_rule("/api/status", view_func=Status.as_view("status"))
app.add_url_rule("/api/info", view_func=Info.as_view("info"))

if __name__ == "__main__":
    app.debug = True
    app.run()
