"""The catalog blueprint: the list of books, and a page for each book."""

from flask import Blueprint, render_template

from . import inventory

bp = Blueprint("catalog", __name__, template_folder="templates")


@bp.route("/")
def index():
    return render_template("catalog/list.html", books=inventory.all_books())


@bp.route("/<int:book_id>")
def book(book_id):
    found = inventory.get_book(book_id)
    if found is None:
        return {"error": f"no book with id {book_id}"}, 404
    return render_template("catalog/book.html", book=found)
