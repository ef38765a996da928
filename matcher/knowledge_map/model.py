"""The knowledge map's results: typed, frozen, and free of anything the caller may not see."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

ThinReason = Literal["few_primary_experts", "one_organisation", "one_country"]
TrendDirection = Literal["rising", "fading", "steady", "new"]
ScopeStatus = Literal["none", "gap", "thin", "covered"]
LEVELS = ("core", "active", "occasional", "peripheral", "transactional")


@dataclass(frozen=True)
class TaxonomyMatch:
    """The community taxonomy entry a topic was mapped to, and how close it is (cosine)."""

    topic: str
    topic_label: str
    subtopic: str | None
    subtopic_label: str | None
    score: float


@dataclass(frozen=True)
class Trend:
    """Contributions in the last 12 and 24 months before ``as_of`` and before that; ``ratio``
    compares the topic's share of the community's last 24 months with its earlier share."""

    last_12_months: int
    last_24_months: int
    before: int
    ratio: float | None
    direction: TrendDirection


@dataclass(frozen=True)
class Holder:
    """A member who holds a topic's evidence: contributions in it and their strength (the sum of
    their closeness to the topic's centre)."""

    member_id: str
    name: str
    level: str
    organisation_id: str
    organisation_name: str
    country: str
    contributions: int
    strength: float


@dataclass(frozen=True)
class Topic:
    id: str
    label: str
    terms: tuple[str, ...]
    search_query: str
    taxonomy: TaxonomyMatch | None
    contributions: int
    members: int
    members_by_level: dict[str, int]
    organisations: int
    organisation_kinds: dict[str, int]
    countries: dict[str, int]
    per_year: dict[int, int]
    bus_factor: int
    thin: tuple[ThinReason, ...]
    trend: Trend
    primary_experts: int  # visible members whose primary topic this is (``thin.py``)
    holders: tuple[Holder, ...]


@dataclass(frozen=True)
class ThinSpot:
    """An area whose visible knowledge is thin (``thin.py``): a taxonomy entry (``taxonomy``
    set) when the community gives a taxonomy, else a topic; ``topic_id`` is the map topic that
    holds most of its contributions."""

    topic_id: str
    label: str
    reasons: tuple[ThinReason, ...]
    bus_factor: int
    members: int
    primary_experts: int
    contributions: int
    taxonomy: TaxonomyMatch | None = None


@dataclass(frozen=True)
class Bridge:
    """A member whose work connects topics that few others connect; ``pairs`` are the rare
    topic pairs and ``score`` sums 1 / (connectors of each pair)."""

    member_id: str
    name: str
    level: str
    topics: tuple[str, ...]
    pairs: tuple[tuple[str, str], ...]
    score: float


@dataclass(frozen=True)
class PeripheryExpert:
    """An occasional, peripheral or transactional member among a topic's strongest holders."""

    member_id: str
    name: str
    level: str
    topic_id: str
    topic_label: str
    rank: int
    contributions: int


@dataclass(frozen=True)
class ScopeCoverage:
    """A charter scope area matched like a need: members relevant above the team coverage
    threshold, the best of them, and the nearest topic."""

    id: str
    title: str
    status: ScopeStatus
    members_covering: int
    best_score: float | None
    best_members: tuple[str, ...]
    nearest_topic: str | None
    nearest_topic_score: float | None


@dataclass(frozen=True)
class TaxonomyGap:
    """An entry of the community's taxonomy that no topic of the map was mapped to: knowledge
    too thin (or absent) to form a topic of its own."""

    topic: str
    topic_label: str
    subtopic: str | None
    subtopic_label: str | None


@dataclass(frozen=True)
class CharterSummary:
    name: str
    purpose: str
    objectives: tuple[str, ...]


@dataclass(frozen=True)
class KnowledgeMap:
    """The community's knowledge map as one caller may see it."""

    computed_at: str
    model_computed_at: str
    visibility: str  # "public", or "public + " the private spaces it was computed from
    as_of: str | None
    from_year: int | None
    to_year: int | None
    contributions: int
    topics: tuple[Topic, ...]
    thin_spots: tuple[ThinSpot, ...]
    bridges: tuple[Bridge, ...]
    rising: tuple[str, ...]
    fading: tuple[str, ...]
    periphery: tuple[PeripheryExpert, ...]
    taxonomy_gaps: tuple[TaxonomyGap, ...]
    charter: CharterSummary | None
    scope: tuple[ScopeCoverage, ...]

    def topic(self, topic_id: str) -> Topic | None:
        return next((t for t in self.topics if t.id == topic_id), None)
