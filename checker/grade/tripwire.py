"""Notice a learner's code replacing the harness it runs beside, before the harness answers.

The sandboxed child runs the checker's own code and the learner's in one process. Code that
rebinds a function or class of the checker (or of the Flask, Werkzeug, JSON and socket code the
harness answers through), or swaps a function's code, could make the harness lie. The child takes
a ``Snapshot`` before the learner's code is imported and compares it before every answer; a
change is reported to the grader as tampering, and the exercise is flagged instead of scored.

Only functions and classes are watched: modules rebind plain values (caches, loggers) as they
run, and that is no tampering.
"""

from __future__ import annotations

import ast
import sys
import types
from collections.abc import Iterator
from typing import Any

# The harness's own modules, and those its answers pass through.
WATCHED = ("checker",)
WATCHED_MODULES = frozenset(
    {
        "flask.app", "flask.testing", "flask.sansio.app", "werkzeug.test", "werkzeug.wrappers",
        "werkzeug.wrappers.response", "werkzeug.wrappers.request", "werkzeug.datastructures",
        "json", "json.encoder", "json.decoder", "socket", "pickle", "cloudpickle",
        "cloudpickle.cloudpickle", "select", "base64", "struct",
    }
)  # fmt: skip
_KINDS = (types.FunctionType, types.BuiltinFunctionType, type, classmethod, staticmethod, property)


def _identity(value: Any) -> tuple[int, int]:
    inner = value.__func__ if isinstance(value, (classmethod, staticmethod)) else value
    if isinstance(inner, property):
        inner = inner.fget
    return id(value), id(getattr(inner, "__code__", None))


def _watched(modules: dict[str, Any]) -> Iterator[tuple[str, Any, str]]:
    """(where, the namespace it lives in, its key) for every watched function and class."""
    for name, module in list(modules.items()):
        if not isinstance(module, types.ModuleType):
            continue
        if name.split(".")[0] not in WATCHED and name not in WATCHED_MODULES:
            continue
        space = vars(module)
        for attribute, value in list(space.items()):
            if not isinstance(value, _KINDS):
                continue
            yield name, space, attribute
            if isinstance(value, type) and getattr(value, "__module__", None) == name:
                members = vars(value)
                for member, inner in list(members.items()):
                    if isinstance(inner, _KINDS):
                        yield f"{name}.{attribute}", members, member


class Snapshot:
    """The functions and classes of the watched modules, as they were when it was taken."""

    def __init__(self) -> None:
        self._seen = [
            (where, space, key, _identity(space[key]))
            for where, space, key in _watched(sys.modules)
        ]
        self._modules = {name: id(sys.modules[name]) for name in _top_modules()}

    def changes(self) -> list[str]:
        """What was replaced since: ``checker.grade.child.answer``, ... (empty if nothing)."""
        found = []
        for where, space, key, identity in self._seen:
            value = space.get(key)
            if value is None or _identity(value) != identity:
                found.append(f"{where}.{key}")
        found += [
            name
            for name, identity in self._modules.items()
            if id(sys.modules.get(name)) != identity
        ]
        return sorted(found)


def _top_modules() -> list[str]:
    return [name for name in sys.modules if name.split(".")[0] in ("checker",)]


def describe(changes: list[str]) -> str:
    shown = ", ".join(changes[:3]) + (f" and {len(changes) - 3} more" if len(changes) > 3 else "")
    return f"the submission's code replaced {shown}"


_HARNESS = ("checker", "_pytest")  # a learner's own tests may import pytest itself


def in_source(files: dict[str, bytes]) -> list[str]:
    """Where the learner's Python files import the harness (the checker, or the pytest running
    it): ``app.py, line 3: import checker.api``. Read as text and parsed, never run; a file that
    does not parse is left to the loader, which explains the syntax error."""
    found = []
    for name, data in sorted(files.items()):
        if not name.endswith(".py"):
            continue
        try:
            tree = ast.parse(data, filename=name)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            continue
        for node in ast.walk(tree):
            for module in _imported(node):
                if module.split(".")[0] in _HARNESS:
                    found.append(f"{name}, line {getattr(node, 'lineno', 0)}: imports {module}")
    return found


def _imported(node: ast.AST) -> list[str]:
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
        return [node.module]
    if isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant):
        called = node.func
        name = called.attr if isinstance(called, ast.Attribute) else getattr(called, "id", "")
        if name in ("__import__", "import_module") and isinstance(node.args[0].value, str):
            return [node.args[0].value]
    return []
