"""Module 05 with a config class, pathlib and messages of our own."""

import os
from pathlib import Path

from flask import Flask, flash, redirect, render_template, session
from flask_wtf import CSRFProtect, FlaskForm
from flask_wtf.file import FileField, FileRequired
from werkzeug.utils import secure_filename
from wtforms import IntegerField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange


class Config:
    SECRET_KEY = os.environ.get("SECRET_KEY", "dev-only")
    MAX_CONTENT_LENGTH = 1024**2


class BookForm(FlaskForm):
    title = StringField(
        "Title",
        validators=[
            DataRequired("Give the book a title."),
            Length(max=80, message="Keep the title to 80 characters."),
        ],
    )
    pages = IntegerField(
        "Pages",
        validators=[
            InputRequired("How many pages?"),
            NumberRange(min=1, max=5000, message="From 1 to 5000 pages."),
        ],
    )


class NotesForm(FlaskForm):
    notes = FileField("Notes", validators=[FileRequired("Choose a file.")])


def create_app(test_config=None):
    app = Flask(__name__)
    Config.SECRET_KEY = os.environ.get("SECRET_KEY", "dev-only")
    app.config.from_object(Config)
    app.config["UPLOAD_FOLDER"] = Path(app.instance_path) / "uploads"
    if test_config is not None:
        app.config.from_mapping(test_config)
    Path(app.config["UPLOAD_FOLDER"]).mkdir(parents=True, exist_ok=True)
    CSRFProtect().init_app(app)

    @app.get("/")
    def index():
        return render_template("index.html", books=session.get("books") or [])

    @app.route("/add", methods=["GET", "POST"])
    def add():
        form = BookForm()
        if not form.validate_on_submit():
            return render_template("add.html", form=form)
        session["books"] = [*session.get("books", []), {"title": form.title.data, "pages": form.pages.data}]
        flash(f"Added {form.title.data}.", category="success")
        return redirect("/")

    @app.route("/upload", methods=("GET", "POST"))
    def upload():
        form = NotesForm()
        if form.validate_on_submit():
            file = form.notes.data
            name = secure_filename(file.filename)
            file.save(Path(app.config["UPLOAD_FOLDER"]) / name)
            flash(f"Uploaded {name}.", category="success")
            return redirect("/", 303)
        return render_template("upload.html", form=form)

    return app
