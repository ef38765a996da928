"""Searches keep answering, consistently, while writes and a reindex happen (threads)."""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from indexing.encoders.base import Encoder, Vectors
from tests.api.conftest import Api, open_api

NEED = "acoustic leak detection in district metered areas"


def test_searches_during_writes_and_reindex(api: Api) -> None:
    expected = api.client.get("/experts", params={"q": NEED, "top": 3}).json()["results"][0]
    assert expected["member_id"] == "m-0001"
    stop = threading.Event()
    failures: list[Any] = []
    answered = [0]

    def search() -> None:
        while not stop.is_set():
            r = api.client.get("/experts", params={"q": NEED, "top": 3})
            if r.status_code != 200 or r.json()["results"][0]["member_id"] != "m-0001":
                failures.append((r.status_code, r.text[:200]))
            answered[0] += 1

    readers = [threading.Thread(target=search) for _ in range(3)]
    for t in readers:
        t.start()
    ed, adm = api.h(api.editor), api.h(api.admin)
    statuses = []
    for i in range(8):
        body = {"id": f"c-conc{i}", "type": "forum_post", "date": "2024-01-01",
                "authors": ["m-0003"], "title": f"Brine disposal note {i}",
                "text": "Reverse osmosis brine discharge to sea outfalls."}
        statuses.append(api.client.post("/contributions", json=body, headers=ed).status_code)
        if i == 3:
            statuses.append(api.client.post("/admin/reindex", headers=adm).status_code)
    for i in range(0, 8, 2):
        statuses.append(api.client.delete(f"/contributions/c-conc{i}", headers=ed).status_code)
    stop.set()
    for t in readers:
        t.join(timeout=60)
    assert failures == []
    assert answered[0] >= 3
    assert statuses == [201] * 4 + [200] + [201] * 4 + [200] * 4
    r = api.client.get("/experts", params={"q": "brine disposal to sea outfalls", "top": 20})
    evidence = {e["contribution_id"] for m in r.json()["results"] for e in m["evidence"]}
    assert {"c-conc1", "c-conc3"} & evidence
    assert not {"c-conc0", "c-conc2", "c-conc4", "c-conc6"} & evidence


class InFlight:
    """The real encoder, counting query encodes in flight (each held 30 ms)."""

    def __init__(self, inner: Encoder) -> None:
        self.inner = inner
        self.name, self.dimension = inner.name, inner.dimension
        self.now = self.most = 0
        self._lock = threading.Lock()

    def fingerprint(self) -> dict[str, object]:
        return self.inner.fingerprint()

    def encode_documents(self, texts: Sequence[str], show_progress: bool = False) -> Vectors:
        return self.inner.encode_documents(texts, show_progress)

    def encode_queries(self, texts: Sequence[str]) -> Vectors:
        with self._lock:
            self.now += 1
            self.most = max(self.most, self.now)
        try:
            time.sleep(0.03)
            return self.inner.encode_queries(texts)
        finally:
            with self._lock:
                self.now -= 1


@pytest.mark.parametrize("limit", [2, 6])
def test_searches_run_at_most_search_concurrency_at_once(
        community_home: Path, real_encoder: Encoder, api_keys: dict[str, str], limit: int
        ) -> None:
    """12 concurrent /experts: at most ``search_concurrency`` compute at once (the others
    wait without a worker thread), all answered, and a write goes through meanwhile."""
    spy = InFlight(real_encoder)
    client, _ = open_api(community_home, spy, api_keys,  # type: ignore[arg-type]
                         http={"search_concurrency": limit})
    statuses: list[int] = []

    def search(i: int) -> None:
        r = client.get("/experts", params={"q": f"leak detection {i}", "top": 3})
        statuses.append(r.status_code)

    with client:
        threads = [threading.Thread(target=search, args=(i,)) for i in range(12)]
        for t in threads:
            t.start()
        body = {"id": "c-limit", "type": "forum_post", "date": "2024-01-01",
                "authors": ["m-0003"], "title": "Brine note", "text": "Brine to sea outfalls."}
        wrote = client.post("/contributions", json=body, headers={"X-API-Key": api_keys["editor"]})
        for t in threads:
            t.join()
    assert wrote.status_code == 201, wrote.text
    assert statuses == [200] * 12
    assert spy.most <= limit
    if limit > 2:
        assert spy.most > 2  # the limit is what bounds it, not something else
