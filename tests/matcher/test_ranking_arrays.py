"""The numpy aggregation (item -> document -> member over arrays, behind IndexReader) gives the
results of the previous per-member Python implementation, on random communities and hits."""

from __future__ import annotations

import itertools
import math
from typing import Any

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from indexing.schema import contribution_key, member_key
from indexing.settings import Settings
from indexing.store import ContributionMeta
from indexing.vectors.catalog import Catalog, MemberInfo
from indexing.vectors.filters import Access, SearchFilters
from indexing.vectors.item_table import ItemTable
from indexing.vectors.reader import IndexParts, IndexReader
from matcher.aggregation import aggregate_members
from tests.matcher.reference_ranking import aggregate_members_reference

ALL_SPACES = Access(all_spaces=True)  # the reference aggregation counts every document

COUNTRIES = ("KE", "NL", "FR", "BR")


@st.composite
def communities(draw: Any) -> dict[str, Any]:
    n_members = draw(st.integers(1, 12))
    members = [MemberInfo(
        id=f"m{i:02d}", name=f"M{i}", organisation_id=f"o{i % 3}", organisation_name="O",
        country=draw(st.sampled_from(COUNTRIES)), level="active", languages=("en",),
        topics=(), open_to_invitations=True, hidden=draw(st.booleans()) and i % 4 == 0,
        contact=None) for i in range(n_members)]
    ids = [m.id for m in members] + ["gone"]  # an author the catalog no longer holds
    n_contribs = draw(st.integers(0, 25))
    contributions = [ContributionMeta(
        id=f"c{j:02d}", type="report", date="2024-01-01", language="en", space="public",
        authors=tuple(draw(st.lists(st.sampled_from(ids), min_size=1, max_size=4))),
        text_hash=str(j)) for j in range(n_contribs)]
    profiles = draw(st.lists(st.booleans(), min_size=n_members, max_size=n_members))
    chunks = draw(st.lists(st.integers(1, 3), min_size=n_contribs + n_members,
                           max_size=n_contribs + n_members))
    released = draw(st.lists(st.integers(0, n_contribs + n_members), max_size=3))
    return {"members": members, "contributions": contributions, "profiles": profiles,
            "chunks": chunks, "released": released}


def _reader(data: dict[str, Any], s: Settings) -> tuple[IndexReader, Catalog]:
    catalog = Catalog()
    catalog.members = {m.id: m for m in data["members"]}
    for meta in data["contributions"]:
        catalog._put_contribution(meta)
    items = ItemTable()
    keys = [contribution_key(c.id) for c in data["contributions"]]
    keys += [member_key(m.id) for m, has in zip(data["members"], data["profiles"], strict=True)
             if has]
    for key, n in zip(keys, data["chunks"], strict=False):
        items.allocate(key, n)
    items.set_attributes(catalog, list(items.key_ids))
    for r in data["released"]:  # an updated record: old ids released, new ones allocated
        if r < len(keys) and keys[r] in items.key_ids:
            items.release(keys[r])
            items.allocate(keys[r], 1)
            items.set_attributes(catalog, [keys[r]])
    reader = IndexReader(IndexParts(items, None, catalog, 1), {}, None, s)  # type: ignore[arg-type]
    return reader, catalog


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=communities(), pick=st.data(),
       strategy=st.sampled_from(["max", "mean", "topk_mean", "softmax_votes"]),
       k=st.integers(1, 4), profiles=st.booleans(),
       cutoff=st.one_of(st.none(), st.sampled_from([0.0, 0.1, -0.2]), st.floats(-1, 1)),
       countries=st.lists(st.sampled_from(COUNTRIES), max_size=2, unique=True),
       exclude=st.lists(st.sampled_from(["m00", "m01", "m05"]), max_size=2))
