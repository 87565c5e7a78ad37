"""Checks for module 02: Routing."""
from urllib.parse import urlsplit

import pytest

from checker.api import expect, expect_json, expect_status

BOOK_2 = {"id": 2, "title": "Emma", "author": "Jane Austen"}
OTHER_REDIRECTS = {301, 303, 307, 308}


# Probes: these run inside the learner's process and return plain data.


def build_url(app, endpoint, values):
    """Build a URL with url_for inside a request context, or report why it could not."""
    from flask import url_for
    from werkzeug.routing import BuildError

    with app.test_request_context():
        try:
            return {"url": url_for(endpoint, **values)}
        except BuildError as error:
            return {"error": str(error)}


def get_under_prefix(app, prefix, path):
    """GET a path while the app is served under a prefix, as it is behind some proxies."""
    response = app.test_client().get(path, base_url="http://localhost" + prefix)
    return {
        "status": response.status_code,
        "location": response.headers.get("Location"),
        "json": response.get_json(silent=True),
    }


def path_of(location):
    """The path of a Location header, whether it is relative or absolute."""
    if not isinstance(location, str):
        return None
    return urlsplit(location).path


# converters


@pytest.mark.task("converters")
def test_book_page_finds_the_book_by_its_number(client):
    response = client.get("/books/2")
    expect_status(
        response,
        200,
        fixes={
            404: "book 2 exists, but it was not found. Without a converter book_id arrives as"
            " the text '2', and BOOKS.get('2') finds nothing because the keys are numbers."
            " Write the route as '/books/<int:book_id>'.",
            500: "book_id probably arrived as the text '2', so BOOKS.get(book_id) found nothing"
            " and the view returned None. Write the route as '/books/<int:book_id>'.",
        },
    )
    expect_json(
        response,
        BOOK_2,
        fix="return the book from BOOKS as it is; its 'id' must be the number 2, not the text '2'.",
    )


@pytest.mark.task("converters")
def test_book_page_refuses_an_id_that_is_not_a_number(client):
    response = client.get("/books/abc")
    expect_status(
        response,
        404,
        fixes={
            200: "'abc' is not a book number, yet the view answered. Write the route as"
            " '/books/<int:book_id>': then Flask answers 404 for /books/abc by itself.",
            500: "'abc' reached your view and broke it (int('abc') raises ValueError)."
            " Write the route as '/books/<int:book_id>' instead of converting by hand:"
            " then Flask answers 404 for /books/abc and the view never runs.",
        },
    )


# not-found


@pytest.mark.task("not-found")
def test_unknown_book_answers_404(client):
    response = client.get("/books/99")
    expect_status(
        response,
        404,
        fixes={
            200: "there is no book 99, so the answer must be 404, not 200."
            " Call abort(404) when BOOKS.get(book_id) gives None.",
            500: "there is no book 99, so BOOKS.get(99) gave None (or BOOKS[99] raised"
            " KeyError) and the view broke. Call abort(404) when the book is None.",
        },
    )
    known = client.get("/books/1")
    expect_status(
        known,
        200,
        fixes={
            404: "book 1 exists, but it answered 404 too: every book is 'not found'."
            " book_id is probably still text; finish task converters ('/books/<int:book_id>').",
        },
    )


# methods


@pytest.mark.task("methods")
def test_post_adds_a_like_and_get_only_reads(client):
    before = client.get("/books/3/likes")
    expect_status(before, 200)
    data = before.get_json()
    expect(
        isinstance(data, dict) and isinstance(data.get("likes"), int),
        f"GET /books/3/likes returned {before.text!r}, expected JSON like"
        " {'book_id': 3, 'likes': 0}.",
        fix="keep the view's return {'book_id': book_id, 'likes': LIKES[book_id]}.",
    )
    likes = data["likes"]

    response = client.post("/books/3/likes")
    if response.status_code != 201:
        expect_status(
            response,
            200,
            fixes={
                405: "the route only accepts GET, so Flask refused the POST."
                " Add methods=['GET', 'POST'] to its @app.route.",
            },
        )
    expect_json(
        response,
        {"book_id": 3, "likes": likes + 1},
        fix="a POST adds one like: `if request.method == 'POST': LIKES[book_id] += 1`,"
        " then return the new count.",
    )

    after = client.get("/books/3/likes")
    expect_json(
        after,
        {"book_id": 3, "likes": likes + 1},
        fix="a GET must only read the count. Add the like only when"
        " request.method == 'POST'.",
    )


