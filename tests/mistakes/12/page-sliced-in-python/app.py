"""Reading list: authors and their books, kept by Flask-SQLAlchemy and migrated by Flask-Migrate."""

import os

from flask import Flask, abort, request
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy.orm import selectinload

db = SQLAlchemy()
migrate = Migrate()


class Author(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String, nullable=False)
    books = db.relationship("Book", back_populates="author", order_by="Book.id")

    def to_dict(self):
        return {"id": self.id, "name": self.name, "books": [book.title for book in self.books]}


class Book(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    title = db.Column(db.String, nullable=False)
    author_id = db.Column(db.ForeignKey("author.id"), nullable=False)
    author = db.relationship("Author", back_populates="books")

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

    db.init_app(app)
    migrate.init_app(app, db)

    @app.post("/authors")
    def add_author():
        author = Author(name=request.get_json()["name"])
        db.session.add(author)
        db.session.commit()
        return author.to_dict(), 201

    @app.get("/authors/<int:author_id>")
    def show_author(author_id):
        return db.get_or_404(Author, author_id).to_dict()

    @app.post("/authors/<int:author_id>/books")
    def add_book(author_id):
        author = db.get_or_404(Author, author_id)
        book = Book(title=request.get_json()["title"], author=author)
        db.session.add(book)
        db.session.commit()
        return book.to_dict(), 201

    @app.get("/books/<int:book_id>")
    def show_book(book_id):
        return db.get_or_404(Book, book_id).to_dict()

    @app.get("/books")
    def list_books():
        page = request.args.get("page", 1, type=int)
        per_page = request.args.get("per_page", 20, type=int)
        query = db.select(Book).options(selectinload(Book.author)).order_by(Book.id)
        books = db.session.scalars(query).all()  # every book, to keep one page of them
        pages = -(-len(books) // per_page)
        if page > max(pages, 1):
            abort(404)
        return {
            "books": [book.to_dict() for book in books[(page - 1) * per_page : page * per_page]],
            "page": page,
            "pages": pages,
            "total": len(books),
        }

    return app
