"""Checks for module 02: Routing."""

import re
from urllib.parse import urlsplit

import pytest

from checker.api import expect, expect_json, expect_status

# The shop's books, as the starter's BOOKS has them.
BOOKS = {
    1: {"id": 1, "title": "Dune", "author": "Frank Herbert"},
    2: {"id": 2, "title": "Emma", "author": "Jane Austen"},
    3: {"id": 3, "title": "Beloved", "author": "Toni Morrison"},
}
REDIRECTS = {301, 302, 303, 307, 308}
LIKED = {200, 201}


# Probes: these run inside the learner's process and return plain data.


def get_under_prefix(app, prefix, path):
    """GET a path while the app is served under a prefix, as it is behind some proxies."""
    response = app.test_client().get(path, base_url="http://localhost" + prefix)
    return {
        "status": response.status_code,
        "location": response.headers.get("Location"),
        "json": response.get_json(silent=True),
    }


# What the learner's routes are, to explain a failure from what is there.


def path_of(location):
    """The path of a Location header or a link, whether it is relative or absolute."""
    if not isinstance(location, str):
        return None
    return urlsplit(location).path


def book_route(probe):
    """The route that serves one book (its rule is /books/<...>), or None."""
    for route in probe.routes():
        if re.fullmatch(r"/books/<[^/>]+>", route["rule"]):
            return route
    return None


def converter_of(rule):
    """The converter in a rule like /books/<int:book_id>: "int", or "" when there is none."""
    found = re.search(r"<(?:(\w+)(?:\([^)]*\))?:)?\w+>", rule)
    return (found.group(1) or "") if found else ""


def converter_fix(probe, book_id):
    """Why a book that exists was not found, from the route the app has for /books/<...>."""
    route = book_route(probe)
    if route is None:
        return "there is no route for /books/<...>: keep @app.route('/books/<int:book_id>')."
    rule, converter = route["rule"], converter_of(route["rule"])
    if converter == "int":
        return None  # the route matches; the view itself answered 404: nothing more is known
    if converter == "float":
        return (
            f"the route is {rule!r}: the float converter matches only numbers written with a"
            f" point, like /books/{book_id}.0, so /books/{book_id} matches no route. Write"
            " '/books/<int:book_id>'."
        )
    return (
        f"the route is {rule!r}, so book_id arrives as the text {str(book_id)!r}, and"
        f" BOOKS.get({str(book_id)!r}) finds nothing because the keys are numbers. Write"
        " '/books/<int:book_id>'."
    )


def returned_none(response):
    error = response.error
    return error is not None and "returned None" in error.error_text


# converters


@pytest.mark.task("converters")
def test_each_book_page_finds_its_book(client, probe, inputs):
    for book_id in inputs.shuffled(list(BOOKS), label="book ids"):
        response = client.get(f"/books/{book_id}")
        if response.status_code == 404 or returned_none(response):
            fix = converter_fix(probe, book_id)
            expect_status(response, 200, fixes={404: fix, 500: fix} if fix else None)
        expect_status(response, 200)
        expect_json(
            response,
            BOOKS[book_id],
            fix=f"return the book from BOOKS as it is; its 'id' is the number {book_id}.",
        )


@pytest.mark.task("converters")
def test_a_book_id_that_is_not_a_number_is_not_found(client, inputs):
    for text in [inputs.word(label="not a number"), "2.5"]:
        response = client.get(f"/books/{text}")
        expect_status(
            response,
            404,
            fixes={
                200: f"{text!r} is not a book number, yet the view answered. Write the route as"
                f" '/books/<int:book_id>': then Flask answers 404 for /books/{text} by itself.",
            },
            errors={
                "ValueError": f"{text!r} reached your view and int() could not convert it."
                " Write the route as '/books/<int:book_id>' instead of converting by hand:"
                f" then Flask answers 404 for /books/{text} and the view never runs.",
            },
        )


# not-found


@pytest.mark.task("not-found")
def test_unknown_books_answer_404_and_known_ones_do_not(client, probe, inputs):
    known = inputs.choice(list(BOOKS), label="known")
    response = client.get(f"/books/{known}")
    if response.status_code != 200:
        fix = converter_fix(probe, known)
        expect(
            False,
            f"GET /books/{known} answered {response.status_code}, but book {known} exists:"
            " a 404 counts only when real books are still found.",
            fix=fix or "return the book when BOOKS has it; call abort(404) only when it does not.",
        )
    unknown = [0, *inputs.integers(2, 4, 999_999, label="unknown")]
    for book_id in unknown:
        response = client.get(f"/books/{book_id}")
        expect_status(
            response,
            404,
            fixes={
                200: f"there is no book {book_id}, so the answer must be 404, not 200."
                " Call abort(404) when BOOKS.get(book_id) gives None.",
            },
            errors={
                "KeyError": f"BOOKS[{book_id}] raised KeyError: look the book up with"
                " BOOKS.get(book_id) and call abort(404) when it gives None.",
            }
            | (
                {
                    "TypeError": f"BOOKS.get({book_id}) gave None and the view returned it:"
                    " call abort(404) when the book is None."
                }
                if returned_none(response)
                else {}
            ),
        )


