"""A small bookshop, split into two blueprints: the catalog and the login pages."""

from flask import Flask, render_template

from shop.auth import bp as auth_bp
from shop.catalog import bp as catalog_bp

SHOP_NAME = "Bookshop"


def create_app(test_config=None):
    app = Flask(__name__)
    app.config.from_prefixed_env()  # SECRET_KEY from FLASK_SECRET_KEY, never in the code
    if test_config is not None:
        app.config.from_mapping(test_config)

    app.register_blueprint(catalog_bp, url_prefix="/catalog")
    app.register_blueprint(auth_bp, url_prefix="/auth")

    @app.errorhandler(404)
    def page_not_found(error):
        return render_template("404.html"), 404

    return app
