import pytest


def test_the_app_is_in_testing_mode(app):
    assert app.testing


def test_a_new_todo_can_be_read_back(client):
    response = client.post("/todos", json={"title": "milk"})
    assert response.status_code == 201
    assert client.get("/todos/1").get_json() == {"id": 1, "title": "milk", "done": False}


def test_delete_removes_the_todo(client):
    client.post("/todos", json={"title": "milk"})
    client.delete("/todos/1")
    assert client.get("/todos").get_json() == []


@pytest.mark.parametrize(
    ("query", "titles"),
    [("", ["open", "closed"]), ("?done=true", ["closed"]), ("?done=false", ["open"])],
)
def test_the_list_filters_by_done(client, query, titles):
    client.post("/todos", json={"title": "open"})
    client.post("/todos", json={"title": "closed", "done": True})
    todos = client.get("/todos" + query).get_json()
    assert [todo["title"] for todo in todos] == titles


@pytest.mark.parametrize(
    ("title", "stored"),
    [("milk", "milk"), ("  bread  ", "bread"), ("x" * 100, "x" * 100)],
)
def test_titles_are_stored_without_surrounding_spaces(client, title, stored):
    response = client.post("/todos", json={"title": title})
    assert response.get_json()["title"] == stored


@pytest.mark.parametrize("done", [True, False])
def test_patch_sets_done_either_way(client, done):
    client.post("/todos", json={"title": "milk", "done": not done})
    client.patch("/todos/1", json={"done": done})
    assert client.get("/todos/1").get_json()["done"] is done


@pytest.mark.parametrize("body", [{}, {"title": "   "}, {"title": "x" * 101}])
def test_a_bad_title_answers_400(client, body):
    assert client.post("/todos", json=body).status_code == 400


@pytest.mark.parametrize("method", ["get", "patch", "delete"])
def test_an_unknown_id_answers_404_with_a_json_error(client, method):
    response = client.open("/todos/99", method=method.upper(), json={"done": True})
    assert response.status_code == 404
    assert "error" in response.get_json()
