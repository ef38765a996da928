"""What the map says about each topic, from the contributions a caller may see: who holds it
(by level, organisation, country), how it moved over time, where it is thin, who bridges topics
and which peripheral members hold a topic's strongest evidence.

Definitions (docs/QUALITY.md, Community map):
- **bus factor**: the fewest members who together authored at least half of the topic's
  contributions (the "truck factor" of software projects), shown with each topic.
- **thin**: few primary experts for the topic's size, or one organisation or one country
  (``thin.py``; issue #27: the bus factor flagged 42 of 59 topics of the sample).
- **trend**: the topic's share of the community's contributions in the 24 months before
  ``as_of`` against its share before them; rising at ≥ ``RISING_RATIO`` (or new), fading at
  ≤ ``FADING_RATIO``, both only with at least ``TREND_MIN`` contributions on the growing side.
- **bridge**: a member with at least ``BRIDGE_MIN`` contributions in each of two topics that at
  most ``BRIDGE_MAX_CONNECTORS`` members connect that way; scored by Σ 1/connectors.
- **periphery with expertise**: an occasional, peripheral or transactional member among the
  ``PERIPHERY_TOP`` strongest holders of a topic (strength: Σ closeness to the topic centre).
"""

from __future__ import annotations

import datetime as dt
import heapq
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import combinations

from indexing.schema import Organisation
from indexing.vectors.catalog import MemberInfo
from matcher.knowledge_map.model import (
    LEVELS,
    Bridge,
    Holder,
    PeripheryExpert,
    TaxonomyMatch,
    ThinSpot,
    Topic,
    Trend,
    TrendDirection,
)
from matcher.knowledge_map.thin import area_thinness

RISING_RATIO = 1.5
FADING_RATIO = 0.5
TREND_MIN = 3
BRIDGE_MIN = 2
BRIDGE_MAX_CONNECTORS = 2
PERIPHERY_TOP = 3
PERIPHERY_LEVELS = frozenset({"occasional", "peripheral", "transactional"})
HOLDERS_KEPT = 20


@dataclass(frozen=True)
class Evidence:
    """One contribution as the map counts it: its topic, date, visible authors and closeness
    (cosine) to its topic's centre."""

    id: str
    topic: str
    date: dt.date
    authors: tuple[str, ...]
    closeness: float


def bus_factor(authors_of: Sequence[tuple[str, ...]]) -> int:
    """Fewest members covering at least half of these contributions: greedy cover, the member
    covering most of what is still uncovered first (lazily re-counted: counts only fall)."""
    if not authors_of:
        return 0
    need = (len(authors_of) + 1) // 2
    held: dict[str, list[int]] = defaultdict(list)
    for i, authors in enumerate(authors_of):
        for a in set(authors):
            held[a].append(i)
    covered = [False] * len(authors_of)
    queue = [(-len(items), m) for m, items in held.items()]
    heapq.heapify(queue)
    got = chosen = 0
    while got < need and queue:
        stale, member = heapq.heappop(queue)
        fresh = sum(1 for i in held[member] if not covered[i])
        if fresh != -stale:  # others covered some of it since: count again
            if fresh:
                heapq.heappush(queue, (-fresh, member))
            continue
        chosen += 1
        got += fresh
        for i in held[member]:
            covered[i] = True
    return chosen


def trend_of(dates: Sequence[dt.date], all_recent: int, all_before: int, as_of: dt.date
             ) -> Trend:
    y1, y2 = as_of - dt.timedelta(days=365), as_of - dt.timedelta(days=730)
    last_12 = sum(1 for d in dates if d > y1)
    last_24 = sum(1 for d in dates if d > y2)
    before = len(dates) - last_24
    ratio: float | None = None
    direction: TrendDirection = "steady"
    if before == 0:
        direction = "new" if last_24 >= TREND_MIN else "steady"
    elif all_recent and all_before:
        ratio = round((last_24 / all_recent) / (before / all_before), 3)
        if ratio >= RISING_RATIO and last_24 >= TREND_MIN:
            direction = "rising"
        elif ratio <= FADING_RATIO and before >= TREND_MIN:
            direction = "fading"
    return Trend(last_12, last_24, before, ratio, direction)


