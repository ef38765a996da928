"""#26 item 8: a generation saved while writes go on must agree with itself and with the store.

The race: ``ItemTable.to_json`` handed out its live hash table, serialised after the index's
read lock was released, so a write landing in between put a hash without vectors into the
saved items (``index_disagreements``: "items without a hash or hashes without vectors"). The
first test forces that interleaving deterministically; the second saves often under a stream
of concurrent writes, as the service's periodic saver does.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest

from indexing.backup import index_disagreements
from indexing.community import Community
from indexing.encoders.base import HashingEncoder
from indexing.ingest import ingest_paths
from indexing.schema import Contribution
from indexing.store import SqliteStore
from indexing.vectors import community_index
from tests.conftest import TEST_DATA, make_settings


def _community(tmp_path: Path) -> Community:
    settings = make_settings(tmp_path)
    store = SqliteStore(settings.storage.database_path)
    assert not ingest_paths(store, [TEST_DATA]).errors
    community, _ = Community.open(settings, encoder=HashingEncoder(), store=store)
    return community


def _note(i: int) -> Contribution:
    return Contribution.model_validate({
        "id": f"c-race-{i:04d}", "type": "forum_post", "date": "2024-01-01",
        "authors": ["m-0002"], "title": f"Race note {i}",
        "text": f"Infiltration basin clogging, observation {i}."})


def _self_consistent(community: Community) -> list[str]:
    folder = community.index_root
    return [p for p in index_disagreements(folder, community.settings.storage.database_path)
            if "items without a hash" in p or "vectors," in p]


def test_a_write_between_the_lock_and_the_file_is_not_saved(tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch
                                                           ) -> None:
    community = _community(tmp_path)
    real = community_index.write_json
    done = threading.Event()

    def write_in_between(path: Path, data: Any, indent: int | None = None) -> None:
        if path.name == community_index.ITEMS_FILE and not done.is_set():
            writer = threading.Thread(target=community.write, args=([_note(0)],))
            writer.start()  # the index's read lock is released: the write lands now
            writer.join()
            done.set()
        real(path, data, indent)

    monkeypatch.setattr(community_index, "write_json", write_in_between)
    community.index.save(community.index_root)
    assert done.is_set()
    assert _self_consistent(community) == []


def test_saves_under_concurrent_writes_agree_with_themselves(tmp_path: Path) -> None:
    community = _community(tmp_path)
    stop = threading.Event()
    errors: list[BaseException] = []

    def write_forever() -> None:
        i = 0
        try:
            while not stop.is_set() and i < 400:
                community.write([_note(i % 40)])
                if i % 3 == 2:
                    community.delete("contribution", f"c-race-{i % 40:04d}")
                i += 1
        except BaseException as exc:  # surfaced below
            errors.append(exc)

    writer = threading.Thread(target=write_forever)
    writer.start()
    try:
        for _ in range(60):
            community.index.save(community.index_root)
            assert _self_consistent(community) == []
    finally:
        stop.set()
        writer.join()
    assert errors == []
    community.index.save(community.index_root)
    assert index_disagreements(community.index_root, community.settings.storage.database_path) == []
