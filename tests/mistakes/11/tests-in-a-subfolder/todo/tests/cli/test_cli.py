import pytest


@pytest.mark.parametrize("done", [True, False])
def test_add_command_stores_the_todo(runner, client, done):
    runner.invoke(args=["add", "milk", "--done"] if done else ["add", "milk"])
    assert client.get("/todos").get_json() == [{"id": 1, "title": "milk", "done": done}]


def test_init_db_command_empties_the_database(runner, client):
    client.post("/todos", json={"title": "milk"})
    runner.invoke(args=["init-db"])
    assert client.get("/todos").get_json() == []
