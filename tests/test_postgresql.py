"""Module 12's checks against a real PostgreSQL server, through ``DATABASE_URL``.

The test starts a throwaway cluster of Debian's PostgreSQL (``initdb`` and ``pg_ctl``, as the
``postgres`` user when run as root, since the server refuses to run as root) that listens only on
a UNIX socket in its own temporary folder, gives the checks a new database on it, and always stops
the server and removes the folder. Without PostgreSQL installed it skips and says so; `.ci/run`
installs it.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from checker.course import manifest
from checker.course.results import Outcome
from checker.runtime import runner
from tests.conftest import overlay

if TYPE_CHECKING:
    from click.testing import Result

ROOT = Path(__file__).resolve().parent.parent
SEED = int(os.environ.get("WORKBOOK_SEED") or "20261201")


def _binaries() -> Path | None:
    """The newest of /usr/lib/postgresql/*/bin that has initdb and pg_ctl."""
    found = sorted(
        (
            folder
            for folder in Path("/usr/lib/postgresql").glob("*/bin")
            if (folder / "initdb").is_file()
        ),
        key=lambda folder: int(folder.parent.name) if folder.parent.name.isdigit() else 0,
    )
    return found[-1] if found else None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass(frozen=True)
class Cluster:
    folder: Path  # also the folder of its UNIX socket
    port: int
    password: str = ""  # postgres's, where the cluster asks for one

    def url(self, database: str) -> str:
        secret = f":{self.password}" if self.password else ""
        return (
            f"postgresql+psycopg://postgres{secret}@/{database}?host={self.folder}&port={self.port}"
        )

    def sql(self, statement: str, database: str = "postgres") -> list[tuple[object, ...]]:
        import psycopg

        with psycopg.connect(
            host=str(self.folder), port=self.port, user="postgres", dbname=database,
            password=self.password or None, autocommit=True,
        ) as connection:  # fmt: skip
            cursor = connection.execute(statement)
            return cursor.fetchall() if cursor.description else []


def _run(command: list[str], timeout: float) -> None:
    """Run one of PostgreSQL's tools; when it fails, say what it printed."""
    done = subprocess.run(_as_postgres(command), capture_output=True, text=True, timeout=timeout)
    if done.returncode != 0:
        raise RuntimeError(
            f"{' '.join(command)} exited with {done.returncode}: "
            f"{(done.stderr or done.stdout).strip()[-2000:]}"
        )


def _as_postgres(command: list[str]) -> list[str]:
    """PostgreSQL's tools refuse to run as root: run them as the postgres user then."""
    if os.geteuid() != 0:
        return command
    return ["setpriv", "--reuid=postgres", "--regid=postgres", "--init-groups", "--", *command]


@contextlib.contextmanager
def _started(password: str = "") -> Iterator[Cluster]:
    """A throwaway cluster: local connections trusted, or, with ``password``, asked for one
    (the superuser postgres has ``password``)."""
    binaries = _binaries()
    if binaries is None:
        pytest.skip("PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/initdb): "
                    "apt-get install postgresql")  # fmt: skip
    try:
        import psycopg  # noqa: F401
    except ImportError:
        pytest.skip("psycopg is not installed: pip install 'psycopg[binary]'")
    if os.geteuid() == 0 and shutil.which("setpriv") is None:
        pytest.skip("running as root, and there is no setpriv to run PostgreSQL as postgres")
    folder = Path(tempfile.mkdtemp(prefix="workbook-pg-"))
    data = folder / "data"
    port = _free_port()
    auth = ["-A", "trust"]
    if password:
        (folder / "password").write_text(password)
        auth = ["-A", "scram-sha-256", f"--pwfile={folder / 'password'}"]
    try:
        if os.geteuid() == 0:
            shutil.chown(folder, "postgres", "postgres")
            if password:
                shutil.chown(folder / "password", "postgres", "postgres")
        _run([str(binaries / "initdb"), "-D", str(data), "-U", "postgres", *auth,
              "--no-sync", "-E", "UTF8", "--no-locale"], timeout=120)  # fmt: skip
        options = f"-p {port} -k {folder} -F -c listen_addresses='' -c log_connections=on"
        _run([str(binaries / "pg_ctl"), "-D", str(data), "-o", options,
              "-l", str(folder / "server.log"), "-w", "start"], timeout=60)  # fmt: skip
        yield Cluster(folder, port, password)
    finally:
        if (data / "postmaster.pid").exists():
            subprocess.run(
                _as_postgres([str(binaries / "pg_ctl"), "-D", str(data), "-m", "immediate",
                              "stop"]),
                capture_output=True, timeout=60,
            )  # fmt: skip
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="module")
def cluster() -> Iterator[Cluster]:
    with _started() as found:
        yield found


