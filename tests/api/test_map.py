"""GET /map and GET /map/topics/{id} through TestClient over the test community (real model)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from indexing.encoders.base import Encoder
from tests.api.conftest import Api, open_api
from tests.conftest import TEST_DATA

DATA = Path(__file__).resolve().parents[2] / "data"
WORD = re.compile(r"[^\W\d_][\w\-]{2,}")


@pytest.fixture
def map_api(community_home: Path, real_encoder: Encoder, api_keys: dict[str, str]
            ) -> Iterator[Api]:
    client, settings = open_api(community_home, real_encoder, api_keys,
                                map={"map_charter": DATA / "charter.json",
                                     "map_taxonomy": DATA / "taxonomy.json"})
    with client:
        yield Api(client=client, settings=settings, **api_keys)


def _words_only_in_private_texts() -> set[str]:
    public: set[str] = set()
    private: set[str] = set()
    for line in (TEST_DATA / "contributions.jsonl").read_text(encoding="utf-8").splitlines():
        c = json.loads(line)
        words = set(WORD.findall(f"{c['title']} {c.get('text', '')}".lower()))
        (public if c["space"] == "public" else private).update(words)
    return private - public


def test_public_map_counts_public_contributions_only(map_api: Api) -> None:
    public = map_api.client.get("/map")
    assert public.status_code == 200
    body = public.json()
    # 41 contributions: 4 private, c-00041 only by the hidden m-0012
    assert body["visibility"] == "public" and body["contributions"] == 36
    assert body["count"] == len(body["topics"]) >= 2
    assert sum(t["contributions"] for t in body["topics"]) == 36
    secret = _words_only_in_private_texts()
    assert secret  # the fixture has words only private texts hold
    shown = " ".join(term for t in body["topics"] for term in [*t["terms"], t["label"]])
    assert not set(WORD.findall(shown)) & secret
    taskforce = map_api.client.get("/map", headers=map_api.h(map_api.taskforce)).json()
    assert taskforce["visibility"] == "public + nrw-taskforce"
    assert taskforce["contributions"] == 38
    admin = map_api.client.get("/map", headers=map_api.h(map_api.admin)).json()
    assert admin["contributions"] == 40
    assert all("holders" not in t for t in body["topics"])  # holders only per topic


def test_map_sections(map_api: Api) -> None:
    body = map_api.client.get("/map").json()
    levels = {"core", "active", "occasional", "peripheral", "transactional"}
    for t in body["topics"]:
        assert set(t["members_by_level"]) == levels
        assert sum(t["per_year"].values()) == t["contributions"]
        assert t["search_query"]
        assert t["trend"]["direction"] in {"rising", "fading", "steady", "new"}
    assert any(t["taxonomy"] for t in body["topics"])  # mapped to the sample's taxonomy
    held = {(t["taxonomy"]["topic"], t["taxonomy"]["subtopic"]) for t in body["topics"]
            if t["taxonomy"]}
    gaps = {(g["topic"], g["subtopic"]) for g in body["taxonomy_gaps"]}
    assert gaps and not gaps & held and len(gaps | held) == 76  # the sample's 76 subtopics
    assert body["charter"]["name"] and body["charter"]["objectives"]
    scope = {s["id"]: s for s in body["scope"]}
    assert set(scope) >= {"nrw", "ocean", "hydropower"}
    assert scope["ocean"]["status"] in {"none", "thin"}
    assert scope["hydropower"]["status"] in {"none", "gap"}  # issue #27: never covered
    assert scope["nrw"]["members_covering"] >= 1 and "m-0001" in scope["nrw"]["best_members"]
    assert {x["topic_id"] for x in body["thin_spots"]} <= {t["id"] for t in body["topics"]}
    for x in body["thin_spots"]:  # with a taxonomy, thin spots are its entries (issue #27)
        assert x["taxonomy"] and x["reasons"] and x["contributions"] >= 1


def test_topic_detail_and_bad_input(map_api: Api) -> None:
    body = map_api.client.get("/map").json()
    first = body["topics"][0]["id"]
    detail = map_api.client.get(f"/map/topics/{first}")
    assert detail.status_code == 200
    holders = detail.json()["holders"]
    assert holders and all("contact" not in h for h in holders)
    assert "m-0012" not in {h["member_id"] for h in holders}  # hidden
    unknown = map_api.client.get("/map/topics/t999")
    assert unknown.status_code == 404 and unknown.json()["field"] == "topic_id"
    malformed = map_api.client.get("/map/topics/abc")
    assert malformed.status_code == 422 and malformed.json()["field"] == "topic_id"
    reversed_range = map_api.client.get("/map", params={"from_year": 2024, "to_year": 2020})
    assert reversed_range.status_code == 422 and reversed_range.json()["field"] == "to_year"
    too_early = map_api.client.get("/map", params={"from_year": 1800})
    assert too_early.status_code == 422 and too_early.json()["field"] == "from_year"
    window = map_api.client.get("/map", params={"from_year": 2022, "to_year": 2023}).json()
    assert window["contributions"] < body["contributions"]
    assert all(2022 <= int(y) <= 2023 for t in window["topics"] for y in t["per_year"])


def test_map_without_charter_or_taxonomy(api: Api) -> None:
    body = api.client.get("/map").json()
    assert body["charter"] is None and body["scope"] == [] and body["taxonomy_gaps"] == []
    assert all(t["taxonomy"] is None for t in body["topics"])
