import pytest


class TestCreate:
    def test_in_testing_mode(self, app):
        assert app.testing

    def test_201_and_stored(self, client):
        assert client.post("/todos", json={"title": "bake", "done": True}).status_code == 201
        assert client.get("/todos").get_json() == [{"id": 1, "title": "bake", "done": True}]

    @pytest.mark.parametrize("title", ["  bake", "bake  ", "b" * 100])
    def test_title_edges(self, client, title):
        assert client.post("/todos", json={"title": title}).get_json()["title"] == title.strip()


class TestChange:
    def test_delete(self, client):
        client.post("/todos", json={"title": "bake"})
        client.delete("/todos/1")
        assert client.get("/todos").get_json() == []

    @pytest.mark.parametrize("done", [False, True])
    def test_patch(self, client, done):
        client.post("/todos", json={"title": "bake", "done": not done})
        assert client.patch("/todos/1", json={"done": done}).get_json()["done"] is done
        assert client.get("/todos/1").get_json()["done"] is done


class TestList:
    @pytest.mark.parametrize("value, expected", [("true", [2]), ("false", [1, 3]), (None, [1, 2, 3])])
    def test_done_filter(self, client, value, expected):
        for title, done in [("a", False), ("b", True), ("c", False)]:
            client.post("/todos", json={"title": title, "done": done})
        query = {} if value is None else {"done": value}
        assert [t["id"] for t in client.get("/todos", query_string=query).get_json()] == expected
