import pytest

from todo.tests.helpers import add


def _unused(client, title, done=False):
    response = client.post("/todos", json={"title": title, "done": done})
    assert response.status_code == 201
    return response.get_json()


@pytest.fixture
def mixed(client):
    """Three to-dos, the middle one done."""
    return [add(client, "a"), add(client, "b", done=True), add(client, "c")]


@pytest.mark.parametrize(
    ("query", "expected_titles"),
    [("", ["a", "b", "c"]), ("?done=true", ["b"]), ("?done=false", ["a", "c"])],
    ids=["all", "done", "not-done"],
)
def test_filter(client, mixed, query, expected_titles):
    listed = client.get("/todos" + query).get_json()
    assert [t["title"] for t in listed] == expected_titles


@pytest.mark.parametrize(
    ("sent", "stored"),
    [
        ("x", "x"),
        ("y" * 100, "y" * 100),
        ("   padded   ", "padded"),
        ("  " + "z" * 100 + "  ", "z" * 100),
    ],
    ids=["one-char", "100-chars", "spaces-stripped", "100-after-strip"],
)
def test_title_edges_accepted(client, sent, stored):
    todo = add(client, sent)
    assert todo["title"] == stored
    assert client.get(f"/todos/{todo['id']}").get_json()["title"] == stored


@pytest.mark.parametrize("start, new", [(False, True), (True, False)], ids=["mark-done", "undo"])
def test_patch_done(client, start, new):
    todo = add(client, "walk", done=start)
    response = client.patch(f"/todos/{todo['id']}", json={"done": new})
    assert response.status_code == 200
    assert response.get_json()["done"] is new
    assert client.get(f"/todos/{todo['id']}").get_json()["done"] is new
