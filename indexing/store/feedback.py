"""Suggestions, coordinators' feedback on them, exposure and the learned ranking model, in the
same store as the records (issue #20).

* A **suggestion** is what one answer suggested: its id, kind (``experts``, ``team``,
  ``invitations``), a hash of the need (never its text), the caller's project id, the member ids
  in order and, per member, the ranking features it was ranked with (``matcher/reranker.py``).
  Its id is derived from that content, so the same answer to the same request has the same id
  (answers stay deterministic) and is stored once.
* **Feedback** names a suggestion (or only a project), a member and an outcome. With a
  suggestion, the member must be one it suggested; with only a project, the member must exist.
* **Exposure**: one row per member of a suggestion marked as shown to a person.
* The **ranking model** (fitted by ``wellspring learn``) is JSON in the store, so every
  replica over one store serves the same model.

Deleting a member deletes their feedback, exposure and suggestion rows in the same transaction
(``forget_member``, called by the store's ``delete_member``). The tables are created by
migration 4 (``migrations.py``).
"""

from __future__ import annotations

import json
import secrets
import sqlite3
import time
from collections.abc import Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Literal, Protocol

from indexing.errors import WellspringError
from indexing.store.suggestions import (
    PendingSuggestion,
    StoredSuggestion,
    SuggestedMember,
    SuggestionKind,
    features_json,
    now_iso,
    parse_features,
)

Outcome = Literal["contacted", "accepted", "declined_not_my_field", "declined_busy",
                  "not_relevant"]
OUTCOMES: tuple[Outcome, ...] = ("contacted", "accepted", "declined_not_my_field",
                                 "declined_busy", "not_relevant")
# outcomes after which a member is not suggested again for the same project
DECLINES: tuple[Outcome, ...] = ("declined_not_my_field", "declined_busy", "not_relevant")
POSITIVE: tuple[Outcome, ...] = ("contacted", "accepted")
NEGATIVE: tuple[Outcome, ...] = ("declined_not_my_field", "not_relevant")

FEEDBACK_DDL = """
CREATE TABLE IF NOT EXISTS suggestions(
    suggestion_id TEXT PRIMARY KEY, kind TEXT NOT NULL, need_hash TEXT NOT NULL,
    project_id TEXT, created_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS suggestion_members(
    suggestion_id TEXT NOT NULL REFERENCES suggestions(suggestion_id) ON DELETE CASCADE,
    member_id TEXT NOT NULL, position INTEGER NOT NULL, features TEXT NOT NULL,
    PRIMARY KEY(suggestion_id, member_id));
CREATE INDEX IF NOT EXISTS suggestion_members_member ON suggestion_members(member_id);
CREATE TABLE IF NOT EXISTS feedback(
    feedback_id TEXT PRIMARY KEY, at TEXT NOT NULL, key_id TEXT NOT NULL,
    suggestion_id TEXT, project_id TEXT, member_id TEXT NOT NULL, outcome TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS feedback_member ON feedback(member_id);
CREATE INDEX IF NOT EXISTS feedback_project ON feedback(project_id);
CREATE TABLE IF NOT EXISTS exposure(
    exposure_id TEXT PRIMARY KEY, at TEXT NOT NULL, member_id TEXT NOT NULL,
    suggestion_id TEXT NOT NULL, kind TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS exposure_at ON exposure(at);
CREATE INDEX IF NOT EXISTS exposure_member ON exposure(member_id);
CREATE TABLE IF NOT EXISTS ranking_models(
    name TEXT PRIMARY KEY, version TEXT NOT NULL, created_at TEXT NOT NULL, data TEXT NOT NULL);
"""


class InvalidFeedback(WellspringError):
    """Feedback that cannot be stored as given; ``field`` names the culprit."""

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        super().__init__(f"{field}: {message}")


class FeedbackBackend(Protocol):
    """What this module needs of a store: connections and write transactions."""

    def connection(self) -> sqlite3.Connection: ...

    def transaction(self) -> AbstractContextManager[sqlite3.Connection]: ...


@dataclass(frozen=True)
class FeedbackEntry:
    feedback_id: str
    at: str
    key_id: str
    suggestion_id: str | None
    project_id: str | None
    member_id: str
    outcome: str


@dataclass(frozen=True)
class StoredModel:
    name: str
    version: str
    created_at: str
    data: dict[str, object]


def feedback_id() -> str:
    """A new feedback id that sorts in the order feedback was given: ``at`` counts seconds, so
    outcomes given within one second (a decline right after a contact) are ordered by their
    ids ("the latest outcome" in learning and in migration 10), never by chance."""
    return f"f-{time.time_ns():016x}{secrets.token_hex(3)}"


