from flask import Flask, render_template


def create_app(test_config=None):
    app = Flask(__name__)
    app.config.from_prefixed_env()  # SECRET_KEY from FLASK_SECRET_KEY, never in the code
    if test_config is not None:
        app.config.from_mapping(test_config)

    from . import auth, catalog

    for module in (catalog, auth):
        app.register_blueprint(module.bp)

    @app.errorhandler(404)
    def page_not_found(error):
        return render_template("404.html"), 404

    return app
