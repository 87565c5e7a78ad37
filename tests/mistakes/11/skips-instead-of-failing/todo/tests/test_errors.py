import pytest


def assert_json_error(response, status):
    assert response.status_code == status
    assert response.is_json
    body = response.get_json()
    assert isinstance(body, dict) and "error" in body


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"title": ""},
        {"title": "    "},
        {"title": "x" * 101},
        {"title": 42},
        {"title": None},
        {"title": "ok", "done": "yes"},
        ["not", "an", "object"],
    ],
    ids=["missing", "empty", "blank", "too-long", "number", "null", "bad-done", "list"],
)
def test_post_refuses_bad_bodies(client, body):
    assert_json_error(client.post("/todos", json=body), 400)
    assert client.get("/todos").get_json() == []


@pytest.mark.parametrize("method", ["get", "patch", "delete"])
def test_unknown_id(client, method):
    kwargs = {"json": {"done": True}} if method == "patch" else {}
    response = getattr(client, method)("/todos/99", **kwargs)
    assert_json_error(response, 404)


def test_patch_refuses_a_blank_title(client):
    todo_id = client.post("/todos", json={"title": "keep"}).get_json()["id"]
    assert_json_error(client.patch(f"/todos/{todo_id}", json={"title": "  "}), 400)
    assert client.get(f"/todos/{todo_id}").get_json()["title"] == "keep"
