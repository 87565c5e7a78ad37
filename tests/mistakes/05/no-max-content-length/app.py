"""Module 05: Forms, sessions and flash. A reading list that each visitor keeps in their session."""

import os

from flask import Flask, flash, redirect, render_template, session, url_for
from flask_wtf import CSRFProtect, FlaskForm
from flask_wtf.file import FileField, FileRequired
from werkzeug.utils import secure_filename
from wtforms import IntegerField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange

csrf = CSRFProtect()


class BookForm(FlaskForm):
    title = StringField("Title", validators=[DataRequired(), Length(max=80)])
    pages = IntegerField("Pages", validators=[InputRequired(), NumberRange(min=1, max=5000)])


class NotesForm(FlaskForm):
    notes = FileField("Notes", validators=[FileRequired()])


def create_app(test_config=None):
    app = Flask(__name__, instance_relative_config=True)
    app.config.from_mapping(
        SECRET_KEY=os.environ.get("SECRET_KEY", "dev"),
        UPLOAD_FOLDER=os.path.join(app.instance_path, "uploads"),
    )
    if test_config is not None:
        app.config.from_mapping(test_config)
    os.makedirs(app.config["UPLOAD_FOLDER"], exist_ok=True)
    csrf.init_app(app)

    @app.get("/")
    def index():
        return render_template("index.html", books=session.get("books", []))

    @app.route("/add", methods=["GET", "POST"])
    def add():
        form = BookForm()
        if form.validate_on_submit():
            book = {"title": form.title.data, "pages": form.pages.data}
            session["books"] = session.get("books", []) + [book]
            flash(f"Added {book['title']}.", "success")
            return redirect(url_for("index"), 303)
        return render_template("add.html", form=form)

    @app.route("/upload", methods=["GET", "POST"])
    def upload():
        form = NotesForm()
        if form.validate_on_submit():
            name = secure_filename(form.notes.data.filename)
            form.notes.data.save(os.path.join(app.config["UPLOAD_FOLDER"], name))
            flash(f"Uploaded {name}.", "success")
            return redirect(url_for("index"), 303)
        return render_template("upload.html", form=form)

    return app
