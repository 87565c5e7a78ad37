"""Module 12's checks against a real PostgreSQL server, through ``DATABASE_URL``.

The test starts a throwaway cluster of Debian's PostgreSQL (``initdb`` and ``pg_ctl``, as the
``postgres`` user when run as root, since the server refuses to run as root) that listens only on
a UNIX socket in its own temporary folder, gives the checks a new database on it, and always stops
the server and removes the folder. Without PostgreSQL installed it skips and says so; `.ci/run`
installs it.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from checker.course import manifest
from checker.course.results import Outcome
from checker.runtime import runner
from tests.conftest import overlay

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

    def url(self, database: str) -> str:
        return f"postgresql+psycopg://postgres@/{database}?host={self.folder}&port={self.port}"

    def sql(self, statement: str, database: str = "postgres") -> list[tuple[object, ...]]:
        import psycopg

        with psycopg.connect(
            host=str(self.folder), port=self.port, user="postgres", dbname=database,
            autocommit=True,
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


@pytest.fixture(scope="module")
def cluster() -> Iterator[Cluster]:
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
    try:
        if os.geteuid() == 0:
            shutil.chown(folder, "postgres", "postgres")
        _run([str(binaries / "initdb"), "-D", str(data), "-U", "postgres", "-A", "trust",
              "--no-sync", "-E", "UTF8", "--no-locale"], timeout=120)  # fmt: skip
        options = f"-p {port} -k {folder} -F -c listen_addresses=''"
        _run([str(binaries / "pg_ctl"), "-D", str(data), "-o", options,
              "-l", str(folder / "server.log"), "-w", "start"], timeout=60)  # fmt: skip
        yield Cluster(folder, port)
    finally:
        if (data / "postmaster.pid").exists():
            subprocess.run(
                _as_postgres([str(binaries / "pg_ctl"), "-D", str(data), "-m", "immediate",
                              "stop"]),
                capture_output=True, timeout=60,
            )  # fmt: skip
        shutil.rmtree(folder, ignore_errors=True)


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
