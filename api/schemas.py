"""Public response models (separate from the core's dataclasses)."""

from __future__ import annotations

from pydantic import BaseModel, Field

from matcher.experts import ExpertMatch
from matcher.filters import Access


class EvidenceOut(BaseModel):
    contribution_id: str
    title: str
    type: str
    date: str
    language: str | None
    space: str
    score: float
    snippet: str


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


class ExpertOut(MemberSummary):
    score: float
    profile_score: float | None
    evidence: list[EvidenceOut]


class ExpertsResponse(BaseModel):
    need: str
    count: int
    results: list[ExpertOut]

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
        "contact": m.contact if access.see_contacts else None,  # type: ignore[attr-defined]
    }


def expert_out(match: ExpertMatch, access: Access) -> ExpertOut:
    return ExpertOut(
        **member_summary_fields(match.member, access),
        score=match.score,
        profile_score=match.profile_score,
        evidence=[EvidenceOut(**e.__dict__) for e in match.evidence],
    )
