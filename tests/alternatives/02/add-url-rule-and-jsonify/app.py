"""Module 02 with every route added by add_url_rule and every answer built by jsonify."""

from flask import Flask, abort, jsonify, make_response, redirect, request, url_for

BOOKS = {
    1: {"id": 1, "title": "Dune", "author": "Frank Herbert"},
    2: {"id": 2, "title": "Emma", "author": "Jane Austen"},
    3: {"id": 3, "title": "Beloved", "author": "Toni Morrison"},
}
LIKES = dict.fromkeys(BOOKS, 0)


def book_list():
    books = []
    for book_id in sorted(BOOKS):
        link = url_for("book", book_id=book_id)
        books.append({"id": book_id, "title": BOOKS[book_id]["title"], "url": link})
    return jsonify(books)


def book(book_id):
    found = BOOKS.get(book_id)
    if not found:
        abort(404, description=f"There is no book {book_id}.")
    return jsonify(found)


def book_likes(book_id):
    if book_id not in LIKES:
        abort(404)
    if request.method == "POST":
        LIKES[book_id] += 1
        return make_response(jsonify(book_id=book_id, likes=LIKES[book_id]), 201)
    return jsonify(book_id=book_id, likes=LIKES[book_id])


def moved(book_id):
    return redirect(url_for("book", book_id=book_id), code=303)


app = Flask(__name__)
app.add_url_rule("/books", view_func=book_list)
app.add_url_rule("/books/<int:book_id>", view_func=book)
app.add_url_rule("/books/<int:book_id>/likes", view_func=book_likes, methods=["GET", "POST"])
app.add_url_rule("/catalogue/<int:book_id>", view_func=moved)
