"""Contribution scores -> one score per member: the strategies of the ``aggregation`` setting.

* ``max``            the member's best document (ACL-style "best paper").
* ``mean``           the mean over all the member's documents.
* ``topk_mean``      the mean of the member's k best documents (k = ``aggregation_k``).
* ``softmax_votes``  Balog et al.'s Model 2 (document-centric voting, SIGIR 2006) with
                     p(q|d) proportional to exp(s/T) and p(d|e) uniform: T * log mean exp(s/T).

Retrieval may stop before every document of a member is scored. The unseen documents are
scored at the retrieval ``cutoff`` (the lowest score retrieved): an upper bound, so a member is
never ranked below where complete scoring would put them by lack of evidence alone.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from indexing.schema import ItemKey
from indexing.settings import Aggregation, Settings
from indexing.vectors.filters import SearchFilters
from indexing.vectors.reader import CatalogView


@dataclass(frozen=True)
class DocScore:
    """A document's score for a need and the item (chunk) that gave it."""

    key: ItemKey
    score: float
    best_item: int


@dataclass(frozen=True)
class RankedMember:
    member_id: str
    score: float
    documents: tuple[DocScore, ...]  # best first; the member's profile may be among them


def aggregate_member_scores(
    scores: Sequence[float],
    n_documents: int,
    strategy: Aggregation,
    k: int = 3,
    temperature: float = 0.05,
    cutoff: float | None = None,
) -> float:
    """One member's score from the scores of their retrieved documents (any order).

    ``n_documents`` is how many documents the member has in all (retrieved or not); ``cutoff``
    is the score given to the unretrieved ones, None when retrieval was exhaustive.
    """
    known = sorted(scores, reverse=True)
    if not known:
        raise ValueError("a member needs at least one scored document")
    missing = max(0, n_documents - len(known)) if cutoff is not None else 0
    fill = cutoff if cutoff is not None else 0.0
    if strategy == "max":
        return known[0]
    if strategy == "mean":
        return (sum(known) + missing * fill) / (len(known) + missing)
    if strategy == "topk_mean":
        top = known[:k]
        if len(top) < k and missing:
            top += [fill] * min(k - len(top), missing)
        return sum(top) / len(top)
    if strategy == "softmax_votes":
        t = temperature
        peak = known[0]
        total = sum(math.exp((s - peak) / t) for s in known)
        total += missing * math.exp((fill - peak) / t)
        return peak + t * math.log(total / (len(known) + missing))
    raise ValueError(f"unknown aggregation strategy '{strategy}'")


def age_discounted(catalog: CatalogView, docs: Mapping[ItemKey, DocScore], weight: float
                   ) -> dict[ItemKey, DocScore]:
    """Contribution scores minus ``weight`` per 10 years of age before the newest contribution
    of the community (the recency signal; profiles are not discounted)."""
    dates = [m.date for m in catalog.contributions.values() if m.date]
    if not dates:
        return dict(docs)
    newest = dt.date.fromisoformat(max(dates)[:10])
    out: dict[ItemKey, DocScore] = {}
    for key, doc in docs.items():
        meta = None if key.is_profile else catalog.contributions.get(key.record_id)
        if meta is None or not meta.date:
            out[key] = doc
            continue
        years = (newest - dt.date.fromisoformat(meta.date[:10])).days / 365.25
        out[key] = DocScore(key, doc.score - weight * years / 10, doc.best_item)
    return out


def aggregate_members(catalog: CatalogView, docs: Mapping[ItemKey, DocScore],
                      filters: SearchFilters, settings: Settings, cutoff: float | None
                      ) -> list[RankedMember]:
    """Document scores -> members ranked by ``aggregation`` (profiles count as one more
    document when ``match_profiles``); members failing the filters are left out."""
    s = settings
    if s.recency_weight > 0:
        docs = age_discounted(catalog, docs, s.recency_weight)
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
