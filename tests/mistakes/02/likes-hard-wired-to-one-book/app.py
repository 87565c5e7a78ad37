"""Module 02: Routing. A small bookshop with converters, methods, url_for and a redirect."""

from flask import Flask, abort, redirect, request, url_for

app = Flask(__name__)

BOOKS = {
    1: {"id": 1, "title": "Dune", "author": "Frank Herbert"},
    2: {"id": 2, "title": "Emma", "author": "Jane Austen"},
    3: {"id": 3, "title": "Beloved", "author": "Toni Morrison"},
}
LIKES = {book_id: 0 for book_id in BOOKS}


@app.route("/books")
def book_list():
    return [
        {
            "id": book["id"],
            "title": book["title"],
            "url": url_for("book_detail", book_id=book["id"]),
        }
        for book in BOOKS.values()
    ]


@app.route("/books/<int:book_id>")
def book_detail(book_id):
    book = BOOKS.get(book_id)
    if book is None:
        abort(404)
    return book


@app.route("/books/<int:book_id>/likes", methods=["GET", "POST"])
def book_likes(book_id):
    if book_id not in BOOKS:
        abort(404)
    if request.method == "POST":
        LIKES[3] += 1
    return {"book_id": book_id, "likes": LIKES[3]}


@app.route("/catalogue/<int:book_id>")
def old_book_detail(book_id):
    return redirect(url_for("book_detail", book_id=book_id))
