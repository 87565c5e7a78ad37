"""Import a learner's app the way ``flask --app`` finds it, and serve it to checks.

The app runs from a private folder: a copy of the exercise with the learner's files in it (or, in a
sandboxed child, the workspace the grader prepared). That folder is first on ``sys.path`` and the
working directory while the learner's code runs, so ``import helpers`` in a view, ``from app import
db`` in a sibling module, ``templates/`` and ``static/`` all work, and the instance folder and every
file the app writes land there and are removed with it. Two exercises whose modules share names
(``app``, ``models``) each see their own: see :class:`Namespace`.
"""

from __future__ import annotations

import contextlib
import importlib
import io
import json
import logging
import os
import shutil
import sys
import tempfile
import types
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flask import (
    Flask,
    got_request_exception,
    message_flashed,
    request_started,
    template_rendered,
)
from flask import request as _request
from werkzeug.datastructures import Headers

from checker.course.manifest import Exercise
from checker.course.results import Outcome
from checker.runtime import deadline, happened, services, sources, tracing
from checker.runtime.client import CliResult, LogEntry, Rendered, Response, describe
from checker.runtime.failures import (
    LearnerError,
    LearnerFailure,
    LearnerTimeout,
    LearnerUnavailable,
)
from checker.runtime.tracing import display_path, raised

_RUN_FROM_CLI = "FLASK_RUN_FROM_CLI"
BODY_LIMIT = 4 * 1024 * 1024  # bytes of a response body read by default; a stream is cut there
_COPY_IGNORED = ("__pycache__", "test_*.py", "*.ipynb", "instance", ".*")


class Namespace:
    """The learner's modules, in ``sys.modules`` only while they are the ones in use.

    Entering puts the folder first on ``sys.path`` and the learner's modules into ``sys.modules``,
    setting aside any other namespace's modules of the same names; they stay there afterwards, so a
    thread the app started keeps working, until another namespace is entered.
    """

    _active: Namespace | None = None

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.modules: dict[str, types.ModuleType] = {}

    def enter(self) -> None:
        active = Namespace._active
        if active is self:
            return
        if active is not None:
            active.leave()
        for name in _top_level_names(self.folder):
            for loaded in [n for n in sys.modules if n == name or n.startswith(name + ".")]:
                del sys.modules[loaded]  # an installed module the learner's file shadows
        sys.modules.update(self.modules)
        sys.path.insert(0, str(self.folder))
        importlib.invalidate_caches()
        Namespace._active = self

    def leave(self) -> None:
        """Take the learner's modules (the new ones too) out of ``sys.modules``."""
        prefix = str(self.folder) + os.sep
        for name, module in list(sys.modules.items()):
            filename = getattr(module, "__file__", None) or ""
            paths = [str(p) for p in getattr(module, "__path__", None) or ()]
            if filename.startswith(prefix) or any(p.startswith(prefix) for p in paths):
                self.modules[name] = module
                del sys.modules[name]
        while str(self.folder) in sys.path:
            sys.path.remove(str(self.folder))
        if Namespace._active is self:
            Namespace._active = None


def _top_level_names(folder: Path) -> set[str]:
    """The module and package names a folder provides when it is on ``sys.path``."""
    try:
        entries = list(folder.iterdir())
    except OSError:
        return set()
    return {
        entry.stem if entry.suffix == ".py" else entry.name
        for entry in entries
        if (entry.suffix == ".py" and entry.is_file()) or (entry / "__init__.py").is_file()
    }


@contextlib.contextmanager
def _inside(folder: Path) -> Iterator[None]:
    """The learner's folder as the working directory, for as long as their code runs."""
    previous = os.getcwd()
    os.chdir(folder)
    try:
        yield
    finally:
        os.chdir(previous)


