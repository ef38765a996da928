"""Schema migrations of the SQLite store: numbered steps applied once, in order.

Version 1 is the base schema (records, lexical index; ``sqlite.py``). A store opened by a newer
release runs the steps it lacks in one transaction and records the new ``schema_version`` in the
``meta`` table; an older store keeps working because every step only adds tables.
"""

from __future__ import annotations

import sqlite3

from indexing.store.topics import TOPICS_DDL

BASE_VERSION = 1
# (version it brings the store to, what it adds, its statements)
MIGRATIONS: list[tuple[int, str, str]] = [
    (2, "the knowledge map's topic model (map_topics, map_assignments)", TOPICS_DDL),
]
SCHEMA_VERSION = MIGRATIONS[-1][0]


def schema_version(conn: sqlite3.Connection) -> int:
    row = conn.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()
    return int(row[0]) if row is not None else BASE_VERSION


def migrate(conn: sqlite3.Connection) -> list[int]:
    """Apply the steps this store lacks (inside the caller's transaction); the versions run."""
    current = schema_version(conn)
    applied: list[int] = []
    for version, _what, ddl in MIGRATIONS:
        if version <= current:
            continue
        for statement in ddl.split(";"):
            if statement.strip():
                conn.execute(statement)
        applied.append(version)
    if applied:
        conn.execute("INSERT INTO meta(key, value) VALUES ('schema_version', ?) "
                     "ON CONFLICT(key) DO UPDATE SET value=excluded.value", (str(applied[-1]),))
    return applied
