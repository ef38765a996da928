"""The change feed: an outbox table written in the same transaction as each record write.

Every insert, update or delete of an organisation, member or contribution adds one row with a
monotonic sequence number (writers are serialised, so sequences commit in order). A replica
applies the changes after the last sequence it applied (``indexing/feed.py``); an index
snapshot records the sequence it includes. On PostgreSQL the store also sends
``NOTIFY wellspring_changes, '<seq>'`` at commit: the sequence only, never a payload, because
payloads are capped and a missed notification is never replayed (the table is the truth).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Literal

CHANGES_DDL = """
CREATE TABLE IF NOT EXISTS changes(
    seq INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT NOT NULL, kind TEXT NOT NULL,
    record_id TEXT NOT NULL, op TEXT NOT NULL);
"""
CHANNEL = "wellspring_changes"
Kind = Literal["organisation", "member", "contribution"]
Op = Literal["upsert", "delete"]


@dataclass(frozen=True)
class Change:
    seq: int
    at: str
    kind: str
    record_id: str
    op: str


def record_change(conn: Any, kind: Kind, record_id: str, op: Op) -> None:
    """One row of the feed, inside the caller's write transaction."""
    conn.execute("INSERT INTO changes(at, kind, record_id, op) VALUES (?,?,?,?)",
                 (dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds"), kind, record_id,
                  op))


def latest_sequence(conn: Any) -> int:
    """The sequence of the newest committed change (0 for none)."""
    return int(conn.execute("SELECT COALESCE(MAX(seq), 0) FROM changes").fetchone()[0])


def changes_after(conn: Any, seq: int, limit: int) -> list[Change]:
    rows = conn.execute("SELECT seq, at, kind, record_id, op FROM changes WHERE seq > ? "
                        "ORDER BY seq LIMIT ?", (seq, limit))
    return [Change(int(r[0]), str(r[1]), str(r[2]), str(r[3]), str(r[4])) for r in rows]
