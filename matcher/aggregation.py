"""Contribution scores -> one score per member: the strategies of the ``aggregation`` setting.

* ``max``            the member's best document (ACL-style "best paper").
* ``mean``           the mean over all the member's documents.
* ``topk_mean``      the mean of the member's k best documents (k = ``aggregation_k``).
* ``softmax_votes``  Balog et al.'s Model 2 (document-centric voting, SIGIR 2006) with
                     p(q|d) proportional to exp(s/T) and p(d|e) uniform: T * log mean exp(s/T).

Retrieval may stop before every document of a member is scored. The unseen documents are
scored at the retrieval ``cutoff`` (the lowest score retrieved): an upper bound, so a member is
never ranked below where complete scoring would put them by lack of evidence alone.

``specificity_weight`` w blends in the mean over all the member's documents:
``(1 - w) * aggregated + w * mean``, so of two members with the same best documents the one whose
other documents are on the need too (a specialist) ranks first.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple, overload

import numpy as np
import numpy.typing as npt

from indexing.schema import ItemKey
from indexing.settings import Aggregation, MatchingSettings
from indexing.vectors.reader import Authorship, DocumentHits


class DocScore(NamedTuple):
    """A document's score for a need and the item (chunk) that gave it (a named tuple: a
    ranking builds one per document of each member it shows, tens per member)."""

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


def aggregate_members(hits: DocumentHits, authors: Authorship, settings: MatchingSettings,
                      cutoff: float | None) -> RankedMembers:
    """Document hits -> members ranked by ``aggregation`` (profiles count as one more
    document when ``match_profiles``); members failing the filters are left out.

    Over arrays: the (hit, member) pairs are sorted by member, then score (best first), then
    search order; each member's score comes from their run of pairs, position by position, in
    the same arithmetic as ``aggregate_member_scores`` (identical results, tested against the
    per-member version); members rank by score, then id.
    """
    s = settings
    keep = authors.member_ok[authors.pair_member]
    pair_hit, member = authors.pair_hit[keep], authors.pair_member[keep]
    score = hits.score[pair_hit]
    order = np.lexsort((pair_hit, -score, member))
    pair_hit, member, score = pair_hit[order], member[order], score[order]
    codes, starts, counts = np.unique(member, return_index=True, return_counts=True)
    n_docs = authors.member_contributions[codes] + (1 if s.match_profiles else 0)
    n_docs = np.maximum(n_docs, counts)
    missing = np.maximum(0, n_docs - counts) if cutoff is not None else np.zeros_like(counts)
    fill = cutoff if cutoff is not None else 0.0
    member_scores = run_scores(score, starts, counts, missing, fill, s)
    rank = np.lexsort((authors.member_rank[codes], -member_scores))
    return RankedMembers(
        authors.member_ids[codes[rank]], member_scores[rank], (starts[rank], counts[rank]),
        RankedDocuments(authors.keys[pair_hit], score, hits.item[pair_hit]),
    )


def run_scores(score: npt.NDArray[np.float64], starts: npt.NDArray[np.int64],
               counts: npt.NDArray[np.int64], missing: npt.NDArray[np.int64], fill: float,
               settings: MatchingSettings) -> npt.NDArray[np.float64]:
    """Each member's score from their run of best-first document scores: ``aggregation``,
    with ``specificity_weight`` of the mean over all their documents blended in."""
    rule = Aggregate.of(settings)
    out = _member_scores(score, starts, counts, missing, fill, rule)
    w = settings.specificity_weight
    if w > 0:  # a specialist over a generalist with the same best documents
        mean = _member_scores(score, starts, counts, missing, fill, rule.as_mean())
        out = (1 - w) * out + w * mean
    return out


@dataclass(frozen=True)
class Aggregate:
    """How a member's run of document scores becomes one score (settings ``aggregation``,
    ``aggregation_k``, ``softmax_temperature``)."""

    strategy: Aggregation
    k: int
    temperature: float

    @classmethod
    def of(cls, settings: MatchingSettings) -> Aggregate:
        return cls(settings.aggregation, settings.aggregation_k, settings.softmax_temperature)

    def as_mean(self) -> Aggregate:
        return Aggregate("mean", self.k, self.temperature)


def _member_scores(score: npt.NDArray[np.float64], starts: npt.NDArray[np.int64],
                   counts: npt.NDArray[np.int64], missing: npt.NDArray[np.int64], fill: float,
                   rule: Aggregate) -> npt.NDArray[np.float64]:
    """``aggregate_member_scores`` for every member at once (runs of best-first scores)."""
    strategy = rule.strategy
    if len(starts) == 0:
        return np.zeros(0, np.float64)
    if strategy == "max":
        return score[starts]
    last = starts + counts - 1

    def at(j: int) -> npt.NDArray[np.float64]:  # each member's j-th best (clamped to the last)
        return score[np.minimum(starts + j, last)]

    if strategy == "mean":
        total = np.zeros(len(starts), np.float64)
        for j in range(int(counts.max())):
            total += np.where(j < counts, at(j), 0.0)
        return (total + missing * fill) / (counts + missing)
    if strategy == "topk_mean":
        k = rule.k
        taken = np.minimum(counts, k)
        n_top = taken + np.where((taken < k) & (missing > 0), np.minimum(k - taken, missing), 0)
        total = np.zeros(len(starts), np.float64)
        for j in range(k):
            value = np.where(j < counts, at(j), fill)
            total += np.where(j < n_top, value, 0.0)
        return total / n_top
    if strategy == "softmax_votes":
        t = rule.temperature
        peak = score[starts]
        total = np.zeros(len(starts), np.float64)
        for j in range(int(counts.max())):
            total += np.where(j < counts, np.exp((at(j) - peak) / t), 0.0)
        total += missing * np.exp((fill - peak) / t)
        return peak + t * np.log(total / (counts + missing))
    raise ValueError(f"unknown aggregation strategy '{strategy}'")


class LazyMembers(Sequence[RankedMember]):
    """A ranking whose i-th ``RankedMember`` is built (``_member``) only when it is read."""

    def _member(self, index: int) -> RankedMember:
        raise NotImplementedError

    @overload
    def __getitem__(self, index: int) -> RankedMember: ...

    @overload
    def __getitem__(self, index: slice) -> list[RankedMember]: ...

    def __getitem__(self, index: int | slice) -> RankedMember | list[RankedMember]:
        if isinstance(index, slice):
            return [self._member(i) for i in range(*index.indices(len(self)))]
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError(index)
        return self._member(index)


@dataclass(frozen=True)
class RankedDocuments:
    """The documents behind a ranking, as arrays in member order (``RankedMembers``)."""

    keys: npt.NDArray[np.object_]
    scores: npt.NDArray[np.float64]
    items: npt.NDArray[np.int64]


class RankedMembers(LazyMembers):
    """Members ranked by ``aggregate_members``, as arrays; a ``RankedMember`` is built when it
    is read, so a request that shows ten members builds ten. Holds copies: it stays valid
    after the index reader is released."""

    def __init__(self, member_ids: npt.NDArray[np.object_], scores: npt.NDArray[np.float64],
                 runs: tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]],
                 documents: RankedDocuments) -> None:
        """``runs``: each member's (start, count) in ``documents``, which hold the (hit,
        member) pairs' document keys, scores and best items, member by member."""
        self._ids = member_ids
        self._scores = scores
        self._starts, self._counts = runs
        self._doc_keys = documents.keys
        self._doc_scores = documents.scores
        self._doc_items = documents.items

    @property
    def member_ids(self) -> npt.NDArray[np.object_]:
        """The member ids, best first (read-only use)."""
        return self._ids

    @property
    def scores(self) -> npt.NDArray[np.float64]:
        """The member scores, best first (read-only use)."""
        return self._scores

    def __len__(self) -> int:
        return len(self._ids)


    def _member(self, i: int) -> RankedMember:
        start = int(self._starts[i])
        end = start + int(self._counts[i])
        docs = tuple(map(DocScore, self._doc_keys[start:end].tolist(),
                         self._doc_scores[start:end].tolist(),
                         self._doc_items[start:end].tolist()))
        return RankedMember(str(self._ids[i]), float(self._scores[i]), docs)
