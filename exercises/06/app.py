"""Bookmarks: a small JSON service built by an application factory."""

import os

import click
from flask import Flask, current_app, request
from flask.cli import with_appcontext
from flask_sqlalchemy import SQLAlchemy

db = SQLAlchemy()


class Bookmark(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    url = db.Column(db.String(500), nullable=False)
    title = db.Column(db.String(200), nullable=False)

    def to_dict(self):
        return {"id": self.id, "url": self.url, "title": self.title}


def create_app(test_config=None):
    """Build a new bookmarks app; ``test_config`` replaces this machine's settings."""
    app = Flask(__name__, instance_relative_config=True)
    # TODO(config-layers): give the app its defaults: SITE_NAME "Bookmarks", PER_PAGE 20, and
    # SQLALCHEMY_DATABASE_URI pointing at bookmarks.sqlite in the instance folder.

    # TODO(factory): when test_config is given, apply it (it wins over the defaults).

    # TODO(secret-key): with no test_config, load instance/config.py and then the FLASK_*
    # environment variables; then refuse to go on without a SECRET_KEY, saying how to set one.

    os.makedirs(app.instance_path, exist_ok=True)
    # TODO(extension): bind the db extension to this app, now that its config is loaded.

    # TODO(init-db): register the init-db command below on app.cli.

    @app.get("/")
    def index():
        return {"site": current_app.config["SITE_NAME"], "per_page": current_app.config["PER_PAGE"]}

    @app.get("/bookmarks")
    def list_bookmarks():
        query = db.select(Bookmark).order_by(Bookmark.id).limit(current_app.config["PER_PAGE"])
        return {"bookmarks": [bookmark.to_dict() for bookmark in db.session.scalars(query)]}

    @app.post("/bookmarks")
    def add_bookmark():
        data = request.get_json()
        bookmark = Bookmark(url=data["url"], title=data["title"])
        db.session.add(bookmark)
        db.session.commit()
        return bookmark.to_dict(), 201

    return app


@click.command("init-db")
@with_appcontext
def init_db_command():
    """Empty the database and create its tables afresh."""
    # TODO(init-db): drop every table, create them again, and print "Created the bookmark tables."
