"""Public response models (separate from the core's dataclasses)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from indexing.community import WriteMode
from indexing.schema import Contribution, Member, Organisation, RecordId, SpaceName
from indexing.store import WriteResult
from indexing.store.keys import ApiKey
from matcher.experts import ExpertMatch
from matcher.filters import Access

RELEVANCE = ("Relevance in [0, 1], one scale in every language and route: the English model's "
             "(all-MiniLM-L6-v2) cosine between the need and the member's documents, "
             "aggregated as the ranking does; a need in another language is brought to the "
             "English scale (matcher/relevance.py), so the same need asked in French or in "
             "English shows similar numbers for the same people. Also what teams and "
             "invitations threshold.")


class EvidenceOut(BaseModel):
    contribution_id: str | None = Field(description="null for profile evidence")
    title: str
    type: str
    date: str
    language: str | None
    space: str
    score: float = Field(description="This passage's relevance, on the member score's scale")
    snippet: str = Field(description="The chunk that matched, or for profile evidence the "
                                     "sentence of the profile that matched")
    kind: Literal["contribution", "profile"] = Field(
        "contribution", description="contribution: a contribution's chunk; profile: the "
        "member's bio")


class MemberSummary(BaseModel):
    member_id: str
    name: str
    organisation_id: str
    organisation: str
    country: str
    level: str
    languages: list[str]
    topics: list[str]
    open_to_invitations: bool
    contact: str | None = Field(None, description="Only for callers with a key")
    busy_until: str | None = Field(None, description="Callers with a key: the member said "
                                   "they are busy until this day (invitations skip them)")
    consent: str | None = Field(None, description="Callers with a key: the member's own "
                                "answer (in, out) to being suggested; null: the community's "
                                "default")


class ExpertOut(MemberSummary):
    score: float = Field(description=RELEVANCE)
    profile_score: float | None
    evidence: list[EvidenceOut]


class GlossTermOut(BaseModel):
    source: str = Field(description="The need's words (stemmed match)")
    english: str = Field(description="The English glossary term they were read as")


class PlaceHintOut(BaseModel):
    text: str = Field(description="The need's words that name the place")
    place: str = Field(description="The place, in English")
    kind: str = Field(description="country | region | city | state")
    countries: list[str] = Field(description="ISO 3166-1 alpha-2 codes the place implies")


class HintOut(BaseModel):
    kind: Literal["far", "broad"] = Field(description="far: nobody comes close to the need; "
                                          "broad: most members match it about as well")
    best: float | None = Field(description="far: the best relevance")
    share: float | None = Field(description="broad: the share of the members reached that "
                                            "match about as well as the best")
    example: str | None = Field(description="broad: a contribution the answer shows")


class ExpertsResponse(BaseModel):
    need: str
    detected_language: str | None = Field(None, description="ISO 639-1, detected")
    language_route: str | None = Field(None, description="english | multilingual | fused")
    glossary_reading: list[GlossTermOut] = Field(
        default_factory=list, description="A non-English need's domain-glossary terms and the "
        "English term each was read as (empty for English needs or without a glossary)")
    place_hints: list[PlaceHintOut] = Field(
        default_factory=list, description="Places the need names and the countries they imply; "
        "members working there are preferred (empty with places=off)")
    count: int
    results: list[ExpertOut]
    suggestion_id: str | None = Field(
        None, description="Names this answer in POST /feedback (null with record_suggestions "
                          "off); the same answer to the same request has the same id")
    project_id: str | None = Field(None, description="The caller's project, as given")
    learned_ranking: bool = Field(False, description="The order was learned from feedback "
                                  "(`wellspring learn`); scores stay the relevance")
    hint: str | None = Field(None, description="Advice when the need is so broad that most "
                             "members match it about as well, or when nobody comes close to it "
                             "(null otherwise)")
    hint_facts: HintOut | None = Field(None, description="The figures the hint states, from "
                                       "which the page says it in the reader's language")

    model_config = {
        "json_schema_extra": {
            "examples": [{
                "need": "reducing non-revenue water in intermittent supply",
                "count": 1,
                "results": [{
                    "member_id": "m-0001", "name": "Amina Otieno",
                    "organisation_id": "org-nairobi-water", "organisation": "Nairobi Water",
                    "country": "KE", "level": "active", "languages": ["en", "sw"],
                    "topics": ["non_revenue_water"], "open_to_invitations": True,
                    "contact": None, "score": 0.71, "profile_score": 0.66,
                    "evidence": [{
                        "contribution_id": "c-00012", "title": "Pressure management in DMAs",
                        "type": "case_study", "date": "2023-05-02", "language": "en",
                        "space": "public", "score": 0.74, "snippet": "…",
                    }],
                }],
            }]
        }
    }


def member_summary_fields(member: object, access: Access) -> dict[str, object]:
    m = member
    return {
        "member_id": m.id,  # type: ignore[attr-defined]
        "name": m.name,  # type: ignore[attr-defined]
        "organisation_id": m.organisation_id,  # type: ignore[attr-defined]
        "organisation": m.organisation_name,  # type: ignore[attr-defined]
        "country": m.country,  # type: ignore[attr-defined]
        "level": m.level,  # type: ignore[attr-defined]
        "languages": list(m.languages),  # type: ignore[attr-defined]
        "topics": list(m.topics),  # type: ignore[attr-defined]
        "open_to_invitations": m.open_to_invitations,  # type: ignore[attr-defined]
        "contact": (m.contact if access.sees_contact_of(m.id)  # type: ignore[attr-defined]
                    else None),
        **(_say_fields(m) if access.see_contacts else {}),
    }


def _say_fields(m: object) -> dict[str, object]:
    """What the member said about their availability and consent (keyed callers, #29)."""
    busy = getattr(m, "busy_until", None)
    return {"busy_until": busy.isoformat() if busy else None,
            "consent": getattr(m, "consent", None)}


def expert_out(match: ExpertMatch, access: Access) -> ExpertOut:
    return ExpertOut(
        **member_summary_fields(match.member, access),
        score=match.score,
        profile_score=match.profile_score,
        evidence=[EvidenceOut(**e.__dict__) for e in match.evidence],
    )


# -- members, contributions, stats ---------------------------------------------------------------
_MEMBER_EXAMPLE: dict[str, Any] = {
    "member_id": "m-0002", "name": "Pieter van Dijk", "organisation_id": "org-delta-university",
    "organisation": "Delta University of Technology", "country": "NL", "level": "active",
    "languages": ["en", "nl"], "topics": ["groundwater_recharge", "hydrogeology"],
    "open_to_invitations": True, "contact": None,
}


class MembersResponse(BaseModel):
    """One page of members (hidden members never appear); ``total`` counts every match."""

    total: int
    offset: int
    limit: int
    count: int
    results: list[MemberSummary]

    model_config = {"json_schema_extra": {"examples": [{
        "total": 11, "offset": 0, "limit": 1, "count": 1, "results": [_MEMBER_EXAMPLE]}]}}


class MemberDetailOut(MemberSummary):
    bio: str
    contributions: int = Field(description="Contributions the caller may see")

    model_config = {"json_schema_extra": {"examples": [{
        **_MEMBER_EXAMPLE, "bio": "Hydrogeologist working on managed aquifer recharge.",
        "contributions": 4}]}}


class ContributionOut(BaseModel):
    contribution_id: str
    type: str
    title: str
    text: str
    date: str
    language: str | None
    authors: list[str]
    space: str

    model_config = {"json_schema_extra": {"examples": [{
        "contribution_id": "c-00009", "type": "publication",
        "title": "Infiltration basins for managed aquifer recharge", "text": "…",
        "date": "2021-03-14", "language": "en", "authors": ["m-0002"], "space": "public"}]}}


class StatsResponse(BaseModel):
    members: int
    organisations: int
    countries: int
    levels: dict[str, int]
    organisation_kinds: dict[str, int]
    contributions: int
    contribution_types: dict[str, int]
    languages: dict[str, int]
    private_contributions: int
    spaces: dict[str, int] = Field(description="Only the spaces the caller may see")
    vocabulary: dict[str, list[str]] = Field(
        default_factory=dict, description="The community's contribution types and "
        "organisation kinds (defaults + vocabulary.json), for filters and forms")

    model_config = {"json_schema_extra": {"examples": [{
        "members": 12, "organisations": 6, "countries": 10,
        "levels": {"active": 4, "core": 2}, "organisation_kinds": {"utility": 1},
        "contributions": 41, "contribution_types": {"publication": 9},
        "languages": {"en": 38, "fr": 2, "es": 1}, "private_contributions": 4,
        "spaces": {"public": 37}}]}}


def contribution_out(c: object) -> ContributionOut:
    return ContributionOut(
        contribution_id=c.id, type=c.type, title=c.title,  # type: ignore[attr-defined]
        text=c.text, date=c.date.isoformat(), language=c.language,  # type: ignore[attr-defined]
        authors=list(c.authors), space=c.space,  # type: ignore[attr-defined]
    )


# -- writes ---------------------------------------------------------------------------------------
class WriteResponse(BaseModel):
    """What a write changed; searches see it as soon as this response is sent."""

    kind: str
    ids: list[str]
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    deleted: int = 0

    model_config = {"json_schema_extra": {"examples": [{
        "kind": "contribution", "ids": ["c-01001"], "inserted": 1, "updated": 0,
        "unchanged": 0, "deleted": 0}]}}


_BATCH_MODE_DOC = ("create: refuse existing ids (409); replace: refuse unknown ids (404); "
                   "upsert: either")


class OrganisationBatch(BaseModel):
    mode: WriteMode = Field("upsert", description=_BATCH_MODE_DOC)
    records: list[Organisation] = Field(min_length=1)


class MemberBatch(BaseModel):
    mode: WriteMode = Field("upsert", description=_BATCH_MODE_DOC)
    records: list[Member] = Field(min_length=1)


class ContributionBatch(BaseModel):
    mode: WriteMode = Field("upsert", description=_BATCH_MODE_DOC)
    records: list[Contribution] = Field(min_length=1)


def write_response(kind: str, ids: list[str], result: WriteResult) -> WriteResponse:
    return WriteResponse(kind=kind, ids=ids, inserted=result.inserted, updated=result.updated,
                         unchanged=result.unchanged, deleted=result.deleted)


# -- admin ----------------------------------------------------------------------------------------
class RoleKeyCreate(BaseModel):
    """A reader, editor or admin key, with the private spaces it holds."""

    role: Literal["reader", "editor", "admin"]
    spaces: list[SpaceName] = Field(default_factory=list, max_length=100)
    name: str = Field("", max_length=200)
    member_id: None = Field(None, description="Only a member key names a member")


class MemberKeyCreate(BaseModel):
    """A member key (issue #28): bound to one member, it reads what the public reads plus that
    member's own contributions; it holds no spaces."""

    model_config = ConfigDict(extra="forbid")

    role: Literal["member"]
    member_id: RecordId = Field(description="The member the key acts as (must exist)")
    name: str = Field("", max_length=200)

    @property
    def spaces(self) -> list[str]:
        return []


# the role decides the shape (the route reads it with discriminator "role"): a member key
# names its member, the others their spaces
KeyCreate = RoleKeyCreate | MemberKeyCreate


class KeyOut(BaseModel):
    key_id: str
    name: str
    role: str
    spaces: list[str]
    created_at: str
    revoked_at: str | None
    member_id: str | None = None


class KeyCreated(KeyOut):
    key: str = Field(description="The plain key: shown once, only its salted hash is stored")


class KeysResponse(BaseModel):
    count: int
    results: list[KeyOut]


def key_out(key: ApiKey) -> KeyOut:
    return KeyOut(key_id=key.key_id, name=key.name, role=key.role, spaces=list(key.spaces),
                  created_at=key.created_at, revoked_at=key.revoked_at, member_id=key.member_id)


class AuditEntryOut(BaseModel):
    seq: int
    at: str
    key_id: str
    action: str
    kind: str
    ids: list[str]
    detail: dict[str, object]


class AuditResponse(BaseModel):
    total: int
    count: int
    results: list[AuditEntryOut]

    model_config = {"json_schema_extra": {"examples": [{
        "total": 1, "count": 1, "results": [{
            "seq": 1, "at": "2025-01-01T12:00:00+00:00", "key_id": "3f2a9c0d1e4b",
            "action": "replace", "kind": "member", "ids": ["m-0002"],
            "detail": {"mode": "replace", "inserted": 0, "updated": 1, "unchanged": 0,
                       "fields": ["bio"]}}]}]}}


class ReindexResponse(BaseModel):
    vectors: int
    generation: str | None
    encoded_texts: int
    stored_texts: int = Field(0, description="Texts whose vectors were taken from the store")
    added_keys: int
    removed_keys: int
