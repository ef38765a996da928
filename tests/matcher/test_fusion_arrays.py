"""The route fusion, place preference and ranking views over arrays (matcher/rankings.py) give
the results of the previous per-member implementations: members, scores, order and documents,
on random rankings (hypothesis) and on the test community with the real models."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from indexing.schema import ItemKey
from indexing.settings import Settings
from indexing.vectors.filters import Access, SearchFilters
from matcher.aggregation import DocScore, RankedMember, aggregate_members
from matcher.experts import Matcher
from matcher.places import prefer_places, read_places
from matcher.rankings import (
    member_ids,
    member_scores,
    picked_members,
    referred_members,
)
from matcher.reach import Reach
from matcher.retrieval import fuse_routes
from tests.matcher.reference_ranking import (
    fuse_routes_reference,
    prefer_places_reference,
    refer_to_reference,
)
from tests.matcher.test_ranking_arrays import _reader as random_reader
from tests.matcher.test_ranking_arrays import communities

ALL_SPACES = Access(all_spaces=True)  # the reference aggregation counts every document

POOL = [f"m{i:02d}" for i in range(16)]


class _StubReader:
    """chunk_of / item_of of an index where some documents are missing (item_of None)."""

    def __init__(self, offset: int, missing: frozenset[str]) -> None:
        self.offset, self.missing = offset, missing

    def chunk_of(self, item: int) -> int:
        return item % 3

    def item_of(self, key: ItemKey, chunk: int) -> int | None:
        return None if key in self.missing else self.offset + 10 * int(key[3:]) + chunk


@st.composite
def rankings(draw: Any) -> list[RankedMember]:
    ids = draw(st.lists(st.sampled_from(POOL), unique=True, max_size=len(POOL)))
    scores = sorted(draw(st.lists(st.sampled_from([0.9, 0.5, 0.5, 0.1, -0.2]),
                                  min_size=len(ids), max_size=len(ids))), reverse=True)
    out = []
    for mid, score in zip(ids, scores, strict=True):
        docs = tuple(DocScore(ItemKey.parse(f"c:c{d:02d}"), score, draw(st.integers(0, 30)))
                     for d in draw(st.lists(st.integers(0, 9), unique=True, max_size=3)))
        out.append(RankedMember(mid, score, docs))
    return out


def _same(got: Any, want: list[RankedMember]) -> None:
    assert len(got) == len(want)
    assert list(got) == want  # members, scores (exactly), documents, order
    assert member_ids(got).tolist() == [r.member_id for r in want]
    assert member_scores(got).tolist() == [r.score for r in want]


@settings(max_examples=400, deadline=None)
@given(english=rankings(), multilingual=rankings(),
       weights=st.sampled_from([(1.0, 1.0), (0.5, 1.0), (1.0, 0.3), (1, 1), (0.0, 1.0)]),
       rrf_k=st.sampled_from([1, 20, 60]),
       missing=st.frozensets(st.sampled_from([f"c:c{d:02d}" for d in range(10)]), max_size=4))
def test_fused_rankings_equal_the_previous_fusion(
        english: list[RankedMember], multilingual: list[RankedMember],
        weights: tuple[float, float], rrf_k: int, missing: frozenset[str]) -> None:
    ml_reader, en_reader = _StubReader(0, frozenset()), _StubReader(1000, missing)
    want = fuse_routes_reference(english, multilingual, weights, rrf_k, ml_reader, en_reader)
    got = fuse_routes(english, multilingual, weights, rrf_k, ml_reader,  # type: ignore[arg-type]
                      en_reader)  # type: ignore[arg-type]
    _same(got, want)
    if len(want):
        assert got[-1] == want[-1] and got[:3] == want[:3]
    with pytest.raises(IndexError):
        got[len(want)]
    # a fusion of fusions (the views compose) and a pick of a fusion
    again = fuse_routes(got, english, weights, rrf_k, ml_reader, en_reader)  # type: ignore[arg-type]
    _same(again, fuse_routes_reference(want, english, weights, rrf_k, ml_reader, en_reader))
    keep = set(POOL[::3])
    _same(picked_members(got, keep.__contains__), [r for r in want if r.member_id in keep])
    _same(referred_members(got, ml_reader, en_reader),  # type: ignore[arg-type]
          [refer_to_reference(r, ml_reader, en_reader) for r in want])


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=communities(), pick=st.data(), weights=st.sampled_from([(1.0, 1.0), (0.5, 1.0)]))
def test_fusing_aggregated_rankings_equals_the_previous_fusion(
        data: dict[str, Any], pick: Any, weights: tuple[float, float]) -> None:
    """Both rankings as ``RankedMembers`` of a random community (their arrays are read)."""
    s = Settings()
    reader, _ = random_reader(data, s)
    live = np.flatnonzero(reader._items.alive[: reader._items.next_id]).tolist()
    ranked = []
    for _ in range(2):
        chosen = pick.draw(st.lists(st.sampled_from(live), unique=True, max_size=30)
                           if live else st.just([]))
        raw = pick.draw(st.lists(st.sampled_from([0.8, 0.6, 0.6, 0.2, -0.1]),
                                 min_size=len(chosen), max_size=len(chosen)))
        order = np.argsort(-np.asarray(raw, np.float32), kind="stable")
        scores = np.asarray(raw, np.float32)[order] if chosen else np.zeros(0, np.float32)
        ids = np.asarray(chosen, np.int64)[order] if chosen else np.zeros(0, np.int64)
        hits = reader.document_hits(scores, ids)
        authors = reader.authorship(hits, SearchFilters(), ALL_SPACES, True)
        ranked.append(aggregate_members(hits, authors, s.matching, None))
    english, multilingual = ranked
    want = fuse_routes_reference(list(english), list(multilingual), weights, 60, reader, reader)
    _same(fuse_routes(english, multilingual, weights, 60, reader, reader), want)


@settings(max_examples=300, deadline=None)
@given(ranked=rankings(), boost=st.sampled_from([0.0, 0.05, 0.4]),
       need=st.sampled_from(["sanitation in Kenya", "water in Kenya and Senegal",
                             "irrigation in Peru", "boreholes"]),
       countries=st.lists(st.sampled_from(["KE", "SN", "FR"]), min_size=len(POOL),
                          max_size=len(POOL)))
def test_place_preference_equals_the_previous_one(
        ranked: list[RankedMember], boost: float, need: str, countries: list[str]) -> None:
    from tests.matcher.test_places import _Catalog, _member

    catalog = _Catalog({m: _member(m, c) for m, c in zip(POOL, countries, strict=True)})
    reading = read_places(need)
    want = prefer_places_reference(ranked, catalog, reading, boost)
    _same(prefer_places(ranked, catalog, reading, boost), want)  # type: ignore[arg-type]


# -- the real models, on the test community -------------------------------------------------
NEEDS = [("en", "faecal sludge management and latrine emptying"),
         ("fr", "gestion des boues de vidange et vidange des latrines"),
         ("es", "reutilización de aguas residuales tratadas para riego"),
         ("und", "WASH"),
         ("en", "groundwater recharge in Kenya")]


@pytest.mark.parametrize(("lang", "need"), NEEDS)
def test_fusion_of_the_real_rankings_equals_the_previous_fusion(ml_matcher: Matcher,
                                                                lang: str, need: str) -> None:
    m = ml_matcher
    s = m.settings
    access = Access(all_spaces=True)
    ml_index = m.community.multilingual_index
    assert ml_index is not None
    with m.snapshot() as snap:
        assert snap.multilingual is not None
        places = m.need_places(need)
        for exhaustive, top in ((False, 10), (True, 10)):
            reach = Reach(SearchFilters(), access, top, exhaustive)
            en = m.rank(snap, need, m.encode_need(need), reach, places=places)
            ml = m.rank(snap, need, ml_index.encoder.encode_queries([need])[0], reach,
                        "multilingual", places)
            assert len(en) > 3 and len(ml) > 3
            for weights in ((1.0, 1.0), (s.language.cross_lingual_english_weight, 1.0)):
                want = fuse_routes_reference(list(en), list(ml), weights, s.matching.rrf_k,
                                             snap.multilingual, snap.english)
                _same(fuse_routes(en, ml, weights, s.matching.rrf_k, snap.multilingual,
                                  snap.english),
                      want)


def _previous_path(monkeypatch: pytest.MonkeyPatch) -> None:
    """The request path as before: the reference fusion, re-pointing, picking and places."""
    import matcher.experts as experts

    monkeypatch.setattr(experts, "fuse_routes", fuse_routes_reference)
    monkeypatch.setattr(experts, "prefer_places", prefer_places_reference)
    monkeypatch.setattr(experts, "referred_members", lambda ranked, source, target: [
        refer_to_reference(r, source, target) for r in ranked])
    monkeypatch.setattr(experts, "picked_members", lambda ranked, keep: [
        r for r in ranked if keep(r.member_id)])


@pytest.mark.parametrize("other_writers", [0.0, 1.0])
def test_the_request_path_shows_what_it_showed_before(ml_matcher: Matcher, other_writers: float,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """find_experts (matches, scores, evidence shown) and score_members, new vs previous."""
    m = Matcher(ml_matcher.community, ml_matcher.settings.with_(
        language={"english_multilingual_weight": other_writers}), ml_matcher.glossary)
    members = sorted(x.id for x in m.community.store.members())[::2]
    new = {need: (m.find_experts(need, top=10), m.score_members(need, members))
           for _, need in NEEDS}
    _previous_path(monkeypatch)
    routes = set()
    for _, need in NEEDS:
        old = (m.find_experts(need, top=10), m.score_members(need, members))
        assert new[need][0].matches == old[0].matches
        assert new[need][0].language == old[0].language
        assert new[need][1] == old[1]
        routes.add(old[0].language.route)
    assert routes == {"english", "multilingual", "fused"}
