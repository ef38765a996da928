"""The PostgreSQL store: the same protocol, schema and SQL as SQLite, for several replicas.

Set ``WELLSPRING_DATABASE_URL=postgresql://user@host:port/db``. Records, keys, the audit log,
vocabularies, the map's topic model and the change feed live in PostgreSQL, so every
``wellspring serve`` on that database sees one state. The statements are the SQLite backend's
(``sql_reads.py``, ``sql_writes.py``, ``keys.py``, ``migrations.py``) run through
``pg_dialect.py``; what differs is here:

* transactions: one writer at a time across every replica (``pg_advisory_xact_lock``), as
  SQLite's ``BEGIN IMMEDIATE`` gives one process; so change sequences commit in order;
* the change feed's ``NOTIFY`` (the sequence only) at commit;
* lexical search: PostgreSQL full-text search (``tsvector``, English stemming, ranked by
  ``ts_rank_cd``). Its ranking differs from FTS5's BM25, so quality figures are SQLite's;
  dense-only results are identical on both backends (tested).
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Iterator
from typing import Any

import psycopg

from indexing.errors import StoreCorrupt
from indexing.schema import contribution_key, member_key
from indexing.store.changes import CHANNEL, Kind, Op, latest_sequence, record_change
from indexing.store.lexical import fts_terms
from indexing.store.migrations import BASE_VERSION, migrate
from indexing.store.pg_dialect import PgConnection, connect, ddl_statements
from indexing.store.sql_reads import SqlReads
from indexing.store.sql_writes import SqlWrites
from indexing.store.sqlite import RECORDS_DDL

log = logging.getLogger(__name__)

WRITE_LOCK_KEY = 0x57534C31  # pg_advisory_xact_lock: one writer across replicas
SCHEMA_LOCK_KEY = 0x57534C32  # pg_advisory_lock: one process creates or migrates the schema
LEXICAL_DDL = """
CREATE TABLE IF NOT EXISTS lexical(
    item_key TEXT PRIMARY KEY, body TEXT NOT NULL,
    tsv tsvector GENERATED ALWAYS AS (to_tsvector('english', body)) STORED);
