"""The knowledge map's topic model, kept in the store so that it outlives a process.

A topic model is the clustering of the community's contributions (``matcher/knowledge_map``):
one centroid per topic id and the topic of each contribution, with the fingerprint of the
contributions it was computed from and the next free topic id (ids are never reused, so a
bookmarked topic never silently means another one). The tables are created by migration 2
(``migrations.py``); the model is replaced whole, in one transaction.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

TOPICS_DDL = """
CREATE TABLE IF NOT EXISTS map_topics(
    topic_id TEXT PRIMARY KEY, centroid BLOB NOT NULL, size INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS map_assignments(
    contribution_id TEXT PRIMARY KEY, topic_id TEXT NOT NULL);
"""
MODEL_KEY = "map_topic_model"  # the model's header, in the meta table
# a topic keeps its id across recomputations when a new centre is at least this close (cosine)
# to its old one (matcher/knowledge_map/clustering.py); members' word on a topic follows it so
MATCH_MIN_COS = 0.8


@dataclass
class StoredTopics:
    """A topic model as stored: header, centroids by topic id, topic by contribution id."""

    fingerprint: str
    next_id: int
    computed_at: str
    centroids: dict[str, npt.NDArray[np.float32]] = field(default_factory=dict)
    sizes: dict[str, int] = field(default_factory=dict)
    assignments: dict[str, str] = field(default_factory=dict)


def read_topics(conn: sqlite3.Connection) -> StoredTopics | None:
    """The stored topic model, None if none was computed yet."""
    row = conn.execute("SELECT value FROM meta WHERE key=?", (MODEL_KEY,)).fetchone()
    if row is None:
        return None
    head = json.loads(row[0])
    model = StoredTopics(str(head["fingerprint"]), int(head["next_id"]), str(head["computed_at"]))
    for topic_id, blob, size in conn.execute("SELECT topic_id, centroid, size FROM map_topics"):
        model.centroids[topic_id] = np.frombuffer(blob, dtype=np.float32).copy()
        model.sizes[topic_id] = int(size)
    model.assignments = dict(conn.execute(
        "SELECT contribution_id, topic_id FROM map_assignments").fetchall())
    return model


def write_topics(conn: sqlite3.Connection, model: StoredTopics) -> None:
    """Replace the stored model (inside the caller's transaction)."""
    conn.execute("DELETE FROM map_topics")
    conn.execute("DELETE FROM map_assignments")
    conn.executemany("INSERT INTO map_topics(topic_id, centroid, size) VALUES (?,?,?)",
                     [(t, np.asarray(c, np.float32).tobytes(), model.sizes.get(t, 0))
                      for t, c in model.centroids.items()])
    conn.executemany("INSERT INTO map_assignments(contribution_id, topic_id) VALUES (?,?)",
                     list(model.assignments.items()))
    head = {"fingerprint": model.fingerprint, "next_id": model.next_id,
            "computed_at": model.computed_at}
    conn.execute("INSERT INTO meta(key, value) VALUES (?, ?) "
                 "ON CONFLICT(key) DO UPDATE SET value=excluded.value",
                 (MODEL_KEY, json.dumps(head)))
