"""What a member said about themselves (issue #29), as the ranking reads it: their choices and
the topics they rejected (``read_choices``, the catalog's source), and the tables that hold them.
Written by ``say.py``."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

SAY_DDL = """
CREATE TABLE IF NOT EXISTS member_choices(
    member_id TEXT PRIMARY KEY, consent TEXT, open_to_invitations INTEGER, busy_until TEXT,
    languages TEXT, max_invitations_per_month INTEGER, updated_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS matching_exclusions(
    member_id TEXT NOT NULL, contribution_id TEXT NOT NULL, at TEXT NOT NULL,
    PRIMARY KEY(member_id, contribution_id));
CREATE INDEX IF NOT EXISTS matching_exclusions_contribution
    ON matching_exclusions(contribution_id);
CREATE TABLE IF NOT EXISTS topic_corrections(
    correction_id TEXT PRIMARY KEY, member_id TEXT NOT NULL, topic_id TEXT, label TEXT NOT NULL,
    status TEXT NOT NULL, centroid TEXT, at TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS topic_corrections_member ON topic_corrections(member_id)
"""
Consent = Literal["in", "out"]
TopicStatus = Literal["confirmed", "rejected", "pending"]
CHOICE_FIELDS = ("consent", "open_to_invitations", "busy_until", "languages",
                 "max_invitations_per_month")


@dataclass(frozen=True)
class TopicCorrection:
    """A member's word on a topic: a map topic they confirmed or rejected (``topic_id`` and
    the topic's centre when they said it, so the word survives the map being recomputed), or
    a topic in their own words (``topic_id`` None, ``pending`` until their work supports it)."""

    correction_id: str
    member_id: str
    topic_id: str | None
    label: str
    status: TopicStatus
    centroid: tuple[float, ...] | None
    at: str


@dataclass(frozen=True)
class MemberChoices:
    """What a member chose for themselves (None: not said; the record or the community's
    default applies) and the topics they rejected."""

    consent: Consent | None = None
    open_to_invitations: bool | None = None
    busy_until: str | None = None  # ISO date
    languages: tuple[str, ...] | None = None
    max_invitations_per_month: int | None = None
    rejected: tuple[TopicCorrection, ...] = field(default=())

    def as_dict(self) -> dict[str, object]:
        return {"consent": self.consent, "open_to_invitations": self.open_to_invitations,
                "busy_until": self.busy_until,
                "languages": None if self.languages is None else list(self.languages),
                "max_invitations_per_month": self.max_invitations_per_month}


def now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def correction_of(r: Sequence[Any]) -> TopicCorrection:
    centroid = tuple(json.loads(r[5])) if r[5] else None
    return TopicCorrection(str(r[0]), str(r[1]), r[2], str(r[3]), r[4], centroid, str(r[6]))


def read_choices(conn: Any, ids: Iterable[str] | None) -> dict[str, MemberChoices]:
    """The choices and rejections of these members (every member who said anything when
    None), for the catalog."""
    where, args = "", []
    if ids is not None:
        args = list(dict.fromkeys(ids))
        if not args:
            return {}
        where = f" WHERE member_id IN ({','.join('?' * len(args))})"
    rejected: dict[str, list[TopicCorrection]] = {}
    for r in conn.execute("SELECT correction_id, member_id, topic_id, label, status, centroid, "
                          f"at FROM topic_corrections{where}"
                          f"{' AND' if where else ' WHERE'} status='rejected' "
                          "ORDER BY correction_id", args):
        rejected.setdefault(str(r[1]), []).append(correction_of(r))
    out: dict[str, MemberChoices] = {}
    for r in conn.execute("SELECT member_id, consent, open_to_invitations, busy_until, "
                          f"languages, max_invitations_per_month FROM member_choices{where}",
                          args):
        out[str(r[0])] = MemberChoices(
            consent=r[1], open_to_invitations=None if r[2] is None else bool(r[2]),
            busy_until=r[3], languages=None if r[4] is None else tuple(json.loads(r[4])),
            max_invitations_per_month=r[5], rejected=tuple(rejected.pop(str(r[0]), ())))
    for mid, marks in rejected.items():
        out[mid] = MemberChoices(rejected=tuple(marks))
    return out


