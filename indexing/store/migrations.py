"""Versioned migrations of the store: each step brings ``meta.schema_version`` up by one.

Version 1 is the base schema (records, lexical index; ``sqlite.py``). A store written by an
older Wellspring is migrated when it is opened, one transaction per step; one written by a newer
Wellspring is refused (its tables may mean something this version does not know).

* 2: open vocabularies (their own table); members gain ``orcid`` and ``imported_from``,
  contributions ``doi`` and ``sources``: stored JSON is rewritten through the current models so
  that re-ingesting unchanged data still reports it unchanged (issue #14);
* 3: the knowledge map's topic model (``map_topics``, ``map_assignments``; issue #19);
* 4: the change feed (``changes``, ``changes.py``) and failed key checks shared by replicas
  (``auth_failures``; issue #16).

* 5: suggestions, coordinators' feedback, exposure and the learned ranking model
  (``suggestions``, ``suggestion_members``, ``feedback``, ``exposure``, ``ranking_models``;
  ``feedback.py``, issue #20).

* 6: vectors kept in the store (``text_vectors``, ``vectors.py``; issue #16): empty at first;
  the next ``Community.open`` copies the index folder's vectors in
  (``vectors/vector_backfill.py``), then every encoded text adds its own.

* 7: failed key checks count per presented key id as well as per client (``auth_failures``
  gains ``key_id``; issue #26: a client's failures with one key id never refuse another key).

* 8: people sign in (issue #28): sessions and one-time sign-in links (``sessions.py``), member
  keys' member (``member_keys``), and members gain ``sign_in_email`` (stored JSON rewritten
  through the current model, as in step 2).

* 9: members' own say (issue #29): their choices (``member_choices``), contributions they keep
  out of matching (``matching_exclusions``) and their word on topics (``topic_corrections``;
  ``say.py``).

* 10: projects as records (issue #30): ``projects``, the people considered for each
  (``project_people``) and their statuses' history (``project_history``; ``projects.py``); the
  free-string project ids already on suggestions and feedback become project records.

The same steps run on PostgreSQL, through ``pg_dialect.py`` (one list for both backends).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

from indexing.errors import StoreCorrupt
from indexing.schema import Contribution, Member
from indexing.store.changes import CHANGES_DDL
from indexing.store.choices import SAY_DDL
from indexing.store.feedback import FEEDBACK_DDL
from indexing.store.projects import PROJECTS_DDL, projects_from_free_ids
from indexing.store.sessions import SESSIONS_DDL
from indexing.store.topics import TOPICS_DDL
from indexing.store.vectors import VECTORS_DDL

BASE_VERSION = 1
VOCABULARY_DDL = """
CREATE TABLE IF NOT EXISTS vocabulary(
    kind TEXT NOT NULL, term TEXT NOT NULL, PRIMARY KEY(kind, term));
"""


def _rewrite_records(conn: sqlite3.Connection, tables: tuple[str, ...]) -> None:
    """Stored JSON rewritten through the current models, so that re-ingesting unchanged data
    still reports it unchanged."""
    models: dict[str, type[Member] | type[Contribution]] = {
        "members": Member, "contributions": Contribution}
    for table in tables:
        model = models[table]
        rows = conn.execute(f"SELECT id, data FROM {table}").fetchall()
        for rid, data in rows:
            fresh = model.model_validate_json(data).model_dump_json()
            if fresh != data:
                conn.execute(f"UPDATE {table} SET data=? WHERE id=?", (fresh, rid))


def _to_v2(conn: sqlite3.Connection) -> None:
    conn.execute(VOCABULARY_DDL.strip())
    _rewrite_records(conn, ("members", "contributions"))


def _to_v3(conn: sqlite3.Connection) -> None:
    for statement in TOPICS_DDL.split(";"):
        if statement.strip():
            conn.execute(statement)


AUTH_FAILURES_DDL = """
CREATE TABLE IF NOT EXISTS auth_failures(client TEXT NOT NULL, at REAL NOT NULL);
CREATE INDEX IF NOT EXISTS auth_failures_client ON auth_failures(client, at);
"""


def _to_v4(conn: sqlite3.Connection) -> None:
    for statement in (CHANGES_DDL + AUTH_FAILURES_DDL).split(";"):
        if statement.strip():
            conn.execute(statement)


def _to_v5(conn: sqlite3.Connection) -> None:
    for statement in FEEDBACK_DDL.split(";"):
        if statement.strip():
            conn.execute(statement)


def _to_v6(conn: sqlite3.Connection) -> None:
    conn.execute(VECTORS_DDL.strip())


AUTH_FAILURES_V7_DDL = """
DROP TABLE IF EXISTS auth_failures;
CREATE TABLE auth_failures(client TEXT NOT NULL, key_id TEXT NOT NULL, at REAL NOT NULL);
CREATE INDEX auth_failures_pair ON auth_failures(client, key_id, at);
CREATE INDEX auth_failures_at ON auth_failures(at)
"""


def _to_v7(conn: sqlite3.Connection) -> None:
    # rows live an hour at most (the limiter's window): recreated empty rather than altered
    for statement in AUTH_FAILURES_V7_DDL.split(";"):
        if statement.strip():
            conn.execute(statement)


def _to_v8(conn: sqlite3.Connection) -> None:
    for statement in SESSIONS_DDL.split(";"):
        if statement.strip():
            conn.execute(statement)
    _rewrite_records(conn, ("members",))


def _to_v9(conn: sqlite3.Connection) -> None:
    for statement in SAY_DDL.split(";"):
        if statement.strip():
            conn.execute(statement)


def _to_v10(conn: sqlite3.Connection) -> None:
    for statement in PROJECTS_DDL.split(";"):
        if statement.strip():
            conn.execute(statement)
    projects_from_free_ids(conn)


MIGRATIONS: dict[int, Callable[[sqlite3.Connection], None]] = {
    2: _to_v2, 3: _to_v3, 4: _to_v4, 5: _to_v5, 6: _to_v6, 7: _to_v7, 8: _to_v8, 9: _to_v9,
    10: _to_v10}
LATEST = max(MIGRATIONS)
SCHEMA_VERSION = LATEST


def schema_version(conn: Any) -> int:
    """The version a store's ``meta`` table records (1 for a store from before versions)."""
    row = conn.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()
    return int(row[0]) if row is not None else BASE_VERSION


stored_version = schema_version


def migrate(transaction: Callable[[], AbstractContextManager[Any]], conn: Any) -> int:
    """Apply every step above the stored version, each in its own transaction; returns the
    version reached. ``transaction`` is the store's write-transaction context manager."""
    version = schema_version(conn)
    if version > LATEST:
        raise StoreCorrupt(f"the store has schema version {version}, newer than this Wellspring "
                           f"understands ({LATEST}); upgrade Wellspring")
    while version < LATEST:
        step = MIGRATIONS[version + 1]
        with transaction() as tx:
            step(tx)
            tx.execute("INSERT INTO meta(key, value) VALUES ('schema_version', ?) "
                       "ON CONFLICT(key) DO UPDATE SET value=excluded.value", (str(version + 1),))
        version += 1
    return version
