"""Coordinators' feedback on suggestions (POST /feedback), and for admins the feedback kept
and the exposure distribution (GET /admin/feedback, GET /admin/exposure)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict, Field

from api.auth import AdminDep, EditorDep, KeysDep
from api.deps import FeedbackDep
from indexing.schema import NOT_BLANK_TEXT
from indexing.store.feedback import FeedbackEntry, Outcome

router = APIRouter(tags=["feedback"])
_AUTH: dict[int | str, dict[str, str]] = {
    401: {"description": "No API key, or an invalid one"},
    403: {"description": "The key's role does not allow this"},
}


class FeedbackIn(BaseModel):
    """One outcome for one suggested member."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    suggestion_id: str | None = Field(
        None, min_length=1, max_length=64, json_schema_extra=NOT_BLANK_TEXT,
        description="From an /experts, team or invitation "
        "answer; the member must be one it suggested")
    project_id: str | None = Field(
        None, min_length=1, max_length=128, json_schema_extra=NOT_BLANK_TEXT,
        description="A project record the caller may see (404 otherwise; issue #30). Required "
        "without a suggestion_id (the member must then exist); with one, it must be the "
        "suggestion's project")
    member_id: str = Field(min_length=1, max_length=128, json_schema_extra=NOT_BLANK_TEXT)
    outcome: Outcome = Field(description="contacted, accepted, declined_not_my_field, "
                                         "declined_busy or not_relevant")


class FeedbackOut(BaseModel):
    feedback_id: str
    at: str
    key_id: str
    suggestion_id: str | None
    project_id: str | None
    member_id: str
    outcome: Outcome


class FeedbackList(BaseModel):
    total: int
    count: int
    results: list[FeedbackOut]


class ExposedOut(BaseModel):
    member_id: str
    name: str
    count: int


class ExposureOut(BaseModel):
    basis: str = Field(description="shown: suggestions marked shown; suggested: every "
                                   "suggestion recorded")
    window_days: int
    since: str
    members: int = Field(description="Visible members counted, zeros included")
    total: int
    gini: float = Field(description="0: every member equally exposed; near 1: a few hold all")
    top10_share: float = Field(description="Share of exposure held by the 10 most exposed")
    most_exposed: list[ExposedOut]
    never_with_evidence_count: int = Field(
        description="Visible members with contributions never counted in the window")
    never_with_evidence: list[str] = Field(description="Their ids (at most 100)")


def _out(e: FeedbackEntry) -> FeedbackOut:
    return FeedbackOut(feedback_id=e.feedback_id, at=e.at, key_id=e.key_id,
                       suggestion_id=e.suggestion_id, project_id=e.project_id,
                       member_id=e.member_id, outcome=e.outcome)


@router.post("/feedback", response_model=FeedbackOut, status_code=201, responses={
    **_AUTH, 422: {"description": "Unknown suggestion, member not in it, unknown member or "
                                  "outcome; `field` names it"}})
def give_feedback(feedback: FeedbackDep, keys: KeysDep, caller: EditorDep, body: FeedbackIn
                  ) -> FeedbackOut:
    """A coordinator's outcome for a suggested member (editor or admin key): stored, audited,
    and used: a declined member is not suggested again for the project, a busy one is capped
    for the cool-down, and `wellspring learn` refits the ranking on the outcomes."""
    entry = feedback.give(caller.key_id, body.member_id, body.outcome, body.suggestion_id,
                          body.project_id, caller.asker)
    keys.audit(caller.key_id, "create", "feedback", [entry.feedback_id],
               {"outcome": entry.outcome, "suggestion": entry.suggestion_id is not None})
    return _out(entry)


@router.get("/admin/feedback", response_model=FeedbackList, tags=["admin"], responses=_AUTH)
def list_feedback(
    feedback: FeedbackDep, caller: AdminDep,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
    member_id: Annotated[str | None, Query(max_length=128)] = None,
    project_id: Annotated[str | None, Query(max_length=128)] = None,
) -> FeedbackList:
    """The feedback kept, newest first (a deleted member's feedback is deleted with them)."""
    total, entries = feedback.entries(limit, offset, member_id, project_id)
    return FeedbackList(total=total, count=len(entries), results=[_out(e) for e in entries])


@router.get("/admin/exposure", response_model=ExposureOut, tags=["admin"], responses=_AUTH)
def exposure(feedback: FeedbackDep, caller: AdminDep,
             basis: Annotated[Literal["shown", "suggested"], Query()] = "shown"
             ) -> ExposureOut:
    """How exposure is spread over the window (`exposure_window_days`): Gini, the top-10
    share, the most exposed, and who is never suggested despite evidence."""
    r = feedback.exposure(basis)
    return ExposureOut(
        basis=r.basis, window_days=r.window_days, since=r.since, members=r.members,
        total=r.total, gini=r.gini, top10_share=r.top10_share,
        most_exposed=[ExposedOut(member_id=m.member_id, name=m.name, count=m.count)
                      for m in r.most_exposed],
        never_with_evidence_count=r.never_with_evidence_count,
        never_with_evidence=list(r.never_with_evidence))
