"""Rankings kept as arrays: member ids and scores, with a ``RankedMember`` (and its documents)
built only for the members a caller reads.

``RankedMembers`` (aggregation.py) is what one index ranks. Here are the views over such
rankings that the matcher combines without building every member:

* ``FusedMembers``: the reciprocal-rank fusion of an English and a multilingual ranking
  (``retrieval.fuse_routes``); a member found only by the multilingual index has its documents
  re-pointed to the English index (``refer_to``) when it is read;
* ``ReferredMembers``: a multilingual ranking whose documents refer to the English index;
* ``PickedMembers``: the members of a ranking at some positions, in order.

The views that re-point documents read the index readers when a member is read: read them while
the request's ``Snapshot`` is held (as with the item ids of a search).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import numpy.typing as npt

from indexing.vectors.reader import IndexReader
from matcher.aggregation import DocScore, LazyMembers, RankedMember, RankedMembers

Ids = npt.NDArray[np.object_]


def member_ids(ranked: Sequence[RankedMember]) -> Ids:
    """The member ids of a ranking, in its order (from its arrays when it keeps them)."""
    if isinstance(ranked, ArrayRanking | RankedMembers):
        return ranked.member_ids
    return np.array([r.member_id for r in ranked], dtype=object)


def refer_to(ranked: RankedMember, source: IndexReader, target: IndexReader) -> RankedMember:
    """The same member with each document's best item re-pointed from ``source`` to the item
    of the same key and chunk in ``target`` (both indexes chunk texts identically)."""
    docs = []
    for d in ranked.documents:
        item = target.item_of(d.key, source.chunk_of(d.best_item))
        if item is not None:
            docs.append(DocScore(d.key, d.score, item))
    return RankedMember(ranked.member_id, ranked.score, tuple(docs))


class ArrayRanking(LazyMembers):
    """A ranking of ``member_ids`` (with ``scores``) whose i-th member is built by ``build``
    when it is read."""

    def __init__(self, ids: Ids, scores: npt.NDArray[np.float64],
                 build: Callable[[int], RankedMember]) -> None:
        self.member_ids = ids
        self.scores = scores
        self._build = build

    def __len__(self) -> int:
        return len(self.member_ids)

    def _member(self, index: int) -> RankedMember:
        return self._build(index)


def fused_members(english: Sequence[RankedMember], multilingual: Sequence[RankedMember],
                  weights: tuple[float, float], rrf_k: int, ml_reader: IndexReader,
                  en_reader: IndexReader) -> ArrayRanking:
    """Reciprocal-rank fusion over the two rankings' id arrays (``retrieval.fuse_routes``).

    A member's score is 0.0 + its English term + its multilingual term (the arithmetic of
    ``languages.rrf_fuse``); members sort by score, then multilingual rank (members the
    multilingual ranking lacks after those it has), then id. Documents are the English
    ranking's, else the multilingual ranking's re-pointed to the English index."""
    en_ids, ml_ids = member_ids(english), member_ids(multilingual)
    n_en, n_ml = len(en_ids), len(ml_ids)
    ids, where = np.unique(np.concatenate([en_ids, ml_ids]), return_inverse=True)
    where = where.reshape(-1)
    at_en, at_ml = where[:n_en], where[n_en:]
    score = np.zeros(len(ids), np.float64)
    np.add.at(score, at_en, weights[0] / (rrf_k + np.arange(1, n_en + 1, dtype=np.int64)))
    np.add.at(score, at_ml, weights[1] / (rrf_k + np.arange(1, n_ml + 1, dtype=np.int64)))
    en_pos = np.full(len(ids), -1, np.int64)
    en_pos[at_en] = np.arange(n_en)
    ml_pos = np.full(len(ids), n_ml, np.int64)  # rank in the multilingual ranking, or after it
    ml_pos[at_ml] = np.arange(n_ml)
    order = np.lexsort((np.arange(len(ids)), ml_pos, -score))  # ids are sorted: id order
    ids, score, en_pos, ml_pos = ids[order], score[order], en_pos[order], ml_pos[order]

    def build(i: int) -> RankedMember:
        if en_pos[i] >= 0:
            documents = english[int(en_pos[i])].documents
        else:
            documents = refer_to(multilingual[int(ml_pos[i])], ml_reader, en_reader).documents
        return RankedMember(str(ids[i]), float(score[i]), documents)

    return ArrayRanking(ids, score, build)


def member_scores(ranked: Sequence[RankedMember]) -> npt.NDArray[np.float64]:
    """The scores of a ranking, in its order (from its arrays when it keeps them)."""
    if isinstance(ranked, ArrayRanking | RankedMembers):
        return ranked.scores
    return np.array([r.score for r in ranked], dtype=np.float64)


def referred_members(ranked: Sequence[RankedMember], source: IndexReader, target: IndexReader
                     ) -> ArrayRanking:
    """A ranking by ``source`` with each member's documents re-pointed to ``target`` when read."""
    return ArrayRanking(member_ids(ranked), member_scores(ranked),
                        lambda i: refer_to(ranked[i], source, target))


def picked_members(ranked: Sequence[RankedMember], keep: Callable[[str], bool]
                   ) -> ArrayRanking:
    """The members of a ranking for whom ``keep(member_id)`` holds, in order."""
    ids = member_ids(ranked)
    positions = np.flatnonzero(np.fromiter((keep(m) for m in ids.tolist()), bool, len(ids)))
    return ArrayRanking(ids[positions], member_scores(ranked)[positions],
                        lambda i: ranked[int(positions[i])])


def first_members(ranked: Sequence[RankedMember], n: int) -> ArrayRanking:
    """The first ``n`` members of a ranking."""
    return ArrayRanking(member_ids(ranked)[:n], member_scores(ranked)[:n], lambda i: ranked[i])
