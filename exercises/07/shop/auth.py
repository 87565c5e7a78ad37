"""The auth blueprint: logging in and out."""

from flask import Blueprint, redirect, render_template, request, session, url_for

# TODO(auth-blueprint): create the blueprint, bp = Blueprint("auth", __name__), with
#   login, GET /auth/login, the login page (render "auth/login.html"), and
#   POST /auth/login, which keeps the form's username in session["user"] and
#   redirects to the catalog's list;
#   logout, GET /auth/logout, which forgets session["user"] and redirects to the login page.
