"""Small, deliberate mistakes in a solution (mutants), to prove that its checks notice them.

A mutant is one edit of one learner file: an operator, a comparison, a constant, a string, a
returned value, a statement, a decorator, a call's argument, a route's path or method; in a
template, a Jinja expression, filter, string, tag or branch. Edits are made in the source text, so
a mutant's diff shows that edit and nothing else. Mutants that do not parse are left out. This
module only makes mutants; ``checker.course.mutation`` runs the checks against them, and
``checker.course.equivalents`` reads the mutants listed as still correct.
"""

from __future__ import annotations

import ast
import difflib
import hashlib
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from jinja2 import Environment, TemplateSyntaxError

TEMPLATE_SUFFIXES = (".html", ".jinja", ".txt")


@dataclass(frozen=True)
class Mutant:
    """One learner file with one edit."""

    file: str  # the learner's path, with /
    line: int  # the first line the edit changes, in the original
    change: str  # the edit in words: "`==` to `!=`"
    original: str  # the file as the solution has it
    source: str  # the file with the edit

    @property
    def before(self) -> str:
        """The lines the edit changes, as the solution has them (each stripped)."""
        return _changed(self.original, self.source)[0]

    @property
    def after(self) -> str:
        """The same lines in the mutant (each stripped)."""
        return _changed(self.original, self.source)[1]

    @property
    def key(self) -> str:
        """A name for the mutant that survives edits elsewhere in the file (no line number)."""
        return f"{self.file}\n{self.before}\n{self.after}"

    @property
    def rank(self) -> str:
        """A stable pseudo-random order, for taking the same sample on every run."""
        return hashlib.sha256(self.key.encode()).hexdigest()

    def diff(self) -> str:
        lines = difflib.unified_diff(
            self.original.splitlines(keepends=True),
            self.source.splitlines(keepends=True),
            f"solution/{self.file}",
            f"mutant/{self.file}",
            n=1,
        )
        return "".join(line if line.endswith("\n") else line + "\n" for line in lines)


def _changed(original: str, source: str) -> tuple[str, str]:
    old, new = original.splitlines(), source.splitlines()
    start = 0
    while start < min(len(old), len(new)) and old[start] == new[start]:
        start += 1
    end = 0
    while end < min(len(old), len(new)) - start and old[-1 - end] == new[-1 - end]:
        end += 1
    return stripped(old[start : len(old) - end]), stripped(new[start : len(new) - end])


def stripped(lines: Sequence[str]) -> str:
    """Lines joined by newlines, each without the spaces around it."""
    return "\n".join(line.strip() for line in lines)


def mutants_of(folder: Path, names: Sequence[str]) -> list[Mutant]:
    """Every mutant of the learner files ``names`` in ``folder``, in file and line order."""
    found: list[Mutant] = []
    for name in sorted(names):
        text = (folder / name).read_text(encoding="utf-8")
        if name.endswith(".py"):
            found += python_mutants(name, text)
        elif name.endswith(TEMPLATE_SUFFIXES):
            found += template_mutants(name, text)
    return found


# Edits are (start, end, replacement) on the file's text; _apply turns them into mutants.

Edit = tuple[int, int, str]


def _apply(name: str, text: str, edits: Iterator[tuple[Edit, str]]) -> list[Mutant]:
    seen = {text}
    found = []
    for (start, end, replacement), change in edits:
        source = text[:start] + replacement + text[end:]
        if source in seen or not _parses(name, source):
            continue
        seen.add(source)
        line = text.count("\n", 0, start) + 1
        found.append(Mutant(name, line, change, text, source))
    return sorted(found, key=lambda mutant: mutant.line)


def _parses(name: str, source: str) -> bool:
    try:
        if name.endswith(".py"):
            compile(source, name, "exec", dont_inherit=True)
        else:
            Environment().parse(source)
    except (SyntaxError, ValueError, TemplateSyntaxError):
        return False
    return True


# Python


