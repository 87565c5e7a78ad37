"""Module 04: Templates and Jinja.

Build the pages of a small bookshelf from templates in templates/: a base layout that every page
extends, a searchable list of books, a page per book, and a greeting that is safe to show whatever
name it is given. Check your work with `pytest exercises/04` or `workbook check 04`.
"""

from flask import Flask, abort, render_template, request

app = Flask(__name__)

# Keep BOOKS, find_books and find_book as they are: the checks search and open these books.
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


@app.route("/")
def index():
    # TODO(escaping): read ?name= from the query string ("reader" when it is missing) and pass it
    # to the template, which greets <p class="greeting">Hello, <name>!</p>. Whatever the name
    # holds, even <script>, it must come back as text, never as HTML.
    return render_template("index.html")


# TODO(book-list): add GET /books (a view named books) that reads ?q= ("" when it is missing)
# and renders templates/books.html with books=find_books(q).


# TODO(book-detail): add GET /books/<int:book_id> (a view named book) that renders
# templates/book.html with the book, or answers 404 when there is no such book. Register a
# template filter named stars that turns a rating such as 3 into "★★★☆☆".
