"""The previous, per-member Python aggregation (matcher/aggregation.py before the numpy
version), route fusion and place preference (before matcher/rankings.py), kept as the
references that the array versions are tested against."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from indexing.schema import ItemKey
from indexing.settings import Settings
from indexing.vectors.filters import SearchFilters
from indexing.vectors.reader import CatalogView
from matcher.aggregation import DocScore, RankedMember, aggregate_member_scores
from matcher.languages import rrf_fuse
from matcher.places import works_in


def aggregate_members_reference(catalog: CatalogView, docs: Mapping[ItemKey, DocScore],
                                filters: SearchFilters, settings: Settings,
                                cutoff: float | None) -> list[RankedMember]:
    s = settings
    per_member: dict[str, list[DocScore]] = {}
    for key, doc in docs.items():
        if key.is_profile:
            if s.matching.match_profiles:
                per_member.setdefault(key.record_id, []).append(doc)
            continue
        meta = catalog.contributions.get(key.record_id)
        for author in meta.authors if meta else ():
            per_member.setdefault(author, []).append(doc)
    ranked: list[RankedMember] = []
    for mid, mdocs in per_member.items():
        member = catalog.members.get(mid)
        if member is None or not filters.member_passes(member):
            continue
        n_docs = len(catalog.member_contributions.get(mid,
                                                      ())) + (1 if s.matching.match_profiles else 0)
        score = aggregate_member_scores(
            [d.score for d in mdocs], max(n_docs, len(mdocs)), s.matching.aggregation,
            s.matching.aggregation_k, s.matching.softmax_temperature, cutoff,
        )
        ranked.append(RankedMember(mid, score, tuple(sorted(mdocs, key=lambda d: -d.score))))
    ranked.sort(key=lambda r: (-r.score, r.member_id))
    return ranked


# -- the route fusion and place preference before they ran over arrays (matcher/rankings.py) --
def refer_to_reference(ranked: RankedMember, source: Any, target: Any) -> RankedMember:
    docs = []
    for d in ranked.documents:
        item = target.item_of(d.key, source.chunk_of(d.best_item))
        if item is not None:
            docs.append(DocScore(d.key, d.score, item))
    return RankedMember(ranked.member_id, ranked.score, tuple(docs))


def fuse_routes_reference(english: Sequence[RankedMember], multilingual: Sequence[RankedMember],
                          weights: tuple[float, float], rrf_k: int, ml_reader: Any,
                          en_reader: Any) -> list[RankedMember]:
    fused = rrf_fuse([[r.member_id for r in english], [r.member_id for r in multilingual]],
                     rrf_k, weights)
    docs = {r.member_id: r.documents for r in english}
    for r in multilingual:
        docs.setdefault(r.member_id, refer_to_reference(r, ml_reader, en_reader).documents)
    out = [RankedMember(mid, score, docs[mid]) for mid, score in fused.items()]
    ml_rank = {r.member_id: i for i, r in enumerate(multilingual)}
    out.sort(key=lambda r: (-r.score, ml_rank.get(r.member_id, len(ml_rank)), r.member_id))
    return out


def prefer_places_reference(ranked: Sequence[RankedMember], catalog: Any, reading: Any,
                            boost: float) -> list[RankedMember]:
    if reading.empty or boost == 0 or not ranked:
        return list(ranked)
    wanted = frozenset(reading.countries)
    inside = {r.member_id for r in ranked if works_in(catalog, r.member_id, wanted)}
    if not inside or len(inside) == len(ranked):
        return list(ranked)
    out = [RankedMember(r.member_id, r.score + boost, r.documents) if r.member_id in inside
           else r for r in ranked]
    out.sort(key=lambda r: (-r.score, r.member_id))
    return out
