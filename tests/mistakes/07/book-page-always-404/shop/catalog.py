"""The catalog blueprint: the list of books, and a page for each book."""

from flask import Blueprint, abort, render_template

from . import inventory

bp = Blueprint("catalog", __name__, template_folder="templates")


@bp.route("/")
def index():
    return render_template("catalog/list.html", books=inventory.all_books())


@bp.route("/<int:book_id>")
def book(book_id):
    # The 404 comes first, to get the handler working; the book page is for later.
    abort(404, description=f"no book with id {book_id}")


@bp.errorhandler(404)
def book_not_found(error):
    return {"error": error.description}, 404
