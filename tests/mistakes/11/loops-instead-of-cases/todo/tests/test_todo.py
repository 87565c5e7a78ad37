# Every edge the brief names is tested, but each test runs once, looping over its cases.


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


def test_the_list_filters_by_done(client):
    client.post("/todos", json={"title": "open"})
    client.post("/todos", json={"title": "closed", "done": True})
    for query, titles in [("", ["open", "closed"]), ("?done=true", ["closed"]), ("?done=false", ["open"])]:
        todos = client.get("/todos" + query).get_json()
        assert [todo["title"] for todo in todos] == titles


def test_titles_are_stored_without_surrounding_spaces(client):
    for title, stored in [("milk", "milk"), ("  bread  ", "bread"), ("x" * 100, "x" * 100)]:
        response = client.post("/todos", json={"title": title})
        assert response.get_json()["title"] == stored


def test_patch_sets_done_either_way(client):
    client.post("/todos", json={"title": "milk"})
    for done in (True, False):
        client.patch("/todos/1", json={"done": done})
        assert client.get("/todos/1").get_json()["done"] is done


def test_add_command_stores_the_todo(runner, client):
    runner.invoke(args=["add", "milk"])
    runner.invoke(args=["add", "tea", "--done"])
    assert client.get("/todos").get_json() == [
        {"id": 1, "title": "milk", "done": False},
        {"id": 2, "title": "tea", "done": True},
    ]


def test_init_db_command_empties_the_database(runner, client):
    client.post("/todos", json={"title": "milk"})
    runner.invoke(args=["init-db"])
    assert client.get("/todos").get_json() == []


def test_a_bad_title_answers_400(client):
    for body in ({}, {"title": "   "}, {"title": "x" * 101}):
        assert client.post("/todos", json=body).status_code == 400


def test_an_unknown_id_answers_404_with_a_json_error(client):
    for method in ("GET", "PATCH", "DELETE"):
        response = client.open("/todos/99", method=method, json={"done": True})
        assert response.status_code == 404
        assert "error" in response.get_json()
