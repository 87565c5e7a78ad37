"""Module 02 with the shop in a blueprint: endpoints are shop.book_detail and so on."""

from flask import Blueprint, Flask, abort, redirect, url_for

BOOKS = {
    1: {"id": 1, "title": "Dune", "author": "Frank Herbert"},
    2: {"id": 2, "title": "Emma", "author": "Jane Austen"},
    3: {"id": 3, "title": "Beloved", "author": "Toni Morrison"},
}
LIKES = {book_id: 0 for book_id in BOOKS}

shop = Blueprint("shop", __name__)


@shop.get("/books")
def book_list():
    return [
        {"id": book_id, "title": book["title"], "url": url_for(".book_detail", book_id=book_id)}
        for book_id, book in BOOKS.items()
    ]


@shop.get("/books/<int:book_id>")
def book_detail(book_id):
    if book_id not in BOOKS:
        abort(404)
    return BOOKS[book_id]


@shop.get("/books/<int:book_id>/likes")
def show_likes(book_id):
    if book_id not in BOOKS:
        abort(404)
    return {"book_id": book_id, "likes": LIKES[book_id]}


@shop.post("/books/<int:book_id>/likes")
def add_like(book_id):
    if book_id not in BOOKS:
        abort(404)
    LIKES[book_id] = LIKES[book_id] + 1
    return {"book_id": book_id, "likes": LIKES[book_id]}, 201


@shop.get("/catalogue/<int:book_id>")
def old_book_detail(book_id):
    return redirect(url_for("shop.book_detail", book_id=book_id), code=301)


app = Flask(__name__)
app.register_blueprint(shop)
