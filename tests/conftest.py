from __future__ import annotations

import os
import re
import shutil
import sys
import tempfile
import textwrap
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from checker.course.manifest import Exercise

pytest_plugins = ["pytester"]

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

ROOT = Path(__file__).resolve().parent.parent

# The report of each module's mutation check (tests/test_mutants.py), shown at the end of the run.
# A test hands it on as a user property of its report, which pytest-xdist carries from a worker
# to the process that prints the summary.
MUTATION_REPORTS = pytest.StashKey[list[str]]()
MUTATION_REPORT = "mutation score"


# The system's temporary folder. The run gives itself a folder of its own inside it (TEMP below)
# and points TMPDIR and tempfile at it, so that what these tests, and every program they start,
# leave behind is found there, apart from what other programs on the machine do meanwhile; and
# the system's folder itself must gain nothing else.
TEMPORARY = Path(tempfile.gettempdir())
TEMPORARY_BEFORE = pytest.StashKey[set[str]]()
TEMP = pytest.StashKey[Path]()
TEMP_PUT_BACK = pytest.StashKey[tuple[str | None, str | None, str | None]]()


# What the project's own tests need beyond a learner's install (`pip install -e .`): the dev extras.
DEV_MODULES = ("playwright", "nbgrader", "distributed", "xdist")


def pytest_configure(config: pytest.Config) -> None:
    """Bare `pytest` in a learner's install: one line on what to install, not a collection error."""
    missing = [name for name in DEV_MODULES if not _importable(name)]
    if missing:
        raise pytest.UsageError(
            "`pytest` here runs the workbook's own tests (tests/), which need its dev extras "
            f'(no {", ".join(missing)} here): python -m pip install -e ".[dev]". To check an '
            "exercise: pytest exercises/01, or workbook check 01"
        )
    _CONFIG[:] = [config]
    if _is_worker(config):
        # A worker of `pytest -n`: the controller made the run's folder, and TMPDIR points at it.
        return
    config.stash[TEMPORARY_BEFORE] = set(os.listdir(TEMPORARY))
    config.stash[TEMP_PUT_BACK] = (
        os.environ.get("TMPDIR"), os.environ.get("PYTEST_DEBUG_TEMPROOT"), tempfile.tempdir
    )  # fmt: skip
    temp = Path(tempfile.mkdtemp(prefix="workbook-tests-", dir=TEMPORARY))
    # Others may pass through it, as through /tmp: the tests run PostgreSQL as its own user and
    # learners' code as nobody, in folders made inside it.
    temp.chmod(0o755)
    config.stash[TEMP] = temp
    os.environ["TMPDIR"] = str(temp)
    # pytest's own folders (tmp_path) stay where pytest keeps them, its last three runs.
    os.environ.setdefault("PYTEST_DEBUG_TEMPROOT", str(TEMPORARY))
    tempfile.tempdir = str(temp)


def pytest_unconfigure(config: pytest.Config) -> None:
    temp = config.stash.get(TEMP, None)
    if temp is None:
        return
    tmpdir, temproot, tempdir = config.stash[TEMP_PUT_BACK]
    for name, value in (("TMPDIR", tmpdir), ("PYTEST_DEBUG_TEMPROOT", temproot)):
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value
    tempfile.tempdir = tempdir
    shutil.rmtree(temp, ignore_errors=True)


def _is_worker(config: pytest.Config) -> bool:
    return hasattr(config, "workerinput")


# With `pytest -n auto` (the README's command) the tests are shared out among workers in groups:
# whatever shares a module-scoped fixture or a cache stays in one worker, and every other test is
# a group of its own. Groups are handed out in the order below, the longest first, so that no
# long one is left for the end while the other workers wait. (pytest-xdist's own xdist_group
# marks do not group on pytest 9.2, which keeps a node's id where xdist no longer sets it.)
_TOGETHER = ("test_nbgrader.py", "test_jupyterlab.py", "test_grade.py", "test_postgresql.py")
_FIRST = ("test_nbgrader.py", "test_jupyterlab.py", "test_mutants.py", "test_grade.py")
_MODULE_CASE = re.compile(r"\[(\d\d)(?:/[^\]]*)?\]$")  # [05] or [05/a-mistake]: module 05's


