"""A small bookshop, split into two blueprints: the catalog and the login pages."""

from flask import Flask


def create_app(test_config=None):
    app = Flask(__name__)
    app.config.from_prefixed_env()  # SECRET_KEY from FLASK_SECRET_KEY, never in the code
    if test_config is not None:
        app.config.from_mapping(test_config)

    # Imported here rather than at the top of the file: the blueprint modules may
    # import from shop, and by the time create_app runs, shop is fully imported.
    from . import auth, catalog

    app.register_blueprint(catalog.bp, url_prefix="/catalog")
    app.register_blueprint(auth.bp, url_prefix="/auth")


    return app
