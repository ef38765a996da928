"""Public response models of the knowledge map (separate from matcher/knowledge_map/model.py)."""

from __future__ import annotations

import dataclasses

from pydantic import BaseModel, Field

from matcher.knowledge_map import KnowledgeMap, Topic


class TaxonomyMatchOut(BaseModel):
    topic: str
    topic_label: str
    subtopic: str | None
    subtopic_label: str | None
    score: float = Field(description="Cosine of the topic's centre and the taxonomy entry")


class TrendOut(BaseModel):
    last_12_months: int
    last_24_months: int
    before: int = Field(description="Contributions more than 24 months before as_of")
    ratio: float | None = Field(description="Share of the last 24 months / share before")
    direction: str = Field(description="rising | fading | steady | new")


class HolderOut(BaseModel):
    member_id: str
    name: str
    level: str
    organisation_id: str
    organisation_name: str
    country: str
    contributions: int
    strength: float


class TopicOut(BaseModel):
    id: str = Field(description="Stable across recomputation (t<number>)")
    label: str
    terms: list[str]
    search_query: str = Field(description="What the page searches for this topic")
    taxonomy: TaxonomyMatchOut | None
    contributions: int
    members: int
    members_by_level: dict[str, int]
    organisations: int
    organisation_kinds: dict[str, int]
    countries: dict[str, int]
    per_year: dict[int, int]
    bus_factor: int = Field(description="Fewest members holding half of the topic's evidence")
    thin: list[str] = Field(description="Why the topic is thin (empty: it is not): "
                            "few_primary_experts | one_organisation | one_country")
    primary_experts: int = Field(description="Visible members whose primary topic this is")
    trend: TrendOut


class TopicDetailOut(TopicOut):
    holders: list[HolderOut] = Field(description="Strongest holders first (at most 20)")


class ThinSpotOut(BaseModel):
    """Knowledge resting on one or two primary experts for its size, or on one organisation
    or one country: a taxonomy entry when the community gives a taxonomy, else a topic."""

    topic_id: str = Field(description="The map topic holding most of its contributions")
    label: str
    reasons: list[str] = Field(description="few_primary_experts | one_organisation | "
                                           "one_country")
    bus_factor: int
    members: int
    primary_experts: int = Field(description="Visible members whose primary area this is")
    contributions: int
    taxonomy: TaxonomyMatchOut | None = Field(
        None, description="The taxonomy entry judged (null: the topic itself)")


class BridgeOut(BaseModel):
    member_id: str
    name: str
    level: str
    topics: list[str]
    pairs: list[list[str]] = Field(description="Topic pairs few other members connect")
    score: float


class PeripheryOut(BaseModel):
    member_id: str
    name: str
    level: str
    topic_id: str
    topic_label: str
    rank: int
    contributions: int


class TaxonomyGapOut(BaseModel):
    topic: str
    topic_label: str
    subtopic: str | None
    subtopic_label: str | None


class ScopeOut(BaseModel):
    id: str
    title: str
    status: str = Field(description="none (nobody relevant) | gap (members near it but no "
                        "topic of its own) | thin | covered")
    members_covering: int
    best_score: float | None
    best_members: list[str]
    nearest_topic: str | None
    nearest_topic_score: float | None


class CharterOut(BaseModel):
    name: str
    purpose: str
    objectives: list[str]


class MapResponse(BaseModel):
    computed_at: str
    model_computed_at: str
    visibility: str = Field(description='"public", or "public + " the private spaces counted')
    as_of: str | None = Field(description="Date the trends are measured back from (the latest "
                                          "contribution counted)")
    from_year: int | None
    to_year: int | None
    contributions: int
    count: int = Field(description="Number of topics")
    topics: list[TopicOut]
    thin_spots: list[ThinSpotOut]
    bridges: list[BridgeOut]
    rising: list[str]
    fading: list[str]
    periphery: list[PeripheryOut]
    taxonomy_gaps: list[TaxonomyGapOut] = Field(
        description="Taxonomy entries no topic maps to: too little evidence for a topic")
    charter: CharterOut | None
    scope: list[ScopeOut]


def _plain(value: object) -> dict[str, object]:
    out = dataclasses.asdict(value)  # type: ignore[call-overload]
    assert isinstance(out, dict)
    return out


def map_out(km: KnowledgeMap) -> MapResponse:
    data = _plain(km)
    for t in data["topics"]:  # type: ignore[attr-defined]
        t.pop("holders")
    return MapResponse.model_validate({**data, "count": len(km.topics)})


def topic_out(topic: Topic) -> TopicDetailOut:
    return TopicDetailOut.model_validate(_plain(topic))
