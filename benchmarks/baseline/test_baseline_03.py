"""The floor for benchmark 1: exercise 03's requests, hand-written with Flask's own test client.

It imports the solution directly and asserts plainly: no checker, no sandbox, no messages. What is
left is the cost of starting Python, pytest and Flask and serving the same 15 requests.
"""

import importlib.util
from pathlib import Path

import pytest

SOLUTION = Path(__file__).resolve().parents[2] / "solutions" / "03" / "app.py"


@pytest.fixture(scope="module")
def app():
    spec = importlib.util.spec_from_file_location("baseline_solution_03", SOLUTION)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.app


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.mark.parametrize("name", ["Ada", "Grace"])
def test_greet(client, name):
    response = client.get("/greet", query_string={"name": name})
    assert response.status_code == 200
    assert response.text == f"Hello, {name}!"


def test_greet_default(client):
    response = client.get("/greet")
    assert response.status_code == 200
    assert response.text == "Hello, World!"


@pytest.mark.parametrize(
    ("query", "page"), [({"page": "2"}, 2), ({"page": "7"}, 7), ({}, 1), ({"page": "two"}, 1)]
)
def test_books(client, query, page):
    response = client.get("/books", query_string=query)
    assert response.status_code == 200
    assert response.get_json() == {"page": page}


@pytest.mark.parametrize(
    ("name", "email"), [("Ada", "ada@example.com"), ("Grace", "grace@example.org")]
)
def test_signup(client, name, email):
    response = client.post("/signup", data={"name": name, "email": email})
    assert response.status_code == 201
    assert name in response.text and email in response.text


@pytest.mark.parametrize(("a", "b", "total"), [(2, 3, 5), (1.5, -4, -2.5)])
def test_sum(client, a, b, total):
    response = client.post("/api/sum", json={"a": a, "b": b})
    assert response.status_code == 200
    assert response.get_json() == {"sum": total}


@pytest.mark.parametrize(("sent", "missing"), [({"a": 2}, "b"), ({"b": 3}, "a")])
def test_sum_missing(client, sent, missing):
    response = client.post("/api/sum", json=sent)
    assert response.status_code == 400
    assert missing in response.get_json()["error"]


def test_signup_missing(client):
    response = client.post("/signup", data={"name": "Ada"})
    assert response.status_code == 400


def test_maintenance(client):
    response = client.get("/maintenance")
    assert response.status_code == 503
    assert response.text == "Back soon"
    assert response.headers["Retry-After"] == "120"
    assert response.headers["X-Workbook"] == "03"
