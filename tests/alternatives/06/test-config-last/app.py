"""Bookmarks: a small JSON service built by an application factory."""

import click
from flask import Flask, current_app, jsonify, request
from flask.cli import with_appcontext
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy.orm import Mapped, mapped_column

db = SQLAlchemy()


class Bookmark(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str]
    title: Mapped[str]


def create_app(test_config=None):
    app = Flask(__name__, instance_relative_config=True)
    app.config.from_mapping(
        SITE_NAME="Bookmarks",
        PER_PAGE=20,
        SQLALCHEMY_DATABASE_URI="sqlite:///bookmarks.sqlite",  # Flask-SQLAlchemy puts it in instance/
    )
    app.config.from_pyfile("config.py", silent=True)
    app.config.from_prefixed_env()
    if test_config:
        app.config.from_mapping(test_config)
    if not app.config.get("SECRET_KEY"):
        raise RuntimeError("Set FLASK_SECRET_KEY (or SECRET_KEY in instance/config.py) first.")

    db.init_app(app)
    app.cli.add_command(init_db)
    register_routes(app)
    return app


def register_routes(app):
    @app.get("/")
    def index():
        return jsonify(
            site=current_app.config["SITE_NAME"], per_page=current_app.config["PER_PAGE"]
        )

    @app.get("/bookmarks")
    def list_bookmarks():
        rows = db.session.execute(
            db.select(Bookmark).order_by(Bookmark.id).limit(current_app.config["PER_PAGE"])
        ).scalars()
        return {"bookmarks": [{"id": b.id, "url": b.url, "title": b.title} for b in rows]}

    @app.post("/bookmarks")
    def add_bookmark():
        bookmark = Bookmark(**{key: request.json[key] for key in ("url", "title")})
        db.session.add(bookmark)
        db.session.commit()
        return {"id": bookmark.id, "url": bookmark.url, "title": bookmark.title}, 201


@click.command("init-db")
@with_appcontext
def init_db():
    """Drop and recreate the tables."""
    db.drop_all()
    db.create_all()
    click.echo("Created the bookmark tables.")
