"""Read and validate an exercise's manifest (``exercises/NN/exercise.toml``)."""

from __future__ import annotations

import functools
import os
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pathspec


from checker.errors import Problem

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

MANIFEST_NAME = "exercise.toml"

_TASK_ID = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
_EXERCISE_ID = re.compile(r"^[0-9]{2}$")
_APP_SPEC = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*:[A-Za-z_][A-Za-z0-9_]*$")

_EXERCISE_KEYS = {
    "id", "title", "lesson", "files", "app", "factory", "config", "tasks", "sandbox", "notebook",
    "graded", "preload", "course_app",
}  # fmt: skip
_GRADED = ("app", "notebook", "choice")
_TASK_KEYS = {"id", "title", "points", "hints"}
_SANDBOX_KEYS = {"processes", "threads", "memory_mb", "disk_mb", "timeout", "listen"}
_GLOB = re.compile(r"[*?\[]")


class ManifestError(Problem):
    """A manifest that cannot be used; the message names the file and the fix."""

    def __init__(self, path: Path, problem: str, fix: str) -> None:
        self.path = path
        self.problem = problem
        self.fix = fix
        super().__init__(f"{path}: {problem}. Fix: {fix}")


@dataclass(frozen=True)
class Task:
    """One graded task of an exercise."""

    id: str
    title: str
    points: int
    hints: tuple[str, ...]


@dataclass(frozen=True)
class Sandbox:
    """What the learner's code may need when it is graded in a sandbox."""

    processes: int = 0  # child processes the app may start (gunicorn workers, say)
    threads: int = 16  # threads the app may run besides its main one
    memory_mb: int = 1024
    timeout: float | None = None  # seconds a check may take, when the default is too short
    listen: bool = False  # whether the app may listen on its own loopback
    disk_mb: int = 64  # what it may write, in all: its folder, /tmp, /var/tmp and /dev/shm


@dataclass(frozen=True)
class Exercise:
    """An exercise, as its manifest describes it."""

    id: str
    title: str
    directory: Path
    lesson: str
    files: tuple[str, ...]  # the learner's files: names or globs, relative to the exercise
    app_module: str
    app_name: str
    factory: bool
    config: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)
    tasks: tuple[Task, ...] = ()
    sandbox: Sandbox = Sandbox()
    notebook: str | None = None  # a notebook the learner may solve the exercise in instead
    graded: str = "app"  # "app", "notebook", or "choice": the learner's recorded choice
    package: bool = False  # the app module is a package: app_module/__init__.py
    preload: tuple[str, ...] = ()  # libraries the grader's warm process imports once
    # The app is the course's, not the learner's: the learner writes its tests (module 11).
    course_app: bool = False

    @property
    def owned(self) -> tuple[str, ...]:
        """The learner's files that are named outright (no glob), and the notebook, if any."""
        named = tuple(name for name in self.files if not _GLOB.search(name))
        return named + ((self.notebook,) if self.notebook else ())

    @property
    def required(self) -> tuple[str, ...]:
        """The learner files the checks need: every file named outright, never a glob's."""
        return tuple(name for name in self.files if not _GLOB.search(name))

    def owns(self, name: str) -> bool:
        """Whether the file at ``name`` (relative, with /) is the learner's."""
        return name == self.notebook or _spec(self.files).match_file(name)

    def owned_in(self, folder: Path) -> list[str]:
        """The learner's files that exist in ``folder``, as relative paths with /, sorted."""
        if not folder.is_dir():
            return []
        found = {name for name in self.owned if (folder / name).is_file()}
        for name in self.candidates(folder) if self.globs else ():
            if (folder / name).is_file():
                found.add(name)
        return sorted(found)

    def candidates(self, folder: Path) -> list[str]:
        """Paths below ``folder`` that the learner's globs match, symbolic links included and
        never followed."""
        found = []
        for top, folders, names in os.walk(folder):
            folders[:] = [name for name in folders if name != "__pycache__"]
            relative = Path(top).relative_to(folder)
            for name in names:
                path = (relative / name).as_posix()
                if self.owns(path):
                    found.append(path)
        return sorted(found)

    @property
    def globs(self) -> bool:
        return any(_GLOB.search(name) for name in self.files)

    @property
    def points(self) -> int:
        """The most points the exercise can give."""
        return sum(task.points for task in self.tasks)

    @property
    def edit_file(self) -> str:
        """The file a learner starts editing: the app file, or their first file named outright."""
        return self.required[0] if self.course_app and self.required else self.app_file

    @property
    def app_file(self) -> str:
        """The learner file that holds the app or its factory."""
        return f"{self.app_module}/__init__.py" if self.package else f"{self.app_module}.py"

    def task(self, task_id: str) -> Task:
        """The task called ``task_id``; KeyError if there is none."""
        for task in self.tasks:
            if task.id == task_id:
                return task
        raise KeyError(task_id)


