from flask import abort

from .inventory import get_book


def book_or_404(book_id):
    book = get_book(book_id)
    if book is None:
        abort(404, description=f"no book with id {book_id}")
    return book
