"""The catalog blueprint: the list of books, and a page for each book."""

from flask import Blueprint, abort, render_template

from . import inventory

# TODO(catalog-blueprint): create the blueprint, bp = Blueprint("catalog", __name__),
# with two views:
#   index, GET /catalog/, lists every book of inventory.all_books() with its title;
#   book, GET /catalog/<int:book_id>, shows one book's title and author
#   (inventory.get_book(book_id) finds it).

# TODO(blueprint-templates): let the views render the templates in
# shop/templates/catalog/: "catalog/list.html" with books=..., and
# "catalog/book.html" with book=...

# TODO(catalog-404): for an id with no book, abort(404, description="no book with id 4"),
# and give the blueprint its own 404 handler that answers the JSON
# {"error": "no book with id 4"} with the status 404.
