"""The SQLite store: the source of truth for organisations, members and contributions.

The lexical index (SQLite FTS5, BM25 ranking) lives in the same database and is written in the
same transaction as the records, so it can never disagree with the store.
"""

from __future__ import annotations

import contextlib
import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path

from indexing.store.integrity import check_store
from indexing.store.lexical import (
    LEXICAL_DDL,
    CommonTerms,
    delete_lexical,
    search_lexical,
    set_lexical,
)
from indexing.store.migrations import BASE_VERSION, SCHEMA_VERSION, migrate
from indexing.store.sql_reads import SqlReads
from indexing.store.sql_writes import SqlWrites

__all__ = ["SCHEMA_VERSION", "SqliteStore"]  # migrations.py brings older stores up to it

RECORDS_DDL = """
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS organisations(
    id TEXT PRIMARY KEY, kind TEXT NOT NULL, country TEXT, data TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS members(
    id TEXT PRIMARY KEY,
    organisation_id TEXT NOT NULL REFERENCES organisations(id),
    country TEXT NOT NULL, level TEXT NOT NULL,
    hidden INTEGER NOT NULL, open_to_invitations INTEGER NOT NULL,
    data TEXT NOT NULL, text_hash TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS members_org ON members(organisation_id);
CREATE TABLE IF NOT EXISTS contributions(
    id TEXT PRIMARY KEY, type TEXT NOT NULL, date TEXT NOT NULL, language TEXT,
    space TEXT NOT NULL, data TEXT NOT NULL, text_hash TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS contribution_authors(
    contribution_id TEXT NOT NULL REFERENCES contributions(id) ON DELETE CASCADE,
    member_id TEXT NOT NULL REFERENCES members(id),
    position INTEGER NOT NULL,
    PRIMARY KEY(contribution_id, member_id));
CREATE INDEX IF NOT EXISTS authors_member ON contribution_authors(member_id);
"""  # version 1 of the schema on every backend (PostgreSQL's through pg_dialect.py)
_DDL = RECORDS_DDL + LEXICAL_DDL + ";\n"


class SqliteStore(SqlReads, SqlWrites):
    """A SQLite database file with real transactions, one connection per thread."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        if str(self.path) != ":memory:":
            self.path.parent.mkdir(parents=True, exist_ok=True)
        self._local = threading.local()
        self._write_lock = threading.RLock()
        self._common_terms = CommonTerms()  # lexical_search leaves out terms in half the rows
        with self._write_lock:
            self.connection().executescript(_DDL)  # idempotent; executescript commits itself
        with self.transaction() as conn:  # a new store starts at 1, then is migrated
            conn.execute("INSERT OR IGNORE INTO meta(key, value) VALUES ('schema_version', ?)",
                         (str(BASE_VERSION),))
        migrate(self.transaction, self.connection())  # the steps it lacks (migrations.py)

    # -- connections -------------------------------------------------------------------------
    def connection(self) -> sqlite3.Connection:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(self.path, timeout=30, isolation_level=None)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=FULL")
            conn.execute("PRAGMA foreign_keys=ON")
            conn.row_factory = sqlite3.Row
            self._local.conn = conn
        return conn

    @contextlib.contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """An immediate write transaction: all of it commits, or none of it."""
        with self._write_lock:
            conn = self.connection()
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")

    def check_integrity(self) -> bool:
        """StoreCorrupt when SQLite's check fails; True when the lexical index was rebuilt."""
        return check_store(self.connection())

    def close(self) -> None:
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None

    def lexical_search(self, query: str, limit: int) -> list[tuple[str, float]]:
        """BM25 over titles, texts and profiles: (item key, score), best first."""
        return search_lexical(self.connection(), query, limit, self._common_terms)

    # -- the lexical rows, written by SqlWrites in the records' transaction -------------------
    def _set_lexical(self, conn: sqlite3.Connection, table: str, record_id: str, body: str
                     ) -> None:
        set_lexical(conn, table, record_id, body)

    def _delete_lexical(self, conn: sqlite3.Connection, table: str, record_id: str) -> None:
        delete_lexical(conn, table, record_id)
