"""The previous, per-member Python aggregation (matcher/aggregation.py before the numpy
version), kept as the reference that the numpy version is tested against."""

from __future__ import annotations

from collections.abc import Mapping

from indexing.schema import ItemKey
from indexing.settings import Settings
from indexing.vectors.filters import SearchFilters
from indexing.vectors.reader import CatalogView
from matcher.aggregation import DocScore, RankedMember, aggregate_member_scores


def aggregate_members_reference(catalog: CatalogView, docs: Mapping[ItemKey, DocScore],
                                filters: SearchFilters, settings: Settings,
                                cutoff: float | None) -> list[RankedMember]:
    s = settings
    per_member: dict[str, list[DocScore]] = {}
    for key, doc in docs.items():
        if key.is_profile:
            if s.match_profiles:
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
        n_docs = len(catalog.member_contributions.get(mid, ())) + (1 if s.match_profiles else 0)
        score = aggregate_member_scores(
            [d.score for d in mdocs], max(n_docs, len(mdocs)), s.aggregation,
            s.aggregation_k, s.softmax_temperature, cutoff,
        )
        ranked.append(RankedMember(mid, score, tuple(sorted(mdocs, key=lambda d: -d.score))))
    ranked.sort(key=lambda r: (-r.score, r.member_id))
    return ranked
