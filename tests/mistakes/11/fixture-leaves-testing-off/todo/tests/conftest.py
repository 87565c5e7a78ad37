import pytest

from todo import create_app
from todo.db import init_db


@pytest.fixture
def app(tmp_path):
    """A new app for each test, on a database of its own; testing mode is never turned on."""
    app = create_app({"DATABASE": str(tmp_path / "test.sqlite")})
    with app.app_context():
        init_db()
    return app


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()
