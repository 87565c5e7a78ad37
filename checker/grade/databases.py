"""A PostgreSQL database of its own for each learner's app, when grading with ``--postgres``.

The instructor gives one connection to a PostgreSQL server, as a role that may create roles and
databases, over the server's UNIX socket (the learners' processes have no network). For each app
of a learner's that an exercise gives a database (its ``[config]`` names ``{database_url}``), the
grader makes a new role with a random password and a new database that role owns and no one else
may connect to; the app's ``DATABASE_URL`` names them, and the child sees the server's socket and
nothing else of the server's folder. When the app ends, both are dropped, connections and all.

The server must ask local connections for a password: with ``trust`` (or a role that needs none),
any learner could connect as a superuser. The grader tries that first, and refuses to grade when
it gets in without the password.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from checker.course.manifest import Exercise
from checker.errors import Problem

SOCKET_FOLDER = "/run/postgresql"  # where a child sees the server's socket, in its own mounts


class DatabaseProblem(Problem):
    """The PostgreSQL server given to ``workbook grade --postgres`` cannot be used, and why."""


@dataclass(frozen=True)
class Grant:
    """One app's database: its name (also its role's), its role's password, and the server's
    socket file."""

    name: str
    password: str
    socket: str  # the server's socket file, as the grader sees it: FOLDER/.s.PGSQL.PORT
    port: int

    def url(self, folder: str) -> str:
        """``DATABASE_URL`` for the app, with the socket in ``folder``."""
        return (
            f"postgresql+psycopg://{self.name}:{self.password}@/{self.name}"
            f"?host={folder}&port={self.port}"
        )


def uses_database(exercise: Exercise) -> bool:
    """Whether the exercise's apps get a database: its ``[config]`` names ``{database_url}``."""

    def names(value: Any) -> bool:
        if isinstance(value, str):
            return "{database_url}" in value
        if isinstance(value, list):
            return any(names(item) for item in value)
        if isinstance(value, dict):
            return any(names(item) for item in value.values())
        return False

    return names(exercise.config)


class Databases:
    """Makes and drops the learners' databases on one server, through one connection."""

    def __init__(self, url: str) -> None:
        try:
            import psycopg
            from psycopg.conninfo import conninfo_to_dict
        except ImportError as error:
            raise DatabaseProblem(
                f"--postgres needs psycopg, which cannot be imported ({error}): "
                "pip install 'psycopg[binary]'"
            ) from None
        try:
            self._conninfo = url.replace("postgresql+psycopg://", "postgresql://")
            params = conninfo_to_dict(url.replace("postgresql+psycopg://", "postgresql://"))
        except psycopg.Error as error:
            raise DatabaseProblem(f"--postgres is not a PostgreSQL URL: {_line(error)}") from None
        host = str(params.get("host") or "")
        if not host.startswith("/"):
            raise DatabaseProblem(
                "--postgres must reach the server through its UNIX socket, since the learners' "
                "code has no network: give the socket's folder as the host, as in "
                "postgresql://postgres:PASSWORD@/postgres?host=/var/run/postgresql"
            )
        self.port = int(params.get("port") or 5432)
        self.socket = str(Path(host) / f".s.PGSQL.{self.port}")
        try:
            self._admin = psycopg.connect(self._conninfo, autocommit=True, connect_timeout=10)
        except psycopg.Error as error:
            raise DatabaseProblem(
                f"cannot connect to PostgreSQL with --postgres: {_line(error)}"
            ) from None
        self._refuse_password_free()

    def _refuse_password_free(self) -> None:
        """Refuse a server that lets a local connection in without a password."""
        import psycopg

        user = self._admin.info.user
        wrong = secrets.token_urlsafe(12)
        try:  # trust lets a wrong password in as well as none
            with psycopg.connect(self._conninfo, user=user, password=wrong, connect_timeout=10):
                pass
        except psycopg.Error:
            return
        else:
            self.close()
            raise DatabaseProblem(
                f"PostgreSQL let {user} in through {self.socket} without its password "
                "(trust in pg_hba.conf?): a learner's code could connect as any role, superusers "
                "included. Ask local connections for a password (scram-sha-256) and grade again"
            )

    def grant(self) -> Grant:
        """A new role and a database only it may connect to."""
        from psycopg import sql

        name = f"workbook_{secrets.token_hex(8)}"
        password = secrets.token_urlsafe(24)
        role = sql.Identifier(name)
        for statement in (
            sql.SQL("CREATE ROLE {} LOGIN PASSWORD {} CONNECTION LIMIT 32").format(
                role, sql.Literal(password)
            ),
            # From template0, which no one may connect to: nothing a learner left in template1
            # (which everyone may) reaches another learner's database.
            sql.SQL("CREATE DATABASE {} OWNER {} TEMPLATE template0").format(role, role),
            sql.SQL("REVOKE ALL ON DATABASE {} FROM PUBLIC").format(role),
        ):
            self._admin.execute(statement)
        return Grant(name, password, self.socket, self.port)

    def drop(self, grant: Grant) -> None:
        """Drop the database, ending its connections, and its role."""
        import psycopg
        from psycopg import sql

        role = sql.Identifier(grant.name)
        self._admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(role))
        try:
            self._admin.execute(sql.SQL("DROP ROLE IF EXISTS {}").format(role))
        except psycopg.Error:  # it owns something elsewhere: at least it can no longer log in
            self._admin.execute(sql.SQL("ALTER ROLE {} NOLOGIN").format(role))

    def close(self) -> None:
        self._admin.close()


def _line(error: Exception) -> str:
    """psycopg's message for ``error`` on one line."""
    return " ".join(str(error).split())
