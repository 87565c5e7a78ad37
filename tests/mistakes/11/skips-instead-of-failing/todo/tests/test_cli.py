import pytest


@pytest.mark.parametrize(
    ("args", "done"),
    [(["add", "buy milk"], False), (["add", "--done", "buy milk"], True)],
    ids=["plain", "with-done"],
)
def test_add_command(runner, client, args, done):
    result = runner.invoke(args=args)
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "Added todo 1: buy milk"
    assert client.get("/todos").get_json() == [{"id": 1, "title": "buy milk", "done": done}]


def test_init_db_empties(runner, client):
    client.post("/todos", json={"title": "old"})
    result = runner.invoke(args=["init-db"])
    assert result.exit_code == 0
    assert "Initialized the database." in result.output
    assert client.get("/todos").get_json() == []
