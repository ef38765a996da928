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

import math
from collections.abc import Sequence

from indexing.settings import Aggregation


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