def group_of(nodeid: str) -> str:
    """The group of the test ``nodeid``: its file for a file whose tests share a module fixture;
    for tests/test_course.py, the module a case is of, since a module's backward run reuses what
    its forward checks found (test_course.FOUND, in the worker's memory); else the test itself."""
    file = nodeid.split("::")[0]
    name = file.rsplit("/", 1)[-1]
    if name in _TOGETHER:
        return file
    case = _MODULE_CASE.search(nodeid)
    if name == "test_course.py" and case:
        return f"{file}::module-{case.group(1)}"
    return nodeid


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    def rank(item: pytest.Item) -> int:
        name = item.path.name
        if name in _FIRST:
            return _FIRST.index(name)
        if name == "test_runtime.py" and "both_modes" in item.name:
            return len(_FIRST)  # the comparison of every module's mistakes in both modes
        return len(_FIRST) + 1

    items.sort(key=rank)  # stable: within a rank, pytest's own order


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    """pytest-xdist's scheduler of groups of tests (its ``--dist loadscope``), with the groups
    of group_of, handed out in the order collected."""
    from xdist.scheduler import LoadScopeScheduling

    class ByGroup(LoadScopeScheduling):  # type: ignore[misc]
        def _split_scope(self, nodeid: str) -> str:
            return group_of(nodeid)

    config.option.loadscopereorder = False
    return ByGroup(config, log)


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.when != "call":  # each phase's report carries the test's properties
        return
    for name, value in report.user_properties:
        if name == MUTATION_REPORT and _CONFIG:
            _CONFIG[0].stash.setdefault(MUTATION_REPORTS, []).append(str(value))


_CONFIG: list[pytest.Config] = []  # the run's config, for pytest_runtest_logreport


def _importable(name: str) -> bool:
    import importlib.util

    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):
        return False


def pytest_terminal_summary(
    terminalreporter: pytest.TerminalReporter, config: pytest.Config
) -> None:
    reports = config.stash.get(MUTATION_REPORTS, [])
    if reports:
        terminalreporter.write_sep("=", "mutation scores")
        for report in reports:
            terminalreporter.write_line(report)
    temp = config.stash.get(TEMP, None)
    if temp is not None:
        # Everything the tests left in the run's own folder is a leak of theirs; in the system's
        # folder, anything new but pytest's own folders and the run's is a leak of theirs or of
        # another program that ran meanwhile.
        left = sorted(os.listdir(temp))
        elsewhere = sorted(
            set(os.listdir(TEMPORARY))
            - config.stash[TEMPORARY_BEFORE]
            - {f"pytest-of-{_user()}", temp.name}
        )
        terminalreporter.write_sep("=", "left in the temporary folder")
        for where, names in (("by the tests", left), (f"in {TEMPORARY}", elsewhere)):
            terminalreporter.write_line(
                f"{where}: {len(names)}: {', '.join(names[:20])}{' ...' if len(names) > 20 else ''}"
                if names
                else f"{where}: nothing"
            )


def _user() -> str:
    import getpass

    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


# Debian's Chromium, for the tests that open pages in a real browser. It is never downloaded.
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--no-sandbox",  # the tests may run as root
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    # Without these Chromium's own background connections are refused on a closed network.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
needs_chromium = pytest.mark.skipif(
    not CHROMIUM.exists(),
    reason="needs Debian's Chromium at /usr/bin/chromium (apt-get install chromium)",
)

MANIFEST = """\
id = "{number}"
title = "Tiny exercise"
lesson = "{number}_tiny.ipynb"
files = ["app.py"]
app = "app:app"

[[tasks]]
id = "hello"
title = "Say hello"
points = 2
hints = ["Return a string from the view.", "return 'Hello, World!'"]

[[tasks]]
id = "json"
title = "Answer JSON"
points = 3
hints = ["Return a dict.", "return {{'ok': True}}"]
"""

CHECKS = """\
import pytest
from checker.api import expect_json, expect_status, expect_text


@pytest.mark.task("hello")
def test_hello(client):
    response = client.get("/")
    expect_status(response, 200)
    expect_text(response, "Hello, World!")


@pytest.mark.task("json")
def test_json(client):
    response = client.get("/json")
    expect_status(response, 200)
    expect_json(response, {"ok": True})
"""

SOLUTION = """\
from flask import Flask

app = Flask(__name__)


@app.route("/")
def hello():
    return "Hello, World!"


@app.route("/json")
def answer():
    return {"ok": True}
"""


FACTORY = """app = "app:create_app"
factory = true

[config]
GREETING = "Hello, World!"
"""

FACTORY_SOLUTION = """\
from flask import Flask


def create_app(test_config=None):
    app = Flask(__name__)
    app.config.from_mapping(test_config or {})

    @app.route("/")
    def hello():
        return app.config["GREETING"]

    @app.route("/json")
    def answer():
        return {"ok": True}

    return app
"""


@pytest.fixture
def root() -> Path:
    """The workbook's own folder."""
    return ROOT


@pytest.fixture
def make_exercise(pytester: pytest.Pytester) -> Callable[..., Path]:
    """Write a tiny exercise (manifest, checks, learner app) into the pytester folder."""

    def make(
        app: str = SOLUTION, *, number: str = "01", checks: str = CHECKS, factory: bool = False
    ) -> Path:
        folder = pytester.path / "exercises" / number
        folder.mkdir(parents=True, exist_ok=True)
        manifest = MANIFEST.format(number=number)
        if factory:
            manifest = manifest.replace('app = "app:app"', FACTORY)
        (folder / "exercise.toml").write_text(manifest)
        (folder / "app.py").write_text(textwrap.dedent(app))
        (folder / f"test_{number}.py").write_text(checks)
        return folder

    return make


