"""The floor for benchmark 2: exercise 07's requests, hand-written with Flask's own test client.

It imports the solution package directly and asserts plainly: no checker, no sandbox, no messages.
What is left is the cost of starting Python, pytest and Flask, making the app once, and doing what
exercises/07/test_07.py does with it: the same 34 checks, the same requests (one test client per
check, some served under a prefix), the same facts read off the app where the checks use probes
(blueprints, routes, url_for, error handlers), the same session and rendered templates looked at,
and the same pages parsed with BeautifulSoup.
"""

import html
import re
import sys
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup
from flask import template_rendered, url_for

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "solutions" / "07"))

from shop import create_app

BOOKS = [
    (3, "The Left Hand of Darkness", "Ursula K. Le Guin"),
    (12, "Cien años de soledad", "Gabriel García Márquez"),
    (47, "Мастер и Маргарита", "Михаил Булгаков"),
    (108, "Pride & Prejudice", "Jane Austen"),
    (2051, "Kindred", "Octavia E. Butler"),
]
BOOK_IDS = [book_id for book_id, _, _ in BOOKS]
MISSING_IDS = [0, 4, 99999]
NAMES = ["Ada", "Zoë", "李小龙"]
MOUNTS = ["", "/shop", "/store/v2"]
UNKNOWN_URLS = ["/nowhere", "/catalog/not-a-number", "/auth/forgotten", "/catalog/3/reviews"]


@pytest.fixture(scope="module")
def app():
    return create_app({"TESTING": True})


@pytest.fixture
def client(app):
    return app.test_client()


@contextmanager
def rendered(app):
    """The names and context keys of the templates rendered inside the block."""
    seen = []

    def record(sender, template, context, **extra):
        seen.append((template.name, sorted(context)))

    with template_rendered.connected_to(record, app):
        yield seen


def mounted(mount):
    return {"base_url": f"http://localhost{mount}"} if mount else {}


def page_text(response):
    return html.unescape(response.text)


def hrefs(response):
    soup = BeautifulSoup(response.data, "html.parser")
    return [urlsplit(link["href"]).path for link in soup.select("a[href]")]


def assert_links(response, mount, paths):
    found = hrefs(response)
    for path in paths:
        assert mount + path in found


def assert_redirect(response, to):
    assert response.status_code in (301, 302, 303, 307, 308)
    assert urlsplit(response.headers["Location"]).path == to


def session_of(client):
    with client.session_transaction() as session:
        return dict(session)


def routes(app):
    return sorted(
        ({"rule": rule.rule, "endpoint": rule.endpoint} for rule in app.url_map.iter_rules()),
        key=lambda route: (route["rule"], route["endpoint"]),
    )


def rule_of(app, endpoint):
    return next(route["rule"] for route in routes(app) if route["endpoint"] == endpoint)


def error_handlers(app):
    return [
        (blueprint, code, exception.__name__)
        for blueprint, by_code in app.error_handler_spec.items()
        for code, handlers in by_code.items()
        for exception in handlers
    ]


# catalog-blueprint


def test_catalog_is_a_blueprint_under_catalog(app):
    assert "catalog" in app.blueprints
    assert rule_of(app, "catalog.index") == "/catalog/"
    rule = rule_of(app, "catalog.book")
    assert rule == "/catalog/<int:book_id>"
    assert re.search(r"<(?:[^<>:]+:)?book_id>", rule)
    for book_id in [*BOOK_IDS, 0, 777]:
        with app.test_request_context():
            assert url_for("catalog.book", book_id=book_id) == f"/catalog/{book_id}"


def test_catalog_lists_every_book(client):
    response = client.get("/catalog/")
    assert response.status_code == 200
    assert all(title in page_text(response) for _, title, _ in BOOKS)


@pytest.mark.parametrize(("book_id", "title", "author"), BOOKS, ids=[str(i) for i in BOOK_IDS])
def test_catalog_shows_each_book(client, book_id, title, author):
    response = client.get(f"/catalog/{book_id}")
    assert response.status_code == 200
    text = page_text(response)
    assert title in text and author in text


# auth-blueprint