@dataclass
class Learner:
    """A learner's loaded app: the ``Target`` that checks run against in this process."""

    exercise: Exercise
    module: types.ModuleType
    app: Flask
    learner_files: frozenset[str]
    timeout: float
    run_dir: Path
    namespace: Namespace
    temporary: bool = False
    logging_before: _LoggingAsFound | None = None
    graded: str = ""  # the notebook graded instead of app.py, if it is one
    _clients: dict[int, Any] = field(default_factory=dict)
    _services: dict[int, services.Service] = field(default_factory=dict)

    def open_client(self) -> int:
        handle = len(self._clients) + 1
        self._clients[handle] = self.app.test_client()
        return handle

    def _call(self, function: Callable[[], Any], doing: str) -> Any:
        """Run learner code; an exit, an interrupt or running out of memory is judged here, the
        same in every mode."""
        self.namespace.enter()
        try:
            with _inside(self.run_dir):
                return deadline.call(
                    function, seconds=self.timeout, doing=doing, learner_files=self.learner_files
                )
        except (SystemExit, MemoryError, KeyboardInterrupt, GeneratorExit) as error:
            event = happened.caught(error, self.learner_files)
            raise LearnerFailure(*happened.judge(doing, event)) from None

    def request(self, client: int, method: str, path: str, options: dict[str, Any]) -> Response:
        doing = describe(method, path, options)
        if client not in self._clients:
            self._clients[client] = self.app.test_client()
        test_client = self._clients[client]
        limit = int(options.pop("max_bytes", BODY_LIMIT))
        for name, value in (options.pop("cookies", None) or {}).items():
            test_client.set_cookie(str(name), str(value))  # kept, as a browser keeps a cookie
        options = _uploads(options)
        seen = _Seen(self.app)

        def send() -> Response:
            with seen.watching():
                try:
                    answer = test_client.open(path, method=method, buffered=False, **options)
                except deadline.Abandoned:
                    raise
                except Exception as error:  # propagated because the app is in testing mode
                    seen.errors.append(error)
                    return Response(doing, 500, Headers(), b"", raised(error, self.learner_files))
                try:
                    body = _read(answer, limit, seen)
                finally:
                    answer.close()
            found = raised(seen.errors[0], self.learner_files) if seen.errors else None
            return Response(
                doing,
                answer.status_code,
                Headers(answer.headers),
                body,
                found,
                templates=tuple(seen.templates),
                flashes=tuple(seen.flashes),
                session=_session_of(self.app, test_client),
                logs=tuple(seen.logs),
                rule=seen.rule,
            )

        return self._call(send, doing)  # type: ignore[no-any-return]

    def probe(self, function: Callable[..., Any], args: tuple[Any, ...], on: str) -> Any:
        if on == "module" and getattr(self.module, "__file__", None) is None:
            raise LearnerUnavailable(Outcome.MISSING, _no_file(self.exercise))
        subject = self.module if on == "module" else self.app
        doing = f"your code, run by the check's {function.__name__}(),"
        try:
            value = self._call(lambda: function(subject, *args), doing)
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

    def invoke(self, args: tuple[str, ...]) -> CliResult:
        """Run one of the app's Flask CLI commands, as ``flask --app ... ARGS`` would: through
        Flask's own command group, which pushes an app context and adds ``routes`` and ``shell``."""
        from flask.cli import FlaskGroup

        doing = f"flask {' '.join(args)}".strip()
        group = FlaskGroup(create_app=lambda: self.app, load_dotenv=False, set_debug_flag=False)

        def run() -> CliResult:
            result = self.app.test_cli_runner().invoke(group, args=list(args), prog_name="flask")
            error = result.exception
            found = None
            if error is not None and not isinstance(error, SystemExit):
                found = raised(error, self.learner_files)
            return CliResult(doing, result.exit_code, result.output, found)

        return self._call(run, doing)  # type: ignore[no-any-return]

    def start_service(self, command: tuple[str, ...], ready: str | None, timeout: float) -> int:
        """Start a real server or worker in the app's folder; return its handle once it is ready.

        Our own code starts it, in this thread: a service dies with the thread that started it.
        """
        number = len(self._services) + 1
        try:
            started = services.start(
                command, self.run_dir, ready=ready, timeout=timeout, number=number
            )
        except services.ServiceError as error:
            raise LearnerFailure(Outcome.ERROR, str(error)) from None
        self._services[number] = started
        return number

    def service_request(
        self, handle: int, method: str, path: str, options: dict[str, Any]
    ) -> Response:
        try:
            return services.request(self._services[handle], method, path, options, self.timeout)
        except services.ServiceError as error:
            raise LearnerFailure(Outcome.ERROR, str(error)) from None

    def service_output(self, handle: int) -> str:
        return self._services[handle].output()

    def stop_service(self, handle: int) -> None:
        found = self._services.pop(handle, None)
        if found is not None:
            found.stop()

    def close(self) -> None:
        """Stop its services, forget the learner's modules, and remove the temporary copy."""
        for handle in list(self._services):
            self.stop_service(handle)
        self.namespace.leave()
        self.namespace.modules.clear()
        if self.logging_before is not None:
            self.logging_before.restore()
        if self.temporary:
            shutil.rmtree(self.run_dir, ignore_errors=True)
            tracing.forget_folder(self.run_dir)