@pytest.fixture
def database(cluster: Cluster, request: pytest.FixtureRequest) -> Iterator[str]:
    """A new database on the cluster, named after the test; DATABASE_URL points at it."""
    name = "workbook_" + "".join(c if c.isalnum() else "_" for c in request.node.name).lower()
    cluster.sql(f"CREATE DATABASE {name}")
    before = os.environ.get("DATABASE_URL")
    os.environ["DATABASE_URL"] = cluster.url(name)
    try:
        yield name
    finally:
        if before is None:
            os.environ.pop("DATABASE_URL", None)
        else:
            os.environ["DATABASE_URL"] = before
        cluster.sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def test_module_12_checks_run_against_postgresql(
    cluster: Cluster, database: str, tmp_path: Path
) -> None:
    exercise = manifest.load(ROOT / "exercises" / "12")
    _, results = runner.check([exercise.directory], submission=ROOT / "solutions" / "12", seed=SEED)
    [result] = results
    failing = {t.task.id: t.message for t in result.tasks if t.outcome is not Outcome.PASSED}
    assert not failing, f"the solution on PostgreSQL: {failing}"
    assert result.points == exercise.points

    # The checks really used the server: the tables of the last check that made some are there.
    tables = {row[0] for row in cluster.sql("SELECT tablename FROM pg_tables "
                                            "WHERE schemaname = 'public'", database)}  # fmt: skip
    assert {"author", "book"} <= tables, f"no tables of module 12 in PostgreSQL: {tables}"

    # A wrong submission fails there too, with the message it gives on SQLite.
    mistake = ROOT / "tests" / "mistakes" / "12" / "forgot-commit"
    _, results = runner.check(
        [exercise.directory], submission=overlay(mistake, tmp_path / "forgot-commit"), seed=SEED
    )
    found = {t.task.id: t for t in results[0].tasks}
    assert found["commit"].outcome is Outcome.FAILED, found["commit"].message
    assert "the row was never written" in found["commit"].message


# Mistakes whose evidence differs on PostgreSQL: ids a rollback does not give back, rows in an
# order of the server's choosing, foreign keys that are enforced.
ON_POSTGRESQL = [
    "flush-in-add-book",
    "books-not-ordered",
    "page-query-not-ordered",
    "page-sliced-in-python",
    "every-author-loaded",
    "book-author-not-looked-up",
]


@pytest.mark.parametrize("name", ON_POSTGRESQL)
def test_module_12_mistakes_fail_on_postgresql_with_their_message(
    cluster: Cluster, database: str, tmp_path: Path, name: str
) -> None:
    import tomllib

    exercise = manifest.load(ROOT / "exercises" / "12")
    folder = ROOT / "tests" / "mistakes" / "12" / name
    expected = tomllib.loads((folder / "expected.toml").read_text(encoding="utf-8"))
    _, results = runner.check(
        [exercise.directory], submission=overlay(folder, tmp_path / name), seed=SEED
    )
    found = {t.task.id: t for t in results[0].tasks}
    for task_id, wanted in expected["tasks"].items():
        task = found[task_id]
        assert task.outcome.value == wanted["outcome"], f"{task_id}: {task.message}"
        assert wanted.get("message", "") in (task.message or ""), f"{task_id}: {task.message}"
        absent = wanted.get("absent", [])
        for text in [absent] if isinstance(absent, str) else absent:
            assert text not in (task.message or ""), f"{task_id}: {task.message}"


# Grading with --postgres: each learner's app gets a database of its own on the server.


@pytest.fixture(scope="module")
def secured() -> Iterator[Cluster]:
    """A cluster that asks local connections for a password, as one to grade on must."""
    import secrets

    with _started(password=secrets.token_urlsafe(16)) as found:
        yield found


def _grade(cohort: Path, out: Path, postgres: str) -> Result:
    from click.testing import CliRunner

    from checker.cli import main

    return CliRunner().invoke(
        main,
        ["grade", str(cohort), "--out", str(out), "--exercise", "12", "--workers", "1",
         "--postgres", postgres],
    )  # fmt: skip