def test_numpy_aggregation_equals_the_previous_implementation(
        data: dict[str, Any], pick: Any, strategy: str, k: int, profiles: bool,
        cutoff: float | None, countries: list[str], exclude: list[str]) -> None:
    s = Settings(matching={"aggregation": strategy, "aggregation_k": k, "match_profiles": profiles})  # type: ignore[arg-type]
    reader, catalog = _reader(data, s)
    live = np.flatnonzero(reader._items.alive[: reader._items.next_id])
    chosen = pick.draw(st.lists(st.sampled_from(live.tolist()), unique=True, max_size=40)
                       if len(live) else st.just([]))
    raw = pick.draw(st.lists(st.floats(-1, 1, width=32), min_size=len(chosen),
                             max_size=len(chosen)))
    order = np.argsort(-np.asarray(raw, np.float32), kind="stable")  # a search: best first
    scores = np.asarray(raw, np.float32)[order] if chosen else np.zeros(0, np.float32)
    ids = np.asarray(chosen, np.int64)[order] if chosen else np.zeros(0, np.int64)
    filters = SearchFilters(countries=tuple(countries), exclude_members=frozenset(exclude))

    from matcher.aggregation import DocScore

    docs = {key: DocScore(key, hit.score, hit.item)
            for key, hit in reader.documents(scores, ids).items()}
    want = aggregate_members_reference(catalog, docs, filters, s, cutoff)
    hits = reader.document_hits(scores, ids)
    authors = reader.authorship(hits, filters, ALL_SPACES, profiles)
    got = aggregate_members(hits, authors, s.matching, cutoff)

    assert len(got) == len(want)
    if strategy != "softmax_votes":
        assert list(got) == want  # identical: members, scores, documents, order
        return
    # softmax uses exp/log: numpy's and libm's may differ in the last bit, so scores agree to
    # 1e-12 and the order is the same wherever two scores are not that close
    got_list = list(got)
    for g, w in zip(got_list, want, strict=True):
        assert math.isclose(g.score, w.score, rel_tol=1e-12, abs_tol=1e-12)
    assert sorted((m.member_id, m.documents) for m in got_list) == sorted(
        (m.member_id, m.documents) for m in want)
    for a, b in itertools.pairwise(want):
        if abs(a.score - b.score) > 1e-9:
            ga = [m.member_id for m in got_list]
            assert ga.index(a.member_id) < ga.index(b.member_id)


def _one_member() -> dict[str, Any]:
    """One member with a profile and one contribution in two chunks."""
    return {"members": [MemberInfo(id="m00", name="A", organisation_id="o",
                                   organisation_name="O", country="KE", level="core",
                                   languages=(), topics=(), open_to_invitations=True,
                                   hidden=False, contact=None)],
            "contributions": [ContributionMeta(id="c00", type="report", date="2024-01-01",
                                               language="en", space="public", authors=("m00",),
                                               text_hash="h")],
            "profiles": [True], "chunks": [2, 1], "released": []}


def test_ranked_members_read_like_a_list() -> None:
    data = _one_member()
    s = Settings()
    reader, _ = _reader(data, s)
    hits = reader.document_hits(np.asarray([0.9, 0.8, 0.5], np.float32),
                                np.asarray([1, 0, 2], np.int64))
    assert hits.doc.tolist() == [0, 2]  # chunks 0 and 1 are one document, its best chunk first
    authors = reader.authorship(hits, SearchFilters(), ALL_SPACES, True)
    ranked = aggregate_members(hits, authors, s.matching, None)
    assert len(ranked) == 1 and ranked[0] == ranked[-1] == ranked[:5][0]
    assert [d.key for d in ranked[0].documents] == ["c:c00", "m:m00"]
    assert ranked[0].documents[0].best_item == 1


def test_chunk_mean_scores_a_document_by_its_retrieved_chunks() -> None:
    data = _one_member()
    reader, _ = _reader(data, Settings())
    scores, ids = np.asarray([0.9, 0.8, 0.5], np.float32), np.asarray([1, 0, 2], np.int64)
    best = reader.document_hits(scores, ids)
    mean = reader.document_hits(scores, ids, chunk_mean=True)
    assert mean.doc.tolist() == best.doc.tolist() and mean.item.tolist() == best.item.tolist()
    assert np.allclose(best.score, [0.9, 0.5])
    assert np.allclose(mean.score, [0.85, 0.5])  # the two chunks of c00 averaged
