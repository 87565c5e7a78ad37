import pytest

from todo import create_app
from todo.db import init_db

# TODO(fixtures): write an `app` fixture that makes a new app for each test through
# create_app, with a test config of its own (TESTING on, DATABASE a file in a temporary
# folder), and creates the tables with init_db() inside an app context. Then a `client`
# fixture that returns the app's test client, and a `runner` fixture for its CLI.
