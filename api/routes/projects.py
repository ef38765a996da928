"""Projects: a team of collaborators, occasional experts to invite, and similar members.

Plain ``def`` routes: FastAPI runs them in its thread pool, so encoding never blocks the loop.
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel, ConfigDict, Field, StrictBool

from api.auth import CallerDep
from api.deps import FeedbackDep, SettingsDep
from api.schemas import EvidenceOut, MemberSummary, member_summary_fields
from indexing.schema import NOT_BLANK_TEXT
from matcher.filters import Access
from matcher.languages import NeedLanguage
from matcher.needs import Need, ProjectRequest
from matcher.requests import InvitationsRequest, SimilarRequest, TeamRequest
from matcher.teams import NeedEvidence, covered_needs
from matcher.text_checks import PRINTABLE_TEXT, WORDS_TEXT

router = APIRouter(tags=["projects"])

_ERRORS: dict[int | str, dict[str, str]] = {
    422: {"description": "Invalid project (empty description without needs, size out of range, "
                         "unknown member or organisation in the exclusions); `field` names it"},
}


class ProjectIn(BaseModel):
    """A project looking for people."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    title: str = Field(min_length=1, max_length=300, json_schema_extra=WORDS_TEXT)
    description: str = Field("", max_length=10_000, json_schema_extra=PRINTABLE_TEXT,
                             description="Required unless `needs` is given, and must then "
                             "name some expertise (422 when it names none)")
    needs: list[Annotated[str, Field(min_length=1, max_length=1000,
                                     json_schema_extra=WORDS_TEXT)]] | None = Field(
        None, max_length=50, description="Explicit needs; derived from the description if absent")
    size: int = Field(5, ge=1, le=100, description="Team size, 1..max_team_size (default 15)")
    exclude_members: list[str] = Field(default_factory=list, max_length=1000)
    exclude_organisations: list[str] = Field(default_factory=list, max_length=1000)
    exclude_countries: list[str] = Field(default_factory=list, max_length=250,
                                         description="ISO 3166-1 alpha-2")
    max_per_organisation: int | None = Field(None, ge=1, le=100)
    max_per_country: int | None = Field(None, ge=1, le=100)
    project_id: str | None = Field(
        None, min_length=1, max_length=128, json_schema_extra=NOT_BLANK_TEXT,
        description="The caller's project (needs a key): "
        "members declined or judged not relevant for it (POST /feedback) are not suggested "
        "again")
    shown: StrictBool = Field(False, description="This answer is shown to a person: count it as "
                        "exposure (with the fair_exposure setting on)")

    def to_request(self) -> ProjectRequest:
        return ProjectRequest(
            title=self.title, description=self.description,
            needs=tuple(self.needs) if self.needs else None, size=self.size,
            exclude_members=frozenset(self.exclude_members),
            exclude_organisations=frozenset(self.exclude_organisations),
            exclude_countries=frozenset(self.exclude_countries),
            max_per_organisation=self.max_per_organisation, max_per_country=self.max_per_country,
        )


class InvitationsIn(ProjectIn):
    top: int = Field(10, ge=1, le=100)


class NeedOut(BaseModel):
    need: str
    derived: bool
    source: str | None = Field(None, description="the sentence of the description a derived "
                               "need came from")
    part_of: str | None = Field(None, description="a derived need not read in the description: "
                                "a usual part of the work its source names (in English)")
    detected_language: str | None = Field(
        description="ISO 639-1; the brief's for derived and short needs")
    language_route: str = Field(description="english, multilingual or fused")


class NeedEvidenceOut(EvidenceOut):
    need: str


class TeamMemberOut(MemberSummary):
    score: float
    covers: list[str]
    evidence: list[NeedEvidenceOut]


class CoverageOut(BaseModel):
    need: str
    covered_by: list[str]
    best_score: float


class GapOut(BaseModel):
    need: str
    best_score: float
    best_member_id: str | None


class SpreadOut(BaseModel):
    organisations: dict[str, int]
    countries: dict[str, int]


class ShortfallOut(BaseModel):
    asked: int
    chosen: int
    reason: str = Field(description="why, in English, with the figures below")
    next_member_id: str | None
    next_gain: float
    kind: Literal["held_back", "nobody_adds"] = Field(
        description="held_back: the next member who would add coverage is held back by a cap; "
                    "nobody_adds: nobody else adds coverage above the threshold")
    cap: str | None = Field(description="held_back: max_per_organisation or max_per_country")
    threshold: float = Field(description="the coverage threshold")


class AlternateOut(MemberSummary):
    score: float
    covers: list[str]
    cost: float = Field(description="relevance below the team's weakest member (<0: above)")
    widens: list[str] = Field(description="organisation and/or country the team lacks")


class TeamResponse(BaseModel):
    title: str
    needs: list[NeedOut]
    team: list[TeamMemberOut]
    coverage: list[CoverageOut]
    gaps: list[GapOut]
    spread: SpreadOut
    shortfall: ShortfallOut | None = Field(description="why the team is smaller than asked")
    alternates: list[AlternateOut]
    count: int
    suggestion_id: str | None = Field(None, description="Names this team in POST /feedback")
    project_id: str | None = None


class ReasonOut(BaseModel):
    need: str
    type: str = Field(description="fills_gap, adds_depth, new_perspective or grow_newcomer")
    detail: str = Field(description="the reason in English, with its figures")
    score: float = Field(description="the member's relevance on the need")
    core_best: float | None = Field(description="fills_gap, adds_depth: the best relevance of "
                                                "a core or active member on the need")
    limit: float | None = Field(description="fills_gap: the coverage threshold; adds_depth: "
                                            "the depth margin")
    brings: dict[str, str] = Field(description="new_perspective: what the member brings that "
                                               "the team lacks, by kind (organisation_kind, "
                                               "country, language)")
    contributions: int | None = Field(description="grow_newcomer: the member's contributions")


