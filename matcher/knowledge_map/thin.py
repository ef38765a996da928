"""Thin spots that mean something (issue #27): knowledge that rests on one or two primary
experts, relative to its size, or on one organisation or one country.

An **area** is where thinness is judged: the community's taxonomy entries when it gives one
(each visible contribution goes to its nearest entry, by cosine of its vector and the encoded
"topic: subtopic" label: finer than the map's topics, which absorb small subtopics into their
neighbours), else the map's topics. A member's **primary area** is the area holding most of
their visible contributions (ties: the first area in order). An area is thin when

* **few_primary_experts**: at most ``max(1, THIN_PRIMARY_SHARE × its contributions)`` visible
  members have it as primary area (one expert for a small area, two from 40 contributions);
* **one_organisation** / **one_country**: every visible author of it works for one organisation,
  or in one country (with at least ``THIN_MIN_CONTRIBUTIONS`` contributions: a single
  contribution says nothing of spread).

Measured against the sample generator's truth (docs/QUALITY.md, Community map, bench/map_eval.py).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass

from indexing.vectors.catalog import MemberInfo
from matcher.knowledge_map.model import ThinReason

THIN_PRIMARY_SHARE = 0.05
THIN_MIN_CONTRIBUTIONS = 3


@dataclass(frozen=True)
class AreaThinness:
    """One area's standing: its contributions, visible members, primary experts, and why it is
    thin (empty when it is not)."""

    area: Hashable
    contributions: int
    members: int
    primary_experts: int
    reasons: tuple[ThinReason, ...]


def primary_areas(area_of: Mapping[str, Hashable], authors_of: Mapping[str, Sequence[str]]
                  ) -> dict[str, Hashable]:
    """Each member's primary area: the one holding most of their contributions (``area_of``:
    contribution → area; ``authors_of``: contribution → visible authors)."""
    counts: dict[str, Counter[Hashable]] = defaultdict(Counter)
    order: dict[Hashable, int] = {}
    for cid, area in area_of.items():
        order.setdefault(area, len(order))
        for a in authors_of.get(cid, ()):
            counts[a][area] += 1
    return {m: min(c, key=lambda x: (-c[x], order[x])) for m, c in counts.items()}


def is_thin(primary_experts: int, contributions: int) -> bool:
    return primary_experts <= max(1.0, THIN_PRIMARY_SHARE * contributions)


def area_thinness(area_of: Mapping[str, Hashable], authors_of: Mapping[str, Sequence[str]],
                  members: Mapping[str, MemberInfo]) -> dict[Hashable, AreaThinness]:
    """Every area with visible contributions, with its thin reasons (module doc)."""
    primary = Counter(primary_areas(area_of, authors_of).values())
    items: dict[Hashable, list[str]] = defaultdict(list)
    for cid, area in area_of.items():
        items[area].append(cid)
    out: dict[Hashable, AreaThinness] = {}
    for area, cids in items.items():
        authors = {a for c in cids for a in authors_of.get(c, ())}
        infos = [members[a] for a in authors if a in members]
        reasons: list[ThinReason] = []
        if is_thin(primary.get(area, 0), len(cids)):
            reasons.append("few_primary_experts")
        if len(cids) >= THIN_MIN_CONTRIBUTIONS and infos:
            if len({i.organisation_id for i in infos}) == 1:
                reasons.append("one_organisation")
            if len({i.country for i in infos}) == 1:
                reasons.append("one_country")
        out[area] = AreaThinness(area, len(cids), len(authors), primary.get(area, 0),
                                 tuple(reasons))
    return out
