"""Members who work on the same things as a given member, by their contributions.

The member is represented by the mean of the vectors the caller may see of their work: every
chunk of their visible contributions and of their profile, averaged and re-normalised (a
centroid, as in Rocchio's relevance feedback). Other members are ranked for that vector with
Matcher.rank, the ranking of "who knows X"; the member and hidden members are never returned.
Co-authors share documents with the member and so tend to rank high: they do work on the same
thing, which is the question asked.

A member whose first language is not English is also represented in the multilingual index
(when the community keeps one): the same centroid there finds peers who write in other
languages, and the two rankings are rank-fused as for a non-English need (the score is then a
reciprocal-rank-fusion value, not a cosine).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from indexing.errors import NotFound
from indexing.schema import ItemKey, contribution_key, member_key
from indexing.vectors.catalog import MemberInfo
from indexing.vectors.reader import IndexReader
from matcher.errors import top_out_of_range
from matcher.experts import Matcher
from matcher.filters import Access, SearchFilters
from matcher.reach import Reach
from matcher.retrieval import fuse_routes


@dataclass(frozen=True)
class SimilarMember:
    member: MemberInfo
    score: float


def similar_members(matcher: Matcher, member_id: str, access: Access, top: int = 10
                    ) -> list[SimilarMember]:
    """Peers of ``member_id`` by their contributions, best first (NotFound for unknown ids)."""
    s = matcher.settings
    if not 1 <= top <= s.matching.max_top:
        raise top_out_of_range(s.matching.max_top)
    with matcher.snapshot() as snap:
        catalog = snap.catalog
        member = catalog.members.get(member_id)
        if member is None or member.hidden:
            raise NotFound("member", member_id, field="member_id")
        keys = [member_key(member_id)] + [
            contribution_key(c) for c in sorted(catalog.member_contributions.get(member_id, ()))]
        others = SearchFilters(exclude_members=frozenset({member_id}))
        query = " ".join(member.topics).replace("_", " ")  # for lexical fusion, when enabled
        english = _centroid(snap.english, keys, access)
        if english is None:
            return []
        reach = Reach(others, access, top)
        ranked = matcher.rank(snap, query, english, reach)
        writes_other = bool(member.languages) and member.languages[0] != "en"
        if writes_other and snap.multilingual is not None:
            ml = _centroid(snap.multilingual, keys, access)
            if ml is not None:
                ml_ranked = matcher.rank(snap, query, ml, reach, index="multilingual")
                ranked = fuse_routes(ranked, ml_ranked, (1.0, 1.0), s.matching.rrf_k,
                                     snap.multilingual, snap.english)
        return [SimilarMember(catalog.members[r.member_id], round(r.score, 4))
                for r in ranked[:top] if r.member_id in catalog.members]


def _centroid(reader: IndexReader, keys: list[ItemKey], access: Access
              ) -> npt.NDArray[np.float32] | None:
    """The normalised mean of the visible vectors of these items, None if there are none."""
    vectors = reader.vectors(keys, reader.mask(SearchFilters(), access))
    if not len(vectors):
        return None
    centroid = vectors.mean(axis=0)
    norm = float(np.linalg.norm(centroid))
    return (centroid / norm).astype(np.float32) if norm > 0 else None