@pytest.fixture(autouse=True)
def _hygiene(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Each test starts from the same environment and leaves no learner modules behind."""
    monkeypatch.delenv("FLASK_APP", raising=False)
    monkeypatch.delenv("FLASK_DEBUG", raising=False)
    monkeypatch.setitem(os.environ, "PYTHONDONTWRITEBYTECODE", "1")
    yield
    for name in [name for name in sys.modules if name.startswith("_workbook_")]:
        del sys.modules[name]


STARTER = """\
from flask import Flask

app = Flask(__name__)

# TODO(hello): answer GET / with Hello, World!
# TODO(json): answer GET /json with {"ok": true}
"""


@pytest.fixture
def course(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A small course in a temporary folder, the working directory: 01 solved, 02 the starter."""
    for number, app in (("01", SOLUTION), ("02", STARTER)):
        folder = tmp_path / "exercises" / number
        folder.mkdir(parents=True)
        (folder / "exercise.toml").write_text(MANIFEST.format(number=number))
        (folder / "app.py").write_text(app)
        (folder / f"test_{number}.py").write_text(CHECKS)
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture
def map_checks(monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    """The exercises each call of the course map checked, in order (calls that checked none
    are left out)."""
    from checker.course import progress

    checked: list[list[str]] = []
    real = progress._check

    def counting(exercises: Sequence[Exercise]) -> list[progress.Checked]:
        if exercises:
            checked.append(sorted(exercise.id for exercise in exercises))
        return real(exercises)

    monkeypatch.setattr(progress, "_check", counting)
    return checked


OVERLAY_NOTES = ("expected.toml", "about.toml")


def overlay(folder: Path, into: Path) -> Path:
    """The solution with ``folder``'s files laid over it (and its ``delete`` list removed): how a
    wrong submission or an alternative is stored, as only what differs from the solution."""
    number = folder.parent.name
    shutil.copytree(ROOT / "solutions" / number, into)
    for path in folder.rglob("*"):
        relative = path.relative_to(folder)
        if path.is_file() and relative.as_posix() not in OVERLAY_NOTES:
            (into / relative).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, into / relative)
    notes = next((folder / name for name in OVERLAY_NOTES if (folder / name).is_file()), None)
    deleted = tomllib.loads(notes.read_text(encoding="utf-8")).get("delete", []) if notes else []
    for name in deleted:
        (into / name).unlink()
    return into


NOBODY = 65534  # the unprivileged user the tests grade as, when they run as root


def _can_grade_as_nobody() -> bool:
    from checker.grade import isolation

    return (
        sys.platform == "linux" and os.geteuid() == 0 and isolation.seccomp_available()
    )  # as_nobody needs root to drop to nobody, and libseccomp to stand for a kernel's refusal


AS_NOBODY = _can_grade_as_nobody()  # the tests run as root: grading is tried as nobody too


def as_nobody(
    reachable: Sequence[Path] = (), *, no_user_namespaces: bool = False
) -> Callable[[], None]:
    """A ``preexec_fn`` that runs a command as ``nobody``, the way an instructor without root
    would: in a mount namespace of its own where Python, the course and ``reachable`` can be
    entered even below a folder only root may (/root, a CI's private temporary folder). With
    ``no_user_namespaces``, a system call filter refuses it user namespaces, as a kernel that
    gives unprivileged processes none would. Needs root and Linux."""
    from checker.grade import isolation

    def drop() -> None:
        libc = isolation._libc()
        assert libc is not None
        if libc.unshare(isolation.CLONE_NEWNS) != 0:
            raise OSError("cannot make a mount namespace")
        libc.mount(b"none", b"/", None, isolation.MS_REC | isolation.MS_PRIVATE, None)
        isolation._expose(libc, [*isolation.python_paths(), ROOT, *reachable])
        if no_user_namespaces:
            import errno

            import pyseccomp as seccomp

            rules = seccomp.SyscallFilter(defaction=seccomp.ALLOW)
            rules.add_rule(seccomp.ERRNO(errno.EPERM), "unshare")
            rules.add_rule(seccomp.ERRNO(errno.ENOSYS), "clone3")
            rules.load()
        os.setgroups([])
        os.setgid(NOBODY)
        os.setuid(NOBODY)

    return drop


def give_to_nobody(folder: Path) -> Path:
    """``folder`` and all in it owned by ``nobody``, as an instructor's own files are theirs."""
    for path in [folder, *folder.rglob("*")]:
        os.lchown(path, NOBODY, NOBODY)
    return folder