CREATE INDEX IF NOT EXISTS lexical_tsv ON lexical USING GIN(tsv);
"""


class PostgresStore(SqlReads, SqlWrites):
    """A PostgreSQL database, one autocommit connection per thread."""

    _vocabulary_order = "seq"

    def __init__(self, url: str) -> None:
        self.url = url
        self._local = threading.local()
        self._write_lock = threading.RLock()
        try:
            conn = self.connection()
        except psycopg.Error as exc:
            raise StoreCorrupt(f"cannot connect to PostgreSQL at {_safe(url)}: {exc}") from exc
        conn.execute("SELECT pg_advisory_lock(?)", (SCHEMA_LOCK_KEY,))
        try:
            with self.transaction() as tx:
                for statement in ddl_statements(RECORDS_DDL + LEXICAL_DDL):
                    tx.execute(statement)
                tx.execute("INSERT INTO meta(key, value) VALUES ('schema_version', ?) "
                           "ON CONFLICT(key) DO NOTHING", (str(BASE_VERSION),))
            migrate(self.transaction, conn)  # the same numbered steps as SQLite
            with self.transaction() as tx:  # vocabulary terms in insertion order
                tx.execute("ALTER TABLE vocabulary ADD COLUMN IF NOT EXISTS seq BIGSERIAL")
        finally:
            conn.execute("SELECT pg_advisory_unlock(?)", (SCHEMA_LOCK_KEY,))

    # -- connections -------------------------------------------------------------------------
    def connection(self) -> PgConnection:
        conn: PgConnection | None = getattr(self._local, "conn", None)
        if conn is None or conn.raw.closed or conn.raw.broken:
            conn = connect(self.url)
            self._local.conn = conn
        return conn

    @contextlib.contextmanager
    def transaction(self) -> Iterator[PgConnection]:
        """A write transaction, serialised with every other writer on this database; a
        transaction that added changes notifies replicas of the newest sequence at commit."""
        with self._write_lock:
            conn = self.connection()
            outer = getattr(self._local, "changed", False)  # a nested transaction's caller
            self._local.changed = False  # set by _record_change
            try:
                with conn.raw.transaction():
                    conn.execute("SELECT pg_advisory_xact_lock(?)", (WRITE_LOCK_KEY,))
                    yield conn
                    if self._local.changed:
                        conn.execute("SELECT pg_notify(?, ?)",
                                     (CHANNEL, str(latest_sequence(conn))))
            finally:
                self._local.changed = outer

    def _record_change(self, conn: Any, kind: Kind, record_id: str, op: Op) -> None:
        record_change(conn, kind, record_id, op)
        self._local.changed = True

    def close(self) -> None:
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None

    def check_integrity(self) -> bool:
        """StoreCorrupt when the database cannot be read; True when the lexical rows did not
        match the records and were rebuilt from them."""
        conn = self.connection()
        try:
            records = int(conn.execute(
                "SELECT (SELECT COUNT(*) FROM members) + (SELECT COUNT(*) FROM contributions)"
            ).fetchone()[0])
            rows = int(conn.execute("SELECT COUNT(*) FROM lexical").fetchone()[0])
        except psycopg.Error as exc:
            raise StoreCorrupt(f"cannot read the store at {_safe(self.url)}: {exc}") from exc
        if records == rows:
            return False
        log.warning("lexical rows (%d) do not match the records (%d): rebuilding", rows, records)
        self.rebuild_lexical()
        return True

    def rebuild_lexical(self) -> int:
        """Rewrite every lexical row from the records (one transaction)."""
        from indexing.schema import Contribution, Member

        with self.transaction() as conn:
            conn.execute("DELETE FROM lexical")
            rows = [(member_key(r[0]), Member.model_validate_json(r[1]).profile_text())
                    for r in conn.execute("SELECT id, data FROM members")]
            rows += [(contribution_key(r[0]), Contribution.model_validate_json(r[1]).index_text())
                     for r in conn.execute("SELECT id, data FROM contributions")]
            conn.executemany("INSERT INTO lexical(item_key, body) VALUES (?, ?)", rows)
        return len(rows)

    # -- lexical search ----------------------------------------------------------------------
    def lexical_search(self, query: str, limit: int) -> list[tuple[str, float]]:
        """Full-text search over titles, texts and profiles: (item key, ts_rank_cd), best
        first; any of the query's terms matches (as FTS5's OR query does on SQLite)."""
        terms = fts_terms(query)
        if not terms:
            return []
        rows = self.connection().execute(
            "SELECT item_key, ts_rank_cd(tsv, q) AS s FROM lexical, "
            "to_tsquery('english', ?) AS q WHERE tsv @@ q ORDER BY s DESC, item_key LIMIT ?",
            (" | ".join(terms), limit))
        return [(str(r[0]), float(r[1])) for r in rows]

    def _set_lexical(self, conn: Any, table: str, record_id: str, body: str) -> None:
        key = member_key(record_id) if table == "members" else contribution_key(record_id)
        conn.execute("INSERT INTO lexical(item_key, body) VALUES (?, ?) "
                     "ON CONFLICT(item_key) DO UPDATE SET body=excluded.body", (key, body))

    def _delete_lexical(self, conn: Any, table: str, record_id: str) -> None:
        key = member_key(record_id) if table == "members" else contribution_key(record_id)
        conn.execute("DELETE FROM lexical WHERE item_key=?", (key,))


def _safe(url: str) -> str:
    """The URL without its password, for messages."""
    try:
        info = psycopg.conninfo.conninfo_to_dict(url)
    except psycopg.Error:
        return "(unparseable URL)"
    info.pop("password", None)
    return " ".join(f"{k}={v}" for k, v in info.items())