@pytest.mark.task("methods")
def test_put_is_refused_with_405(client):
    response = client.put("/books/3/likes")
    expect_status(
        response,
        405,
        fixes={
            200: "the likes route should accept GET and POST only, so a PUT must get 405."
            " List exactly methods=['GET', 'POST'].",
        },
    )
    allow = response.headers.get("Allow", "")
    allowed = {method.strip() for method in allow.split(",") if method.strip()}
    expect(
        {"GET", "POST"} <= allowed,
        f"PUT /books/3/likes answered 405 with the header Allow: {allow!r}; it should list"
        " GET and POST, the methods this route accepts.",
        fix="Flask writes the Allow header from the route's methods: use"
        " methods=['GET', 'POST'] in @app.route.",
    )


# url-for


@pytest.mark.task("url-for")
def test_book_detail_is_the_endpoint_for_a_book_page(probe):
    result = probe(build_url, "book_detail", {"book_id": 7})
    expect(
        "error" not in result,
        "url_for('book_detail', book_id=7) raised BuildError: " + result.get("error", ""),
        fix="keep the view for /books/<int:book_id> named book_detail; url_for uses the"
        " view function's name, not the path.",
    )
    expect(
        result["url"] == "/books/7",
        f"url_for('book_detail', book_id=7) built {result['url']!r}, expected '/books/7'.",
        fix="the route of book_detail should be '/books/<int:book_id>'.",
    )


@pytest.mark.task("url-for")
def test_every_book_in_the_list_has_its_link(client):
    response = client.get("/books")
    expect_status(
        response,
        200,
        fixes={
            500: "if the error is a BuildError, url_for was given something other than the"
            " name of a view function. The page of one book is served by book_detail:"
            " url_for('book_detail', book_id=book['id']).",
        },
    )
    books = response.get_json()
    expect(
        isinstance(books, list) and len(books) == 3 and all(isinstance(b, dict) for b in books),
        f"GET /books returned {response.text!r}, expected a JSON list of the 3 books.",
        fix="keep book_list returning one dict per book in BOOKS.",
    )
    for book in books:
        expect(
            "url" in book,
            f"GET /books returned the book {book!r} without a 'url' key.",
            fix="add \"url\": url_for('book_detail', book_id=book['id']) to each book in"
            " book_list.",
        )
        expected = f"/books/{book['id']}"
        expect(
            path_of(book["url"]) == expected,
            f"GET /books gave book {book['id']} the url {book['url']!r}, expected {expected!r}.",
            fix="build it with url_for('book_detail', book_id=book['id']): the endpoint is"
            " the view's name and book_id fills in the <int:book_id> part.",
        )


@pytest.mark.task("url-for")
def test_links_follow_the_app_under_a_prefix(probe):
    result = probe(get_under_prefix, "/shop", "/books")
    expect(
        result["status"] == 200
        and isinstance(result["json"], list)
        and all(isinstance(book, dict) for book in result["json"]),
        f"with the app served under /shop, GET /shop/books answered {result['status']}"
        f" with {result['json']!r}, expected a JSON list of books.",
    )
    for book in result["json"]:
        expected = f"/shop/books/{book.get('id')}"
        expect(
            path_of(book.get("url")) == expected,
            f"with the app served under /shop (as behind a proxy), GET /shop/books gave"
            f" book {book.get('id')} the url {book.get('url')!r}, expected {expected!r}."
            " A path written by hand cannot know the prefix; url_for adds it.",
            fix="build the link with url_for('book_detail', book_id=book['id']) instead of"
            " writing '/books/...' yourself.",
        )


# redirect


@pytest.mark.task("redirect")
def test_old_address_redirects_to_the_book_page(client):
    response = client.get("/catalogue/2")
    if response.status_code not in OTHER_REDIRECTS:
        expect_status(
            response,
            302,
            fixes={
                200: "the view answered with a page instead of sending the visitor on."
                " Return redirect(url_for('book_detail', book_id=book_id)).",
            },
        )
    expect(
        path_of(response.location) == "/books/2",
        f"GET /catalogue/2 redirected to {response.location!r}, expected '/books/2'.",
        fix="redirect to the page of the same book: redirect(url_for('book_detail',"
        " book_id=book_id)).",
    )
    followed = client.get("/catalogue/2", follow_redirects=True)
    expect_status(followed, 200)
    expect_json(followed, BOOK_2)


@pytest.mark.task("redirect")
def test_redirect_follows_the_app_under_a_prefix(probe):
    result = probe(get_under_prefix, "/shop", "/catalogue/2")
    expect(
        path_of(result["location"]) == "/shop/books/2",
        f"with the app served under /shop (as behind a proxy), GET /shop/catalogue/2"
        f" answered {result['status']} redirecting to {result['location']!r},"
        " expected '/shop/books/2'. A path written by hand cannot know the prefix;"
        " url_for adds it.",
        fix="build the location with url_for: redirect(url_for('book_detail',"
        " book_id=book_id)).",
    )
