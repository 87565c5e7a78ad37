"""Shared helpers for the tests."""


def add(client, title, done=False):
    response = client.post("/todos", json={"title": title, "done": done})
    assert response.status_code == 201
    return response.get_json()
