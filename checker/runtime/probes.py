"""Standard probes: plain functions of a Flask app that return plain data about it.

They run beside the learner's app (in the learner's process when graded) and are reached through
``probe.routes()``, ``probe.config(...)`` and the like, so checks need no probe code of their own.
"""

from __future__ import annotations

import json
from typing import Any

_IMPLIED_METHODS = {"HEAD", "OPTIONS"}


def routes(app: Any) -> list[dict[str, Any]]:
    """Every URL rule: its rule, endpoint and methods (HEAD and OPTIONS left out), sorted."""
    found = [
        {
            "rule": rule.rule,
            "endpoint": rule.endpoint,
            "methods": sorted(set(rule.methods or ()) - _IMPLIED_METHODS),
        }
        for rule in app.url_map.iter_rules()
    ]
    return sorted(found, key=lambda route: (route["rule"], route["endpoint"]))


def blueprints(app: Any) -> dict[str, dict[str, Any]]:
    """Registered blueprints by name, with the path their routes share as ``url_prefix``.

    Flask keeps no record of the prefix a blueprint was registered with, so it is read off the
    blueprint's routes: the leading path segments they all share, never a route's last segment.
    That is the registered prefix for any blueprint with a route at its root or two routes that
    differ right after the prefix; None when the routes share nothing.
    """
    found: dict[str, dict[str, Any]] = {}
    for name in app.blueprints:
        rules = [
            rule.rule
            for rule in app.url_map.iter_rules()
            if rule.endpoint.startswith(f"{name}.") and rule.endpoint != f"{name}.static"
        ]
        found[name] = {"url_prefix": _shared_prefix(rules), "rules": sorted(rules)}
    return found


def _shared_prefix(rules: list[str]) -> str | None:
    if not rules:
        return None
    split = [rule.rstrip("/").split("/")[1:] if rule != "/" else [] for rule in rules]
    heads = [
        parts if rule.endswith("/") else parts[:-1]
        for rule, parts in zip(rules, split, strict=False)
    ]
    shared: list[str] = []
    for segments in zip(*heads, strict=False):
        if len(set(segments)) != 1 or segments[0].startswith("<"):
            break
        shared.append(segments[0])
    return "/" + "/".join(shared) if shared else None


def config(app: Any, *keys: str) -> dict[str, Any]:
    """Those config values; a value that is not JSON-able comes back as its repr."""
    found = {}
    for key in keys:
        if key in app.config:
            found[key] = _plain(app.config[key])
    return found


def _plain(value: Any) -> Any:
    try:
        json.dumps(value)
    except (TypeError, ValueError):
        return repr(value)
    return value


def extensions(app: Any) -> list[str]:
    """The names extensions registered themselves under in ``app.extensions``."""
    return sorted(str(name) for name in app.extensions)


def error_handlers(app: Any) -> list[dict[str, Any]]:
    """Every error handler: the blueprint it belongs to (None: the app), the code, the exception."""
    found = []
    for blueprint, by_code in app.error_handler_spec.items():
        for code, handlers in by_code.items():
            for exception in handlers:
                found.append(
                    {"blueprint": blueprint, "code": code, "exception": exception.__name__}
                )
    return sorted(found, key=lambda h: (h["blueprint"] or "", h["code"] or 0, h["exception"]))


def cli_commands(app: Any) -> list[str]:
    """The commands added to the app's CLI (``@app.cli.command``, ``app.cli.add_command``)."""
    return sorted(app.cli.list_commands(None))


def url_for(app: Any, endpoint: str, values: dict[str, Any]) -> dict[str, str]:
    """What ``url_for(endpoint, **values)`` builds inside a request to the app: ``{"url": ...}``,
    or ``{"error": ...}`` with Werkzeug's explanation when it cannot build one."""
    from flask import url_for as build
    from werkzeug.routing import BuildError

    with app.test_request_context():
        try:
            return {"url": str(build(endpoint, **values))}
        except BuildError as error:
            return {"error": str(error)}


def suite(
    app: Any,
    tests: str,
    versions: dict[str, dict[str, str]],
    timeout: float,
    backwards: bool = False,
    salt: str = "",
    budget: float | None = None,
) -> Any:
    """Run the learner's tests (the folder ``tests``) against versions of the course's app, each
    the files that replace the app's (module 11); each run as plain data, by version name. Runs
    from the app's folder, the working directory while a probe runs."""
    import os
    from pathlib import Path

    from checker.runtime import suite as runner

    found = runner.run(
        Path(os.getcwd()),
        tests,
        versions,
        timeout=float(timeout),
        backwards=bool(backwards),
        salt=str(salt),
        budget=None if budget is None else float(budget),
    )
    return {name: result.to_data() for name, result in found.items()}


# The standard probes by name: what a sandboxed child may be asked to run, with no code sent.
STANDARD = {
    function.__name__: function
    for function in (routes, blueprints, config, extensions, error_handlers, cli_commands, url_for, suite)
}