def load(directory: Path, *, check_files: bool = True) -> Exercise:
    """Read ``directory/exercise.toml`` and validate it.

    ``check_files=False`` skips checking that the learner files exist: a learner who deleted one
    should hear that from the checks, as a missing file, not as a broken manifest.
    """
    path = directory / MANIFEST_NAME
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ManifestError(
            path, "no manifest", f"create {MANIFEST_NAME} (see docs/authoring.md)"
        ) from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise ManifestError(path, f"not valid TOML ({error})", "correct the syntax") from None
    return parse(data, directory, path, check_files=check_files)


def parse(
    data: dict[str, Any], directory: Path, path: Path, *, check_files: bool = True
) -> Exercise:
    """Turn a manifest's parsed TOML into an :class:`Exercise`, or raise ManifestError."""
    _no_unknown_keys(data, _EXERCISE_KEYS, path, "the manifest")
    exercise_id = _required(data, "id", str, path)
    if not _EXERCISE_ID.match(exercise_id):
        raise ManifestError(path, f"id {exercise_id!r} is not two digits", 'write it like "03"')
    if exercise_id != directory.name:
        raise ManifestError(
            path,
            f"id {exercise_id!r} does not match the folder {directory.name!r}",
            f'set id = "{directory.name}" or rename the folder',
        )
    title = _required(data, "title", str, path)
    lesson = _required(data, "lesson", str, path)
    files = _required(data, "files", list, path)
    if not files or not all(isinstance(name, str) for name in files):
        raise ManifestError(
            path, "files must be a non-empty list of file names", 'files = ["app.py"]'
        )
    for name in files:
        pure = PurePosixPath(name)
        if pure.is_absolute() or ".." in pure.parts or "\\" in name or not name.strip():
            raise ManifestError(
                path,
                f"learner file {name!r} is not a path inside the exercise",
                'write paths relative to the exercise folder, with /, like "templates/*.html"',
            )
    for name in files if check_files else ():
        if _GLOB.search(name):
            if not _spec((name,)).match_tree_files(str(directory)):
                raise ManifestError(
                    path,
                    f"learner files {name!r} match nothing in {directory}",
                    "add a starter file it matches, or correct the pattern",
                )
            continue
        if not (directory / name).is_file():
            raise ManifestError(
                path,
                f"learner file {name!r} does not exist in {directory}",
                f"create {directory / name} or remove it from files",
            )
    app_spec = _required(data, "app", str, path)
    if not _APP_SPEC.match(app_spec):
        raise ManifestError(path, f"app {app_spec!r} is not module:name", 'write app = "app:app"')
    app_module, app_name = app_spec.split(":")
    owned = _spec(tuple(files))
    course_app = data.get("course_app", False)
    if not isinstance(course_app, bool):
        raise ManifestError(path, "course_app must be true or false", "course_app = true")
    package = not owned.match_file(f"{app_module}.py")
    if course_app:  # the app is the course's own file, never the learner's
        package = not (directory / f"{app_module}.py").is_file()
        if owned.match_file(f"{app_module}.py") or owned.match_file(f"{app_module}/__init__.py"):
            raise ManifestError(
                path,
                f"course_app = true, but {app_module} is a learner file",
                "remove it from files, or course_app",
            )
    elif package and not owned.match_file(f"{app_module}/__init__.py"):
        raise ManifestError(
            path,
            f"app names module {app_module!r}, but neither {app_module}.py nor "
            f"{app_module}/__init__.py is a learner file",
            f'add "{app_module}.py" (or the package, "{app_module}/*.py") to files',
        )
    factory = data.get("factory", False)
    if not isinstance(factory, bool):
        raise ManifestError(path, "factory must be true or false", "factory = true")
    config = data.get("config", {})
    if not isinstance(config, dict):
        raise ManifestError(path, "config must be a table", "write it as [config]")
    if config and not factory:
        raise ManifestError(
            path, "config is only passed to an application factory", "set factory = true"
        )
    raw_tasks = _required(data, "tasks", list, path)
    if not raw_tasks:
        raise ManifestError(path, "no tasks", "add at least one [[tasks]] table")
    tasks = tuple(_parse_task(raw, index, path) for index, raw in enumerate(raw_tasks, 1))
    seen: set[str] = set()
    for task in tasks:
        if task.id in seen:
            raise ManifestError(
                path, f"task id {task.id!r} is used twice", "give each task its own id"
            )
        seen.add(task.id)
    notebook = data.get("notebook")
    if notebook is not None and (not isinstance(notebook, str) or not notebook.endswith(".ipynb")):
        raise ManifestError(
            path, "notebook must name an .ipynb file", 'notebook = "exercise.ipynb"'
        )
    if notebook is not None and check_files and not (directory / notebook).is_file():
        raise ManifestError(
            path,
            f"notebook {notebook!r} does not exist in {directory}",
            "create it or remove the key",
        )
    graded = data.get("graded", "choice" if notebook else "app")
    if graded not in _GRADED:
        raise ManifestError(
            path, f"graded must be one of {', '.join(_GRADED)}", 'graded = "choice"'
        )
    if graded != "app" and notebook is None:
        raise ManifestError(
            path, f"graded = {graded!r} needs a notebook", 'notebook = "exercise.ipynb"'
        )
    preload = data.get("preload", [])
    if not isinstance(preload, list) or not all(isinstance(name, str) for name in preload):
        raise ManifestError(
            path, "preload must be a list of module names", 'preload = ["flask_sqlalchemy"]'
        )
    return Exercise(
        id=exercise_id,
        title=title,
        directory=directory,
        lesson=lesson,
        files=tuple(files),
        app_module=app_module,
        app_name=app_name,
        factory=factory,
        config=dict(config),
        tasks=tasks,
        sandbox=_parse_sandbox(data.get("sandbox", {}), path),
        notebook=notebook,
        graded=graded,
        package=package,
        preload=tuple(preload),
        course_app=course_app,
    )


