from flask import Blueprint, abort, render_template

from .inventory import all_books, get_book

bp = Blueprint("catalog", __name__, url_prefix="/catalog")


@bp.get("/")
def index():
    return render_template("catalog/list.html", books=all_books())


@bp.get("/<int:book_id>")
def book(book_id):
    found = get_book(book_id)
    if not found:
        abort(404, f"no book with id {book_id}")
    return render_template("catalog/book.html", book=found)


@bp.errorhandler(404)
def not_found(error):
    return {"error": error.description}, 404
