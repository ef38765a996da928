"""A throwaway PostgreSQL 15 cluster for the test session, and a fresh database per test.

``initdb`` and ``pg_ctl`` refuse to run as root, so as root the cluster runs as the ``postgres``
user (created by Debian's package) in a temporary folder it owns, on a free port, with trust
authentication on 127.0.0.1 only. A template database holds the migrated schema, so each test's
database is a cheap copy. Without the binaries the tests skip with the reason; with ``CI=true``
they fail instead (CI must run them).
"""

from __future__ import annotations

import contextlib
import itertools
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

PG_BIN = Path("/usr/lib/postgresql/15/bin")
TEMPLATE = "ws_template"
_counter = itertools.count()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _binary(name: str) -> str | None:
    path = PG_BIN / name
    return str(path) if path.exists() else shutil.which(name)


class PgCluster:
    def __init__(self, folder: Path, port: int, runner: list[str]) -> None:
        self.folder = folder
        self.port = port
        self.runner = runner

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://ws@127.0.0.1:{self.port}/{database}"

    def sql(self, statement: str, database: str = "postgres") -> None:
        import psycopg

        with psycopg.connect(self.url(database), autocommit=True) as conn:
            conn.execute(statement)  # type: ignore[arg-type]

    def new_database(self) -> str:
        """A fresh database with the migrated schema (a copy of the template); its URL."""
        name = f"ws_test_{os.getpid()}_{next(_counter)}"
        self.sql(f"CREATE DATABASE {name} TEMPLATE {TEMPLATE}")
        return self.url(name)

    def stop(self) -> None:
        subprocess.run([*self.runner, _binary("pg_ctl") or "pg_ctl", "-D",
                        str(self.folder / "data"), "-m", "immediate", "stop"],
                       capture_output=True, timeout=60)


def _missing(reason: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"PostgreSQL is required in CI: {reason}")
    pytest.skip(reason)


@contextlib.contextmanager
def start_cluster() -> Iterator[PgCluster]:
    initdb, pg_ctl = _binary("initdb"), _binary("pg_ctl")
    if initdb is None or pg_ctl is None:
        _missing("PostgreSQL binaries (initdb, pg_ctl) are not installed: "
                 "apt-get install -y postgresql")
    assert initdb is not None and pg_ctl is not None
    runner: list[str] = []
    folder = Path(tempfile.mkdtemp(prefix="ws-pg-"))
    if os.geteuid() == 0:
        try:
            user = pwd.getpwnam("postgres")
        except KeyError:
            _missing("running as root and there is no 'postgres' user to run the cluster")
        os.chown(folder, user.pw_uid, user.pw_gid)
        folder.chmod(0o700)
        runner = ["runuser", "-u", "postgres", "--"]
    data = folder / "data"
    port = free_port()
    subprocess.run([*runner, initdb, "-D", str(data), "-A", "trust", "-U", "ws", "-E", "UTF8",
                    "--locale=C.UTF-8"], check=True, capture_output=True, timeout=120)
    options = (f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c max_connections=400 "
               "-c fsync=off -c synchronous_commit=off -c full_page_writes=off")
    subprocess.run([*runner, pg_ctl, "-D", str(data), "-o", options, "-l",
                    str(folder / "log.txt"), "-w", "-t", "60", "start"],
                   check=True, capture_output=True, timeout=90)
    cluster = PgCluster(folder, port, runner)
    try:
        _make_template(cluster)
        yield cluster
    finally:
        cluster.stop()
        shutil.rmtree(folder, ignore_errors=True)


def _make_template(cluster: PgCluster) -> None:
    from indexing.store.keys import KeyStore
    from indexing.store.postgres import PostgresStore

    cluster.sql(f"CREATE DATABASE {TEMPLATE}")
    store = PostgresStore(cluster.url(TEMPLATE))
    KeyStore(store)  # the keys' and audit log's tables too
    store.close()
