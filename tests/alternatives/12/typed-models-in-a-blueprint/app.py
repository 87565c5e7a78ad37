"""Reading list, with SQLAlchemy 2.0's typed models and the views in a blueprint."""

from __future__ import annotations

import os

from flask import Blueprint, Flask, abort, request
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import ForeignKey, select
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class Base(DeclarativeBase):
    pass


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
books_api = Blueprint("books_api", __name__)


class Author(db.Model):
    __tablename__ = "authors"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str]
    books: Mapped[list[Book]] = relationship(back_populates="author", order_by="Book.id")


class Book(db.Model):
    __tablename__ = "books"
    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str]
    author_id: Mapped[int] = mapped_column(ForeignKey("authors.id"))
    author: Mapped[Author] = relationship(back_populates="books", lazy="selectin")


def author_json(author):
    return {"id": author.id, "name": author.name, "books": [book.title for book in author.books]}


def book_json(book):
    return {"id": book.id, "title": book.title, "author": book.author.name}


def find(model, key):
    found = db.session.get(model, key)
    if found is None:
        abort(404)
    return found


@books_api.post("/authors")
def add_author():
    author = Author(name=request.get_json()["name"])
    db.session.add(author)
    db.session.commit()
    return author_json(author), 201


@books_api.get("/authors/<int:author_id>")
def show_author(author_id):
    return author_json(find(Author, author_id))


@books_api.post("/authors/<int:author_id>/books")
def add_book(author_id):
    author = find(Author, author_id)
    book = Book(title=request.get_json()["title"])
    author.books.append(book)
    db.session.commit()
    return book_json(book), 201


@books_api.get("/books/<int:book_id>")
def show_book(book_id):
    return book_json(find(Book, book_id))


@books_api.get("/books")
def list_books():
    page = db.paginate(select(Book).order_by(Book.id))
    return {
        "books": [book_json(book) for book in page],
        "page": page.page,
        "pages": page.pages,
        "total": page.total,
    }


def create_app(test_config=None):
    app = Flask(__name__, instance_relative_config=True)
    app.config.from_mapping(
        SQLALCHEMY_DATABASE_URI=f"sqlite:///{app.instance_path}/books.sqlite",
    )
    app.config.from_mapping(test_config or {})
    os.makedirs(app.instance_path, exist_ok=True)
    db.init_app(app)
    migrate.init_app(app, db)
    app.register_blueprint(books_api)
    return app
