"""Module 02: Routing.

A small bookshop: one page per book, a like counter that takes GET and POST,
links built with url_for, and an old address that redirects to the new one.
Check your work with `pytest exercises/02` or `workbook check 02`.
"""

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
    # TODO(url-for): give every book a "url" key: the link to its page, built with url_for.
    return [{"id": book["id"], "title": book["title"]} for book in BOOKS.values()]


# TODO(converters): make book_id arrive as an int, so that /books/2 finds book 2
# and /books/abc is a 404.
@app.route("/books/<book_id>")
def book_detail(book_id):
    book = BOOKS.get(book_id)
    # TODO(not-found): when there is no book with this id, answer 404 with abort(404).
    return book


# TODO(methods): let this route accept POST as well as GET; a POST adds one like.
@app.route("/books/<int:book_id>/likes")
def book_likes(book_id):
    if book_id not in BOOKS:
        abort(404)
    return {"book_id": book_id, "likes": LIKES[book_id]}


@app.route("/catalogue/<int:book_id>")
def old_book_detail(book_id):
    # TODO(redirect): this old address moved; redirect to the book's page, built with url_for.
    return "This page has moved."
