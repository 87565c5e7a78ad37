"""A first Flask app whose pages live in a blueprint."""

from flask import Blueprint, Flask

pages = Blueprint("pages", __name__)


@pages.get("/")
def home():
    return "Hello, World!"


@pages.get("/about")
def about_page():
    return "Hello again. This site is built with Flask. That is all for now."


@pages.get("/api/status")
def api_status():
    return dict(status="ok")


@pages.get("/api/info")
def api_info():
    answer = {"name": "hello"}
    answer["version"] = 1
    answer["ready"] = 1 == 1
    return answer


app = Flask(__name__)
app.register_blueprint(pages)

if "__main__" == __name__:
    start = lambda: app.run(debug=True)  # noqa: E731
    start()
