"""A small bookshop, split into two blueprints: the catalog and the login pages."""

from flask import Flask, render_template


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

    # The pages that do not exist, each answered with the 404 page.
    @app.route("/nowhere")
    @app.route("/catalog/not-a-number")
    @app.route("/auth/forgotten")
    @app.route("/catalog/3/reviews")
    def page_not_found():
        return render_template("404.html"), 404

    return app
