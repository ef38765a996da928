"""Topics members rejected, as every answer obeys them (issue #29).

**When a need falls in a topic.** The knowledge map's topic model assigns each contribution to
the topic whose centre is nearest (``knowledge_map/clustering.py``). A need falls in the topic
that holds most of what its ranking finds: the best contribution of each of the first
``VOTERS`` members ranked, counted by that assignment (ties: the topic of the best-ranked
vote). The same rule serves both indexes (their items are the same contributions), so an
English and a French need for the same work fall in the same topic.

**What a rejection does.** A member who rejected a topic is left out of every ranking of a need
that falls in it; for other needs they rank as before. The ranking reaches deeper by the number
of members with rejections, so the answer still holds ``top`` members.

**Surviving a recomputed map.** A rejection is stored with the topic's centre when it was said.
It names the current topic whose centre is nearest to that centre, at cosine
``MATCH_MIN_COS`` or more (the rule that carries topic ids across recomputations); a topic that
has since split or vanished below that matches nothing, and the rejection waits, stored.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from indexing.store.choices import TopicCorrection
from indexing.store.topics import MATCH_MIN_COS, StoredTopics
from indexing.vectors.catalog import MemberInfo
from matcher.aggregation import RankedMember

VOTERS = 10


@dataclass(frozen=True)
class Rejections:
    """Each member's rejected topics, as current topic ids, and the model's assignments."""

    by_member: Mapping[str, frozenset[str]]
    assignments: Mapping[str, str]

    def __bool__(self) -> bool:
        return bool(self.by_member)


NO_REJECTIONS = Rejections({}, {})


def current_topic(mark: TopicCorrection, model: StoredTopics | None) -> str | None:
    """The current topic a member's word names (its stored centre's nearest, if close
    enough); the topic id itself when the word was stored without a centre."""
    if model is None or not model.centroids:
        return None
    if mark.centroid is None:
        return mark.topic_id if mark.topic_id in model.centroids else None
    ids = sorted(model.centroids)
    centres = np.vstack([model.centroids[t] for t in ids])
    said = np.asarray(mark.centroid, dtype=np.float32)
    if centres.shape[1] != said.shape[0]:
        return None
    sims = centres @ (said / max(float(np.linalg.norm(said)), 1e-12))
    best = int(np.argmax(sims))
    return ids[best] if sims[best] >= MATCH_MIN_COS else None


def rejections(members: Mapping[str, MemberInfo], model: Callable[[], StoredTopics | None]
               ) -> Rejections:
    """The rejections of every member who made one, resolved against the topic model (read
    only when someone rejected a topic)."""
    said = {mid: m.rejected for mid, m in members.items() if m.rejected}
    topics = model() if said else None
    if topics is None:
        return NO_REJECTIONS
    by_member = {}
    for mid, marks in said.items():
        named = frozenset(t for t in (current_topic(m, topics) for m in marks) if t is not None)
        if named:
            by_member[mid] = named
    return Rejections(by_member, topics.assignments) if by_member else NO_REJECTIONS


def need_topic(ranked: Sequence[RankedMember], assignments: Mapping[str, str]) -> str | None:
    """The topic a ranking's need falls in (module docstring), None when its first members'
    evidence lies in no topic (profiles only, or a model without these contributions)."""
    votes: list[str] = []
    for member in ranked[:VOTERS]:
        for doc in member.documents:
            if doc.key.is_contribution and doc.key.record_id in assignments:
                votes.append(assignments[doc.key.record_id])
                break
    if not votes:
        return None
    counts = Counter(votes)
    best = max(counts.values())
    return next(t for t in votes if counts[t] == best)
