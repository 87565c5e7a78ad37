"""Load a learner's files by path, under a unique module name, and serve them to checks.

Nothing here is imported by name: two exercises that both have an ``app.py`` never see each other's.
"""

from __future__ import annotations

import itertools
import json
import os
import shutil
import sys
import tempfile
import types
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flask import Flask, got_request_exception
from werkzeug.datastructures import Headers

from checker import deadline, sources, tracing
from checker.client import Response, describe
from checker.failures import LearnerError, LearnerTimeout, LearnerUnavailable
from checker.manifest import Exercise
from checker.results import Outcome
from checker.tracing import display_path, raised

_counter = itertools.count(1)
_RUN_FROM_CLI = "FLASK_RUN_FROM_CLI"


@dataclass
class Learner:
    """A learner's loaded app: the ``Target`` that checks run against in this process."""

    exercise: Exercise
    module: types.ModuleType
    app: Flask
    learner_files: frozenset[str]
    timeout: float
    run_dir: Path
    temporary: bool = False
    alarm: bool = False  # deadlines by SIGALRM instead of a thread (sandboxed children)
    graded: str = ""  # the notebook graded instead of app.py, if it is one
    _clients: dict[int, Any] = field(default_factory=dict)

    def open_client(self) -> int:
        handle = len(self._clients) + 1
        self._clients[handle] = self.app.test_client()
        return handle

    def request(self, client: int, method: str, path: str, options: dict[str, Any]) -> Response:
        doing = describe(method, path, options)
        if client not in self._clients:
            self._clients[client] = self.app.test_client()
        test_client = self._clients[client]
        errors: list[BaseException] = []

        def record(sender: object, exception: BaseException, **extra: object) -> None:
            errors.append(exception)

        def send() -> Response:
            with got_request_exception.connected_to(record, self.app):
                try:
                    answer = test_client.open(path, method=method, **options)
                except deadline.Abandoned:
                    raise
                except Exception as error:  # propagated because the app is in testing mode
                    errors.append(error)
                    return Response(doing, 500, Headers(), b"", raised(error, self.learner_files))
            try:
                found = raised(errors[0], self.learner_files) if errors else None
                return Response(
                    doing, answer.status_code, Headers(answer.headers), answer.data, found
                )
            finally:
                answer.close()

        return deadline.call(
            send,
            seconds=self.timeout,
            doing=doing,
            learner_files=self.learner_files,
            alarm=self.alarm,
        )

    def probe(self, function: Callable[..., Any], args: tuple[Any, ...], on: str) -> Any:
        subject = self.module if on == "module" else self.app
        doing = f"{function.__name__}() on your {'module' if on == 'module' else 'app'}"
        try:
            value = deadline.call(
                lambda: function(subject, *args),
                seconds=self.timeout,
                doing=doing,
                learner_files=self.learner_files,
                alarm=self.alarm,
            )
        except LearnerTimeout:
            raise
        except Exception as error:
            found = raised(error, self.learner_files)
            if found.location is None:
                raise  # the probe itself is wrong: the check's author should see it
            raise LearnerError(doing, found) from None
        try:
            return json.loads(json.dumps(value))
        except (TypeError, ValueError):
            raise TypeError(
                f"probe {function.__name__}() returned {type(value).__name__}, which is not JSON-able"
            ) from None

    def close(self) -> None:
        """Forget the learner's modules, and remove the temporary copy if there is one."""
        _forget(self.module, self.run_dir, self.temporary)


def _forget(module: types.ModuleType, run_dir: Path, temporary: bool) -> None:
    prefix = str(run_dir) + os.sep
    for name, loaded in list(sys.modules.items()):
        filename = getattr(loaded, "__file__", None)
        if loaded is module or (isinstance(filename, str) and filename.startswith(prefix)):
            del sys.modules[name]
    if temporary:
        shutil.rmtree(run_dir, ignore_errors=True)


def load(
    exercise: Exercise,
    source: Path | None = None,
    timeout: float = deadline.DEFAULT_TIMEOUT,
    *,
    alarm: bool = False,
) -> Learner:
    """Import the learner's app for ``exercise`` from ``source`` (default: the exercise folder).

    Raises LearnerUnavailable with one clear message when it cannot be done.
    """
    source = (source or exercise.directory).resolve()
    files = sources.files_in(exercise, source)
    code_source = sources.read(exercise, files, source, display_path(source))
    needed = [n for n in exercise.files if not (code_source.is_notebook and n == exercise.app_file)]
    for name in needed:
        if name not in files:
            raise LearnerUnavailable(
                Outcome.MISSING,
                f"{display_path(source / name)} is missing: the checks need this file. "
                f"Restore it from the starter in exercises/{exercise.id}/ and try again.",
            )
    run_dir, temporary = _workspace(exercise, source)
    learner_files = frozenset(str(source / name) for name in exercise.owned)
    module_path = code_source.path
    code = _compile(code_source)
    module = types.ModuleType(f"_workbook_{exercise.id}_{next(_counter)}_{exercise.app_module}")
    module.__file__ = str(run_dir / exercise.app_file)
    sys.modules[module.__name__] = module
    loading = _Loading(run_dir, learner_files, timeout, alarm)
    shown = display_path(module_path)
    try:
        loading.run(lambda: exec(code, module.__dict__), f"importing {shown}")
        app = _find_app(exercise, module, shown, loading)
    except BaseException:
        _forget(module, run_dir, temporary)
        raise
    loaded = Learner(exercise, module, app, learner_files, timeout, run_dir, temporary, alarm)
    loaded.graded = display_path(code_source.path) if code_source.is_notebook else ""
    return loaded