@functools.lru_cache(maxsize=256)
def _spec(patterns: tuple[str, ...]) -> pathspec.PathSpec[Any]:
    """The learner-file patterns as a matcher; each is anchored at the exercise folder."""
    import pathspec  # here, not at import: a pytest run with no exercise never needs it

    return pathspec.PathSpec.from_lines("gitignore", ["/" + name for name in patterns])


def _parse_task(raw: Any, index: int, path: Path) -> Task:
    if not isinstance(raw, dict):
        raise ManifestError(path, f"task {index} is not a table", "write each task as [[tasks]]")
    named = raw.get("id")
    where = f"task {named!r}" if isinstance(named, str) else f"task {index}"
    _no_unknown_keys(raw, _TASK_KEYS, path, where)
    task_id = _required(raw, "id", str, path, where)
    if not _TASK_ID.match(task_id):
        raise ManifestError(
            path,
            f"{where}: id must be lowercase words joined by hyphens",
            'write it like "form-data"',
        )
    title = _required(raw, "title", str, path, where)
    points = _required(raw, "points", int, path, where)
    if isinstance(points, bool) or points <= 0:
        raise ManifestError(path, f"{where}: points must be positive, not {points}", "points = 1")
    hints = raw.get("hints")
    if not hints:
        raise ManifestError(path, f"{where} has no hint", 'add hints = ["...", "..."]')
    if not isinstance(hints, list) or not all(isinstance(h, str) and h.strip() for h in hints):
        raise ManifestError(
            path, f"{where}: hints must be a list of non-empty strings", 'hints = ["..."]'
        )
    return Task(id=task_id, title=title, points=points, hints=tuple(hints))


def _parse_sandbox(raw: Any, path: Path) -> Sandbox:
    if not isinstance(raw, dict):
        raise ManifestError(path, "sandbox must be a table", "write it as [sandbox]")
    _no_unknown_keys(raw, _SANDBOX_KEYS, path, "[sandbox]")
    processes = raw.get("processes", 0)
    threads = raw.get("threads", Sandbox.threads)
    memory_mb = raw.get("memory_mb", Sandbox.memory_mb)
    disk_mb = raw.get("disk_mb", Sandbox.disk_mb)
    timeout = raw.get("timeout")
    listen = raw.get("listen", False)
    for key, value in (("processes", processes), ("threads", threads)):
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise ManifestError(
                path, f"[sandbox] {key} must be a whole number, 0 or more", f"{key} = 4"
            )
    if not isinstance(listen, bool):
        raise ManifestError(path, "[sandbox] listen must be true or false", "listen = true")
    for key, value, example in (("memory_mb", memory_mb, 512), ("disk_mb", disk_mb, 128)):
        if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
            raise ManifestError(
                path, f"[sandbox] {key} must be a positive whole number", f"{key} = {example}"
            )
    if timeout is not None and (not isinstance(timeout, (int, float)) or timeout <= 0):
        raise ManifestError(
            path, "[sandbox] timeout must be a positive number of seconds", "timeout = 10"
        )
    return Sandbox(
        processes,
        threads,
        memory_mb,
        None if timeout is None else float(timeout),
        listen,
        disk_mb,
    )


def _required(data: dict[str, Any], key: str, kind: type, path: Path, where: str = "") -> Any:
    prefix = f"{where}: " if where else ""
    if key not in data:
        raise ManifestError(path, f"{prefix}{key} is missing", f"add {key} = ...")
    value = data[key]
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise ManifestError(
            path,
            f"{prefix}{key} must be {_KINDS[kind]}, not {_KINDS.get(type(value), type(value).__name__)}",
            f"correct {key}",
        )
    return value


_KINDS = {
    int: "a whole number",
    str: "text",
    list: "a list",
    bool: "true or false",
    float: "a number",
}


def _no_unknown_keys(data: dict[str, Any], allowed: set[str], path: Path, where: str) -> None:
    unknown = sorted(set(data) - allowed)
    if unknown:
        raise ManifestError(
            path,
            f"{where} has unknown key {unknown[0]!r}",
            f"remove it or use one of: {', '.join(sorted(allowed))}",
        )
