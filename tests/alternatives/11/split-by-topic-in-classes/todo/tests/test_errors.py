import pytest


class TestBadRequests:
    @pytest.mark.parametrize("body", [{"done": True}, {"title": ""}, {"title": "\n "}, {"title": "b" * 101}])
    def test_refused(self, client, body):
        response = client.post("/todos", json=body)
        assert response.status_code == 400
        assert "error" in response.get_json()


class TestNotFound:
    @pytest.mark.parametrize("method", ["get", "patch", "delete"])
    def test_unknown(self, client, method):
        response = getattr(client, method)("/todos/42", json={"done": False})
        assert (response.status_code, "error" in (response.get_json() or {})) == (404, True)
