"""Pages for errors anywhere in the shop."""

from flask import Blueprint, render_template

bp = Blueprint("errors", __name__)


@bp.app_errorhandler(404)
def page_not_found(error):
    return render_template("404.html"), 404
