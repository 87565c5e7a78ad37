"""Bookmarks: a small JSON service built by an application factory."""

import os

from flask import Flask, current_app, request
from flask_sqlalchemy import SQLAlchemy

db = SQLAlchemy()


class DefaultConfig:
    SITE_NAME = "Bookmarks"
    PER_PAGE = 20


class Bookmark(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    url = db.Column(db.String(500), nullable=False)
    title = db.Column(db.String(200), nullable=False)


def create_app(test_config=None):
    app = Flask(__name__, instance_relative_config=True)
    app.config.from_object(DefaultConfig)
    app.config["SQLALCHEMY_DATABASE_URI"] = "sqlite:///" + os.path.join(
        app.instance_path, "bookmarks.sqlite"
    )
    if test_config is not None:
        app.config.update(test_config)
    else:
        app.config.from_pyfile("config.py", silent=True)
        if "FLASK_SECRET_KEY" in os.environ:
            app.config["SECRET_KEY"] = os.environ["FLASK_SECRET_KEY"]
    if not app.config["SECRET_KEY"]:
        raise ValueError("no SECRET_KEY: set FLASK_SECRET_KEY or write it in instance/config.py")

    os.makedirs(app.instance_path, exist_ok=True)
    db.init_app(app)

    @app.cli.command("init-db")
    def init_db():
        """Drop and recreate the tables."""
        db.drop_all()
        db.create_all()
        print("Created the bookmark tables.")

    @app.route("/")
    def index():
        return {"site": current_app.config["SITE_NAME"], "per_page": current_app.config["PER_PAGE"]}

    @app.route("/bookmarks", methods=["GET", "POST"])
    def bookmarks():
        if request.method == "POST":
            data = request.json
            bookmark = Bookmark(url=data["url"], title=data["title"])
            db.session.add(bookmark)
            db.session.commit()
            return {"id": bookmark.id, "url": bookmark.url, "title": bookmark.title}, 201
        rows = Bookmark.query.order_by(Bookmark.id).limit(current_app.config["PER_PAGE"]).all()
        return {"bookmarks": [{"id": b.id, "url": b.url, "title": b.title} for b in rows]}

    return app