class InvitationOut(MemberSummary):
    score: float
    covers: list[str]
    reasons: list[ReasonOut]
    reason: str = Field(description="the reasons' details as one text")
    evidence: list[NeedEvidenceOut]


class NobodyOut(BaseModel):
    kind: Literal["none_open", "below_floor", "core_better"] = Field(
        description="none_open: nobody outside the core is open to invitations; below_floor: "
                    "the best fit is under the fit floor; core_better: the core covers those "
                    "needs better and the team already brings what they would")
    floor: float = Field(description="the fit floor")
    member_id: str | None = Field(description="the best fit outside the core")
    name: str | None
    score: float | None
    need: str | None


class InvitationsResponse(BaseModel):
    needs: list[NeedOut]
    team: list[str] = Field(description="the team suggested for the same request (member ids)")
    count: int
    invitations: list[InvitationOut]
    explanation: str | None = Field(description="why nobody is invited, when nobody is")
    nobody: NobodyOut | None = Field(description="the explanation's figures, for the page's "
                                                 "languages")
    suggestion_id: str | None = Field(None, description="Names these invitations in "
                                                        "POST /feedback")
    project_id: str | None = None


class SimilarOut(MemberSummary):
    score: float


class SimilarResponse(BaseModel):
    member_id: str
    count: int
    results: list[SimilarOut]


def _needs(needs: tuple[Need, ...], languages: tuple[NeedLanguage, ...]) -> list[NeedOut]:
    return [NeedOut(need=n.text, derived=n.derived, source=n.source, part_of=n.part_of,
                    detected_language=lang.code, language_route=lang.route)
            for n, lang in zip(needs, languages, strict=True)]


def _evidence(items: tuple[NeedEvidence, ...]) -> list[NeedEvidenceOut]:
    return [NeedEvidenceOut(**e.evidence.__dict__, need=e.need) for e in items]


@router.post("/projects/match", response_model=TeamResponse, responses=_ERRORS)
def match_project(feedback: FeedbackDep, caller: CallerDep, settings: SettingsDep,
                  body: ProjectIn) -> TeamResponse:
    """A team that covers the project's needs, spread across organisations and countries.

    Needs nobody covers above the coverage threshold are listed in `gaps`; the team may be
    smaller than `size` when nobody else adds coverage.
    """
    access = caller.access
    answer = feedback.team(TeamRequest.of(body.to_request(), caller.asker, settings,
                                          body.project_id, body.shown))
    result = answer.result
    team = [TeamMemberOut(**member_summary_fields(t.member, access), score=t.score,
                          covers=list(t.covers), evidence=_evidence(t.evidence))
            for t in result.team]
    alternates = [AlternateOut(**member_summary_fields(a.member, access), score=a.score,
                               covers=list(covered_needs(a, result.needs)), cost=a.cost,
                               widens=list(a.widens))
                  for a in result.alternates]
    return TeamResponse(
        title=result.title, needs=_needs(result.needs, result.languages), team=team,
        coverage=[CoverageOut(need=c.need, covered_by=list(c.covered_by),
                              best_score=c.best_score) for c in result.coverage],
        gaps=[GapOut(**g.__dict__) for g in result.gaps],
        spread=SpreadOut(organisations=result.organisations, countries=result.countries),
        shortfall=ShortfallOut(**result.shortfall.as_dict()) if result.shortfall else None,
        alternates=alternates, count=len(team), suggestion_id=answer.suggestion_id,
        project_id=body.project_id,
    )


@router.post("/projects/invitations", response_model=InvitationsResponse, responses=_ERRORS)
def project_invitations(feedback: FeedbackDep, caller: CallerDep, settings: SettingsDep,
                        body: InvitationsIn) -> InvitationsResponse:
    """Occasional, peripheral and transactional members (open to invitations, never hidden)
    whose expertise fits a need that core and active members cover poorly, with the reason."""
    access = caller.access
    answer = feedback.invitations(InvitationsRequest.of(
        body.to_request(), caller.asker, settings, body.top, body.project_id, body.shown))
    result = answer.result
    invitations = [InvitationOut(**member_summary_fields(i.member, access), score=i.score,
                                 covers=list(i.covers),
                                 reasons=[ReasonOut(**r.as_dict()) for r in i.reasons],
                                 reason=i.reason, evidence=_evidence(i.evidence))
                   for i in result.invitations]
    return InvitationsResponse(needs=_needs(result.needs, result.languages),
                               team=list(result.team), count=len(invitations),
                               invitations=invitations, explanation=result.explanation,
                               nobody=NobodyOut(**result.nobody.__dict__) if result.nobody
                               else None,
                               suggestion_id=answer.suggestion_id, project_id=body.project_id)


@router.get("/members/{member_id}/similar", response_model=SimilarResponse,
            responses={404: {"description": "Unknown or hidden member"}})
def similar(feedback: FeedbackDep, caller: CallerDep,
            member_id: Annotated[str, Path(min_length=1, max_length=128)],
            top: Annotated[int, Query(ge=1)] = 10) -> SimilarResponse:
    """Members who work on the same things, by the mean vector of this member's work."""
    access = caller.access
    peers = feedback.similar(SimilarRequest(member_id, caller.asker, top))
    results = [_similar_out(p.member, p.score, access) for p in peers]
    return SimilarResponse(member_id=member_id, count=len(results), results=results)


def _similar_out(member: object, score: float, access: Access) -> SimilarOut:
    return SimilarOut(**member_summary_fields(member, access), score=score)
