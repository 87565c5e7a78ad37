"""A small to-do API: the app module 11's learner writes tests for."""

import os

from flask import Flask


def create_app(test_config=None):
    """Make the app; ``test_config`` (a dict) overrides the default configuration."""
    app = Flask(__name__, instance_relative_config=True)
    app.config.from_mapping(DATABASE=os.path.join(app.instance_path, "todo.sqlite"))
    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)
    else:
        app.config.from_mapping(test_config, TESTING=False)
    os.makedirs(app.instance_path, exist_ok=True)

    from todo import api, db

    db.init_app(app)
    app.register_blueprint(api.bp)
    return app