_BINARY = {
    ast.Add: ("+", "-"),
    ast.Sub: ("-", "+"),
    ast.Mult: ("*", "/"),
    ast.Div: ("/", "*"),
    ast.FloorDiv: ("//", "/"),
    ast.Mod: ("%", "/"),
    ast.Pow: ("**", "*"),
    ast.BitOr: ("|", "&"),
    ast.BitAnd: ("&", "|"),
    ast.LShift: ("<<", ">>"),
    ast.RShift: (">>", "<<"),
}
# What each comparison is found as in the source, and what it becomes.
_COMPARE = {
    ast.Eq: (r"==", "!="),
    ast.NotEq: (r"!=", "=="),
    ast.Lt: (r"<(?!=)", "<="),
    ast.LtE: (r"<=", "<"),
    ast.Gt: (r">(?!=)", ">="),
    ast.GtE: (r">=", ">"),
    ast.Is: (r"\bis\b", "is not"),
    ast.IsNot: (r"\bis\s+not\b", "is"),
    ast.In: (r"\bin\b", "not in"),
    ast.NotIn: (r"\bnot\s+in\b", "in"),
}
_ROUTES = {"route", "get", "post", "put", "patch", "delete", "add_url_rule"}
_METHODS = {"get": "post", "post": "get", "put": "post", "patch": "put", "delete": "get"}
_HTTP = {"GET": "POST", "POST": "GET", "PUT": "POST", "PATCH": "PUT", "DELETE": "GET"}
# Not removed: imports (a sure NameError), `pass`, and `return` (its value becomes None instead).
_KEPT_STATEMENTS = (ast.Import, ast.ImportFrom, ast.Pass, ast.Global, ast.Nonlocal, ast.Return)


