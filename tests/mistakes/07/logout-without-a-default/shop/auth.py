"""The auth blueprint: logging in and out."""

from flask import Blueprint, redirect, render_template, request, session, url_for

bp = Blueprint("auth", __name__, template_folder="templates")


@bp.route("/login", methods=("GET", "POST"))
def login():
    if request.method == "POST":
        session["user"] = request.form["username"]
        return redirect(url_for("catalog.index"))
    return render_template("auth/login.html")


@bp.route("/logout")
def logout():
    session.pop("user")
    return redirect(url_for(".login"))
