"""Request and response models of project records (``api/routes/project_records.py``)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool

from api.schemas import MemberSummary, member_summary_fields
from indexing.schema import NOT_BLANK_TEXT
from indexing.store.projects import PersonStatus, Project, ProjectPerson, status_kind
from matcher.filters import Access
from matcher.project_missing import MissingReason
from matcher.projects import (
    MAX_NOTE_CHARS,
    PersonForm,
    ProjectForm,
    ProjectSuggestion,
    SuggestedPerson,
)
from matcher.text_checks import PRINTABLE_TEXT, WORDS_TEXT

_Id = Annotated[str, Field(min_length=1, max_length=128)]
_Space = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[a-z0-9][a-z0-9_\-]*$")]


class ProjectFields(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    description: str | None = Field(None, max_length=10_000, json_schema_extra=PRINTABLE_TEXT,
                                    description="The brief; needs are derived from it when "
                                    "`needs` is not given")
    needs: list[Annotated[str, Field(min_length=1, max_length=1000,
                                     json_schema_extra=WORDS_TEXT)]] | None = Field(
        None, max_length=50, description="Explicit needs; derived from the description if absent")
    size: int | None = Field(None, ge=1, le=100, description="Team size (default: team_size)")
    exclude_members: list[_Id] | None = Field(None, max_length=1000)
    exclude_organisations: list[_Id] | None = Field(None, max_length=1000)
    exclude_countries: list[Annotated[str, Field(min_length=2, max_length=2)]] | None = Field(
        None, max_length=250, description="ISO 3166-1 alpha-2")
    spaces: list[_Space] | None = Field(
        None, max_length=50, description="Private spaces whose editors may see the project "
        "(the caller must hold them); none: its owner and admins only. Never public.")

    def form(self, title: str | None, status: str | None = None) -> ProjectForm:
        def t(x: list[str] | None) -> tuple[str, ...] | None:
            return None if x is None else tuple(x)

        return ProjectForm(title, self.description, t(self.needs), self.size,
                           t(self.exclude_members), t(self.exclude_organisations),
                           t(self.exclude_countries), t(self.spaces), status)


class ProjectCreate(ProjectFields):
    """A new project from a brief."""

    title: str = Field(min_length=1, max_length=300, json_schema_extra=WORDS_TEXT)

    def to_form(self) -> ProjectForm:
        return self.form(self.title)


class ProjectPatch(ProjectFields):
    """What changes (fields left out stay as they are)."""

    title: str | None = Field(None, min_length=1, max_length=300, json_schema_extra=WORDS_TEXT)
    status: Literal["open", "closed"] | None = None

    def to_form(self) -> ProjectForm:
        return self.form(self.title, self.status)


class SuggestIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    top: int = Field(10, ge=1, le=100, description="Invitations at most")
    shown: StrictBool = Field(False, description="Shown to a person: counted as exposure")


class PersonIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    status: PersonStatus = Field(description="suggested, shortlisted, withdrawn (workflow); "
                                 "contacted, accepted (positive outcomes); "
                                 "declined_not_my_field, not_relevant (negative); "
                                 "declined_busy (neutral)")
    note: str = Field("", max_length=MAX_NOTE_CHARS, json_schema_extra=PRINTABLE_TEXT)

    def to_form(self, member_id: str) -> PersonForm:
        return PersonForm(member_id, self.status, self.note)


class NeedOut(BaseModel):
    need: str
    language: str | None
    derived: bool
    source: str | None
    part_of: str | None = Field(None, description="Not read in the description: a usual part "
                                "of the work its source sentence names (that work, in English)")


class ProjectOut(BaseModel):
    project_id: str
    title: str
    description: str
    needs: list[NeedOut]
    size: int | None
    exclude_members: list[str]
    exclude_organisations: list[str]
    exclude_countries: list[str]
    owner: str | None
    spaces: list[str]
    status: str
    created_at: str
    updated_at: str


class StatusChangeOut(BaseModel):
    status: str
    note: str
    by: str
    at: str


class PersonOut(BaseModel):
    member_id: str = Field(json_schema_extra=NOT_BLANK_TEXT)
    status: str
    kind: str = Field(description="positive, negative or neutral outcome, or workflow")
    note: str
    role: str = Field(description="team, invitation or added")
    covers: list[str]
    updated_at: str
    history: list[StatusChangeOut]


class ProjectDetail(ProjectOut):
    people: list[PersonOut]


class ProjectList(BaseModel):
    total: int
    count: int
    results: list[ProjectOut]


class SuggestedOut(MemberSummary):
    role: str
    score: float | None = Field(description="null for a person kept (accepted before)")
    covers: list[str]
    status: str
    note: str
    kept: bool = Field(description="accepted before: stays in the team")
    reason: str


class MissingOut(MemberSummary):
    status: str = Field(description="the person's status in the project")
    role: str = Field(description="how they came: team, invitation, expert or added")
    reason: MissingReason = Field(description=(
        "why they are not suggested now: declined (for this project: not my field, busy or not "
        "relevant; the status says which), withdrawn, cooldown (declined as busy on another "
        "project within the cool-down), busy_until "
        "(the member's own date), monthly_limit (the invitations per month they accept were "
        "reached), closed_to_invitations, not_chosen (others cover the needs better)"))
    until: dt.date | None = Field(description="busy_until: the last day the member said "
                                              "they are busy")


class ProjectSuggestionOut(BaseModel):
    project_id: str
    uncovered: list[str] = Field(description="needs no accepted person covers")
    team: list[SuggestedOut]
    invitations: list[SuggestedOut]
    count: int
    team_suggestion_id: str | None
    invitations_suggestion_id: str | None
    missing: list[MissingOut] = Field(description=(
        "the project's people (but the accepted) not in this answer, each with the reason; "
        "empty when every need is covered (nothing was searched for)"))


def suggestion_out(project_id: str, s: ProjectSuggestion, access: Access
                   ) -> ProjectSuggestionOut:
    """A suggestion as the API answers it (the CLI prints the same)."""
    return ProjectSuggestionOut(
        project_id=project_id, uncovered=list(s.uncovered),
        team=[suggested_out(p, access) for p in s.team],
        invitations=[suggested_out(p, access) for p in s.invitations],
        count=len(s.team) + len(s.invitations), team_suggestion_id=s.team_suggestion_id,
        invitations_suggestion_id=s.invitations_suggestion_id,
        missing=[MissingOut(**member_summary_fields(m.member, access), status=m.status,
                            role=m.role, reason=m.reason, until=m.until) for m in s.missing])


def project_out(p: Project) -> ProjectOut:
    return ProjectOut(
        project_id=p.project_id, title=p.title, description=p.description,
        needs=[NeedOut(need=n.text, language=n.language, derived=n.derived, source=n.source,
                       part_of=n.part_of) for n in p.needs],
        size=p.size, exclude_members=list(p.exclusions.members),
        exclude_organisations=list(p.exclusions.organisations),
        exclude_countries=list(p.exclusions.countries), owner=p.owner, spaces=list(p.spaces),
        status=p.status, created_at=p.created_at, updated_at=p.updated_at)


def person_out(p: ProjectPerson) -> PersonOut:
    return PersonOut(member_id=p.member_id, status=p.status, kind=status_kind(p.status),
                     note=p.note, role=p.role, covers=list(p.covers), updated_at=p.updated_at,
                     history=[StatusChangeOut(status=h.status, note=h.note, by=h.by, at=h.at)
                              for h in p.history])


def suggested_out(s: SuggestedPerson, access: Access) -> SuggestedOut:
    return SuggestedOut(**member_summary_fields(s.member, access), role=s.role, score=s.score,
                        covers=list(s.covers), status=s.status, note=s.note, kept=s.kept,
                        reason=s.reason)


class DraftQuery(BaseModel):
    """The query of GET /projects/{id}/people/{member_id}/draft."""

    model_config = ConfigDict(extra="forbid")

    language: Literal["en", "fr", "es", "pt", "ar"] | None = Field(
        None, description="The draft's language (default: the invitee's first among these)")
    signature: str | None = Field(None, min_length=1, max_length=200,
                                  json_schema_extra=PRINTABLE_TEXT,
                                  description="Who signs (default: the project's coordination)")


class DraftOut(BaseModel):
    language: str
    subject: str
    body: str
    mailto: str = Field(description="The draft as a mailto: link (the contact where the caller "
                        "may see it)")
