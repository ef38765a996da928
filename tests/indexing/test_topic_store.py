"""The knowledge map's topic model in the store: migration 2 and a whole-model round trip."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import numpy as np

from indexing.store import SqliteStore
from indexing.store.migrations import SCHEMA_VERSION, schema_version
from indexing.store.topics import StoredTopics


def test_a_version_1_store_is_migrated(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    conn = sqlite3.connect(path)  # a store as release 1 left it: no topic tables
    conn.executescript("CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);"
                       "INSERT INTO meta VALUES ('schema_version', '1');")
    conn.close()
    store = SqliteStore(path)
    assert schema_version(store.connection()) == SCHEMA_VERSION == 10  # 10: projects (#30)
    assert store.topic_model() is None
    SqliteStore(path)  # opening again applies nothing twice
    assert schema_version(store.connection()) == SCHEMA_VERSION


def test_topic_model_round_trip(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "s.db")
    model = StoredTopics("abc", 7, "2026-01-01T00:00:00+00:00",
                         {"t-1": np.ones(4, np.float32), "t-6": np.arange(4, dtype=np.float32)},
                         {"t-1": 2, "t-6": 1}, {"c-1": "t-1", "c-2": "t-1", "c-3": "t-6"})
    store.save_topic_model(model)
    again = SqliteStore(tmp_path / "s.db").topic_model()
    assert again is not None
    assert (again.fingerprint, again.next_id, again.assignments, again.sizes) == (
        "abc", 7, model.assignments, model.sizes)
    np.testing.assert_array_equal(again.centroids["t-6"], model.centroids["t-6"])
    store.save_topic_model(StoredTopics("def", 8, "later", {}, {}, {}))  # replaced whole
    latest = store.topic_model()
    assert latest is not None and latest.assignments == {} and latest.fingerprint == "def"
