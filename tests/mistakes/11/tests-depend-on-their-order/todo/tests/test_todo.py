# One story in order: each test relies on what the ones before it left in the database.
import pytest


def test_testing(app):
    assert app.testing


def test_create(client):
    r = client.post("/todos", json={"title": "  milk  "})
    assert r.status_code == 201
    assert r.get_json() == {"id": 1, "title": "milk", "done": False}


def test_read_back(client):
    assert client.get("/todos/1").get_json()["title"] == "milk"


def test_create_done_and_long(client):
    assert client.post("/todos", json={"title": "b" * 100, "done": True}).status_code == 201


@pytest.mark.parametrize("q, ids", [("", [1, 2]), ("?done=true", [2]), ("?done=false", [1])])
def test_filter(client, q, ids):
    assert [t["id"] for t in client.get("/todos" + q).get_json()] == ids


@pytest.mark.parametrize("done", [True, False])
def test_patch(client, done):
    client.patch("/todos/1", json={"done": done})
    assert client.get("/todos/1").get_json()["done"] is done


@pytest.mark.parametrize("body", [{}, {"title": "  "}, {"title": "x" * 101}])
def test_bad(client, body):
    r = client.post("/todos", json=body)
    assert r.status_code == 400 and "error" in r.get_json()


@pytest.mark.parametrize("m", ["get", "patch", "delete"])
def test_unknown(client, m):
    r = getattr(client, m)("/todos/99", json={})
    assert r.status_code == 404 and "error" in r.get_json()


def test_delete(client):
    assert client.delete("/todos/2").status_code == 204
    assert client.get("/todos/2").status_code == 404


def test_cli_add(runner, client):
    runner.invoke(args=["add", "cli"])
    runner.invoke(args=["add", "--done", "cli2"])
    assert [(t["title"], t["done"]) for t in client.get("/todos").get_json()][-2:] == [("cli", False), ("cli2", True)]


def test_init_db(runner, client):
    runner.invoke(args=["init-db"])
    assert client.get("/todos").get_json() == []
