"""Module 05: Forms, sessions and flash. A reading list that each visitor keeps for themselves.

The pages are templates in templates/. Check your work with `pytest exercises/05` or
`workbook check 05`.
"""

import os

from flask import Flask, flash, redirect, render_template, session, url_for
from flask_wtf import CSRFProtect, FlaskForm
from flask_wtf.file import FileField, FileRequired
from werkzeug.utils import secure_filename
from wtforms import IntegerField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange

# TODO(csrf-form): make csrf = CSRFProtect() here and call csrf.init_app(app) in create_app, so
# that every POST without a valid csrf token is refused with 400, not only the ones a FlaskForm
# validates. (templates/add.html already sends the token.)

# TODO(session): this one list is shared by every visitor of the site. Keep each visitor's books
# in their session instead: session["books"], a list of {"title": ..., "pages": ...}.
BOOKS = []


class BookForm(FlaskForm):
    # TODO(validation): the title is required and at most 80 characters long; pages is required
    # and a whole number from 1 to 5000. Add the validators to the fields.
    title = StringField("Title")
    pages = IntegerField("Pages")


def create_app(test_config=None):
    app = Flask(__name__, instance_relative_config=True)
    app.config.from_mapping(
        SECRET_KEY=os.environ.get("SECRET_KEY", "dev"),
        UPLOAD_FOLDER=os.path.join(app.instance_path, "uploads"),
    )
    # TODO(upload): refuse any request larger than 1 MiB: MAX_CONTENT_LENGTH in the config.
    if test_config is not None:
        app.config.from_mapping(test_config)
    os.makedirs(app.config["UPLOAD_FOLDER"], exist_ok=True)

    @app.get("/")
    def index():
        return render_template("index.html", books=BOOKS)

    @app.route("/add", methods=["GET", "POST"])
    def add():
        form = BookForm()
        if form.validate_on_submit():
            BOOKS.append({"title": form.title.data, "pages": form.pages.data})
            # TODO(prg-flash): flash "Added <title>." in the category "success", then redirect
            # to the list (url_for("index")) instead of showing the form again.
        return render_template("add.html", form=form)

    # TODO(upload): add GET and POST /upload with a form of one FileField named notes
    # (FileRequired) in templates/upload.html. Save a valid upload in UPLOAD_FOLDER under
    # secure_filename(its name), flash "Uploaded <that name>." ("success") and redirect to /.

    return app
