from flask import Blueprint, abort, render_template
from werkzeug.exceptions import NotFound

from . import inventory

bp = Blueprint("catalog", __name__)


@bp.route("/")
def index():
    return render_template("catalog/list.html", books=inventory.all_books())


@bp.route("/<int:book_id>")
def book(book_id):
    found = inventory.get_book(book_id)
    if found is None:
        abort(404, description=f"no book with id {book_id}")
    return render_template("catalog/book.html", book=found)


def book_not_found(error):
    return {"error": error.description}, 404


bp.register_error_handler(NotFound, book_not_found)
