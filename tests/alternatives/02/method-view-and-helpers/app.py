"""Module 02 with a class-based likes view and the books kept in a list."""

from flask import Flask, abort, redirect, request, url_for
from flask.views import MethodView

app = Flask(__name__)

BOOKS = [
    {"id": 1, "title": "Dune", "author": "Frank Herbert"},
    {"id": 2, "title": "Emma", "author": "Jane Austen"},
    {"id": 3, "title": "Beloved", "author": "Toni Morrison"},
]
likes = {}


def find_book(book_id):
    for book in BOOKS:
        if book["id"] == book_id:
            return book
    return abort(404)


@app.route("/books")
def book_list():
    return [{**book, "url": url_for("show_book", book_id=book["id"])} for book in BOOKS]


@app.route("/books/<int:book_id>")
def show_book(book_id):
    return dict(find_book(book_id))


class Likes(MethodView):
    def get(self, book_id):
        find_book(book_id)
        return {"book_id": book_id, "likes": likes.get(book_id, 0)}

    def post(self, book_id):
        find_book(book_id)
        likes[book_id] = likes.get(book_id, 0) + 1
        return self.get(book_id)


app.add_url_rule("/books/<int:book_id>/likes", view_func=Likes.as_view("likes"))


@app.route("/catalogue/<int:book_id>")
def old_book_detail(book_id):
    return redirect(url_for("show_book", book_id=book_id, _external=True), 308)
