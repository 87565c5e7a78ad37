"""Bookmarks: a small JSON service built by an application factory."""

import os
from pathlib import Path

import click
from flask import Flask, current_app, jsonify, request
from flask.cli import with_appcontext
from flask_sqlalchemy import SQLAlchemy

db = SQLAlchemy()

DEFAULTS = {"SITE_NAME": "Bookmarks", "PER_PAGE": 20}


class Bookmark(db.Model):
    __tablename__ = "bookmarks"
    id = db.Column(db.Integer, primary_key=True)
    url = db.Column(db.Text, nullable=False)
    title = db.Column(db.Text, nullable=False)


def show(bookmark):
    return {"id": bookmark.id, "url": bookmark.url, "title": bookmark.title}


def home():
    config = current_app.config
    return jsonify({"site": config["SITE_NAME"], "per_page": config["PER_PAGE"]})


def list_bookmarks():
    found = Bookmark.query.order_by(Bookmark.id).limit(current_app.config["PER_PAGE"])
    return jsonify(bookmarks=[show(bookmark) for bookmark in found])


def add_bookmark():
    payload = request.get_json()
    bookmark = Bookmark(url=payload["url"], title=payload["title"])
    db.session.add(bookmark)
    db.session.commit()
    return jsonify(show(bookmark)), 201


@click.command("init-db")
@with_appcontext
def init_db_command():
    """Start from an empty database."""
    db.drop_all()
    db.create_all()
    click.echo("Created the bookmark tables.")


def create_app(test_config=None):
    app = Flask(__name__, instance_relative_config=True)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    app.config.from_mapping(DEFAULTS)
    app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{app.instance_path}/bookmarks.sqlite"

    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)
        secret = os.environ.get("FLASK_SECRET_KEY")
        if secret:
            app.config["SECRET_KEY"] = secret
    else:
        app.config.from_mapping(test_config)
    if not app.secret_key:
        raise RuntimeError("Missing SECRET_KEY: export FLASK_SECRET_KEY=...")

    db.init_app(app)
    app.cli.add_command(init_db_command)
    app.add_url_rule("/", view_func=home)
    app.add_url_rule("/bookmarks", view_func=list_bookmarks, methods=["GET"])
    app.add_url_rule(
        "/bookmarks", endpoint="add_bookmark", view_func=add_bookmark, methods=["POST"]
    )
    return app
