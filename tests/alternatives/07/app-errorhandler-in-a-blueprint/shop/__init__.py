from flask import Flask


def create_app(test_config=None):
    app = Flask(__name__)
    app.config.from_prefixed_env()  # SECRET_KEY from FLASK_SECRET_KEY, never in the code
    if test_config is not None:
        app.config.from_mapping(test_config)

    from .auth import bp as auth_bp
    from .catalog import bp as catalog_bp
    from .errors import bp as errors_bp

    app.register_blueprint(catalog_bp, url_prefix="/catalog")
    app.register_blueprint(auth_bp, url_prefix="/auth")
    app.register_blueprint(errors_bp)
    return app
