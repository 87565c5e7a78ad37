"""Reading list: authors and their books, kept by Flask-SQLAlchemy and migrated by Flask-Migrate."""

import os

from flask import Flask, request
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy.orm import selectinload

db = SQLAlchemy()
migrate = Migrate()


class Author(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String, nullable=False)
    # lazy="raise": every query says what it loads, so no view can fall into one query per row.
    books = db.relationship("Book", back_populates="author", order_by="Book.id", lazy="raise")

    def to_dict(self, books=None):
        titles = [book.title for book in (self.books if books is None else books)]
        return {"id": self.id, "name": self.name, "books": titles}


class Book(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    title = db.Column(db.String, nullable=False)
    author_id = db.Column(db.ForeignKey("author.id"), nullable=False)
    author = db.relationship("Author", back_populates="books", lazy="raise")

    def to_dict(self, author=None):
        return {"id": self.id, "title": self.title, "author": (author or self.author).name}


def create_app(test_config=None):
    """Build a reading-list app; ``test_config`` replaces the defaults it names."""
    app = Flask(__name__)
    app.config.from_mapping(
        SQLALCHEMY_DATABASE_URI="sqlite:///" + os.path.join(app.instance_path, "books.sqlite")
    )
    if test_config is not None:
        app.config.from_mapping(test_config)
    os.makedirs(app.instance_path, exist_ok=True)

    db.init_app(app)
    migrate.init_app(app, db)

    @app.post("/authors")
    def add_author():
        author = Author(name=request.get_json()["name"])
        db.session.add(author)
        db.session.commit()
        return author.to_dict(books=[]), 201

    @app.get("/authors/<int:author_id>")
    def show_author(author_id):
        return db.get_or_404(Author, author_id, options=[selectinload(Author.books)]).to_dict()

    @app.post("/authors/<int:author_id>/books")
    def add_book(author_id):
        author = db.get_or_404(Author, author_id)
        book = Book(title=request.get_json()["title"], author=author)
        db.session.add(book)
        db.session.commit()
        return book.to_dict(), 201

    @app.get("/books/<int:book_id>")
    def show_book(book_id):
        return db.get_or_404(Book, book_id, options=[selectinload(Book.author)]).to_dict()

    @app.get("/books")
    def list_books():
        query = db.select(Book).options(selectinload(Book.author)).order_by(Book.id)
        page = db.paginate(query)  # reads ?page= and ?per_page= (20 when not given)
        return {
            "books": [book.to_dict() for book in page.items],
            "page": page.page,
            "pages": page.pages,
            "total": page.total,
        }

    return app
