"""The books the shop sells. The checks look for these books: leave them as they are."""

BOOKS = [
    {"id": 3, "title": "The Left Hand of Darkness", "author": "Ursula K. Le Guin"},
    {"id": 12, "title": "Cien años de soledad", "author": "Gabriel García Márquez"},
    {"id": 47, "title": "Мастер и Маргарита", "author": "Михаил Булгаков"},
    {"id": 108, "title": "Pride & Prejudice", "author": "Jane Austen"},
    {"id": 2051, "title": "Kindred", "author": "Octavia E. Butler"},
]


def all_books():
    """Every book, in the order the catalog lists them."""
    return BOOKS


def get_book(book_id):
    """The book with this id, or None when there is none."""
    for book in BOOKS:
        if book["id"] == book_id:
            return book
    return None