def describe_topics(evidence: Sequence[Evidence], members: Mapping[str, MemberInfo],
                    organisations: Mapping[str, Organisation], terms: Mapping[str, list[str]],
                    taxonomy: Mapping[str, TaxonomyMatch | None], as_of: dt.date
                    ) -> list[Topic]:
    """One Topic per topic with evidence, largest first."""
    by_topic: dict[str, list[Evidence]] = defaultdict(list)
    for e in evidence:
        by_topic[e.topic].append(e)
    y2 = as_of - dt.timedelta(days=730)
    all_recent = sum(1 for e in evidence if e.date > y2)
    all_before = len(evidence) - all_recent
    thinness = area_thinness({e.id: e.topic for e in evidence},
                             {e.id: e.authors for e in evidence}, members)
    out: list[Topic] = []
    for topic_id, items in by_topic.items():
        count: Counter[str] = Counter()
        strength: defaultdict[str, float] = defaultdict(float)
        for e in items:
            for a in e.authors:
                count[a] += 1
                strength[a] += max(e.closeness, 0.0)
        infos = [members[m] for m in count]
        kinds = Counter(_kind(organisations, i.organisation_id) for i in infos)
        levels = Counter(i.level for i in infos)
        countries = Counter(i.country for i in infos)
        bf = bus_factor([e.authors for e in items])
        standing = thinness[topic_id]
        holders = sorted(count, key=lambda m: (-strength[m], m))[:HOLDERS_KEPT]
        words = terms.get(topic_id, [])
        match = taxonomy.get(topic_id)
        out.append(Topic(
            id=topic_id, label=", ".join(words[:3]) or topic_id, terms=tuple(words),
            search_query=" ".join(words[:5]) or (match.subtopic_label or match.topic_label
                                                 if match else topic_id),
            taxonomy=match, contributions=len(items), members=len(count),
            members_by_level={lv: levels.get(lv, 0) for lv in LEVELS},
            organisations=len({i.organisation_id for i in infos}),
            organisation_kinds=dict(kinds.most_common()), countries=dict(countries.most_common()),
            per_year=dict(sorted(Counter(e.date.year for e in items).items())),
            bus_factor=bf, thin=standing.reasons,
            trend=trend_of([e.date for e in items], all_recent, all_before, as_of),
            primary_experts=standing.primary_experts,
            holders=tuple(_holder(members[m], count[m], strength[m]) for m in holders),
        ))
    return sorted(out, key=lambda t: (-t.contributions, t.id))


def _kind(organisations: Mapping[str, Organisation], org_id: str) -> str:
    org = organisations.get(org_id)
    return org.kind if org is not None else "unknown"


def _holder(m: MemberInfo, contributions: int, strength: float) -> Holder:
    return Holder(m.id, m.name, m.level, m.organisation_id, m.organisation_name, m.country,
                  contributions, round(strength, 4))


def thin_spots(topics: Iterable[Topic]) -> list[ThinSpot]:
    """The thin topics (a community without a taxonomy: ``service`` judges taxonomy entries
    when there is one)."""
    return [ThinSpot(t.id, t.label, t.thin, t.bus_factor, t.members, t.primary_experts,
                     t.contributions) for t in topics if t.thin]


def find_bridges(evidence: Sequence[Evidence], members: Mapping[str, MemberInfo]
                 ) -> list[Bridge]:
    """Members connecting topic pairs that few others connect, best first."""
    per_member: dict[str, Counter[str]] = defaultdict(Counter)
    for e in evidence:
        for a in e.authors:
            per_member[a][e.topic] += 1
    spans = {m: sorted(t for t, n in c.items() if n >= BRIDGE_MIN) for m, c in per_member.items()}
    connectors: dict[tuple[str, str], list[str]] = defaultdict(list)
    for m, topics in spans.items():
        for pair in combinations(topics, 2):
            connectors[pair].append(m)
    rare = {p: ms for p, ms in connectors.items() if len(ms) <= BRIDGE_MAX_CONNECTORS}
    pairs_of: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for pair, ms in rare.items():
        for m in ms:
            pairs_of[m].append(pair)
    out = []
    for m, pairs in pairs_of.items():
        info = members[m]
        score = sum(1 / len(rare[p]) for p in pairs)
        out.append(Bridge(m, info.name, info.level, tuple(spans[m]), tuple(sorted(pairs)),
                          round(score, 3)))
    return sorted(out, key=lambda b: (-b.score, b.member_id))


def periphery_experts(topics: Iterable[Topic]) -> list[PeripheryExpert]:
    out = []
    for t in topics:
        for rank, h in enumerate(t.holders[:PERIPHERY_TOP], start=1):
            if h.level in PERIPHERY_LEVELS:
                out.append(PeripheryExpert(h.member_id, h.name, h.level, t.id, t.label, rank,
                                           h.contributions))
    return sorted(out, key=lambda p: (p.rank, p.topic_id, p.member_id))