def test_auth_is_a_blueprint_under_auth(app):
    assert "auth" in app.blueprints
    assert rule_of(app, "auth.login") == "/auth/login"
    assert rule_of(app, "auth.logout") == "/auth/logout"


def test_login_page_has_a_form(client):
    response = client.get("/auth/login")
    assert response.status_code == 200
    soup = BeautifulSoup(response.data, "html.parser")
    forms = [
        form
        for form in soup.select("form")
        if (form.get("method") or "get").lower() == "post" and form.select("[name=username]")
    ]
    assert forms


@pytest.mark.parametrize("name", NAMES)
def test_login_keeps_the_name_and_goes_to_the_catalog(client, name):
    response = client.post("/auth/login", data={"username": name})
    assert_redirect(response, "/catalog/")
    assert session_of(client).get("user") == name


def test_logout_forgets_the_name_and_goes_to_the_login_page(client):
    client.post("/auth/login", data={"username": "Grace"})
    response = client.get("/auth/logout")
    assert_redirect(response, "/auth/login")
    assert "user" not in session_of(client)


# blueprint-templates


def test_catalog_list_renders_its_template(app, client):
    with rendered(app) as templates:
        response = client.get("/catalog/")
    assert response.status_code == 200
    assert any(name == "catalog/list.html" and "books" in context for name, context in templates)


@pytest.mark.parametrize("book_id", [12, 2051])
def test_catalog_book_renders_its_template(app, client, book_id):
    with rendered(app) as templates:
        response = client.get(f"/catalog/{book_id}")
    assert response.status_code == 200
    assert any(name == "catalog/book.html" and "book" in context for name, context in templates)


def test_login_page_renders_its_template(app, client):
    with rendered(app) as templates:
        response = client.get("/auth/login")
    assert response.status_code == 200
    assert "auth/login.html" in [name for name, _ in templates]


# url-for-links


@pytest.mark.parametrize("mount", MOUNTS, ids=["root", "shop", "store-v2"])
def test_catalog_list_links_with_url_for(client, mount):
    response = client.get("/catalog/", **mounted(mount))
    assert response.status_code == 200
    assert_links(response, mount, [f"/catalog/{book_id}" for book_id in BOOK_IDS])
    assert_links(response, mount, ["/auth/login"])


@pytest.mark.parametrize("mount", MOUNTS, ids=["root", "shop", "store-v2"])
def test_book_and_login_pages_link_back_with_url_for(client, mount):
    response = client.get("/catalog/47", **mounted(mount))
    assert response.status_code == 200
    assert_links(response, mount, ["/catalog/", "/auth/login"])
    response = client.get("/auth/login", **mounted(mount))
    assert response.status_code == 200
    assert_links(response, mount, ["/catalog/"])


@pytest.mark.parametrize("mount", MOUNTS, ids=["root", "shop", "store-v2"])
def test_auth_redirects_and_logout_link_follow_the_mount(client, mount):
    response = client.post("/auth/login", data={"username": "Lin"}, **mounted(mount))
    assert_redirect(response, f"{mount}/catalog/")
    response = client.get("/catalog/", **mounted(mount))
    assert response.status_code == 200
    assert_links(response, mount, ["/auth/logout"])
    response = client.get("/auth/logout", **mounted(mount))
    assert_redirect(response, f"{mount}/auth/login")


# catalog-404


@pytest.mark.parametrize("book_id", MISSING_IDS)
def test_missing_book_answers_json_404(client, book_id):
    response = client.get(f"/catalog/{book_id}")
    assert response.status_code == 404
    body = response.get_json()
    assert isinstance(body, dict)
    assert re.search(rf"(?<!\d){book_id}(?!\d)", body["error"])


def test_catalog_has_its_own_404_handler(app):
    assert "catalog" in app.blueprints
    catches = [
        blueprint
        for blueprint, code, exception in error_handlers(app)
        if code == 404 or exception in ("NotFound", "HTTPException")
    ]
    assert "catalog" in catches


# site-404


@pytest.mark.parametrize("path", UNKNOWN_URLS)
def test_unknown_url_answers_the_html_404_page(app, client, path):
    with rendered(app) as templates:
        response = client.get(path)
    assert response.status_code == 404
    assert response.get_json() is None
    assert "404.html" in [name for name, _ in templates]
