"""Who knows X encodes its need before it takes the indexes' read locks (query_vectors.py),
with the answers of encoding inside them, on the test community with the real models."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest

from indexing.community import Community
from indexing.encoders.base import Encoder, Vectors
from indexing.ingest import ingest_paths
from indexing.settings import Settings
from indexing.store import SqliteStore
from matcher import rankings
from matcher.broad import EXTRA_CANDIDATES
from matcher.experts import Matcher
from matcher.filters import Access, SearchFilters
from matcher.query_vectors import QueryVectors
from matcher.reach import Reach
from matcher.relevance import CANDIDATES, need_relevance, on_scale
from tests.conftest import TEST_DATA

NEEDS = ["leak detection in Nairobi", "réutilisation des eaux usées en agriculture",
         "gestión de lodos fecales", "water", "sludge"]


class LockSpy:
    """An encoder that records, at each query pass, whether an index read lock was held."""

    def __init__(self, inner: Encoder) -> None:
        self.inner = inner
        self.name, self.dimension = inner.name, inner.dimension
        self.community: Community | None = None
        self.held: list[bool] = []

    def fingerprint(self) -> dict[str, object]:
        return self.inner.fingerprint()

    def encode_documents(self, texts: Sequence[str], show_progress: bool = False) -> Vectors:
        return self.inner.encode_documents(texts, show_progress)

    def encode_queries(self, texts: Sequence[str]) -> Vectors:
        if self.community is not None:
            indexes = [self.community.index, self.community.multilingual_index]
            self.held.append(any(i is not None and i._lock._readers > 0 for i in indexes))
        return self.inner.encode_queries(texts)


@pytest.fixture(scope="module")
def spied(tmp_path_factory: pytest.TempPathFactory, real_encoder: Encoder,
          real_multilingual_encoder: Encoder) -> tuple[Matcher, LockSpy, LockSpy]:
    home: Path = tmp_path_factory.mktemp("spied")
    settings = Settings(storage={"home": home}, language={"language_routing": "route"})
    store = SqliteStore(settings.storage.database_path)
    assert not ingest_paths(store, [TEST_DATA]).errors
    en, ml = LockSpy(real_encoder), LockSpy(real_multilingual_encoder)
    community, _ = Community.open(settings, encoder=en, store=store,  # type: ignore[arg-type]
                                  multilingual_encoder=ml)  # type: ignore[arg-type]
    en.community = ml.community = community
    return Matcher.configured(community), en, ml


@pytest.mark.parametrize("need", NEEDS)
def test_no_encode_under_a_read_lock_and_the_same_answer(
        spied: tuple[Matcher, LockSpy, LockSpy], need: str) -> None:
    matcher, en, ml = spied
    en.held.clear()
    ml.held.clear()
    found = matcher.find_experts(need, top=10)
    assert en.held or ml.held  # it encoded
    assert not any(en.held) and not any(ml.held), "encoded under an index read lock"
    # the lazy path (encoding as the rankings read the vectors, under the locks) agrees
    language = matcher.need_language(need)
    with matcher.snapshot() as snap:
        lazy = matcher.rank_need(snap, need, Reach(SearchFilters(), Access.public(), 10),
                                 language=language)
        ids = rankings.member_ids(lazy).tolist()[:10 + EXTRA_CANDIDATES]
        lazy_vectors = QueryVectors.of(matcher.community)
        reach = Reach(SearchFilters(), Access.public(), CANDIDATES)
        relevance = need_relevance(matcher, snap, need, language, lazy_vectors, reach)
        if not set(ids) <= set(rankings.member_ids(relevance).tolist()):  # as find_experts
            relevance = need_relevance(matcher, snap, need, language, lazy_vectors,
                                       reach.to(exhaustive=True))
        scores = {r.member_id: on_scale(r.score) for r in relevance}
    shown = [m.member.id for m in found.matches]
    assert set(shown) <= set(ids)
    backed = [mid for mid, m in zip(shown, found.matches, strict=True) if m.has_contribution]
    assert backed == sorted(backed, key=ids.index)  # the ranking's order, evidence first
    assert [m.score for m in found.matches] == pytest.approx([scores[m] for m in shown],
                                                             abs=1e-4)  # shown: 4 dp
    assert any(en.held) or any(ml.held)  # the lazy path did encode under the locks


def test_a_route_encodes_only_what_it_reads(spied: tuple[Matcher, LockSpy, LockSpy]) -> None:
    matcher, en, ml = spied
    for need in NEEDS:
        language = matcher.need_language(need)
        en.held.clear()
        ml.held.clear()
        found = matcher.find_experts(need, top=5)
        # one pass per encoder for the need, one more for the profile sentences of members
        # found on the profile alone (with the route's model, after the locks)
        profile = int(any(not m.has_contribution for m in found))
        on_ml = language.route == "multilingual"
        assert len(en.held) <= 1 + profile * (not on_ml), (need, language.route)
        assert len(ml.held) <= 1 + profile * on_ml, (need, language.route)
        if on_ml:
            assert len(ml.held) >= 1
