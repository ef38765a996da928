"""Writes encode before they take the community's lock: only the store commit and the index
swap hold it, so a write waits for other writes' commits, not for their encoding."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Sequence
from pathlib import Path

from indexing.encoders.base import HashingEncoder, Vectors
from indexing.schema import Contribution
from tests.conftest import load_test_community


class LockWatchingEncoder(HashingEncoder):
    """Records, for every text it encodes, whether the community's write lock was held."""

    def __init__(self) -> None:
        super().__init__()
        self.lock: threading.Lock | None = None
        self.held: list[bool] = []

    def encode_documents(self, texts: Sequence[str], show_progress: bool = False) -> Vectors:
        if self.lock is not None:
            self.held.extend([self.lock.locked()] * len(texts))
        return super().encode_documents(texts)


def test_a_write_encodes_outside_the_lock_and_is_visible(tmp_path: Path) -> None:
    encoder = LockWatchingEncoder()
    community = load_test_community(tmp_path, encoder)
    encoder.lock = community._write_lock
    author = "m-0001"
    records = [Contribution(id=f"speed-{i}", type="forum_post", title=f"Sludge drying beds {i}",
                            text="Solar sludge drying beds for small wastewater plants. " * 3,
                            date=dt.date(2025, 1, 1), authors=[author]) for i in range(5)]
    result = community.write(records, mode="create")
    assert result.changed_contributions == {r.id for r in records}
    assert encoder.held and not any(encoder.held)  # every text was encoded before the lock
    vector = encoder.encode_queries(["solar sludge drying beds"])[0]
    with community.index.reader() as reader:
        scores, ids = reader.search(vector, 5, None)
        found = {hit.key.record_id for hit in reader.documents(scores, ids).values()}
    assert found & {r.id for r in records}


class BlockingEncoder(HashingEncoder):
    """Blocks encoding any text with the marker "zqslowzq" until released."""

    def __init__(self) -> None:
        super().__init__()
        self.entered = threading.Event()
        self.release = threading.Event()

    def encode_documents(self, texts: Sequence[str], show_progress: bool = False) -> Vectors:
        if any("zqslowzq" in t for t in texts):
            self.entered.set()
            assert self.release.wait(60)
        return super().encode_documents(texts)


def _contribution(cid: str, title: str) -> Contribution:
    return Contribution(id=cid, type="forum_post", title=title, text=f"{title}. " * 3,
                        date=dt.date(2025, 1, 1), authors=["m-0001"], language="en")


def test_a_write_does_not_wait_for_another_writes_encoding(tmp_path: Path) -> None:
    encoder = BlockingEncoder()
    community = load_test_community(tmp_path, encoder)
    errors: list[BaseException] = []

    def slow_write() -> None:
        try:
            community.write([_contribution("c-slow", "A zqslowzq report on sludge")])
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    slow = threading.Thread(target=slow_write)
    slow.start()
    assert encoder.entered.wait(10)  # the slow write is encoding, without the lock
    assert not community._write_lock.locked()
    community.write([_contribution("c-fast", "Chlorine decay in rooftop tanks")])
    assert "c:c-fast" in {str(k) for k in community.index._items.key_ids}
    encoder.release.set()
    slow.join(60)
    assert not errors
    keys = {str(k) for k in community.index._items.key_ids}
    assert {"c:c-slow", "c:c-fast"} <= keys
