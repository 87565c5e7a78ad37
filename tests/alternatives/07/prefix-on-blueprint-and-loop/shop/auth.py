from flask import Blueprint, redirect, render_template, request, session, url_for

bp = Blueprint("auth", __name__, url_prefix="/auth")


@bp.get("/login")
def login():
    return render_template("auth/login.html")


@bp.post("/login")
def do_login():
    session["user"] = request.form["username"]
    return redirect(url_for("catalog.index"))


@bp.get("/logout")
def logout():
    session.clear()
    return redirect(url_for("auth.login"))
