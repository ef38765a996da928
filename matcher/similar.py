"""Members who work on the same things as a given member, by their contributions.

The member is represented by the mean of the vectors the caller may see of their work: every
chunk of their visible contributions and of their profile, averaged and re-normalised (a
centroid, as in Rocchio's relevance feedback). Other members are ranked for that vector with
Matcher.rank, the ranking of "who knows X"; the member and hidden members are never returned.
Co-authors share documents with the member and so tend to rank high: they do work on the same
thing, which is the question asked.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from indexing.errors import NotFound
from indexing.schema import contribution_key, member_key
from indexing.vectors.catalog import MemberInfo
from matcher.errors import InvalidRequest
from matcher.experts import Matcher
from matcher.filters import Access, SearchFilters


@dataclass(frozen=True)
class SimilarMember:
    member: MemberInfo
    score: float


def similar_members(matcher: Matcher, member_id: str, access: Access, top: int = 10
                    ) -> list[SimilarMember]:
    """Peers of ``member_id`` by their contributions, best first (NotFound for unknown ids)."""
    s = matcher.settings
    if not 1 <= top <= s.max_top:
        raise InvalidRequest("top", f"must be between 1 and {s.max_top}")
    with matcher.snapshot() as snap:
        catalog = snap.catalog
        member = catalog.members.get(member_id)
        if member is None or member.hidden:
            raise NotFound("member", member_id, field="member_id")
        keys = [member_key(member_id)] + [
            contribution_key(c) for c in sorted(catalog.member_contributions.get(member_id, ()))]
        vectors = snap.english.vectors(keys, snap.english.mask(SearchFilters(), access))
        if not len(vectors):
            return []
        centroid = vectors.mean(axis=0)
        norm = float(np.linalg.norm(centroid))
        if norm == 0.0:
            return []
        centroid = (centroid / norm).astype(np.float32)
        query = " ".join(member.topics).replace("_", " ")  # for lexical fusion, when enabled
        ranked = matcher.rank(snap, query, centroid,
                              SearchFilters(exclude_members=frozenset({member_id})), access, top)
        return [SimilarMember(catalog.members[r.member_id], round(r.score, 4))
                for r in ranked[:top] if r.member_id in catalog.members]