class _Seen:
    """What the app did while serving one request: exceptions, templates, flashes, log records."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.errors: list[BaseException] = []
        self.templates: list[Rendered] = []
        self.flashes: list[tuple[str, str]] = []
        self.logs: list[LogEntry] = []
        self.rule: str | None = None

    def _started(self, sender: object, **extra: object) -> None:
        # Flask has matched the URL by now: the rule, or the routing error it will answer.
        rule = _request.url_rule
        self.rule = None if rule is None else str(rule.rule)

    def _error(self, sender: object, exception: BaseException, **extra: object) -> None:
        self.errors.append(exception)

    def _rendered(
        self, sender: object, template: Any, context: dict[str, Any], **extra: Any
    ) -> None:
        # A template made from a string (render_template_string) has no name.
        name = "a template from a string" if template.name is None else str(template.name)
        self.templates.append(Rendered(name, tuple(sorted(context))))

    def _flashed(self, sender: object, message: Any, category: Any, **extra: Any) -> None:
        self.flashes.append((str(category), str(message)))

    @contextlib.contextmanager
    def watching(self) -> Iterator[None]:
        records = _Records(self.logs)
        loggers = [logging.getLogger()]
        if not self.app.logger.propagate:
            loggers.append(self.app.logger)
        for logger in loggers:
            logger.addHandler(records)
        try:
            with (
                request_started.connected_to(self._started, self.app),
                got_request_exception.connected_to(self._error, self.app),
                template_rendered.connected_to(self._rendered, self.app),
                message_flashed.connected_to(self._flashed, self.app),
            ):
                yield
        finally:
            for logger in loggers:
                logger.removeHandler(records)


class _Records(logging.Handler):
    """Keeps the log records emitted while the app serves a request, as plain data."""

    def __init__(self, into: list[LogEntry]) -> None:
        super().__init__(logging.NOTSET)
        self.into = into

    def emit(self, record: logging.LogRecord) -> None:
        try:
            message = record.getMessage()
        except Exception:  # a record whose arguments do not fit its message
            message = str(record.msg)
        self.into.append(LogEntry(record.name, record.levelname, message, _lines(record)))


def _lines(record: logging.LogRecord) -> tuple[str, ...]:
    """What the app's own handlers wrote for ``record``: its text as each one that took it
    formatted it (the checker's and pytest's handlers left out)."""
    found = []
    logger: logging.Logger | None = logging.getLogger(record.name)
    while logger is not None:
        for handler in logger.handlers:
            if _not_the_apps(handler):
                continue
            if record.levelno < handler.level or not handler.filter(record):
                continue
            try:
                found.append(handler.format(record))
            except Exception as error:  # the handler would have printed a traceback instead
                found.append(f"(nothing: its formatter raised {type(error).__name__}: {error})")
        logger = logger.parent if logger.propagate else None
    return tuple(found)


def _not_the_apps(handler: logging.Handler) -> bool:
    return isinstance(handler, _Records) or _of_pytest(handler)


def _of_pytest(handler: logging.Handler) -> bool:
    return type(handler).__module__.startswith("_pytest.")


def _read(answer: Any, limit: int, seen: _Seen) -> bytes:
    """The body, at most ``limit`` bytes of it: a stream that never ends is cut there."""
    chunks: list[bytes] = []
    size = 0
    try:
        for chunk in answer.iter_encoded():
            chunks.append(chunk)
            size += len(chunk)
            if size >= limit:
                break
    except deadline.Abandoned:
        raise
    except Exception as error:  # raised while streaming the body
        seen.errors.append(error)
    return b"".join(chunks)[:limit]


def _uploads(options: dict[str, Any]) -> dict[str, Any]:
    """Files given as (bytes, filename) become the file objects the test client uploads."""
    data = options.get("data")
    if not isinstance(data, dict):
        return options
    converted = {
        key: (io.BytesIO(value[0]), *value[1:])
        if isinstance(value, (tuple, list)) and value and isinstance(value[0], bytes)
        else value
        for key, value in data.items()
    }
    return {**options, "data": converted}


def _session_of(app: Flask, test_client: Any) -> dict[str, Any]:
    """The session as the next request would see it; {} when the app has none."""
    if not app.secret_key or not test_client._cookies:
        return {}
    try:
        with test_client.session_transaction() as session:
            snapshot = dict(session)
    except Exception:  # no session backend, or a cookie it cannot read
        return {}
    try:
        value = json.loads(json.dumps(snapshot, default=str))
    except (TypeError, ValueError):
        return {}
    return value if isinstance(value, dict) else {}


def load(
    exercise: Exercise,
    source: Path | None = None,
    timeout: float = deadline.DEFAULT_TIMEOUT,
    *,
    workspace: Path | None = None,
    shown: str | None = None,
) -> Learner:
    """Import the learner's app for ``exercise`` from ``source`` (default: the exercise folder).

    The app runs from a temporary copy of the exercise, or from ``workspace`` when the caller has
    prepared one (a sandboxed child). Raises LearnerUnavailable with one clear message when it
    cannot be done. ``shown`` is how messages name the folder of the learner's files (by default,
    ``source`` relative to the working directory).
    """
    source = (source or exercise.directory).resolve()
    shown = shown or display_path(source)
    files = sources.files_in(exercise, source)
    # The course's own app (course_app): its code is in the copy of the exercise, not the files.
    code_source = None if exercise.course_app else sources.read(exercise, files, Path(shown), shown)
    needed = [
        n
        for n in exercise.required
        if not (code_source is not None and code_source.is_notebook and n == exercise.app_file)
    ]
    for name in needed:
        if name not in files:
            raise LearnerUnavailable(
                Outcome.MISSING,
                f"{shown}/{name} is missing: the checks need this file. "
                f"Restore it from the starter in exercises/{exercise.id}/ and try again.",
            )
    temporary = workspace is None
    run_dir = _workspace(exercise, source, files) if workspace is None else workspace.resolve()
    try:
        return _import(exercise, shown, files, code_source, run_dir, timeout, temporary)
    except BaseException:
        if temporary:
            shutil.rmtree(run_dir, ignore_errors=True)
        raise


def _import(
    exercise: Exercise,
    shown_folder: str,
    files: dict[str, bytes],
    code_source: sources.Source | None,
    run_dir: Path,
    timeout: float,
    temporary: bool,
) -> Learner:
    tracing.register_folder(run_dir, shown_folder)
    for name in files:
        tracing.register_shown(run_dir / name, f"{shown_folder}/{name}")
    notebook = code_source is not None and code_source.is_notebook
    if code_source is not None and notebook:  # its code cells become the app module
        (run_dir / exercise.app_file).write_text(code_source.text, encoding="utf-8")
        tracing.register(code_source, as_file=run_dir / exercise.app_file)
    elif code_source is not None:  # none for the course's own app (course_app)
        _check_syntax(code_source, run_dir / exercise.app_file)
    mine = set(files) if exercise.course_app else {*files, exercise.app_file}
    learner_files = frozenset(str(run_dir / name) for name in mine)
    namespace = Namespace(run_dir)
    logging_before = _LoggingAsFound(_top_level_names(run_dir))
    namespace.enter()
    loading = _Loading(run_dir, learner_files, timeout)
    shown = display_path(run_dir / exercise.app_file)  # as registered above
    try:
        with logging_before.without_pytest():
            module = loading.run(
                lambda: importlib.import_module(exercise.app_module), f"importing {shown}"
            )
            app = _find_app(exercise, module, shown, loading, run_dir)
    except BaseException:
        namespace.leave()
        logging_before.restore()
        raise
    loaded = Learner(
        exercise, module, app, learner_files, timeout, run_dir, namespace, temporary, logging_before
    )
    loaded.graded = display_path(code_source.path) if code_source is not None and notebook else ""
    return loaded


class _LoggingAsFound:
    """The process's logging set-up before a learner's code ran, put back once it is gone.

    Logging is one set-up per process, which a learner's app configures at import (``dictConfig``),
    as it would in a process of its own. Loggers named like the learner's modules (``app``, the
    logger of ``Flask("app")``) are set aside meanwhile, so that each import of the app meets none
    left by an earlier one, as a new process would: ``dictConfig`` disables the loggers that
    already exist.
    """

    def __init__(self, names: set[str]) -> None:
        manager = logging.Logger.manager
        self.names = names
        self.loggers = {
            name: (
                found,
                found.level,
                found.handlers[:],
                found.filters[:],
                found.propagate,
                found.disabled,
            )
            for name, found in [("", logging.root), *manager.loggerDict.items()]
            if isinstance(found, logging.Logger)
        }
        self.aside = {
            name: found for name, found in list(manager.loggerDict.items()) if self._learners(name)
        }
        for name in self.aside:
            del manager.loggerDict[name]

    def restore(self) -> None:
        manager = logging.Logger.manager
        for name in [n for n in manager.loggerDict if self._learners(n)]:
            del manager.loggerDict[name]  # the learner's own, made since
        manager.loggerDict.update(self.aside)
        for found, level, handlers, filters, propagate, disabled in self.loggers.values():
            # pytest's handlers come and go with its phases: keep those it has now, not old ones
            now = [h for h in found.handlers if _of_pytest(h)]
            found.setLevel(level)
            found.handlers[:] = [h for h in handlers if not _of_pytest(h) or h in now] + [
                h for h in now if h not in handlers
            ]
            found.filters[:] = filters
            found.propagate = propagate
            found.disabled = disabled

    def _learners(self, name: str) -> bool:
        return any(name == n or name.startswith(n + ".") for n in self.names)

    @contextlib.contextmanager
    def without_pytest(self) -> Iterator[None]:
        """pytest's capturing handlers taken off the root logger meanwhile, as a process of the
        app's own has none: Flask gives an app's logger its default handler only when no handler
        would print its records, and dictConfig meets the root logger as it would there."""
        root = logging.root
        taken = [handler for handler in root.handlers if _of_pytest(handler)]
        for handler in taken:
            root.removeHandler(handler)
        try:
            yield
        finally:
            for handler in taken:
                if handler not in root.handlers:
                    root.addHandler(handler)


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
    folder = Path(app.root_path)
    return Learner(exercise, module, app, files, timeout, folder, _Untouched(folder))


def _no_file(exercise: Exercise) -> str:
    """Why a check that runs the learner's file cannot grade an app made in a notebook cell."""
    files = f"exercises/{exercise.id}/{exercise.app_file}"
    if exercise.notebook:
        files += f", or the notebook once `workbook use {exercise.id} notebook` chose it"
    return (
        "this task is graded by running your app's file, and the app given with app= was made "
        f'where there is none (a notebook cell); check("{exercise.id}") without app= grades {files}'
    )


