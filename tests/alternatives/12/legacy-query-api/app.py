"""Reading list: authors and their books, kept by Flask-SQLAlchemy and migrated by Flask-Migrate."""

import os

from flask import Flask, request
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy.orm import joinedload

db = SQLAlchemy()


class Author(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String, nullable=False)
    books = db.relationship("Book", backref="author", order_by="Book.id", lazy=True)

    def to_dict(self):
        return {"id": self.id, "name": self.name, "books": [book.title for book in self.books]}


class Book(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    title = db.Column(db.String, nullable=False)
    author_id = db.Column(db.Integer, db.ForeignKey("author.id"), nullable=False)

    def to_dict(self):
        return {"id": self.id, "title": self.title, "author": self.author.name}


def create_app(test_config=None):
    app = Flask(__name__, instance_relative_config=True)
    app.config["SQLALCHEMY_DATABASE_URI"] = "sqlite:///" + os.path.join(
        app.instance_path, "books.sqlite"
    )
    if test_config:
        app.config.update(test_config)
    os.makedirs(app.instance_path, exist_ok=True)
    db.init_app(app)
    Migrate(app, db)

    @app.route("/authors", methods=["POST"])
    def add_author():
        author = Author(name=request.json["name"])
        db.session.add(author)
        db.session.commit()
        return author.to_dict(), 201

    @app.route("/authors/<int:author_id>")
    def show_author(author_id):
        return Author.query.get_or_404(author_id).to_dict()

    @app.route("/authors/<int:author_id>/books", methods=["POST"])
    def add_book(author_id):
        author = Author.query.get_or_404(author_id)
        book = Book(title=request.json["title"], author_id=author.id)
        db.session.add(book)
        db.session.commit()
        return book.to_dict(), 201

    @app.route("/books/<int:book_id>")
    def show_book(book_id):
        return Book.query.get_or_404(book_id).to_dict()

    @app.route("/books")
    def list_books():
        page = Book.query.options(joinedload(Book.author)).order_by(Book.id).paginate()
        return {
            "books": [book.to_dict() for book in page],
            "page": page.page,
            "pages": page.pages,
            "total": page.total,
        }

    return app