def _ours(cluster: Cluster) -> list[tuple[object, ...]]:
    """The databases and roles the grader made that are still there."""
    return cluster.sql(
        "SELECT datname FROM pg_database WHERE datname LIKE 'workbook\\_%' UNION ALL "
        "SELECT rolname FROM pg_roles WHERE rolname LIKE 'workbook\\_%'"
    )


@pytest.mark.skipif(os.geteuid() != 0, reason="grading with a sandbox needs root here")
def test_grading_gives_each_learners_app_a_database_of_its_own(
    secured: Cluster, tmp_path: Path
) -> None:
    import csv

    cohort = tmp_path / "cohort"
    shutil.copytree(ROOT / "solutions" / "12", cohort / "ada" / "exercises" / "12")
    mistake = overlay(ROOT / "tests" / "mistakes" / "12" / "forgot-commit", tmp_path / "mistake")
    shutil.copytree(mistake, cohort / "bob" / "exercises" / "12")
    before = (secured.folder / "server.log").read_text()
    result = _grade(cohort, tmp_path / "out", secured.url("postgres"))
    assert result.exit_code == 0, result.output
    with open(tmp_path / "out" / "grades.csv", newline="") as table:
        points = {row["learner"]: row for row in csv.DictReader(table)}
    exercise = manifest.load(ROOT / "exercises" / "12")
    assert points["ada"]["12"] == str(exercise.points), points["ada"]
    assert int(points["bob"]["12"]) < exercise.points, points["bob"]
    # Every app logged in as a role of its own, made for it, and no app as postgres.
    log = (secured.folder / "server.log").read_text()[len(before) :]
    logins = re.findall(r"connection authorized: user=(\w+) database=(\w+)", log)
    made = {user for user, database in logins if user.startswith("workbook_")}
    assert len(made) >= 2, f"the apps did not connect with roles of their own: {logins}"
    assert all(user == database for user, database in logins if user in made)
    assert _ours(secured) == [], "a learner's database or role outlived the grading"


def test_a_learners_role_reaches_its_own_database_only(secured: Cluster) -> None:
    import psycopg

    from checker.grade.databases import Databases

    databases = Databases(secured.url("postgres"))
    mine, theirs = databases.grant(), databases.grant()
    try:
        with psycopg.connect(mine.url(str(secured.folder)).replace("+psycopg", "")) as own:
            own.execute("CREATE TABLE note (body text)")
        with pytest.raises(psycopg.OperationalError, match="permission denied"):
            psycopg.connect(
                host=str(secured.folder), port=secured.port, user=mine.name,
                password=mine.password, dbname=theirs.name,
            )  # fmt: skip
        with pytest.raises(psycopg.OperationalError, match="password authentication failed"):
            psycopg.connect(
                host=str(secured.folder), port=secured.port, user="postgres",
                password=mine.password, dbname="postgres",
            )  # fmt: skip
    finally:
        databases.drop(mine)
        databases.drop(theirs)
        databases.close()
    assert _ours(secured) == []


def test_grading_refuses_a_server_that_trusts_local_connections(
    cluster: Cluster, tmp_path: Path
) -> None:
    cohort = tmp_path / "cohort"
    shutil.copytree(ROOT / "solutions" / "12", cohort / "ada" / "exercises" / "12")
    result = _grade(cohort, tmp_path / "out", cluster.url("postgres"))
    assert result.exit_code == 1
    [line] = result.stderr.strip().splitlines()
    assert line.startswith("workbook: PostgreSQL let postgres in through ")
    assert "without its password" in line and "scram-sha-256" in line
    assert not (tmp_path / "out").exists()  # refused before anything was written


@pytest.mark.parametrize(
    "url, message",
    [
        ("postgresql://postgres@localhost/postgres",
         "--postgres must reach the server through its UNIX socket"),
        ("postgresql://postgres@/postgres?host=/nowhere&port=1",
         "cannot connect to PostgreSQL with --postgres"),
        ("not a url = at all =", "--postgres is not a PostgreSQL URL"),
    ],
)  # fmt: skip
def test_grading_says_in_one_line_why_a_server_cannot_be_used(
    tmp_path: Path, url: str, message: str
) -> None:
    pytest.importorskip("psycopg")
    cohort = tmp_path / "cohort"
    shutil.copytree(ROOT / "solutions" / "12", cohort / "ada" / "exercises" / "12")
    result = _grade(cohort, tmp_path / "out", url)
    assert result.exit_code == 1, result.output
    [line] = result.stderr.strip().splitlines()
    assert line.startswith(f"workbook: {message}"), line
