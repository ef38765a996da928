"""Copy a SQLite store into an empty PostgreSQL one (``wellspring migrate``), in one transaction.

Every table of the SQLite file is copied column by column (records, keys, the audit log,
vocabularies, the map's topic model, the change feed, and whatever later migrations add), except
the FTS5 lexical index, which PostgreSQL rebuilds as its own full-text rows. The source is first
brought to this Wellspring's schema version, so both sides have the same tables. A copy that
fails leaves the target as it was; a target that already holds records is refused.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from indexing.errors import Conflict, NotFound
from indexing.store.postgres import PostgresStore
from indexing.store.sqlite import SqliteStore

FIRST = ["organisations", "members", "contributions", "contribution_authors"]  # references
BATCH = 2000


def copy_sqlite_to_postgres(source: Path, target: PostgresStore) -> dict[str, int]:
    """Rows copied per table."""
    if not source.exists():
        raise NotFound("store", str(source))
    SqliteStore(source).close()  # migrated to this version's schema first
    if any(target.counts().values()):
        raise Conflict("the PostgreSQL store already holds records; migrate into an empty "
                       "database")
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    try:
        names = [r[0] for r in src.execute(
            "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' "
            "AND name NOT LIKE 'lexical%' ORDER BY name")]
        tables = [t for t in FIRST if t in names] + [t for t in names if t not in FIRST]
        copied: dict[str, int] = {}
        with target.transaction() as conn:
            for table in tables:
                columns = [r[1] for r in src.execute(f"PRAGMA table_info({table})")]
                theirs = {r[0] for r in conn.execute(
                    "SELECT column_name FROM information_schema.columns WHERE table_name=?",
                    (table,))}
                if not theirs:
                    raise Conflict(f"table {table} is missing in PostgreSQL")
                shared = [c for c in columns if c in theirs]
                where = " WHERE key <> 'schema_version'" if table == "meta" else ""
                sql = (f"INSERT INTO {table}({', '.join(shared)}) VALUES "
                       f"({', '.join('?' * len(shared))}) ON CONFLICT DO NOTHING")
                rows = src.execute(f"SELECT {', '.join(shared)} FROM {table}{where}")
                n = 0
                while batch := rows.fetchmany(BATCH):
                    conn.executemany(sql, batch)
                    n += len(batch)
                copied[table] = n
                if "seq" in shared:  # identity columns continue after the copied rows
                    conn.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'seq'), "
                                 f"GREATEST((SELECT MAX(seq) FROM {table}), 1))")
    finally:
        src.close()
    copied["lexical (rebuilt)"] = target.rebuild_lexical()
    return copied
