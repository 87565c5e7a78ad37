"""What an exception from the learner's code means, when its type and text say so.

One function, shared by the failures of checks (``expect_status``) and of loading or probing the
learner's code (``happened.judge``), so the same exception gets the same fix wherever it happens.
"""

from __future__ import annotations

import re

# AssertionError, from Flask's add_url_rule, when a second view takes an endpoint's name.
_ENDPOINT_TAKEN = "View function mapping is overwriting an existing endpoint function:"
# TypeError, when Flask calls a hook with an argument: "create_app.<locals>.log() takes 0 ...".
_TAKES_NO_ARGUMENT = re.compile(r"([\w.<>]+)\(\) takes 0 positional arguments but 1 was given")


def explain_error(kind: str, text: str, in_learner_code: bool) -> str | None:
    """A fix for an exception, when its type and text say what went wrong; otherwise None (the
    message already quotes the exception and the line)."""
    if kind == "TypeError" and "did not return a valid response" in text:
        if "returned None" in text:
            return (
                "the view returned None: it ended without `return`, or returned what print() "
                "or another function gave back. Return the page (a string, a dict or a list)."
            )
        returned = text.rpartition("but it was a ")[2].rstrip(".")
        if returned and returned != text:
            article = "an" if returned[0] in "aeiou" else "a"
            return (
                f"the view returned {article} {returned}, which Flask cannot send: return a "
                "string, a dict, a list, a (body, status) tuple or a Response."
            )
    if kind == "AttributeError" and "has no attribute 'strip'" in text and not in_learner_code:
        return (
            "the status in the view's return is not a whole number or a string (201.0, say): "
            "write it as a whole number, like return text, 201."
        )
    if kind == "TypeError" and "'NoneType' object is not callable" in text and not in_learner_code:
        # Flask calls the response it ends up with; after_request functions hand it on.
        return (
            "an after_request function returned None: Flask sends what the last of them returns, "
            "so each must end with `return response` (the response it was given, or another)."
        )
    if kind == "TypeError" and not in_learner_code:
        given = _TAKES_NO_ARGUMENT.match(text)
        if given is not None:
            name = given.group(1).rpartition(".")[2]
            return (
                f"Flask passed {name}() an argument it does not take: a teardown_request or "
                "teardown_appcontext function receives the exception (None when there was "
                f"none), def {name}(error=None); an error handler receives the error, "
                f"def {name}(error); an after_request function the response."
            )
    if kind == "AssertionError" and text.startswith(_ENDPOINT_TAKEN):
        endpoint = text[len(_ENDPOINT_TAKEN) :].strip()
        return (
            f"two views got the same endpoint name, {endpoint!r}. When they share a decorator, "
            "it returned its inner function, whose name every view then has: decorate the inner "
            "function with @functools.wraps(view), so that each view keeps its own name. "
            "Otherwise give each view a name (or endpoint=) of its own."
        )
    if kind == "NameError":
        name = text.partition("'")[2].partition("'")[0]
        if name and not name.startswith("_"):
            import flask

            if hasattr(flask, name):
                return f"{name} comes from Flask: add it to the import, from flask import {name}."
            return f"Python does not know the name {name!r} there: define it first, or check its spelling."
    return None
