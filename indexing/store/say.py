"""Members' own say (issue #29): their choices, contributions they keep out of matching, and
their corrections of the topics Wellspring infers for them; their export and erasure.

Each write commits in one transaction with a change-feed row for the member (and for a
contribution whose matching changed), so every replica's catalog re-reads them
(``indexing/feed.py``) and every answer obeys them. What the ranking reads is exposed through
the store's ``member_choices`` (the catalog) and ``contribution_meta``, whose authors are the
authors *credited for matching*: a member who switched a contribution off is not among them.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Mapping, Sequence
from typing import Any

from indexing.store.changes import record_change
from indexing.store.choices import (
    CHOICE_FIELDS,
    MemberChoices,
    TopicCorrection,
    TopicStatus,
    correction_of,
    now,
    read_choices,
)
from indexing.store.protocol import SqlStore
from indexing.store.suggestions import evidence_of

# rows about a member that erasure removes (suggestion_members' suggestions stay: other members)
_PERSONAL_TABLES = ("member_choices", "matching_exclusions", "topic_corrections",
                    "suggestion_members", "feedback", "exposure", "sessions", "sign_in_links",
                    "project_people", "project_history")


class SayStore:
    """Members' choices, matching switches and topic corrections over a store's database."""

    def __init__(self, store: SqlStore) -> None:
        self.store = store

    # -- reads ------------------------------------------------------------------------------
    def choices(self, member_id: str) -> MemberChoices:
        return read_choices(self.store.connection(), [member_id]).get(member_id,
                                                                     MemberChoices())

    def excluded(self, member_id: str) -> set[str]:
        """The contributions this member keeps out of matching."""
        rows = self.store.connection().execute(
            "SELECT contribution_id FROM matching_exclusions WHERE member_id=?", (member_id,))
        return {str(r[0]) for r in rows}

    def corrections(self, member_id: str) -> list[TopicCorrection]:
        rows = self.store.connection().execute(
            "SELECT correction_id, member_id, topic_id, label, status, centroid, at "
            "FROM topic_corrections WHERE member_id=? ORDER BY at, correction_id", (member_id,))
        return [correction_of(r) for r in rows]

    def exposure_since(self, member_id: str, since: str
                       ) -> tuple[dict[str, int], int, int, list[str]]:
        """Since this ISO time: answers naming the member by kind, times shown, times marked
        contacted, and the contribution each answer showed first for them (where it did)."""
        conn = self.store.connection()
        shown_first = [c for (text,) in conn.execute(
            "SELECT m.features FROM suggestion_members m JOIN suggestions s "
            "ON s.suggestion_id = m.suggestion_id WHERE m.member_id=? AND s.created_at>=?",
            (member_id, since)) if (c := evidence_of(str(text))) is not None]
        by_kind = {str(r[0]): int(r[1]) for r in conn.execute(
            "SELECT s.kind, COUNT(*) FROM suggestion_members m JOIN suggestions s "
            "ON s.suggestion_id = m.suggestion_id WHERE m.member_id=? AND s.created_at>=? "
            "GROUP BY s.kind", (member_id, since))}
        shown = conn.execute("SELECT COUNT(*) FROM exposure WHERE member_id=? AND at>=?",
                             (member_id, since)).fetchone()[0]
        contacted = conn.execute("SELECT COUNT(*) FROM feedback WHERE member_id=? AND at>=? "
                                 "AND outcome='contacted'", (member_id, since)).fetchone()[0]
        return by_kind, int(shown), int(contacted), shown_first

    # -- writes (each with the member's change-feed row) -------------------------------------
    def set_choices(self, member_id: str, changes: Mapping[str, object]) -> MemberChoices:
        """Store the given choices (keys of ``CHOICE_FIELDS``; a None value clears one)."""
        current = self.choices(member_id).as_dict()
        current.update({k: v for k, v in changes.items() if k in CHOICE_FIELDS})
        languages = current["languages"]
        open_to = current["open_to_invitations"]
        with self.store.transaction() as conn:
            conn.execute(
                "INSERT INTO member_choices(member_id, consent, open_to_invitations, busy_until, "
                "languages, max_invitations_per_month, updated_at) VALUES (?,?,?,?,?,?,?) "
                "ON CONFLICT(member_id) DO UPDATE SET consent=excluded.consent, "
                "open_to_invitations=excluded.open_to_invitations, "
                "busy_until=excluded.busy_until, languages=excluded.languages, "
                "max_invitations_per_month=excluded.max_invitations_per_month, "
                "updated_at=excluded.updated_at",
                (member_id, current["consent"], None if open_to is None else int(bool(open_to)),
                 current["busy_until"],
                 None if languages is None else json.dumps(list(languages)),  # type: ignore[call-overload]
                 current["max_invitations_per_month"], now()))
            record_change(conn, "member", member_id, "upsert")
        return self.choices(member_id)

    def set_matching(self, member_id: str, contribution_id: str, used: bool) -> bool:
        """Count this contribution for the member again (``used``) or keep it out of matching;
        whether anything changed."""
        with self.store.transaction() as conn:
            if used:
                cursor = conn.execute("DELETE FROM matching_exclusions WHERE member_id=? AND "
                                      "contribution_id=?", (member_id, contribution_id))
            else:
                cursor = conn.execute(
                    "INSERT INTO matching_exclusions(member_id, contribution_id, at) "
                    "VALUES (?,?,?) ON CONFLICT(member_id, contribution_id) DO NOTHING",
                    (member_id, contribution_id, now()))
            changed = bool(cursor.rowcount)
            if changed:
                record_change(conn, "contribution", contribution_id, "upsert")
                record_change(conn, "member", member_id, "upsert")
        return changed

    def mark_topic(self, member_id: str, topic_id: str, label: str, status: TopicStatus,
                   centroid: Sequence[float] | None) -> TopicCorrection:
        """Confirm or reject a map topic (one word per member and topic id: the last holds)."""
        correction_id = f"{member_id}|{topic_id}"
        with self.store.transaction() as conn:
            conn.execute(
                "INSERT INTO topic_corrections(correction_id, member_id, topic_id, label, "
                "status, centroid, at) VALUES (?,?,?,?,?,?,?) ON CONFLICT(correction_id) DO "
                "UPDATE SET label=excluded.label, status=excluded.status, "
                "centroid=excluded.centroid, at=excluded.at",
                (correction_id, member_id, topic_id, label, status,
                 None if centroid is None else json.dumps([round(float(x), 6) for x in centroid]),
                 now()))
            record_change(conn, "member", member_id, "upsert")
        return next(c for c in self.corrections(member_id) if c.correction_id == correction_id)

    def add_topic(self, member_id: str, label: str) -> TopicCorrection:
        """A topic in the member's own words, pending until their work supports it."""
        correction_id = f"{member_id}|own-{secrets.token_hex(4)}"
        with self.store.transaction() as conn:
            conn.execute(
                "INSERT INTO topic_corrections(correction_id, member_id, topic_id, label, "
                "status, centroid, at) VALUES (?,?,NULL,?,'pending',NULL,?)",
                (correction_id, member_id, label, now()))
        return next(c for c in self.corrections(member_id) if c.correction_id == correction_id)

    def set_own_status(self, correction_id: str, status: TopicStatus) -> None:
        with self.store.transaction() as conn:
            conn.execute("UPDATE topic_corrections SET status=? WHERE correction_id=?",
                         (status, correction_id))

    # -- export and erasure ------------------------------------------------------------------
    def rows_about(self, member_id: str) -> dict[str, list[dict[str, object]]]:
        """Every personal row about this member outside the records: choices, exclusions,
        corrections, suggestions naming them, feedback, exposure, sessions, sign-in links,
        member keys and audit lines naming them."""
        conn = self.store.connection()
        queries = {
            "choices": "SELECT * FROM member_choices WHERE member_id=?",
            "matching_exclusions": "SELECT * FROM matching_exclusions WHERE member_id=?",
            "topic_corrections": "SELECT correction_id, topic_id, label, status, at "
                                 "FROM topic_corrections WHERE member_id=?",
            "suggestions": "SELECT s.suggestion_id, s.kind, s.project_id, s.created_at, "
                           "m.position FROM suggestion_members m JOIN suggestions s "
                           "ON s.suggestion_id = m.suggestion_id WHERE m.member_id=?",
            "feedback": "SELECT feedback_id, at, suggestion_id, project_id, outcome "
                        "FROM feedback WHERE member_id=?",
            "exposure": "SELECT exposure_id, at, suggestion_id, kind FROM exposure "
                        "WHERE member_id=?",
            "project_statuses": "SELECT project_id, status, note, role, updated_at "
                                "FROM project_people WHERE member_id=?",
            "project_history": "SELECT project_id, status, note, at FROM project_history "
                               "WHERE member_id=?",
            "sessions": "SELECT subject, name, role, via, created_at, expires_at FROM sessions "
                        "WHERE member_id=?",
            "sign_in_links": "SELECT issued_by, created_at, expires_at, used_at "
                             "FROM sign_in_links WHERE member_id=?",
            "member_keys": "SELECT key_id FROM member_keys WHERE member_id=?",
        }
        out: dict[str, list[dict[str, object]]] = {}
        for name, sql in queries.items():
            out[name] = [{k: r[k] for k in r.keys()}  # noqa: SIM118 (rows of both backends)
                         for r in conn.execute(sql, (member_id,)).fetchall()]
        out["audit"] = [{"seq": r[0], "at": r[1], "key_id": r[2], "action": r[3],
                         "kind": r[4], "ids": json.loads(r[5]), "detail": json.loads(r[6])}
                        for r in _audit_naming(conn, member_id)]
        return out

    def erase_rows(self, conn: Any, member_id: str) -> dict[str, int]:
        """Inside the caller's transaction: delete every personal row about this member; audit
        lines naming them keep that something happened, not to whom. Returns counts."""
        subjects = {f"link:{member_id}"} | {str(r[0]) for r in conn.execute(
            "SELECT subject FROM sessions WHERE member_id=?", (member_id,))}
        counts: dict[str, int] = {}
        for table in _PERSONAL_TABLES:
            counts[table] = conn.execute(f"DELETE FROM {table} WHERE member_id=?",
                                         (member_id,)).rowcount
        keys = [str(r[0]) for r in conn.execute(
            "SELECT key_id FROM member_keys WHERE member_id=?", (member_id,))]
        for key_id in keys:
            conn.execute("UPDATE api_keys SET revoked_at=COALESCE(revoked_at, ?), name=? "
                         "WHERE key_id=?", (now(), "(erased)", key_id))
        counts["member_keys"] = conn.execute("DELETE FROM member_keys WHERE member_id=?",
                                             (member_id,)).rowcount
        naming = [int(r[0]) for r in _audit_naming(conn, member_id)]
        for seq in naming:
            conn.execute("UPDATE audit_log SET ids=?, detail=? WHERE seq=?",
                         (json.dumps(["(erased)"]), json.dumps({}), seq))
        for subject in sorted(subjects):  # sign-in lines are keyed by the person's subject
            naming.extend(int(r[0]) for r in conn.execute(
                "SELECT seq FROM audit_log WHERE key_id=?", (subject,)))
            conn.execute("UPDATE audit_log SET key_id=? WHERE key_id=?", ("(erased)", subject))
        counts["audit"] = len(set(naming))
        return counts


def _audit_naming(conn: Any, member_id: str) -> list[Sequence[Any]]:
    """Audit lines whose ids name this member (LIKE narrows, the JSON decides: ``_`` and
    ``%`` in an id are wildcards to LIKE)."""
    rows = conn.execute("SELECT seq, at, key_id, action, kind, ids, detail FROM audit_log "
                        "WHERE ids LIKE ?", (f"%{member_id}%",)).fetchall()
    return [r for r in rows if member_id in json.loads(r[5])]