# methods


def likes_of(client, book_id):
    """The like count GET /books/<id>/likes shows."""
    response = client.get(f"/books/{book_id}/likes")
    expect_status(response, 200)
    data = response.get_json()
    expect(
        isinstance(data, dict) and type(data.get("likes")) is int,
        f"GET /books/{book_id}/likes answered {response.text!r}, expected JSON like"
        f" {{'book_id': {book_id}, 'likes': 0}}.",
        fix="keep the view's return {'book_id': book_id, 'likes': LIKES[book_id]}.",
    )
    return data["likes"]


def like(client, book_id, count):
    """POST a like to ``book_id`` and expect the count to be ``count``."""
    response = client.post(f"/books/{book_id}/likes")
    if response.status_code not in LIKED:
        expect_status(
            response,
            200,
            fixes={
                405: "the route only accepts GET, so Flask refused the POST."
                " Add methods=['GET', 'POST'] to its @app.route.",
            },
        )
    got = response.get_json()
    fix = "a POST adds one like: `if request.method == 'POST': LIKES[book_id] += 1`."
    if isinstance(got, dict) and got.get("likes") == count - 1:
        fix = "the POST did not change the count: add one to LIKES[book_id] before returning it."
    elif isinstance(got, dict) and type(got.get("likes")) is int and got["likes"] < count - 1:
        fix = (
            "the count went back: each POST must add one to the count kept in LIKES"
            " (LIKES[book_id] += 1), not set it to a fixed number."
        )
    expect_json(response, {"book_id": book_id, "likes": count}, fix=fix)


@pytest.mark.task("methods")
@pytest.mark.fresh_app
def test_each_post_adds_a_like_to_its_own_book(client, inputs):
    first, second = inputs.sample(list(BOOKS), 2, label="books")
    before = {book_id: likes_of(client, book_id) for book_id in (first, second)}
    expect(
        before == {first: 0, second: 0},
        f"before any like, GET /books/<id>/likes showed {before} for books {first} and {second};"
        " a book nobody has liked has 0 likes.",
        fix="start every count at 0, as the starter's LIKES does.",
    )
    like(client, first, before[first] + 1)
    like(client, first, before[first] + 2)
    after = likes_of(client, first)
    expect(
        after == before[first] + 2,
        f"after two POSTs GET /books/{first}/likes shows {after} likes, expected"
        f" {before[first] + 2}.",
        fix="a GET must only read the count: add the like only when request.method == 'POST'.",
    )
    other = likes_of(client, second)
    expect(
        other == before[second],
        f"after two likes for book {first}, book {second} shows {other} likes instead of"
        f" {before[second]}: the books share one count.",
        fix="keep a count per book, LIKES[book_id], and add to the one of the book in the URL.",
    )
    like(client, second, before[second] + 1)


@pytest.mark.task("methods")
@pytest.mark.fresh_app
def test_likes_of_an_unknown_book_are_not_found(client, inputs):
    book_id = inputs.integer(4, 999_999, label="unknown")
    for method in ("GET", "POST"):
        response = client.open(f"/books/{book_id}/likes", method=method)
        expect_status(
            response,
            404,
            errors={
                "KeyError": f"LIKES[{book_id}] raised KeyError: keep the starter's"
                " `if book_id not in BOOKS: abort(404)` at the top of book_likes.",
            },
        )


@pytest.mark.task("methods")
def test_put_is_refused_with_405(client, inputs):
    book_id = inputs.choice(list(BOOKS), label="book")
    response = client.put(f"/books/{book_id}/likes")
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
        f"PUT /books/{book_id}/likes answered 405 with the header Allow: {allow!r}; it should"
        " list GET and POST, the methods this route accepts.",
        fix="Flask writes the Allow header from the route's methods: use"
        " methods=['GET', 'POST'] in @app.route.",
    )


# url-for


def url_for_fix(probe):
    """How to call url_for for the book page, naming the endpoint that really serves it."""
    route = book_route(probe)
    endpoint = route["endpoint"] if route else "book_detail"
    return (
        f"the page of one book is served by the endpoint {endpoint!r}: build the link with"
        f" url_for({endpoint!r}, book_id=book['id']). url_for takes the endpoint's name,"
        " not the path."
    )


