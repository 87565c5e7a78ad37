import pytest

from todo import create_app
from todo.db import init_db


@pytest.fixture
def app(tmp_path):
    """A new app for each test, yielded inside the app context that made its tables."""
    app = create_app({"TESTING": True, "DATABASE": str(tmp_path / "test.sqlite")})
    with app.app_context():
        init_db()
        yield app


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()
