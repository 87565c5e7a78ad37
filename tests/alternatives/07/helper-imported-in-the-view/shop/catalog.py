from flask import Blueprint, jsonify, render_template

from . import inventory

bp = Blueprint("catalog", __name__)


@bp.get("/")
def index():
    return render_template("catalog/list.html", books=inventory.all_books())


@bp.get("/<int:book_id>")
def book(book_id):
    from shop import helpers

    return render_template("catalog/book.html", book=helpers.book_or_404(book_id))


@bp.errorhandler(404)
def book_not_found(error):
    return jsonify(error=error.description), 404