class _Untouched(Namespace):
    """The namespace of an app made elsewhere: its modules are already where they belong."""

    def enter(self) -> None:
        pass

    def leave(self) -> None:
        pass


def _workspace(exercise: Exercise, source: Path, files: dict[str, bytes]) -> Path:
    """A private copy of the exercise, with the learner's files from ``source`` in it."""
    run_dir = Path(tempfile.mkdtemp(prefix=f"workbook-{exercise.id}-")).resolve()
    shutil.copytree(
        exercise.directory,
        run_dir,
        dirs_exist_ok=True,
        ignore=ignore_owned(exercise, exercise.directory),
    )
    for name, data in files.items():
        target = run_dir / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    return run_dir


def ignore_owned(exercise: Exercise, top: Path) -> Callable[[str, list[str]], set[str]]:
    """A copytree filter: leave out tests, caches, notebooks and the starter's learner files,
    so the copy holds what the exercise provides and only the learner's own files beside it."""
    plain = shutil.ignore_patterns(*_COPY_IGNORED)

    def ignore(folder: str, names: list[str]) -> set[str]:
        ignored = set(plain(folder, names))
        relative = Path(folder).relative_to(top)
        for name in names:
            path = (relative / name).as_posix()
            if exercise.owns(path):
                ignored.add(name)
        return ignored

    return ignore


