"""The SQLite store: the source of truth for organisations, members and contributions.

The lexical index (SQLite FTS5, BM25 ranking) lives in the same database and is written in the
same transaction as the records, so it can never disagree with the store.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
import threading
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from pathlib import Path

import numpy as np
import numpy.typing as npt

from indexing.errors import NotFound
from indexing.schema import Contribution, Member, Organisation
from indexing.store.integrity import check_store
from indexing.store.lexical import (
    LEXICAL_DDL,
    search_lexical,
)
from indexing.store.migrations import BASE_VERSION, SCHEMA_VERSION, migrate
from indexing.store.records import ContributionMeta
from indexing.store.sqlite_writes import SqliteWrites
from indexing.store.topics import StoredTopics, read_topics, write_topics
from indexing.store.vectors import (
    delete_rows,
    read_vectors,
    stale_rows,
    vector_counts,
    write_vectors,
)

__all__ = ["SCHEMA_VERSION", "SqliteStore"]  # migrations.py brings older stores up to it

_DDL = """
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
""" + LEXICAL_DDL + ";\n"


class SqliteStore(SqliteWrites):
    """A SQLite database file with real transactions, one connection per thread."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        if str(self.path) != ":memory:":
            self.path.parent.mkdir(parents=True, exist_ok=True)
        self._local = threading.local()
        self._write_lock = threading.RLock()
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

    # -- reads -------------------------------------------------------------------------------
    def counts(self) -> dict[str, int]:
        conn = self.connection()
        return {
            table: int(conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0])
            for table in ("organisations", "members", "contributions")
        }

    def stats(self) -> dict[str, object]:
        """Counts a coordinator (and `wellspring stats`) wants to see."""
        conn = self.connection()
        c = self.counts()

        def grouped(sql: str) -> dict[str, int]:
            return {str(r[0]): int(r[1]) for r in conn.execute(sql)}

        return {
            "members": c["members"],
            "organisations": c["organisations"],
            "countries": int(conn.execute(
                "SELECT COUNT(DISTINCT country) FROM members").fetchone()[0]),
            "levels": grouped("SELECT level, COUNT(*) FROM members GROUP BY level ORDER BY level"),
            "organisation_kinds": grouped(
                "SELECT kind, COUNT(*) FROM organisations GROUP BY kind ORDER BY kind"),
            "contributions": c["contributions"],
            "contribution_types": grouped(
                "SELECT type, COUNT(*) FROM contributions GROUP BY type ORDER BY type"),
            "languages": grouped("SELECT COALESCE(language, 'unknown'), COUNT(*) "
                                 "FROM contributions GROUP BY 1 ORDER BY 1"),
            "private_contributions": int(conn.execute(
                "SELECT COUNT(*) FROM contributions WHERE space <> 'public'").fetchone()[0]),
            "spaces": grouped("SELECT space, COUNT(*) FROM contributions GROUP BY space "
                              "ORDER BY space"),
            "stored_vectors": vector_counts(conn),  # by encoder fingerprint (vectors.py)
        }

    def has_organisation(self, org_id: str) -> bool:
        row = self.connection().execute("SELECT 1 FROM organisations WHERE id=?", (org_id,))
        return row.fetchone() is not None

    def existing_ids(self, table: str, ids: Iterable[str]) -> set[str]:
        """Which of these ids the table holds (table is one of the three record tables)."""
        assert table in ("organisations", "members", "contributions")
        conn = self.connection()
        found: set[str] = set()
        chunk: list[str] = []
        for record_id in ids:
            chunk.append(record_id)
            if len(chunk) == 500:
                found |= self._existing(conn, table, chunk)
                chunk = []
        if chunk:
            found |= self._existing(conn, table, chunk)
        return found

    @staticmethod
    def _existing(conn: sqlite3.Connection, table: str, ids: Sequence[str]) -> set[str]:
        marks = ",".join("?" * len(ids))
        rows = conn.execute(f"SELECT id FROM {table} WHERE id IN ({marks})", list(ids))
        return {r[0] for r in rows}

    def get_organisation(self, org_id: str) -> Organisation:
        row = self.connection().execute("SELECT data FROM organisations WHERE id=?", (org_id,))
        found = row.fetchone()
        if found is None:
            raise NotFound("organisation", org_id)
        return Organisation.model_validate_json(found[0])

    def organisations(self) -> list[Organisation]:
        rows = self.connection().execute("SELECT data FROM organisations ORDER BY id")
        return [Organisation.model_validate_json(r[0]) for r in rows]

    def get_member(self, member_id: str) -> Member:
        row = self.connection().execute("SELECT data FROM members WHERE id=?", (member_id,))
        found = row.fetchone()
        if found is None:
            raise NotFound("member", member_id)
        return Member.model_validate_json(found[0])

    def members(self) -> list[Member]:
        rows = self.connection().execute("SELECT data FROM members ORDER BY id")
        return [Member.model_validate_json(r[0]) for r in rows]

    def get_contribution(self, contribution_id: str) -> Contribution:
        found = self.get_contributions([contribution_id])
        if contribution_id not in found:
            raise NotFound("contribution", contribution_id)
        return found[contribution_id]

    def get_contributions(self, ids: Iterable[str]) -> dict[str, Contribution]:
        conn = self.connection()
        wanted = list(dict.fromkeys(ids))
        out: dict[str, Contribution] = {}
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            marks = ",".join("?" * len(chunk))
            rows = conn.execute(f"SELECT id, data FROM contributions WHERE id IN ({marks})", chunk)
            for r in rows:
                out[r[0]] = Contribution.model_validate_json(r[1])
        return out

    def iter_contributions(self, batch: int = 1000) -> Iterator[Contribution]:
        """Every contribution, streamed in id order (bounded memory)."""
        conn = self.connection()
        last = ""
        while True:
            rows = conn.execute(
                "SELECT id, data FROM contributions WHERE id > ? ORDER BY id LIMIT ?", (last, batch)
            ).fetchall()
            if not rows:
                return
            for r in rows:
                yield Contribution.model_validate_json(r[1])
            last = rows[-1][0]

    def get_members(self, ids: Iterable[str]) -> dict[str, Member]:
        conn = self.connection()
        wanted = list(dict.fromkeys(ids))
        out: dict[str, Member] = {}
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            marks = ",".join("?" * len(chunk))
            for r in conn.execute(f"SELECT id, data FROM members WHERE id IN ({marks})", chunk):
                out[r[0]] = Member.model_validate_json(r[1])
        return out

    def member_ids_of_organisation(self, org_id: str) -> list[str]:
        rows = self.connection().execute(
            "SELECT id FROM members WHERE organisation_id=?", (org_id,)
        )
        return [r[0] for r in rows]

    def contribution_meta(self, ids: Iterable[str] | None = None) -> list[ContributionMeta]:
        """Filter attributes of every contribution (or of these ids), authors in order."""
        conn = self.connection()
        if ids is None:
            return self._meta_rows(conn, "", [])
        wanted = list(dict.fromkeys(ids))
        out: list[ContributionMeta] = []
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            out.extend(self._meta_rows(conn, f"IN ({','.join('?' * len(chunk))})", chunk))
        return out

    @staticmethod
    def _meta_rows(conn: sqlite3.Connection, where_in: str, args: list[str]
                   ) -> list[ContributionMeta]:
        a_where = f"WHERE contribution_id {where_in}" if where_in else ""
        c_where = f"WHERE id {where_in}" if where_in else ""
        authors: dict[str, list[str]] = {}
        for cid, mid in conn.execute(
            f"SELECT contribution_id, member_id FROM contribution_authors {a_where} "
            "ORDER BY contribution_id, position", args
        ):
            authors.setdefault(cid, []).append(mid)
        return [
            ContributionMeta(
                id=r[0], type=r[1], date=r[2], language=r[3], space=r[4],
                authors=tuple(authors.get(r[0], ())), text_hash=r[5],
            )
            for r in conn.execute(
                f"SELECT id, type, date, language, space, text_hash FROM contributions {c_where} "
                "ORDER BY id", args
            )
        ]

    def member_hashes(self) -> dict[str, str]:
        rows = self.connection().execute("SELECT id, text_hash FROM members")
        return {r[0]: r[1] for r in rows}

    def contributions_of(self, member_id: str) -> list[str]:
        rows = self.connection().execute(
            "SELECT contribution_id FROM contribution_authors WHERE member_id=?", (member_id,)
        )
        return [r[0] for r in rows]

    def lexical_search(self, query: str, limit: int) -> list[tuple[str, float]]:
        """BM25 over titles, texts and profiles: (item key, score), best first."""
        return search_lexical(self.connection(), query, limit)

    # -- vocabulary (indexing/vocabulary.py) -------------------------------------------------
    def vocabulary_terms(self) -> list[tuple[str, str]]:
        """(kind, term) pairs the community added to the default vocabularies, oldest first."""
        rows = self.connection().execute("SELECT kind, term FROM vocabulary ORDER BY rowid")
        return [(str(r[0]), str(r[1])) for r in rows]

    def add_vocabulary_terms(self, terms: Sequence[tuple[str, str]]) -> None:
        """Add (kind, term) pairs in one transaction (existing ones are left as they are)."""
        with self.transaction() as conn:
            conn.executemany("INSERT OR IGNORE INTO vocabulary(kind, term) VALUES (?, ?)", terms)

    def topic_model(self) -> StoredTopics | None:
        """The knowledge map's stored topic model (topics.py), None before the first one."""
        return read_topics(self.connection())

    def save_topic_model(self, model: StoredTopics) -> None:
        """Replace the stored topic model, in one transaction."""
        with self.transaction() as conn:
            write_topics(conn, model)

    # -- vectors (vectors.py) -----------------------------------------------------------------
    def stored_vectors(self, fingerprint: str, text_hashes: Sequence[str]
                       ) -> dict[str, npt.NDArray[np.float32]]:
        """The stored vectors of these text hashes under this fingerprint, by hash."""
        return read_vectors(self.connection(), fingerprint, text_hashes)

    def save_vectors(self, fingerprint: str,
                     vectors: Sequence[tuple[str, npt.NDArray[np.float32]]]) -> None:
        """Store (text hash, vector) pairs, committed in one transaction of their own."""
        if not vectors:
            return
        with self.transaction() as conn:
            write_vectors(conn, fingerprint, vectors)

    def prune_vectors(self, keep: Mapping[str, Collection[str]]) -> int:
        """Delete the vectors no index uses (``keep``: text hashes in use, by fingerprint)."""
        with self.transaction() as conn:
            stale = stale_rows(conn, keep)
            delete_rows(conn, stale)
        return len(stale)

    def set_meta(self, key: str, value: object) -> None:
        with self.transaction() as conn:
            conn.execute(
                "INSERT INTO meta(key, value) VALUES (?, ?) "
                "ON CONFLICT(key) DO UPDATE SET value=excluded.value",
                (key, json.dumps(value)),
            )
