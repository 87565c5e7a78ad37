"""Reading list: authors and their books, kept by Flask-SQLAlchemy and migrated by Flask-Migrate."""

import os

from flask import Flask, request
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy

db = SQLAlchemy()
migrate = Migrate()


class Author(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String, nullable=False)
    # TODO(models): give an author their books, oldest first (a relationship to Book).

    def to_dict(self):
        return {"id": self.id, "name": self.name, "books": [book.title for book in self.books]}


class Book(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    title = db.Column(db.String, nullable=False)
    # TODO(models): a book belongs to one author: a foreign key to author.id, and a relationship.

    def to_dict(self):
        return {"id": self.id, "title": self.title, "author": self.author.name}


def create_app(test_config=None):
    """Build a reading-list app; ``test_config`` replaces the defaults it names."""
    app = Flask(__name__)
    app.config.from_mapping(
        SQLALCHEMY_DATABASE_URI="sqlite:///" + os.path.join(app.instance_path, "books.sqlite")
    )
    if test_config is not None:
        app.config.from_mapping(test_config)
    os.makedirs(app.instance_path, exist_ok=True)

    # TODO(init-app): bind db to this app, now that its config is loaded.

    # TODO(migrations): bind Flask-Migrate to this app and db, so that `flask db ...` works.

    @app.post("/authors")
    def add_author():
        author = Author(name=request.get_json()["name"])
        db.session.add(author)
        # TODO(commit): make the new author last beyond this request.
        return author.to_dict(), 201

    @app.get("/authors/<int:author_id>")
    def show_author(author_id):
        # TODO(get-or-404): find the author, answering 404 when there is no such id.
        author = None
        return author.to_dict()

    @app.post("/authors/<int:author_id>/books")
    def add_book(author_id):
        # TODO(get-or-404): find the author, answering 404 when there is no such id.
        author = None
        book = Book(title=request.get_json()["title"], author=author)
        db.session.add(book)
        # TODO(commit): make the new book last beyond this request.
        return book.to_dict(), 201

    @app.get("/books/<int:book_id>")
    def show_book(book_id):
        # TODO(get-or-404): find the book, answering 404 when there is no such id.
        book = None
        return book.to_dict()

    @app.get("/books")
    def list_books():
        # TODO(pagination): answer one page of books (?page=, ?per_page=, 20 by default) with
        # "page", "pages" and "total" beside them.
        # TODO(n-plus-one): load the books' authors with the books, not one query per book.
        books = db.session.scalars(db.select(Book).order_by(Book.id))
        return {"books": [book.to_dict() for book in books]}

    return app