class _Source:
    """A Python file's text, with ast positions (UTF-8 byte columns) turned into text offsets."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.lines = text.split("\n")  # as ast counts lines (str.splitlines also splits at \f)
        self.starts = [0]
        for line in self.lines:
            self.starts.append(self.starts[-1] + len(line) + 1)

    def offset(self, line: int, column: int) -> int:
        prefix = self.lines[line - 1].encode("utf-8")[:column].decode("utf-8", "replace")
        return self.starts[line - 1] + len(prefix)

    def start(self, node: ast.AST) -> int:
        return self.offset(node.lineno, node.col_offset)  # type: ignore[attr-defined]

    def end(self, node: ast.AST) -> int:
        return self.offset(node.end_lineno, node.end_col_offset)  # type: ignore[attr-defined]

    def segment(self, node: ast.AST) -> str:
        return self.text[self.start(node) : self.end(node)]

    def find(self, pattern: str, start: int, end: int) -> tuple[int, int] | None:
        """Where ``pattern`` first occurs in text[start:end], outside comments."""
        gap = re.sub(r"#[^\n]*", lambda m: " " * len(m.group()), self.text[start:end])
        match = re.search(pattern, gap)
        if match is None:
            return None
        found = match.group()
        lead = len(found) - len(found.lstrip())
        return start + match.start() + lead, start + match.end()


def python_mutants(name: str, text: str) -> list[Mutant]:
    """The mutants of one Python file."""
    source = _Source(text)
    tree = ast.parse(text)
    return _apply(name, text, _python_edits(source, tree))


def _docstrings(tree: ast.AST) -> set[int]:
    found = set()
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if isinstance(body, list) and body and isinstance(body[0], ast.Expr):
            value = body[0].value
            if isinstance(value, ast.Constant) and isinstance(value.value, str):
                found.add(id(value))
    return found


def _route_strings(tree: ast.AST) -> set[int]:
    """The string constants that are routes' paths or blueprints' prefixes."""
    found = set()
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        if called in _ROUTES and node.args:
            found.add(id(node.args[0]))
        for keyword in node.keywords:
            if keyword.arg in ("url_prefix", "rule"):
                found.add(id(keyword.value))
    return found


_STATUS_CALLS = {"abort", "make_response", "errorhandler", "register_error_handler", "Response"}


def _statuses(tree: ast.AST) -> set[int]:
    """The whole numbers that are HTTP statuses: abort(404), `return body, 201`, status=..."""
    found: list[ast.AST] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if called in _STATUS_CALLS:
                found += node.args
            found += [k.value for k in node.keywords if k.arg in ("status", "code")]
        elif isinstance(node, ast.Return) and isinstance(node.value, ast.Tuple):
            found += node.value.elts[1:]
    return {
        id(node)
        for node in found
        if isinstance(node, ast.Constant) and type(node.value) is int and 100 <= node.value <= 599
    }


def _given_data(tree: ast.Module) -> set[int]:
    """The nodes inside module-level literal data (BOOKS = [...], SCHEMA = \"\"\"...\"\"\").

    An exercise gives such tables and its checks know every value in them, so mutating them
    would only add mutants that are sure to be killed.
    """
    found = set()
    for statement in tree.body:
        if isinstance(statement, (ast.Assign, ast.AnnAssign)) and statement.value is not None:
            try:
                ast.literal_eval(statement.value)
            except ValueError:
                continue
            found |= {id(node) for node in ast.walk(statement.value)}
    return found


def _python_edits(source: _Source, tree: ast.Module) -> Iterator[tuple[Edit, str]]:
    docstrings = _docstrings(tree)
    routes = _route_strings(tree)
    statuses = _statuses(tree)
    given = _given_data(tree)
    for node in ast.walk(tree):
        if id(node) in given:
            continue
        if isinstance(node, ast.BinOp) and type(node.op) in _BINARY:
            old, new = _BINARY[type(node.op)]
            yield from _operator(source, node.left, node.right, re.escape(old), new)
        elif isinstance(node, ast.AugAssign) and type(node.op) in _BINARY:
            old, new = _BINARY[type(node.op)]
            yield from _operator(source, node.target, node.value, re.escape(old + "="), new + "=")
        elif isinstance(node, ast.Compare):
            left = node.left
            for op, right in zip(node.ops, node.comparators, strict=True):
                pattern, new = _COMPARE[type(op)]
                yield from _operator(source, left, right, pattern, new)
                left = right
        elif isinstance(node, ast.BoolOp):
            yield from _bool_op(source, node)
        elif isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.Not, ast.USub)):
            symbol = "not " if isinstance(node.op, ast.Not) else "-"
            yield (
                (source.start(node), source.end(node), source.segment(node.operand)),
                f"removed `{symbol.strip()}`",
            )
        elif isinstance(node, ast.Constant) and id(node) not in docstrings:
            yield from _constant(source, node, routes, statuses)
        elif isinstance(node, ast.JoinedStr):
            yield from _string(source, node, route=False)
        elif isinstance(node, ast.Return) and node.value is not None:
            if not (isinstance(node.value, ast.Constant) and node.value.value is None):
                yield (
                    (source.start(node.value), source.end(node.value), "None"),
                    "returns None",
                )
        if isinstance(node, ast.Call):
            yield from _arguments(source, node)
        if isinstance(node, (ast.List, ast.Tuple, ast.Set)):
            yield from _elements(source, node)
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            yield from _decorators(source, node)
        for field in ("body", "orelse", "finalbody"):
            body = getattr(node, field, None)
            if isinstance(body, list):
                yield from _statements(source, body, docstrings)


def _operator(
    source: _Source, left: ast.AST, right: ast.AST, pattern: str, new: str
) -> Iterator[tuple[Edit, str]]:
    found = source.find(pattern, source.end(left), source.start(right))
    if found is not None:
        start, end = found
        old = source.text[start:end]
        yield (start, end, new), f"`{' '.join(old.split())}` to `{new.strip()}`"


def _bool_op(source: _Source, node: ast.BoolOp) -> Iterator[tuple[Edit, str]]:
    old, new = ("and", "or") if isinstance(node.op, ast.And) else ("or", "and")
    start, end = source.start(node), source.end(node)
    pieces = []
    cursor = start
    for left, right in zip(node.values, node.values[1:], strict=False):
        found = source.find(rf"\b{old}\b", source.end(left), source.start(right))
        if found is None:
            return
        pieces.append(source.text[cursor : found[0]] + new)
        cursor = found[1]
    text = "".join(pieces) + source.text[cursor:end]
    yield (start, end, text), f"`{old}` to `{new}`"


def _constant(
    source: _Source, node: ast.Constant, routes: set[int], statuses: set[int]
) -> Iterator[tuple[Edit, str]]:
    start, end = source.start(node), source.end(node)
    value = node.value
    if isinstance(value, bool):
        yield (start, end, str(not value)), f"`{value}` to `{not value}`"
    elif isinstance(value, (int, float)) and not isinstance(value, complex):
        yield (start, end, repr(value + 1)), f"`{value!r}` to `{value + 1!r}`"
        if id(node) in statuses and value != 200:
            yield (start, end, "200"), f"status `{value}` to `200`"
    elif isinstance(value, str) and value in _HTTP:
        quote = source.text[end - 1]
        yield (start, end, f"{quote}{_HTTP[value]}{quote}"), f"method {value} to {_HTTP[value]}"
    elif isinstance(value, (str, bytes)):
        yield from _string(source, node, route=id(node) in routes)


def _string(source: _Source, node: ast.AST, *, route: bool) -> Iterator[tuple[Edit, str]]:
    """'text' to 'XX'; a route's '/path' to '/XXpath', which is still a valid rule."""
    start, end = source.start(node), source.end(node)
    text = source.text[start:end]
    opening = re.match(r"[a-zA-Z]*('''|\"\"\"|'|\")", text)
    closing = re.search(r"('''|\"\"\"|'|\")$", text)
    if opening is None or closing is None:
        return
    inner = opening.end()
    if route:
        if text[inner : inner + 1] == "/":
            yield (start + inner + 1, start + inner + 1, "XX"), "changed the route's path"
        return
    # The whole text is replaced: a mutant that kept it ("XX" + text + "XX") would pass every
    # check that looks for the text inside a longer message.
    quote = closing.group()
    yield (start, end, f"{quote}XX{quote}"), 'changed the string to "XX"'


def _arguments(source: _Source, call: ast.Call) -> Iterator[tuple[Edit, str]]:
    """Drop each keyword argument, and the last positional one when there are two or more."""
    arguments: list[ast.AST] = [*call.args, *call.keywords]
    arguments.sort(key=lambda argument: (argument.lineno, argument.col_offset))  # type: ignore[attr-defined]
    close = source.end(call) - 1  # the call's ")"
    for index, argument in enumerate(arguments):
        if isinstance(argument, ast.keyword):
            what = f"removed the argument `{argument.arg}=`" if argument.arg else "removed `**`"
        elif argument is call.args[-1] and len(call.args) >= 2:
            what = "removed the last positional argument"
        else:
            continue
        if index + 1 < len(arguments):
            span = (source.start(argument), source.start(arguments[index + 1]))
        elif index > 0:
            span = (source.end(arguments[index - 1]), close)
        else:
            span = (source.start(argument), close)
        yield (*span, ""), what


def _elements(source: _Source, node: ast.List | ast.Tuple | ast.Set) -> Iterator[tuple[Edit, str]]:
    """Drop each item of a literal list of strings (methods=["GET", "POST"], field names)."""
    items = node.elts
    if len(items) < 2 or not all(
        isinstance(item, ast.Constant) and isinstance(item.value, str) for item in items
    ):
        return
    for item in items:
        kept = [other for other in items if other is not item]
        pieces = [source.segment(other) for other in kept]
        if isinstance(node, ast.List):
            text = "[" + ", ".join(pieces) + "]"
        elif isinstance(node, ast.Set):
            text = "{" + ", ".join(pieces) + "}"
        else:
            text = "(" + ", ".join(pieces) + ("," if len(pieces) == 1 else "") + ")"
        value = item.value  # type: ignore[attr-defined]
        yield (
            (source.start(node), source.end(node), text),
            f"removed {value!r} from the list",
        )


def _decorators(
    source: _Source, node: ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef
) -> Iterator[tuple[Edit, str]]:
    for decorator in node.decorator_list:
        at = source.start(decorator) - 1  # the "@"
        yield (at, source.end(decorator), ""), "removed the decorator"
        call = decorator if isinstance(decorator, ast.Call) else None
        if call is not None and isinstance(call.func, ast.Attribute):
            method = _METHODS.get(call.func.attr)
            if method is not None:
                dot = source.end(call.func.value)
                end = source.end(call.func)
                yield (dot, end, "." + method), f"`@...{call.func.attr}` to `@...{method}`"


def _statements(
    source: _Source, body: list[ast.stmt], docstrings: set[int]
) -> Iterator[tuple[Edit, str]]:
    """Replace each statement (with its decorators) by `pass`."""
    for statement in body:
        if isinstance(statement, _KEPT_STATEMENTS):
            continue
        if isinstance(statement, ast.Expr) and id(statement.value) in docstrings:
            continue
        decorators = getattr(statement, "decorator_list", [])
        start = source.start(decorators[0]) - 1 if decorators else source.start(statement)
        yield (start, source.end(statement), "pass"), "removed the statement"


# Templates

_TAG = re.compile(r"\{%-?\s*(\w+)(.*?)-?%\}", re.DOTALL)
_EXPRESSION = re.compile(r"\{\{-?(.*?)-?\}\}", re.DOTALL)
_FILTER = re.compile(r"\|\s*\w+(?:\([^)]*\))?")
_QUOTED = re.compile(r"'[^']*'|\"[^\"]*\"")
_PAIRED = {"block", "for", "if", "macro", "call", "filter", "with"}
_BRANCHES = {"else", "elif"}
_SINGLE = {"extends", "include", "import", "from", "set"}


def template_mutants(name: str, text: str) -> list[Mutant]:
    """The mutants of one Jinja template: its tags and expressions, not its plain HTML."""
    return _apply(name, text, _template_edits(text))


def _template_edits(text: str) -> Iterator[tuple[Edit, str]]:
    for match in _EXPRESSION.finditer(text):
        inside = match.group(1).strip()
        yield (match.start(), match.end(), ""), f"removed `{{{{ {inside} }}}}`"
        for found in _FILTER.finditer(match.group(1)):
            start = match.start(1) + found.start()
            yield (start, start + len(found.group()), ""), f"removed the filter `{found.group()}`"
    regions = [*_EXPRESSION.finditer(text), *_TAG.finditer(text)]
    for region in sorted(regions, key=lambda match: match.start()):
        for found in _QUOTED.finditer(region.group()):
            at = region.start() + found.start() + 1
            yield (at, at, "XX"), f"changed the string {found.group()}"
    open_tags: list[re.Match[str]] = []
    branches: dict[int, re.Match[str]] = {}
    for tag in _TAG.finditer(text):
        word = tag.group(1)
        if word in _SINGLE:
            yield (tag.start(), tag.end(), ""), f"removed `{{% {word} ... %}}`"
        elif word in _PAIRED:
            open_tags.append(tag)
            if word == "if":
                condition = tag.group(2).strip()
                start = tag.start(2)
                yield (
                    (start, tag.end(2), f" not ({condition}) "),
                    f"`{{% if {condition} %}}` to `{{% if not ({condition}) %}}`",
                )
        elif word in _BRANCHES and open_tags:
            branches.setdefault(id(open_tags[-1]), tag)
        elif word.startswith("end") and open_tags and word[3:] == open_tags[-1].group(1):
            opening = open_tags.pop()
            kind = opening.group(1)
            yield (opening.start(), tag.end(), ""), f"removed the whole `{{% {kind} %}}`"
            branch = branches.pop(id(opening), None)
            if branch is not None:
                yield (
                    (branch.start(), tag.start(), ""),
                    f"removed the `{{% {branch.group(1)} %}}` branch",
                )
