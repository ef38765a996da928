"""The knowledge map's parts: the k rule, stable ids, bus factor, trends, c-TF-IDF, the files."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import numpy as np
import pytest

from indexing.ingest import expand_paths
from indexing.store.topics import StoredTopics
from matcher.knowledge_map import MapFileError, load_charter, load_taxonomy
from matcher.knowledge_map.clustering import MAX_TOPICS, candidate_ks, stable_ids
from matcher.knowledge_map.signals import bus_factor, trend_of
from matcher.knowledge_map.terms import topic_terms

DATA = Path(__file__).resolve().parents[2] / "data"


def test_k_rule() -> None:
    assert candidate_ks(0) == [] and candidate_ks(3) == [1]
    assert candidate_ks(60) == list(range(2, 12))  # small: every k up to 2·√(n/2)
    assert candidate_ks(3133) == [20, 30, 40, 59, 60]  # √(3133/2) ≈ 39.6, capped at 60
    assert max(candidate_ks(100_000)) == MAX_TOPICS


def test_stable_ids_follow_the_best_matching_centroid() -> None:
    rng = np.random.default_rng(0)
    old = rng.normal(size=(3, 16)).astype(np.float32)
    old /= np.linalg.norm(old, axis=1, keepdims=True)
    previous = StoredTopics("x", 9, "t", {"t2": old[0], "t5": old[1], "t8": old[2]}, {}, {})
    moved = old[[2, 0]] + 0.05 * rng.normal(size=(2, 16)).astype(np.float32)  # two, shuffled
    fresh = rng.normal(size=(1, 16)).astype(np.float32)  # one unlike any before
    new = np.vstack([moved, fresh])
    new /= np.linalg.norm(new, axis=1, keepdims=True)
    ids, next_id = stable_ids(new, previous)
    assert ids == ["t8", "t2", "t9"] and next_id == 10
    assert stable_ids(new, None) == (["t1", "t2", "t3"], 4)


def test_bus_factor() -> None:
    assert bus_factor([]) == 0
    assert bus_factor([("a",)] * 5 + [("b",)]) == 1
    assert bus_factor([("a",), ("b",), ("c",), ("d",)]) == 2
    assert bus_factor([("b", "a"), ("c", "a"), ("d",)]) == 1  # co-authored: each author holds it


def test_trend() -> None:
    as_of = dt.date(2025, 12, 31)
    recent = [dt.date(2025, 6, 1)] * 6
    old = [dt.date(2020, 6, 1)] * 2
    rising = trend_of(recent + old, all_recent=20, all_before=40, as_of=as_of)
    assert (rising.last_24_months, rising.before, rising.direction) == (6, 2, "rising")
    fading = trend_of(old * 3 + recent[:1], all_recent=20, all_before=40, as_of=as_of)
    assert fading.direction == "fading"
    assert trend_of(recent, 20, 40, as_of).direction == "new"


def test_terms_come_only_from_the_texts_given() -> None:
    texts = {"a": ["pump zirconium valve", "pump zirconium seal", "pump gasket"],
             "b": ["rain gauge flood", "flood levee rain", "rain warning"]}
    terms = topic_terms(texts)
    assert any("zirconium" in t for t in terms["a"]) and "rain" in terms["b"][:2]
    public = topic_terms({"a": ["pump valve", "pump seal"], "b": texts["b"]})
    assert not any("zirconium" in t for t in public["a"])


def test_sample_charter_and_taxonomy_are_read_and_not_ingested(tmp_path: Path) -> None:
    charter = load_charter(DATA / "charter.json")
    assert len(charter.scope_areas) >= 5 and charter.purpose
    taxonomy = load_taxonomy(DATA / "taxonomy.json")
    assert len(taxonomy.topics) == 15 and len(taxonomy.entries()) > 60
    assert all(p.suffix == ".jsonl" for p in expand_paths([DATA]))  # ingest skips them
    bad = tmp_path / "charter.json"
    bad.write_text(json.dumps({"name": "x", "scope_areas": [{"id": "a b", "title": "t"}]}))
    with pytest.raises(MapFileError) as caught:
        load_charter(bad)
    assert caught.value.field == "scope_areas.0.id"
    with pytest.raises(MapFileError) as missing:
        load_taxonomy(tmp_path / "none.json")
    assert missing.value.field == "file"


def test_thin_areas_rest_on_few_primary_experts_for_their_size() -> None:
    """Issue #27: an area is thin when at most max(1, 5 % of its contributions) members have
    it as primary area, or when one organisation or one country holds it."""
    from indexing.vectors.catalog import MemberInfo
    from matcher.knowledge_map.thin import area_thinness, primary_areas

    def member(mid: str, org: str, country: str) -> MemberInfo:
        return MemberInfo(mid, mid, org, org, country, "active", ("en",), (), True, False, None)

    members = {"a": member("a", "o1", "KE"), "b": member("b", "o2", "SN"),
               "c": member("c", "o3", "IN"), "d": member("d", "o1", "KE")}
    area_of: dict[str, object] = {}
    authors: dict[str, tuple[str, ...]] = {}
    for i in range(6):  # "wide": three primary experts
        area_of[f"w{i}"], authors[f"w{i}"] = "wide", ("abc"[i % 3],)
    for i in range(4):  # "solo": d alone, a once (a's primary stays "wide")
        area_of[f"s{i}"], authors[f"s{i}"] = "solo", ("d",) if i else ("a", "d")
    assert primary_areas(area_of, authors) == {"a": "wide", "b": "wide", "c": "wide",
                                               "d": "solo"}
    standing = area_thinness(area_of, authors, members)
    assert standing["wide"].reasons == () and standing["wide"].primary_experts == 3
    assert standing["solo"].reasons == ("few_primary_experts", "one_organisation",
                                        "one_country")
