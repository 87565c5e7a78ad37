"""Module 05 with class-based views and a macro for the fields."""

import os

from flask import Flask, flash, redirect, render_template, request, session, url_for
from flask.views import MethodView
from flask_wtf import FlaskForm
from flask_wtf.csrf import CSRFProtect
from werkzeug.utils import secure_filename
from wtforms import IntegerField, StringField, validators

csrf = CSRFProtect()


class BookForm(FlaskForm):
    title = StringField("Title", [validators.InputRequired(), validators.Length(max=80),
                                  validators.DataRequired()])
    pages = IntegerField("Pages", [validators.InputRequired(), validators.NumberRange(1, 5000)])


class AddBook(MethodView):
    def get(self):
        return render_template("add.html", form=BookForm())

    def post(self):
        form = BookForm()
        if not form.validate():
            return render_template("add.html", form=form)
        books = list(session.get("books", []))
        books.append({"title": form.title.data, "pages": form.pages.data})
        session["books"] = books
        flash(f"Added {form.title.data}.", category="success")
        return redirect(url_for("index"), code=303)


class UploadNotes(MethodView):
    def get(self):
        return render_template("upload.html", form=FlaskForm(), errors=[])

    def post(self):
        form = FlaskForm()
        file = request.files.get("notes")
        if not form.validate() or file is None or not file.filename:
            return render_template("upload.html", form=form, errors=["Choose a file to upload."])
        name = secure_filename(file.filename)
        file.save(os.path.join(self.folder, name))
        flash(f"Uploaded {name}.", category="success")
        return redirect(url_for("index"), code=303)

    def __init__(self, folder):
        self.folder = folder


def create_app(test_config=None):
    app = Flask(__name__)
    app.config.from_mapping(
        SECRET_KEY=os.environ.get("SECRET_KEY") or "dev",
        UPLOAD_FOLDER=os.path.join(app.instance_path, "uploads"),
        MAX_CONTENT_LENGTH=1_048_576,
    )
    if test_config:
        app.config.update(test_config)
    os.makedirs(app.config["UPLOAD_FOLDER"], exist_ok=True)
    csrf.init_app(app)

    def index():
        return render_template("index.html", books=session.get("books", []))

    app.add_url_rule("/", "index", index)
    app.add_url_rule("/add", view_func=AddBook.as_view("add"))
    app.add_url_rule(
        "/upload", view_func=UploadNotes.as_view("upload", app.config["UPLOAD_FOLDER"])
    )
    return app
