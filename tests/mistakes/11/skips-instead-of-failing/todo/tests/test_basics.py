
def test_list_starts_empty(client):
    assert client.get("/todos").json == []


def test_create_then_read_back(client):
    created = client.post("/todos", json={"title": "milk"})
    assert created.status_code == 201
    todo = created.json
    assert todo["title"] == "milk"
    assert todo["done"] is False

    fetched = client.get(f"/todos/{todo['id']}")
    assert fetched.status_code == 200
    assert fetched.json == todo
    assert client.get("/todos").json == [todo]


def test_delete_removes_it(client):
    todo_id = client.post("/todos", json={"title": "bread"}).json["id"]
    assert client.delete(f"/todos/{todo_id}").status_code == 204
    assert client.get(f"/todos/{todo_id}").status_code == 404
    assert client.get("/todos").json == []