def forget_member(conn: sqlite3.Connection, member_id: str) -> None:
    """Delete a member's feedback, exposure and suggestion rows (inside the caller's
    transaction: the store's delete_member)."""
    for table in ("feedback", "exposure", "suggestion_members"):
        conn.execute(f"DELETE FROM {table} WHERE member_id=?", (member_id,))


class FeedbackStore:
    """Suggestions, feedback, exposure and ranking models over a store's database."""

    def __init__(self, store: FeedbackBackend) -> None:
        self.store = store

    # -- suggestions -------------------------------------------------------------------------
    def record_suggestion(self, kind: SuggestionKind, need: str, project_id: str | None,
                          members: Sequence[SuggestedMember], shown: bool = False) -> str:
        """Store a suggestion (once: an identical one is already there) and return its id."""
        pending = PendingSuggestion.of(kind, need, project_id, members, shown)
        self.record_suggestions([pending])
        return pending.suggestion_id

    def record_suggestions(self, pending: Sequence[PendingSuggestion]) -> None:
        """Store answers' suggestions (and the exposure of those shown) in one transaction: one
        commit for many answers (``suggestion_log.py``). A suggestion already stored is not
        written again; a member deleted since the answer is left out of it."""
        conn = self.store.connection()
        todo = [p for p in pending if p.shown or conn.execute(
            "SELECT 1 FROM suggestions WHERE suggestion_id=?", (p.suggestion_id,)
        ).fetchone() is None]  # reads, no write lock: repeated requests cost no write
        if not todo:
            return
        exists = "WHERE EXISTS (SELECT 1 FROM members WHERE id=?)"
        with self.store.transaction() as tx:
            for p in todo:
                tx.execute("INSERT INTO suggestions(suggestion_id, kind, need_hash, project_id, "
                           "created_at) VALUES (?,?,?,?,?) ON CONFLICT(suggestion_id) DO NOTHING",
                           (p.suggestion_id, p.kind, p.need_hash, p.project_id, p.at))
                tx.executemany(
                    "INSERT INTO suggestion_members(suggestion_id, member_id, position, "
                    f"features) SELECT ?,?,?,? {exists} "
                    "ON CONFLICT(suggestion_id, member_id) DO NOTHING",
                    [(p.suggestion_id, m.member_id, i, features_json(m), m.member_id)
                     for i, m in enumerate(p.members)])
                if p.shown:
                    tx.executemany(
                        "INSERT INTO exposure(exposure_id, at, member_id, suggestion_id, kind) "
                        f"SELECT ?,?,?,?,? {exists}",
                        [("x-" + secrets.token_hex(8), p.at, m.member_id, p.suggestion_id,
                          p.kind, m.member_id) for m in p.members])

    def prune(self, suggestions_before: str, exposure_before: str) -> tuple[int, int]:
        """Delete suggestions created before ``suggestions_before`` that no feedback names
        (with their members), and exposure rows before ``exposure_before``: what anyone's
        answers stored is kept for a bounded time. Returns (suggestions, exposure rows)."""
        old = ("SELECT suggestion_id FROM suggestions WHERE created_at < ? AND suggestion_id "
               "NOT IN (SELECT suggestion_id FROM feedback WHERE suggestion_id IS NOT NULL)")
        with self.store.transaction() as tx:
            tx.execute(f"DELETE FROM suggestion_members WHERE suggestion_id IN ({old})",
                       (suggestions_before,))
            gone = tx.execute(f"DELETE FROM suggestions WHERE suggestion_id IN ({old})",
                              (suggestions_before,)).rowcount
            shows = tx.execute("DELETE FROM exposure WHERE at < ?", (exposure_before,)).rowcount
        return int(gone), int(shows)

    def suggestion(self, suggestion_id: str) -> StoredSuggestion | None:
        conn = self.store.connection()
        row = conn.execute("SELECT * FROM suggestions WHERE suggestion_id=?",
                           (suggestion_id,)).fetchone()
        if row is None:
            return None
        members = tuple(SuggestedMember(r["member_id"], *parse_features(r["features"]))
                        for r in conn.execute(
                            "SELECT member_id, features FROM suggestion_members "
                            "WHERE suggestion_id=? ORDER BY position", (suggestion_id,)))
        return StoredSuggestion(row["suggestion_id"], row["kind"], row["need_hash"],
                                row["project_id"], row["created_at"], members)

    # -- feedback ----------------------------------------------------------------------------
    def add_feedback(self, key_id: str, member_id: str, outcome: str,
                     suggestion_id: str | None = None, project_id: str | None = None
                     ) -> FeedbackEntry:
        """Validate and store one outcome; InvalidFeedback names the bad field.

        With a suggestion: it must exist, the member must be one it suggested, and a project id
        given with it must be the suggestion's (the suggestion's project is kept otherwise).
        Without one: a project id is required and the member must exist in the store.
        """
        if outcome not in OUTCOMES:
            raise InvalidFeedback("outcome", f"'{outcome}' is not one of {', '.join(OUTCOMES)}")
        conn = self.store.connection()
        if suggestion_id:
            found = self.suggestion(suggestion_id)
            if found is None:
                raise InvalidFeedback("suggestion_id", f"unknown suggestion '{suggestion_id}'")
            if member_id not in found.member_ids:
                raise InvalidFeedback("member_id", f"member '{member_id}' is not in suggestion "
                                                   f"'{suggestion_id}'")
            if project_id and found.project_id and project_id != found.project_id:
                raise InvalidFeedback("project_id", f"suggestion '{suggestion_id}' was made for "
                                                    f"project '{found.project_id}'")
            project_id = project_id or found.project_id
        else:
            if not project_id:
                raise InvalidFeedback("suggestion_id", "name a suggestion_id or a project_id")
            if conn.execute("SELECT 1 FROM members WHERE id=?", (member_id,)).fetchone() is None:
                raise InvalidFeedback("member_id", f"unknown member '{member_id}'")
        entry = FeedbackEntry(feedback_id(), now_iso(), key_id,
                              suggestion_id or None, project_id or None, member_id, outcome)
        with self.store.transaction() as tx:
            tx.execute("INSERT INTO feedback(feedback_id, at, key_id, suggestion_id, project_id, "
                       "member_id, outcome) VALUES (?,?,?,?,?,?,?)",
                       (entry.feedback_id, entry.at, entry.key_id, entry.suggestion_id,
                        entry.project_id, entry.member_id, entry.outcome))
        return entry

    def feedback_entries(self, limit: int = 100, offset: int = 0, member_id: str | None = None,
                         project_id: str | None = None) -> tuple[int, list[FeedbackEntry]]:
        """(total, page) of feedback, newest first."""
        where, args = [], []
        for column, value in (("member_id", member_id), ("project_id", project_id)):
            if value:
                where.append(f"{column}=?")
                args.append(value)
        clause = f"WHERE {' AND '.join(where)}" if where else ""
        conn = self.store.connection()
        total = int(conn.execute(f"SELECT COUNT(*) FROM feedback {clause}", args).fetchone()[0])
        rows = conn.execute(f"SELECT * FROM feedback {clause} ORDER BY at DESC, feedback_id "
                            "LIMIT ? OFFSET ?", [*args, limit, offset])
        return total, [FeedbackEntry(r["feedback_id"], r["at"], r["key_id"], r["suggestion_id"],
                                     r["project_id"], r["member_id"], r["outcome"]) for r in rows]

    def declined_for_project(self, project_id: str) -> frozenset[str]:
        """Members declined or judged not relevant for this project."""
        marks = ",".join("?" * len(DECLINES))
        rows = self.store.connection().execute(
            f"SELECT DISTINCT member_id FROM feedback WHERE project_id=? AND outcome IN ({marks})",
            (project_id, *DECLINES))
        return frozenset(r[0] for r in rows)

    def busy_since(self, since: str) -> frozenset[str]:
        """Members who declined as busy at or after this ISO time (their cool-down)."""
        rows = self.store.connection().execute(
            "SELECT DISTINCT member_id FROM feedback WHERE outcome='declined_busy' AND at>=?",
            (since,))
        return frozenset(r[0] for r in rows)

    def contacted_counts(self, since: str) -> dict[str, int]:
        """member id -> times a coordinator marked them contacted at or after this ISO time
        (what a member's invitations per month count, issue #29)."""
        rows = self.store.connection().execute(
            "SELECT member_id, COUNT(*) FROM feedback WHERE outcome='contacted' AND at>=? "
            "GROUP BY member_id", (since,))
        return {r[0]: int(r[1]) for r in rows}

    def outcome_counts(self, member_ids: Sequence[str] | None = None
                       ) -> dict[str, tuple[int, int]]:
        """member id -> (positive, negative) outcomes so far (busy declines count as neither)."""
        sql = "SELECT member_id, outcome, COUNT(*) FROM feedback"
        args: list[str] = []
        if member_ids is not None:
            if not member_ids:
                return {}
            sql += f" WHERE member_id IN ({','.join('?' * len(member_ids))})"
            args = list(member_ids)
        out: dict[str, list[int]] = {}
        for mid, outcome, n in self.store.connection().execute(sql + " GROUP BY member_id, "
                                                               "outcome", args):
            counts = out.setdefault(mid, [0, 0])
            if outcome in POSITIVE:
                counts[0] += int(n)
            elif outcome in NEGATIVE:
                counts[1] += int(n)
        return {m: (c[0], c[1]) for m, c in out.items()}

    def training_rows(self, scale: str | None = None) -> list[tuple[tuple[float, ...], str]]:
        """(features, outcome) of every outcome given on a member of a suggestion that kept
        features (the latest outcome per suggestion and member); with ``scale``, only the rows
        recorded on that scale."""
        return [(f, o) for f, o, _ in self.training_rows_by_kind(scale)]

    def training_rows_by_kind(self, scale: str | None = None
                              ) -> list[tuple[tuple[float, ...], str, str]]:
        """``training_rows`` with each row's suggestion kind (experts, team, invitations)."""
        rows = self.store.connection().execute(
            "SELECT sm.features, f.outcome, f.suggestion_id, f.member_id, s.kind "
            "FROM feedback f JOIN suggestion_members sm ON sm.suggestion_id=f.suggestion_id "
            "AND sm.member_id=f.member_id JOIN suggestions s ON s.suggestion_id=f.suggestion_id "
            "ORDER BY f.at, f.feedback_id")
        latest: dict[tuple[str, str], tuple[tuple[float, ...], str, str]] = {}
        for r in rows:
            features, row_scale = parse_features(r[0])
            if features and (scale is None or row_scale == scale):
                latest[(r[2], r[3])] = (features, str(r[1]), str(r[4]))
        return list(latest.values())

    def count_outcomes(self) -> int:
        return int(self.store.connection().execute("SELECT COUNT(*) FROM feedback").fetchone()[0])

    # -- exposure ----------------------------------------------------------------------------
    def mark_shown(self, suggestion_id: str, kind: str, member_ids: Sequence[str]) -> None:
        """One exposure per member of a suggestion shown to a person."""
        at = now_iso()
        with self.store.transaction() as tx:
            tx.executemany("INSERT INTO exposure(exposure_id, at, member_id, suggestion_id, kind) "
                           "VALUES (?,?,?,?,?)",
                           [("x-" + secrets.token_hex(8), at, m, suggestion_id, kind)
                            for m in member_ids])

    def suggested_counts(self, since: str) -> dict[str, int]:
        """member id -> suggestions recorded at or after this ISO time that named them."""
        rows = self.store.connection().execute(
            "SELECT sm.member_id, COUNT(*) FROM suggestion_members sm JOIN suggestions s "
            "ON s.suggestion_id=sm.suggestion_id WHERE s.created_at>=? GROUP BY sm.member_id",
            (since,))
        return {r[0]: int(r[1]) for r in rows}

    def exposure_counts(self, since: str) -> dict[str, int]:
        """member id -> times shown at or after this ISO time."""
        rows = self.store.connection().execute(
            "SELECT member_id, COUNT(*) FROM exposure WHERE at>=? GROUP BY member_id", (since,))
        return {r[0]: int(r[1]) for r in rows}

    def clear_exposure(self) -> int:
        """Forget every exposure row (benchmarks compare settings from a clean slate)."""
        with self.store.transaction() as tx:
            return int(tx.execute("DELETE FROM exposure").rowcount)

    # -- the ranking model -------------------------------------------------------------------
    def save_model(self, name: str, data: dict[str, object]) -> StoredModel:
        model = StoredModel(name, secrets.token_hex(6), now_iso(), data)
        with self.store.transaction() as tx:
            tx.execute("INSERT INTO ranking_models(name, version, created_at, data) "
                       "VALUES (?,?,?,?) ON CONFLICT(name) DO UPDATE SET "
                       "version=excluded.version, created_at=excluded.created_at, "
                       "data=excluded.data",
                       (name, model.version, model.created_at, json.dumps(data)))
        return model

    def model_version(self, name: str) -> str | None:
        row = self.store.connection().execute(
            "SELECT version FROM ranking_models WHERE name=?", (name,)).fetchone()
        return None if row is None else str(row[0])

    def model(self, name: str) -> StoredModel | None:
        row = self.store.connection().execute(
            "SELECT * FROM ranking_models WHERE name=?", (name,)).fetchone()
        if row is None:
            return None
        return StoredModel(row["name"], row["version"], row["created_at"], json.loads(row["data"]))

