"""Searches keep answering, consistently, while writes and a reindex happen (threads)."""

from __future__ import annotations

import threading
from typing import Any

from tests.api.conftest import Api

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
