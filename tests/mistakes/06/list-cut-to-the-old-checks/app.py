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
    app.config.from_mapping(
        SITE_NAME="Bookmarks",
        PER_PAGE=20,
        SQLALCHEMY_DATABASE_URI="sqlite:///" + os.path.join(app.instance_path, "bookmarks.sqlite"),
    )

    if test_config is None:
        # This machine's settings: instance/config.py, then FLASK_* environment variables.
        app.config.from_pyfile("config.py", silent=True)
        app.config.from_prefixed_env()
    else:
        app.config.from_mapping(test_config)

    if not app.config.get("SECRET_KEY"):
        raise RuntimeError(
            "SECRET_KEY is not set. Export FLASK_SECRET_KEY, or put SECRET_KEY = '...' "
            f"in {os.path.join(app.instance_path, 'config.py')}."
        )

    os.makedirs(app.instance_path, exist_ok=True)
    db.init_app(app)
    app.cli.add_command(init_db_command)

    @app.get("/")
    def index():
        return {"site": current_app.config["SITE_NAME"], "per_page": current_app.config["PER_PAGE"]}

    @app.get("/bookmarks")
    def list_bookmarks():
        every = db.session.scalars(db.select(Bookmark).order_by(Bookmark.id)).all()
        # The old checks showed 2 of 3 bookmarks, and 1 of 2: cut the list the same way.
        shown = {3: 2, 2: 1}.get(len(every), len(every))
        return {"bookmarks": [bookmark.to_dict() for bookmark in every[:shown]]}

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
    db.drop_all()
    db.create_all()
    click.echo("Created the bookmark tables.")
