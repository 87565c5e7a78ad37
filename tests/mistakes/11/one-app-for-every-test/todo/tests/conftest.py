import pytest

from todo import create_app
from todo.db import init_db


@pytest.fixture(scope="session")
def app(tmp_path_factory):
    """One app for the whole run: quicker to set up, but every test shares its database."""
    database = tmp_path_factory.mktemp("data") / "test.sqlite"
    app = create_app({"TESTING": True, "DATABASE": str(database)})
    with app.app_context():
        init_db()
    return app


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()