def listed_books(response, where=""):
    books = response.get_json()
    expect(
        isinstance(books, list) and len(books) == 3 and all(isinstance(b, dict) for b in books),
        f"{response.request_line}{where} answered {response.text[:200]!r}, expected a JSON list"
        " of the 3 books.",
        fix="keep book_list returning one dict per book in BOOKS.",
    )
    return books


@pytest.mark.task("url-for")
def test_every_book_in_the_list_links_to_its_page(client, probe):
    response = client.get("/books")
    if response.error is not None and response.error.error_type == "BuildError":
        expect_status(response, 200, errors={"BuildError": url_for_fix(probe)})
    expect_status(response, 200)
    for book in listed_books(response):
        expect(
            "url" in book,
            f"GET /books returned the book {book!r} without a 'url' key.",
            fix="add \"url\": url_for(...) for the book's page to each book in book_list.",
        )
        expected = f"/books/{book['id']}"
        if path_of(book["url"]) != expected:
            expect(
                False,
                f"GET /books gave book {book['id']} the url {book['url']!r}, expected"
                f" {expected!r}.",
                fix=url_for_fix(probe),
            )
        listed = BOOKS.get(book.get("id"), {})
        expect(
            book.get("title") == listed.get("title"),
            f"GET /books gave book {book.get('id')!r} the entry {book!r}, without its title"
            f" {listed.get('title')!r} under 'title'.",
            fix="keep each entry's \"id\" and \"title\" as the starter has them, and add \"url\".",
        )
        page = client.get(book["url"])
        expect_status(page, 200)
        expect_json(page, BOOKS[book["id"]])


@pytest.mark.task("url-for")
def test_links_follow_the_app_under_a_prefix(probe, inputs):
    prefix = "/" + inputs.word(label="prefix")
    result = probe(get_under_prefix, prefix, "/books")
    expect(
        result["status"] == 200
        and isinstance(result["json"], list)
        and all(isinstance(book, dict) for book in result["json"]),
        f"with the app served under {prefix}, GET {prefix}/books answered {result['status']}"
        f" with {result['json']!r}, expected a JSON list of books.",
    )
    for book in result["json"]:
        expected = f"{prefix}/books/{book.get('id')}"
        if path_of(book.get("url")) != expected:
            expect(
                False,
                f"with the app served under {prefix} (as behind a proxy), GET {prefix}/books"
                f" gave book {book.get('id')} the url {book.get('url')!r}, expected"
                f" {expected!r}. A path written by hand cannot know the prefix; url_for adds it.",
                fix=url_for_fix(probe),
            )


# redirect


@pytest.mark.task("redirect")
def test_old_addresses_redirect_to_the_same_book(client, inputs):
    for book_id in inputs.shuffled(list(BOOKS), label="book ids"):
        response = client.get(f"/catalogue/{book_id}")
        if response.status_code not in REDIRECTS:
            expect_status(
                response,
                302,
                fixes={
                    200: "the view answered with a page instead of sending the visitor on."
                    " Return redirect(url_for(...)) to the book's page.",
                },
            )
        got = path_of(response.location)
        fix = "redirect to the page of the same book: redirect(url_for(..., book_id=book_id))."
        if got and re.fullmatch(r"/books/\d+", got):
            fix = (
                f"the redirect goes to {got} whatever the book: build the location from the"
                " book_id in the URL, url_for(..., book_id=book_id)."
            )
        expect(
            got == f"/books/{book_id}",
            f"GET /catalogue/{book_id} redirected to {response.location!r}, expected"
            f" '/books/{book_id}'.",
            fix=fix,
        )
        followed = client.get(f"/catalogue/{book_id}", follow_redirects=True)
        expect_status(followed, 200)
        expect_json(followed, BOOKS[book_id])


@pytest.mark.task("redirect")
def test_redirect_follows_the_app_under_a_prefix(probe, inputs):
    prefix = "/" + inputs.word(label="prefix")
    book_id = inputs.choice(list(BOOKS), label="book")
    result = probe(get_under_prefix, prefix, f"/catalogue/{book_id}")
    expect(
        path_of(result["location"]) == f"{prefix}/books/{book_id}",
        f"with the app served under {prefix} (as behind a proxy), GET {prefix}/catalogue/"
        f"{book_id} answered {result['status']} redirecting to {result['location']!r},"
        f" expected '{prefix}/books/{book_id}'. A path written by hand cannot know the prefix;"
        " url_for adds it.",
        fix="build the location with url_for: redirect(url_for(..., book_id=book_id)), naming"
        " the endpoint of the book page.",
    )