def _check_syntax(source: sources.Source, path: Path) -> None:
    """Compile the app file first, so a syntax error is one clear message with a caret."""
    try:
        compile(source.text, str(path), "exec", dont_inherit=True)
    except SyntaxError as error:
        raise LearnerUnavailable(Outcome.ERROR, syntax_message(error)) from None


def syntax_message(error: SyntaxError) -> str:
    """``app.py, line 3: SyntaxError: ...`` with the line and a caret under the problem."""
    where = tracing.location(str(error.filename or ""), error.lineno or 0)
    caret = ""
    if error.text:
        line = error.text.rstrip("\n")
        stripped = line.lstrip()
        offset = max((error.offset or 1) - (len(line) - len(stripped)), 1)
        caret = f"\n    {stripped}\n    {' ' * (offset - 1)}^"
    cell = f"cell {where.cell}, " if where.cell is not None else ""
    return f"{where.file}, {cell}line {where.line}: {type(error).__name__}: {error.msg}{caret}"


@dataclass(frozen=True)
class _Loading:
    run_dir: Path
    learner_files: frozenset[str]
    timeout: float

    def run(self, action: Callable[[], Any], doing: str) -> Any:
        """Run learner code while loading; whatever goes wrong becomes LearnerUnavailable.

        Flask's own CLI sets FLASK_RUN_FROM_CLI so that an ``app.run()`` in an imported app returns
        at once; the checks import the app the same way, so such a call starts no server.
        """
        previous = os.environ.get(_RUN_FROM_CLI)
        os.environ[_RUN_FROM_CLI] = "true"
        try:
            with _inside(self.run_dir):
                return deadline.call(
                    action, seconds=self.timeout, doing=doing, learner_files=self.learner_files
                )
        except LearnerTimeout as timeout:
            raise LearnerUnavailable(timeout.outcome, timeout.show()) from None
        except SyntaxError as error:  # in a sibling module the app imports
            raise LearnerUnavailable(Outcome.ERROR, syntax_message(error)) from None
        except deadline.Abandoned:
            raise
        except BaseException as error:
            event = happened.caught(error, self.learner_files)
            raise LearnerUnavailable(*happened.judge(doing, event)) from None
        finally:
            if previous is None:
                os.environ.pop(_RUN_FROM_CLI, None)
            else:
                os.environ[_RUN_FROM_CLI] = previous


def test_config(exercise: Exercise, run_dir: Path) -> dict[str, Any]:
    """The manifest's ``[config]`` for this run: ``{instance}`` is the app's own instance folder,
    ``{database_url}`` is ``DATABASE_URL`` when it is set, else a SQLite file in that folder."""
    instance = run_dir / "instance"
    values = {
        "instance": str(instance),
        "database_url": os.environ.get("DATABASE_URL") or f"sqlite:///{instance / 'app.db'}",
    }
    needs_folder = False

    def fill(value: Any) -> Any:
        nonlocal needs_folder
        if isinstance(value, str) and "{" in value:
            needs_folder = True
            return value.format_map(values)
        if isinstance(value, list):
            return [fill(item) for item in value]
        if isinstance(value, dict):
            return {key: fill(item) for key, item in value.items()}
        return value

    config = {key: fill(value) for key, value in exercise.config.items()}
    if needs_folder:
        instance.mkdir(parents=True, exist_ok=True)
    return config


def _find_app(
    exercise: Exercise, module: types.ModuleType, shown: str, loading: _Loading, run_dir: Path
) -> Flask:
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
        config = test_config(exercise, run_dir)
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
