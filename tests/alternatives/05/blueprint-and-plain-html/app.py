"""Module 05 in a blueprint, with forms written as plain HTML."""

import os

from flask import Blueprint, Flask, current_app, flash, redirect, render_template, session, url_for
from flask_wtf import CSRFProtect, FlaskForm
from flask_wtf.file import FileField, FileRequired
from werkzeug.utils import secure_filename
from wtforms import IntegerField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange

books = Blueprint("books", __name__)


class BookForm(FlaskForm):
    title = StringField("Title", validators=[DataRequired(), Length(max=80)])
    pages = IntegerField("Pages", validators=[InputRequired(), NumberRange(1, 5000)])


class NotesForm(FlaskForm):
    notes = FileField("Notes", validators=[FileRequired()])


@books.route("/")
def index():
    return render_template("index.html", books=session.get("books", []))


@books.route("/add", methods=["GET", "POST"])
def add():
    form = BookForm()
    if form.validate_on_submit():
        session.setdefault("books", []).append({"title": form.title.data, "pages": form.pages.data})
        session.modified = True
        flash("Added %s." % form.title.data, "success")
        return redirect(url_for("books.index"))
    return render_template("add.html", form=form)


@books.route("/upload", methods=["GET", "POST"])
def upload():
    form = NotesForm()
    if form.validate_on_submit():
        name = secure_filename(form.notes.data.filename)
        form.notes.data.save(os.path.join(current_app.config["UPLOAD_FOLDER"], name))
        flash("Uploaded %s." % name, "success")
        return redirect(url_for("books.index"))
    return render_template("upload.html", form=form)


def create_app(test_config=None):
    app = Flask(__name__)
    app.config["SECRET_KEY"] = os.environ.get("SECRET_KEY", "change-me")
    app.config["UPLOAD_FOLDER"] = os.path.join(app.instance_path, "uploads")
    app.config["MAX_CONTENT_LENGTH"] = 1 << 20
    app.config.update(test_config or {})
    os.makedirs(app.config["UPLOAD_FOLDER"], exist_ok=True)
    CSRFProtect(app)
    app.register_blueprint(books)
    return app
