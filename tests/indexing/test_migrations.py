"""The store's schema version and its migration from version 1."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from indexing.errors import StoreCorrupt
from indexing.store import SqliteStore
from indexing.store.migrations import LATEST
from indexing.store.sqlite import SCHEMA_VERSION


def _old_rows(conn: sqlite3.Connection, member: dict[str, object]) -> None:
    """One organisation and one member as an older version stored them; committed, closed."""
    conn.execute("INSERT INTO organisations VALUES ('o-1', 'utility', 'KE', ?)",
                 (json.dumps({"id": "o-1", "name": "O", "kind": "utility", "country": "KE"}),))
    conn.execute("INSERT INTO members VALUES ('m-1', 'o-1', 'KE', 'core', 0, 1, ?, 'h')",
                 (json.dumps(member),))
    conn.commit()
    conn.close()


def test_a_new_store_is_at_the_latest_version(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "ws.db")
    row = store.connection().execute("SELECT value FROM meta WHERE key='schema_version'")
    assert int(row.fetchone()[0]) == SCHEMA_VERSION == LATEST


def test_a_version_1_store_is_migrated(tmp_path: Path) -> None:
    path = tmp_path / "ws.db"
    SqliteStore(path).close()
    conn = sqlite3.connect(path)
    conn.execute("DROP TABLE vocabulary")
    conn.execute("UPDATE meta SET value='1' WHERE key='schema_version'")
    member = {"id": "m-1", "name": "Ana", "organisation_id": "o-1", "country": "KE",
              "languages": ["en"], "level": "core", "bio": "", "topics": [],
              "open_to_invitations": True, "hidden": False, "contact": None}  # v1 JSON
    _old_rows(conn, member)
    store = SqliteStore(path)
    data = store.connection().execute("SELECT data FROM members").fetchone()[0]
    assert json.loads(data)["orcid"] is None  # rewritten through the current model
    assert store.connection().execute("SELECT COUNT(*) FROM vocabulary").fetchone()[0] == 0


def test_a_newer_store_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "ws.db"
    SqliteStore(path).close()
    conn = sqlite3.connect(path)
    conn.execute("UPDATE meta SET value='99' WHERE key='schema_version'")
    conn.commit()
    conn.close()
    with pytest.raises(StoreCorrupt, match="newer"):
        SqliteStore(path)


def test_a_version_7_store_gains_sessions_links_and_the_sign_in_email(tmp_path: Path) -> None:
    """Step 8 (#28): sessions, sign-in links and member keys' tables; members' JSON rewritten
    with ``sign_in_email`` so re-ingesting unchanged data still reports it unchanged."""
    path = tmp_path / "ws.db"
    SqliteStore(path).close()
    conn = sqlite3.connect(path)
    for table in ("sessions", "sign_in_links", "member_keys"):
        conn.execute(f"DROP TABLE {table}")
    conn.execute("UPDATE meta SET value='7' WHERE key='schema_version'")
    member = {"id": "m-1", "name": "Ana", "organisation_id": "o-1", "country": "KE",
              "languages": ["en"], "level": "core", "bio": "", "topics": [],
              "open_to_invitations": True, "hidden": False, "contact": None, "orcid": None,
              "imported_from": None}  # v7 JSON
    _old_rows(conn, member)
    store = SqliteStore(path)
    data = json.loads(store.connection().execute("SELECT data FROM members").fetchone()[0])
    assert "sign_in_email" in data and data["sign_in_email"] is None
    for table in ("sessions", "sign_in_links", "member_keys"):
        store.connection().execute(f"SELECT COUNT(*) FROM {table}").fetchone()
    assert store.get_member("m-1").sign_in_email is None
