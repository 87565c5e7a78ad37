import os
import tempfile

import pytest

from todo import create_app
from todo.db import init_db


@pytest.fixture
def app():
    handle, path = tempfile.mkstemp(suffix=".sqlite")
    app = create_app({"TESTING": True, "DATABASE": path})
    with app.app_context():
        init_db()
    yield app
    os.close(handle)
    os.unlink(path)


@pytest.fixture
def client(app):
    with app.test_client() as client:
        yield client


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def make(client):
    """Create a to-do through the API and return its JSON."""

    def make(title, done=False):
        response = client.post("/todos", json={"title": title, "done": done})
        assert response.status_code == 201
        return response.get_json()

    return make
