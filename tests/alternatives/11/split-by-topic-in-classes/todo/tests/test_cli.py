import pytest


class TestAdd:
    @pytest.mark.parametrize("extra, done", [([], False), (["--done"], True)])
    def test_add(self, cli, client, extra, done):
        result = cli.invoke(args=["add", "bake", *extra])
        assert "Added todo 1: bake" in result.output
        assert client.get("/todos/1").get_json() == {"id": 1, "title": "bake", "done": done}


class TestInitDb:
    def test_starts_over(self, cli, client):
        cli.invoke(args=["add", "bake"])
        result = cli.invoke(args=["init-db"])
        assert result.output.strip() == "Initialized the database."
        assert client.get("/todos").get_json() == []
