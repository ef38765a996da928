"""The scale path at small sizes: the index-type rule, IVF builds (streamed, trained on a sample,
from precomputed vectors) and filtered search on an IVF index."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pytest

from bench.synthetic import ClusteredVectors, Shape, vector_batches, write_store
from indexing.community import Community
from indexing.encoders.base import HashingEncoder
from indexing.ingest import ingest_paths
from indexing.store import SqliteStore
from indexing.vectors import community_index
from indexing.vectors.community_index import CommunityIndex
from indexing.vectors.faiss_index import FaissVectorIndex, choose_factory, choose_nprobe
from matcher.experts import Matcher
from matcher.filters import Access, SearchFilters
from tests.conftest import TEST_DATA, make_settings


class CountingEncoder(HashingEncoder):
    def __init__(self) -> None:
        super().__init__()
        self.encoded = 0

    def encode_documents(self, texts, show_progress=False):  # type: ignore[no-untyped-def]
        self.encoded += len(texts)
        return super().encode_documents(texts)


def test_index_type_rule_switches_at_the_threshold() -> None:
    assert choose_factory(49_999) == "Flat"
    assert choose_factory(50_000) == "IVF256,Flat"
    assert choose_factory(100_000) == "IVF256,Flat"
    assert choose_factory(1_000_000) == "IVF1024,Flat"
    assert choose_factory(1_000_000, kind="flat") == "Flat"
    assert choose_factory(1000, kind="ivf") == "IVF32,Flat"
    assert choose_factory(10_000, ivf_threshold=5_000) == "IVF128,Flat"
    assert choose_nprobe("IVF256,Flat") == 16
    assert choose_nprobe("IVF1024,Flat") == 64
    assert choose_nprobe("IVF1024,Flat", setting=8) == 8
    assert FaissVectorIndex(8, "IVF256,Flat").training_size() == 64 * 256


def _test_community(home: Path, **sections: dict[str, object]) -> Community:
    settings = make_settings(home, **sections)
    store = SqliteStore(settings.storage.database_path)
    ingest_paths(store, [TEST_DATA])
    community, _ = Community.open(settings, encoder=HashingEncoder(), store=store)
    return community


FILTERS = [
    SearchFilters(),
    SearchFilters(types=("publication",)),
    SearchFilters(since=dt.date(2021, 1, 1)),
    SearchFilters(countries=("KE", "UG", "TZ")),
    SearchFilters(languages=("fr",), exclude_members=frozenset({"m-0001"})),
]


@pytest.mark.parametrize("filters", FILTERS)
@pytest.mark.parametrize("access", [Access.public(), Access(all_spaces=True)])
def test_filtered_search_on_ivf_equals_exact(tmp_path: Path, filters: SearchFilters,
                                             access: Access) -> None:
    exact = _test_community(tmp_path / "flat")
    ivf = _test_community(tmp_path / "ivf", index={"index_kind": "ivf", "ivf_nprobe": 16})
    assert exact.index.factory == "Flat"
    assert ivf.index.factory == "IVF16,Flat"  # 53 vectors, forced; nprobe = all lists
    need = "reducing leakage and non-revenue water with acoustic loggers"
    a = Matcher.configured(exact).find_experts(need, filters, access, top=5)
    b = Matcher.configured(ivf).find_experts(need, filters, access, top=5)
    assert [m.member.id for m in a] == [m.member.id for m in b]
    for match in b:
        assert filters.member_passes(match.member)
        for e in match.evidence:
            assert access.may_see(e.space)
            assert not filters.types or e.type in filters.types
            assert filters.since is None or e.date >= filters.since.isoformat()


def test_ivf_prefilter_never_returns_a_disallowed_id() -> None:
    vectors = ClusteredVectors(64, 4000, seed=1)
    index = FaissVectorIndex(64, "IVF32,Flat", nprobe=2)
    data = vectors.batch(4000, 0)
    index.train(data)
    index.add(np.arange(4000, dtype=np.int64), data)
    allowed = np.zeros(4000, dtype=bool)
    allowed[::7] = True
    for q in vectors.batch(20, 9):
        scores, ids = index.search(q, 50, allowed)
        assert len(ids) > 0 and allowed[ids].all()
        assert list(scores) == sorted(scores, reverse=True)


def test_streamed_ivf_build_matches_one_shot(tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    one_shot = _test_community(tmp_path / "a", index={"index_kind": "ivf", "ivf_nprobe": 16})
    monkeypatch.setattr(community_index, "STREAM_KEYS", 10)  # 53 keys: the streamed path
    streamed = _test_community(tmp_path / "b", index={"index_kind": "ivf", "ivf_nprobe": 16},
                               encoding={"vector_batch": 8})
    assert streamed.index.count() == one_shot.index.count()
    assert streamed.index._vectors.is_trained
    assert streamed.index._items.key_hash == one_shot.index._items.key_hash
    need = "constructed wetlands for wastewater treatment"
    for filters in FILTERS:
        a = Matcher.configured(one_shot).find_experts(need, filters, top=5)
        b = Matcher.configured(streamed).find_experts(need, filters, top=5)
        assert [(m.member.id, m.score) for m in a] == [(m.member.id, m.score) for m in b]


def test_rebuild_to_ivf_reuses_vectors_in_bulk(tmp_path: Path) -> None:
    community = _test_community(tmp_path)
    encoder = CountingEncoder()
    community.index.encoder = encoder
    fresh, stats = community.index.rebuilt(community.store, factory="IVF16,Flat")
    assert encoder.encoded == 0 and stats.encoded_texts == 0
    assert fresh.factory == "IVF16,Flat" and fresh.count() == community.index.count()
    for key, ids in community.index._items.key_ids.items():
        old = community.index._vectors.reconstruct(np.asarray(ids, np.int64))
        new = fresh._vectors.reconstruct(np.asarray(fresh._items.key_ids[key], np.int64))
        np.testing.assert_array_equal(old, new)


def test_precomputed_vectors_hook_then_sync_encodes_nothing(tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    store = SqliteStore(settings.storage.database_path)
    shape = Shape(contributions=3000)
    write_store(store, shape, batch=1000)
    encoder = CountingEncoder()
    index = CommunityIndex(encoder, settings, "IVF64,Flat")
    added = index.add_vectors(vector_batches(store, ClusteredVectors(256, 3000), batch=700))
    assert added == shape.contributions + shape.members == index.count()
    stats = index.sync(store)
    assert encoder.encoded == 0 and not stats.changed
    index.save(settings.storage.index_path)
    community, stats = Community.open(settings, encoder=encoder, store=store)
    assert encoder.encoded == 0 and community.index.factory == "IVF64,Flat"
    # private contributions stay out of public searches, and filters act on the IVF index
    matches = Matcher.configured(community).find_experts("water", SearchFilters(types=("dataset",)),
                                              top=20)
    assert matches
    for m in matches:
        assert all(e.space == "public" and e.type == "dataset" for e in m.evidence)


def test_member_filter_mask_is_kept_until_a_write_changes_the_items(tmp_path: Path) -> None:
    from indexing.schema import Contribution

    community = _test_community(tmp_path, index={"index_kind": "ivf", "ivf_nprobe": 16})
    index = community.index
    kenya = SearchFilters(countries=("KE",))
    with index.reader() as reader:
        first = reader.mask(kenya, Access.public())
        assert len(index._masks) == 1
        again = reader.mask(kenya, Access.public())
        assert again is first  # cached per (filters, access) for this index version
    np.testing.assert_array_equal(first, again)
    community.write([Contribution(id="c-new-ke", type="case_study", title="Leak repair crews",
                                  text="Night-time leak repair in Nairobi.",
                                  date=dt.date(2024, 3, 1), authors=["m-0001"])])
    assert index._masks == {}  # the write's sync dropped the stale mask
    with index.reader() as reader:
        after = reader.mask(kenya, Access.public())
    new_ids = index._items.key_ids["c:c-new-ke"]
    assert after[new_ids].all() and len(after) == index._items.next_id
    found = Matcher.configured(community).find_experts("night-time leak repair crews", kenya, top=3)
    assert any(e.contribution_id == "c-new-ke" for m in found for e in m.evidence)