def around(exercise: Exercise, app: Any, timeout: float = deadline.DEFAULT_TIMEOUT) -> Learner:
    """A Learner for an app object made elsewhere, such as in a notebook cell."""
    if not isinstance(app, Flask):
        raise LearnerUnavailable(
            Outcome.ERROR, f"app= must be a Flask application, not {type(app).__name__}"
        )
    module = sys.modules.get(app.import_name) or types.ModuleType(app.import_name)
    files = frozenset(
        view.__code__.co_filename
        for view in app.view_functions.values()
        if hasattr(view, "__code__")
    )
    return Learner(exercise, module, app, files, timeout, Path(app.root_path))


def _workspace(exercise: Exercise, source: Path) -> tuple[Path, bool]:
    """Where the app runs: the exercise itself, or a private copy of it with the learner's files."""
    if source == exercise.directory.resolve():
        return source, False
    run_dir = Path(tempfile.mkdtemp(prefix=f"workbook-{exercise.id}-"))
    shutil.copytree(
        exercise.directory,
        run_dir,
        dirs_exist_ok=True,
        ignore=shutil.ignore_patterns("__pycache__", "test_*.py", "*.ipynb"),
    )
    for name in exercise.owned:
        if (source / name).is_file():
            shutil.copyfile(source / name, run_dir / name)
    return run_dir, True


def _compile(source: sources.Source) -> types.CodeType:
    tracing.register(source)
    try:
        return compile(source.text, str(source.path), "exec", dont_inherit=True)
    except SyntaxError as error:
        where = tracing.location(str(source.path), error.lineno or 0)
        caret = ""
        if error.text:
            line = error.text.rstrip("\n")
            stripped = line.lstrip()
            offset = max((error.offset or 1) - (len(line) - len(stripped)), 1)
            caret = f"\n    {stripped}\n    {' ' * (offset - 1)}^"
        cell = f"cell {where.cell}, " if where.cell is not None else ""
        raise LearnerUnavailable(
            Outcome.ERROR,
            f"{where.file}, {cell}line {where.line}: {type(error).__name__}: {error.msg}{caret}",
        ) from None


@dataclass(frozen=True)
class _Loading:
    run_dir: Path
    learner_files: frozenset[str]
    timeout: float
    alarm: bool

    def run(self, action: Callable[[], Any], doing: str) -> Any:
        """Run learner code while loading; whatever goes wrong becomes LearnerUnavailable.

        Flask's own CLI sets FLASK_RUN_FROM_CLI so that an ``app.run()`` in an imported app returns
        at once; the checks import the app the same way, so such a call starts no server.
        """
        sys.path.insert(0, str(self.run_dir))
        previous = os.environ.get(_RUN_FROM_CLI)
        os.environ[_RUN_FROM_CLI] = "true"
        try:
            return deadline.call(
                action,
                seconds=self.timeout,
                doing=doing,
                learner_files=self.learner_files,
                alarm=self.alarm,
            )
        except LearnerTimeout as timeout:
            raise LearnerUnavailable(Outcome.TIMEOUT, timeout.show()) from None
        except SystemExit as error:
            code = "" if error.code is None else repr(error.code)
            raise LearnerUnavailable(
                Outcome.CRASHED,
                f"{doing} called exit({code}), which would stop the program: remove the call.",
            ) from None
        except Exception as error:
            found = raised(error, self.learner_files)
            raise LearnerUnavailable(Outcome.ERROR, f"{doing} raised {found.summary}") from None
        finally:
            if str(self.run_dir) in sys.path:
                sys.path.remove(str(self.run_dir))
            if previous is None:
                os.environ.pop(_RUN_FROM_CLI, None)
            else:
                os.environ[_RUN_FROM_CLI] = previous


def _find_app(exercise: Exercise, module: types.ModuleType, shown: str, loading: _Loading) -> Flask:
    name = exercise.app_name
    if not hasattr(module, name):
        what = "an application factory" if exercise.factory else "a Flask application"
        example = (
            f"def {name}(test_config=None): ..."
            if exercise.factory
            else f"{name} = Flask(__name__)"
        )
        raise LearnerUnavailable(
            Outcome.MISSING, f"{shown} defines no {name!r}: the checks look for {what}: {example}"
        )
    found = getattr(module, name)
    if exercise.factory:
        if not callable(found):
            raise LearnerUnavailable(Outcome.ERROR, f"{shown}: {name} is not a function")
        config = dict(exercise.config)
        factory = found
        found = loading.run(lambda: factory(config), f"calling {name}()")
    if not isinstance(found, Flask):
        made = f"{name}() returned" if exercise.factory else f"{name} is"
        raise LearnerUnavailable(
            Outcome.ERROR,
            f"{shown}: {made} {type(found).__name__}, not a Flask application. "
            f"It should be Flask(__name__).",
        )
    return found
