"""The knowledge map on the planted community (tests/matcher/planted_community.py): topics,
thin spots, bridges, rising topics, periphery, access, stable ids and the stored model."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from indexing.community import Community
from indexing.encoders.base import HashingEncoder
from indexing.ingest import ingest_paths
from indexing.schema import Contribution
from indexing.store import SqliteStore
from matcher.errors import InvalidRequest
from matcher.experts import Matcher
from matcher.filters import Access
from matcher.knowledge_map import KnowledgeMap, KnowledgeMapper, check_years
from tests.conftest import make_settings
from tests.matcher.planted_community import SECRET_WORD, VOCAB, Planted, write_planted_community


def _open(home: Path) -> tuple[Community, Planted]:
    planted = write_planted_community(home / "data")
    settings = make_settings(home, language={"language_routing": "off"})
    store = SqliteStore(settings.storage.database_path)
    assert not ingest_paths(store, [home / "data"]).errors
    community, _ = Community.open(settings, encoder=HashingEncoder(), store=store)
    return community, planted


Fixture = tuple[Community, Planted, KnowledgeMapper]


@pytest.fixture
def planted(tmp_path: Path) -> Fixture:
    community, planted = _open(tmp_path)
    return community, planted, KnowledgeMapper(Matcher.configured(community))


def _topic_of_planted(km: KnowledgeMap, planted: Planted, mapper: KnowledgeMapper
                      ) -> dict[str, str]:
    """Map id -> the planted topic most of its contributions were written about."""
    model = mapper.matcher.community.store.topic_model()
    assert model is not None
    votes: dict[str, Counter[str]] = {}
    for cid, tid in model.assignments.items():
        votes.setdefault(tid, Counter())[planted.topic_of[cid]] += 1
    return {tid: c.most_common(1)[0][0] for tid, c in votes.items()}


def test_the_planted_topics_are_found_and_labelled(planted: Fixture) -> None:
    _, p, mapper = planted
    km = mapper.build(Access(all_spaces=True))
    assert len(km.topics) == 4
    model = mapper.matcher.community.store.topic_model()
    assert model is not None
    for tid in {t.id for t in km.topics}:  # every cluster is one planted topic
        assert len({p.topic_of[c] for c, t in model.assignments.items() if t == tid}) == 1
    names = _topic_of_planted(km, p, mapper)
    for t in km.topics:
        vocabulary = " ".join(VOCAB[names[t.id]])
        assert all(term in vocabulary for term in t.terms[:3]), (t.terms, names[t.id])
        assert sum(t.per_year.values()) == t.contributions


def test_thin_spot_bridge_rising_and_periphery(planted: Fixture) -> None:
    _, p, mapper = planted
    km = mapper.build(Access.public())
    names = _topic_of_planted(km, p, mapper)
    by_name = {names[t.id]: t for t in km.topics}
    desal = by_name["desal"]
    assert desal.bus_factor == 1 and [h.member_id for h in desal.holders] == [p.solo]
    assert set(desal.thin) == {"few_primary_experts", "one_organisation", "one_country"}
    thin_ids = {s.topic_id for s in km.thin_spots}
    assert desal.id in thin_ids
    assert by_name["leaks"].id not in thin_ids and by_name["floods"].id not in thin_ids
    assert by_name["leaks"].bus_factor >= 3
    top = km.bridges[0]
    assert top.member_id == p.bridge
    assert top.pairs == (tuple(sorted((by_name["leaks"].id, by_name["floods"].id))),)
    assert by_name["apps"].id in km.rising and by_name["apps"].id not in km.fading
    assert by_name["apps"].trend.before == 0 and by_name["apps"].trend.last_12_months == 12
    floods_periphery = [x for x in km.periphery if x.topic_id == by_name["floods"].id]
    assert (floods_periphery[0].member_id, floods_periphery[0].rank) == (p.periphery, 1)
    assert by_name["floods"].members_by_level["peripheral"] == 2


def test_public_map_counts_and_shows_public_contributions_only(planted: Fixture) -> None:
    _, p, mapper = planted
    public = mapper.build(Access.public())
    everything = mapper.build(Access(all_spaces=True))
    holder = mapper.build(Access(spaces=frozenset({"secret-space"})))
    n_all = len(p.topic_of)
    assert public.contributions == n_all - len(p.private_ids)
    assert everything.contributions == holder.contributions == n_all
    assert public.visibility == "public" and holder.visibility == "public + secret-space"
    shown = {term for t in public.topics for term in t.terms} | {t.label for t in public.topics}
    assert not any(SECRET_WORD in term for term in shown)
    assert sum(t.contributions for t in public.topics) == public.contributions
    assert mapper.build(Access.public()) is public  # cached per access level


def test_ids_are_stable_across_recomputation(planted: Fixture) -> None:
    community, _, mapper = planted
    first = mapper.build(Access.public())
    ids = {t.id: t.terms[:3] for t in first.topics}
    again = mapper.build(Access.public(), recompute=True)
    assert {t.id: t.terms[:3] for t in again.topics} == ids
    words = ["aquifer", "borehole", "recharge", "groundwater", "well", "piezometer", "karst"]
    rng = np.random.default_rng(3)
    new = [Contribution(id=f"c-gw-{i}", type="publication", title="Aquifer recharge note",
                        text=" ".join(rng.choice(words, 30)), date=dt.date(2024, 1, 1 + i),
                        authors=[f"m-floods-{i % 6}"]) for i in range(10)]
    community.write(new)
    grown = mapper.build(Access.public())
    assert len(grown.topics) == 5
    assert {t.id for t in grown.topics} - set(ids) == {"t5"}  # a new id, never a reused one
    for t in grown.topics:
        if t.id in ids:
            assert t.terms[:3] == ids[t.id]
    model = community.store.topic_model()
    assert model is not None and model.next_id == 6


def test_stored_model_is_reused_by_another_process(planted: Fixture) -> None:
    community, _, mapper = planted
    first = mapper.build(Access.public())
    other = KnowledgeMapper(Matcher.configured(community))  # as a new process would
    assert other.build(Access.public()).model_computed_at == first.model_computed_at


def test_year_window(planted: Fixture) -> None:
    _, _, mapper = planted
    km = mapper.build(Access.public(), from_year=2025, to_year=2025)
    assert len(km.topics) == 1 and km.contributions == 12
    assert (km.from_year, km.to_year) == (2025, 2025)


@pytest.mark.parametrize(("years", "field"), [
    ((1800, None), "from_year"), ((None, 2300), "to_year"), ((2022, 2020), "to_year"),
])
def test_bad_year_range_names_the_field(years: tuple[int | None, int | None], field: str
                                        ) -> None:
    with pytest.raises(InvalidRequest) as caught:
        check_years(*years)
    assert caught.value.field == field
