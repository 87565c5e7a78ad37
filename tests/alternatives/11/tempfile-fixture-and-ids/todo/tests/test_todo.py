import pytest

from todo.db import add_command, init_db_command


def test_config(app):
    assert app.config["TESTING"] is True


def test_created_todo_is_stored(client, make):
    made = make("walk")
    assert client.get(f"/todos/{made['id']}").get_json() == made


def test_deleted_todo_is_gone(client, make):
    made = make("walk")
    client.delete(f"/todos/{made['id']}")
    assert client.get(f"/todos/{made['id']}").status_code == 404


@pytest.mark.parametrize(
    "query, expected",
    [
        pytest.param({}, {"walk", "read"}, id="all"),
        pytest.param({"done": "true"}, {"read"}, id="done"),
        pytest.param({"done": "false"}, {"walk"}, id="not-done"),
    ],
)
def test_filter(client, make, query, expected):
    make("walk")
    make("read", done=True)
    listed = client.get("/todos", query_string=query).get_json()
    assert {todo["title"] for todo in listed} == expected


@pytest.mark.parametrize(
    "title, kept",
    [
        pytest.param("\twalk ", "walk", id="spaces"),
        pytest.param("w" * 100, "w" * 100, id="longest"),
    ],
)
def test_title_kept(make, title, kept):
    assert make(title)["title"] == kept


@pytest.mark.parametrize("start, wanted", [(False, True), (True, False)], ids=["do", "undo"])
def test_patch_done(client, make, start, wanted):
    made = make("walk", done=start)
    client.patch(f"/todos/{made['id']}", json={"done": wanted})
    assert client.get(f"/todos/{made['id']}").get_json()["done"] == wanted


@pytest.mark.parametrize("flags, done", [([], False), (["--done"], True)], ids=["open", "done"])
def test_add_command(runner, client, flags, done):
    result = runner.invoke(add_command, ["walk", *flags])
    assert result.exit_code == 0
    assert [(t["title"], t["done"]) for t in client.get("/todos").get_json()] == [("walk", done)]


def test_init_db_command(runner, client, make):
    make("walk")
    assert runner.invoke(init_db_command).exit_code == 0
    assert client.get("/todos").get_json() == []


@pytest.mark.parametrize(
    "body",
    [pytest.param({}, id="missing"), pytest.param({"title": "  "}, id="blank"),
     pytest.param({"title": "w" * 101}, id="too-long")],
)
def test_bad_title(client, body):
    response = client.post("/todos", json=body)
    assert response.status_code == 400
    assert response.is_json


@pytest.mark.parametrize("method", ["GET", "PATCH", "DELETE"])
def test_unknown_id(client, method):
    response = client.open("/todos/12345", method=method, json={})
    assert response.status_code == 404
    assert response.get_json()["error"]
