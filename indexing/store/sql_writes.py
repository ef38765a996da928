"""The store's writes, the same SQL on every backend: upserts and deletes inside a caller's
transaction, and the one-transaction ``write_records`` that ingest and the service use. The
backend writes the lexical rows (``_set_lexical``, ``_delete_lexical``)."""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from typing import Any

from indexing.encoders.language import detect_language_code
from indexing.errors import Conflict, NotFound, SpaceDenied
from indexing.schema import Contribution, Member, Organisation
from indexing.store.changes import Kind, Op, record_change
from indexing.store.feedback import forget_member
from indexing.store.records import SpaceGuard, WriteResult, text_hash


class SqlWrites:
    """Mixed into a store, which provides ``transaction`` and its lexical rows."""

    def transaction(self) -> contextlib.AbstractContextManager[Any]:
        raise NotImplementedError

    def _set_lexical(self, conn: Any, table: str, record_id: str, body: str) -> None:
        raise NotImplementedError

    def _delete_lexical(self, conn: Any, table: str, record_id: str) -> None:
        raise NotImplementedError

    def _record_change(self, conn: Any, kind: Kind, record_id: str, op: Op) -> None:
        """One row of the change feed, in the write's transaction (``changes.py``)."""
        record_change(conn, kind, record_id, op)

    # -- writes (all inside a caller's transaction) ------------------------------------------
    def upsert_organisation(self, conn: Any, org: Organisation) -> str:
        """Insert or update; returns 'inserted', 'updated' or 'unchanged'."""
        data = org.model_dump_json()
        old = conn.execute("SELECT data FROM organisations WHERE id=?", (org.id,)).fetchone()
        if old is not None and old[0] == data:
            return "unchanged"
        conn.execute(
            "INSERT INTO organisations(id, kind, country, data) VALUES (?,?,?,?) "
            "ON CONFLICT(id) DO UPDATE SET kind=excluded.kind, country=excluded.country, "
            "data=excluded.data",
            (org.id, org.kind, org.country, data),
        )
        self._record_change(conn, "organisation", org.id, "upsert")
        return "inserted" if old is None else "updated"

    def upsert_member(self, conn: Any, member: Member) -> str:
        data = member.model_dump_json()
        old = conn.execute("SELECT data FROM members WHERE id=?", (member.id,)).fetchone()
        if old is not None and old[0] == data:
            return "unchanged"
        profile = member.profile_text()
        conn.execute(
            "INSERT INTO members(id, organisation_id, country, level, hidden, open_to_invitations,"
            " data, text_hash) VALUES (?,?,?,?,?,?,?,?) ON CONFLICT(id) DO UPDATE SET "
            "organisation_id=excluded.organisation_id, country=excluded.country, "
            "level=excluded.level, hidden=excluded.hidden, "
            "open_to_invitations=excluded.open_to_invitations, data=excluded.data, "
            "text_hash=excluded.text_hash",
            (
                member.id, member.organisation_id, member.country, member.level.value,
                int(member.hidden), int(member.open_to_invitations), data, text_hash(profile),
            ),
        )
        self._set_lexical(conn, "members", member.id, profile)
        self._record_change(conn, "member", member.id, "upsert")
        return "inserted" if old is None else "updated"

    def upsert_contribution(self, conn: Any, contribution: Contribution) -> str:
        data = contribution.model_dump_json()
        old = conn.execute(
            "SELECT data FROM contributions WHERE id=?", (contribution.id,)
        ).fetchone()
        if old is not None and old[0] == data:
            return "unchanged"
        body = contribution.index_text()
        conn.execute(
            "INSERT INTO contributions(id, type, date, language, space, data, text_hash) "
            "VALUES (?,?,?,?,?,?,?) ON CONFLICT(id) DO UPDATE SET type=excluded.type, "
            "date=excluded.date, language=excluded.language, space=excluded.space, "
            "data=excluded.data, text_hash=excluded.text_hash",
            (
                contribution.id, contribution.type, contribution.date.isoformat(),
                # the language field wins; otherwise the detected one (None when unclear)
                contribution.language or detect_language_code(body), contribution.space, data,
                text_hash(body),
            ),
        )
        conn.execute("DELETE FROM contribution_authors WHERE contribution_id=?", (contribution.id,))
        conn.executemany(
            "INSERT INTO contribution_authors(contribution_id, member_id, position) VALUES (?,?,?)",
            [(contribution.id, a, i) for i, a in enumerate(contribution.authors)],
        )
        self._set_lexical(conn, "contributions", contribution.id, body)
        self._record_change(conn, "contribution", contribution.id, "upsert")
        return "inserted" if old is None else "updated"

    def delete_organisation(self, conn: Any, org_id: str) -> None:
        if conn.execute("SELECT 1 FROM organisations WHERE id=?", (org_id,)).fetchone() is None:
            raise NotFound("organisation", org_id)
        used = conn.execute(
            "SELECT COUNT(*) FROM members WHERE organisation_id=?", (org_id,)
        ).fetchone()[0]
        if used:
            raise Conflict(
                f"organisation '{org_id}' still has {used} member(s); move or delete them first"
            )
        conn.execute("DELETE FROM organisations WHERE id=?", (org_id,))
        self._record_change(conn, "organisation", org_id, "delete")

    def delete_member(self, conn: Any, member_id: str,
                      may_change: SpaceGuard | None = None) -> list[str]:
        """Delete a member and their authorships; returns contributions deleted with them.

        A contribution left without any author is deleted too; co-authored ones stay, credited
        to the remaining authors. With ``may_change``, every contribution the deletion touches
        (deleted or re-credited) must be in a space the caller may change, else SpaceDenied and
        nothing changes.
        """
        if conn.execute("SELECT 1 FROM members WHERE id=?", (member_id,)).fetchone() is None:
            raise NotFound("member", member_id)
        own = [(r[0], r[1]) for r in conn.execute(
            "SELECT a.contribution_id, c.space FROM contribution_authors a "
            "JOIN contributions c ON c.id = a.contribution_id WHERE a.member_id=?", (member_id,)
        )]
        if may_change is not None and not all(may_change(space) for _, space in own):
            raise SpaceDenied(f"deleting member '{member_id}' would change contributions in "
                              "spaces this caller does not hold; a key holding them (or an "
                              "admin) can delete this member", field="member_id")
        orphaned: list[str] = []
        for cid, _space in own:
            others = conn.execute(
                "SELECT COUNT(*) FROM contribution_authors "
                "WHERE contribution_id=? AND member_id<>?",
                (cid, member_id),
            ).fetchone()[0]
            if others == 0:
                orphaned.append(cid)
            else:
                self._drop_author(conn, cid, member_id)
        for cid in orphaned:
            self.delete_contribution(conn, cid)
        self._delete_lexical(conn, "members", member_id)
        forget_member(conn, member_id)  # their feedback, exposure and suggestions (privacy)
        for table in ("member_choices", "matching_exclusions", "topic_corrections"):  # #29
            conn.execute(f"DELETE FROM {table} WHERE member_id=?", (member_id,))
        conn.execute("DELETE FROM members WHERE id=?", (member_id,))
        self._record_change(conn, "member", member_id, "delete")
        return orphaned

    def _drop_author(self, conn: Any, cid: str, member_id: str) -> None:
        row = conn.execute("SELECT data FROM contributions WHERE id=?", (cid,)).fetchone()
        contribution = Contribution.model_validate_json(row[0])
        contribution.authors = [a for a in contribution.authors if a != member_id]
        self.upsert_contribution(conn, contribution)

    def delete_contribution(self, conn: Any, contribution_id: str,
                            may_change: SpaceGuard | None = None) -> None:
        """Delete one contribution; with ``may_change``, one in a space the caller may not
        change is NotFound, as if it did not exist (reads hide it the same way)."""
        found = conn.execute("SELECT space FROM contributions WHERE id=?",
                             (contribution_id,)).fetchone()
        if found is None or (may_change is not None and not may_change(found[0])):
            raise NotFound("contribution", contribution_id)
        conn.execute("DELETE FROM contribution_authors WHERE contribution_id=?", (contribution_id,))
        self._delete_lexical(conn, "contributions", contribution_id)
        conn.execute("DELETE FROM contributions WHERE id=?", (contribution_id,))
        self._record_change(conn, "contribution", contribution_id, "delete")

    # -- whole-record helpers ----------------------------------------------------------------
    def write_records(
        self,
        organisations: Sequence[Organisation] = (),
        members: Sequence[Member] = (),
        contributions: Sequence[Contribution] = (),
        may_change: SpaceGuard | None = None,
    ) -> WriteResult:
        """Upsert records in one transaction (organisations, then members, then contributions).

        With ``may_change``, each contribution's space, as sent and as stored, must be one the
        caller may change: a stored one it may not is NotFound (as reads hide it), a space sent
        that it may not is SpaceDenied; either way nothing is written.
        """
        result = WriteResult()
        with self.transaction() as conn:
            if may_change is not None:
                _check_contribution_spaces(conn, contributions, may_change)
            for org in organisations:
                _count(result, self.upsert_organisation(conn, org))
            for member in members:
                outcome = self.upsert_member(conn, member)
                _count(result, outcome)
                if outcome != "unchanged":
                    result.changed_members.add(member.id)
            for contribution in contributions:
                outcome = self.upsert_contribution(conn, contribution)
                _count(result, outcome)
                if outcome != "unchanged":
                    result.changed_contributions.add(contribution.id)
        return result


def _check_contribution_spaces(conn: Any, contributions: Sequence[Contribution],
                               may_change: SpaceGuard) -> None:
    for c in contributions:
        if not may_change(c.space):
            raise SpaceDenied(f"the caller does not hold space '{c.space}'")
        stored = conn.execute("SELECT space FROM contributions WHERE id=?", (c.id,)).fetchone()
        if stored is not None and not may_change(stored[0]):
            raise NotFound("contribution", c.id)


def _count(result: WriteResult, outcome: str) -> None:
    if outcome == "inserted":
        result.inserted += 1
    elif outcome == "updated":
        result.updated += 1
    else:
        result.unchanged += 1


