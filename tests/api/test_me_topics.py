"""#29 with the real model: a member rejects one of their inferred topics; a need inside it (its
search query) no longer returns them, a need of their other topic still does, and the rejection
survives the map being recomputed under other topic ids."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from fastapi.testclient import TestClient

from api.app import create_app
from indexing.encoders.base import Encoder
from indexing.store import SqliteStore
from indexing.store.keys import KeyStore
from tests.conftest import make_settings

MEMBER = "m-0003"  # desalination and treated-wastewater irrigation, two topics


def _top10(client: TestClient, need: str) -> list[str]:
    r = client.get("/experts", params={"q": need, "top": 10})
    assert r.status_code == 200, r.text
    return [m["member_id"] for m in r.json()["results"]]


def test_a_rejected_topic_stops_suggestions_for_its_needs_only(
        community_home: Path, real_encoder: Encoder) -> None:
    settings = make_settings(community_home)
    store = SqliteStore(settings.storage.database_path)
    key = {"X-API-Key": KeyStore(store).create("member", member_id=MEMBER)[1]}
    store.close()
    with TestClient(create_app(settings, encoder=real_encoder)) as c:
        topics = c.get("/me", headers=key).json()["topics"]
        assert len(topics) >= 2, topics
        kept, dropped = topics[0], topics[1]
        for t in (kept, dropped):
            assert MEMBER in _top10(c, t["search_query"]), t
        r = c.put(f"/me/topics/{dropped['topic_id']}", json={"status": "rejected"},
                  headers=key)
        assert r.status_code == 200 and r.json()["status"] == "rejected", r.text
        assert MEMBER not in _top10(c, dropped["search_query"])
        assert MEMBER in _top10(c, kept["search_query"])
        team = c.post("/projects/match", json={"title": "t", "needs": [dropped["search_query"]],
                                               "size": 10}).json()
        assert MEMBER not in [m["member_id"] for m in team["team"]]
        evidence = {e["contribution_id"] for e in dropped["evidence"]}

    # the map computed again with other ids: the rejection follows the topic's centre
    store = SqliteStore(settings.storage.database_path)
    model = store.topic_model()
    assert model is not None
    renamed = {t: f"t{100 + int(t[1:])}" for t in model.centroids}
    store.save_topic_model(dataclasses.replace(
        model, next_id=model.next_id + 100,
        centroids={renamed[t]: v for t, v in model.centroids.items()},
        sizes={renamed[t]: n for t, n in model.sizes.items()},
        assignments={cid: renamed[t] for cid, t in model.assignments.items()}))
    store.close()
    with TestClient(create_app(settings, encoder=real_encoder)) as c:
        topics = c.get("/me", headers=key).json()["topics"]
        again = next(t for t in topics
                     if {e["contribution_id"] for e in t["evidence"]} == evidence)
        assert again["topic_id"] == renamed[dropped["topic_id"]]
        assert again["status"] == "rejected"
        assert MEMBER not in _top10(c, dropped["search_query"])
        assert MEMBER in _top10(c, kept["search_query"])
