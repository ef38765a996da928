"""Reads of the store that are the same SQL on every backend (SQLite, PostgreSQL).

A backend supplies ``connection()`` (a DB-API connection taking ``?`` placeholders; PostgreSQL's
goes through ``pg_dialect.py``) and ``transaction()``; its lexical search and the order of
vocabulary terms are its own.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from indexing.errors import NotFound
from indexing.schema import Contribution, Member, Organisation
from indexing.store.changes import Change, changes_after, latest_sequence
from indexing.store.choices import MemberChoices, read_choices
from indexing.store.feedback import FeedbackStore
from indexing.store.records import ContributionMeta
from indexing.store.topics import StoredTopics, read_topics, write_topics
from indexing.store.vectors import (
    delete_rows,
    read_vectors,
    stale_rows,
    vector_counts,
    write_vectors,
)


class SqlReads:
    """Record reads, vocabulary, topic model and meta over ``self.connection()``."""

    def connection(self) -> Any:
        raise NotImplementedError

    def transaction(self) -> contextlib.AbstractContextManager[Any]:
        raise NotImplementedError

    _vocabulary_order = "rowid"  # insertion order (PostgreSQL: its own sequence column)

    # -- reads -------------------------------------------------------------------------------
    def counts(self) -> dict[str, int]:
        conn = self.connection()
        return {
            table: int(conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0])
            for table in ("organisations", "members", "contributions")
        }

    def stats(self, spaces: Collection[str] | None = None) -> dict[str, object]:
        """Counts a coordinator (and `wellspring stats`) wants to see. With ``spaces``, only
        what a caller holding them may see: contributions in those spaces, members not hidden
        (no count depends on anything else)."""
        conn = self.connection()
        where_c, where_m, args = "", "", list(spaces or ())
        if spaces is not None:
            where_c = f"WHERE space IN ({','.join('?' * len(args)) or 'NULL'})"
            where_m = "WHERE hidden = 0"

        def grouped(sql: str, params: Sequence[object] = ()) -> dict[str, int]:
            return {str(r[0]): int(r[1]) for r in conn.execute(sql, params)}

        def one(sql: str, params: Sequence[object] = ()) -> int:
            return int(conn.execute(sql, params).fetchone()[0])

        private = "AND" if where_c else "WHERE"
        return {
            "members": one(f"SELECT COUNT(*) FROM members {where_m}"),
            "organisations": one("SELECT COUNT(*) FROM organisations"),
            "countries": one(f"SELECT COUNT(DISTINCT country) FROM members {where_m}"),
            "levels": grouped(f"SELECT level, COUNT(*) FROM members {where_m} GROUP BY level "
                              "ORDER BY level"),
            "organisation_kinds": grouped(
                "SELECT kind, COUNT(*) FROM organisations GROUP BY kind ORDER BY kind"),
            "contributions": one(f"SELECT COUNT(*) FROM contributions {where_c}", args),
            "contribution_types": grouped(
                f"SELECT type, COUNT(*) FROM contributions {where_c} GROUP BY type ORDER BY type",
                args),
            "languages": grouped("SELECT COALESCE(language, 'unknown'), COUNT(*) "
                                 f"FROM contributions {where_c} GROUP BY 1 ORDER BY 1", args),
            "private_contributions": one(
                f"SELECT COUNT(*) FROM contributions {where_c} {private} space <> 'public'", args),
            "spaces": grouped(f"SELECT space, COUNT(*) FROM contributions {where_c} "
                              "GROUP BY space ORDER BY space", args),
            "stored_vectors": vector_counts(conn) if spaces is None else {},
        }

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
    def _existing(conn: Any, table: str, ids: Sequence[str]) -> set[str]:
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

    def member_choices(self, ids: Iterable[str] | None = None) -> dict[str, MemberChoices]:
        """What members said about themselves (these ids, or everyone who said anything)."""
        return read_choices(self.connection(), ids)

    def contribution_meta(self, ids: Iterable[str] | None = None) -> list[ContributionMeta]:
        """Filter attributes of every contribution (or of these ids), authors in order: the
        authors credited for matching (a member who switched it off is left out, issue #29)."""
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
    def _meta_rows(conn: Any, where_in: str, args: list[str]
                   ) -> list[ContributionMeta]:
        a_where = f"WHERE contribution_id {where_in}" if where_in else ""
        c_where = f"WHERE id {where_in}" if where_in else ""
        authors: dict[str, list[str]] = {}
        # the authors credited for matching: not those who keep it out of matching (#29)
        for cid, mid in conn.execute(
            f"SELECT contribution_id, member_id FROM contribution_authors a {a_where} "
            f"{'AND' if a_where else 'WHERE'} NOT EXISTS (SELECT 1 FROM matching_exclusions x "
            "WHERE x.member_id = a.member_id AND x.contribution_id = a.contribution_id) "
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

    # -- vocabulary (indexing/vocabulary.py) -------------------------------------------------
    def vocabulary_terms(self) -> list[tuple[str, str]]:
        """(kind, term) pairs the community added to the default vocabularies, oldest first."""
        order = self._vocabulary_order
        rows = self.connection().execute(f"SELECT kind, term FROM vocabulary ORDER BY {order}")
        return [(str(r[0]), str(r[1])) for r in rows]

    def add_vocabulary_terms(self, terms: Sequence[tuple[str, str]]) -> None:
        """Add (kind, term) pairs in one transaction (existing ones are left as they are)."""
        with self.transaction() as conn:
            conn.executemany("INSERT INTO vocabulary(kind, term) VALUES (?, ?) "
                             "ON CONFLICT(kind, term) DO NOTHING", terms)

    def topic_model(self) -> StoredTopics | None:
        """The knowledge map's stored topic model (topics.py), None before the first one."""
        return read_topics(self.connection())

    def save_topic_model(self, model: StoredTopics) -> None:
        """Replace the stored topic model, in one transaction."""
        with self.transaction() as conn:
            write_topics(conn, model)

    def set_meta(self, key: str, value: object) -> None:
        with self.transaction() as conn:
            conn.execute(
                "INSERT INTO meta(key, value) VALUES (?, ?) "
                "ON CONFLICT(key) DO UPDATE SET value=excluded.value",
                (key, json.dumps(value)),
            )

    def feedback(self) -> FeedbackStore:
        """Suggestions, feedback, exposure and ranking models in this database (feedback.py)."""
        return FeedbackStore(self)

    # -- vectors kept in the store (vectors.py) -----------------------------------------------
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

    # -- the change feed (changes.py) ---------------------------------------------------------
    def change_sequence(self) -> int:
        """The sequence of the newest committed record change (0 for none)."""
        return latest_sequence(self.connection())

    def changes_since(self, seq: int, limit: int = 10_000) -> list[Change]:
        """Committed record changes after ``seq``, oldest first."""
        return changes_after(self.connection(), seq, limit)
