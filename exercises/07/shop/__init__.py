"""Module 07: Blueprints.

A small bookshop, split into two blueprints: the catalog (shop/catalog.py) and
the login pages (shop/auth.py). create_app builds the app and plugs them in.
Check your work with `pytest exercises/07` or `workbook check 07`; try it in a
browser with `FLASK_SECRET_KEY=dev flask --app shop run --debug` from the
exercises/07 folder (the key comes from the environment, as in module 06).
"""

from flask import Flask, render_template


def create_app(test_config=None):
    app = Flask(__name__)
    app.config.from_prefixed_env()  # SECRET_KEY from FLASK_SECRET_KEY, never in the code
    if test_config is not None:
        app.config.from_mapping(test_config)

    # TODO(catalog-blueprint): import the catalog module here, inside create_app
    # (from . import catalog), and register its blueprint under the prefix /catalog.

    # TODO(auth-blueprint): register the auth blueprint under the prefix /auth.

    # TODO(site-404): give the whole app a 404 page: a handler that renders
    # 404.html with the status 404, for every URL that no route matches.

    return app
