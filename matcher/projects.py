"""Projects as records (issue #30): the coordinator's loop, from a brief to a suggested team
and invitations, people contacted, accepting or declining, to the project's close.

``Projects`` is the one service every face calls (the routes in ``api/routes/project_records.py``
and ``wellspring project``): each use case takes a form a face parsed and the ``Asker``.

* A project is seen by its owner (the key id, or signed-in person's subject, that created it),
  by admins and by keys whose spaces meet the project's (``ProjectStore``); any other caller is
  told it does not exist (404), so a project's existence never leaks.
* ``suggest`` answers the project's current state: accepted people stay in the team and the
  needs they cover are not covered again; people declined (either way) or judged not relevant
  are never suggested again (``Feedback.declined``), busy ones are capped for the cool-down, and
  members' own choices (consent, busy until, invitations per month) hold as in every team and
  invitation (``Feedback.team``/``invitations``). The answers are recorded as suggestions of the
  project with their re-ranking features, and each new person gets the status ``suggested``
  (as for any answer carrying the project's id: ``project_tracking.note_considered``). The
  project's people not in the new answer come with the reason they are missing
  (``project_missing``: declined, busy until, cool-down, monthly limit, ...).
* ``set_person``: a status and note; an outcome status (``indexing/store/projects.py``) is also
  stored as feedback on the suggestion the person came from, so ``wellspring learn`` fits on it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from indexing.errors import Conflict, NotFound, SpaceDenied
from indexing.store.choices import now
from indexing.store.feedback import InvalidFeedback
from indexing.store.projects import (
    PERSON_STATUSES,
    PROJECT_STATUSES,
    Exclusions,
    Project,
    ProjectNeed,
    ProjectPerson,
    ProjectStore,
    is_outcome,
    new_project_id,
    status_kind,
    visible_to,
)
from indexing.store.protocol import SqlStore
from indexing.vectors.catalog import MemberInfo
from matcher.drafts import Draft
from matcher.errors import InvalidRequest, KeyRequired, one_of
from matcher.feedback import Feedback
from matcher.needs import ProjectRequest
from matcher.project_drafts import DraftAsk, project_draft
from matcher.project_missing import Holds, MissingPerson, missing_people
from matcher.requests import Asker, InvitationsRequest, TeamRequest, Tracking
from matcher.teams import brief_needs
from matcher.text_checks import check_printable

MAX_NOTE_CHARS = 2000
MAX_SPACES = 50


@dataclass(frozen=True)
class ProjectForm:
    """A project as a face parsed it: every field optional (a change names only what changes;
    a new project needs a title and a description or needs)."""

    title: str | None = None
    description: str | None = None
    needs: tuple[str, ...] | None = None
    size: int | None = None
    exclude_members: tuple[str, ...] | None = None
    exclude_organisations: tuple[str, ...] | None = None
    exclude_countries: tuple[str, ...] | None = None
    spaces: tuple[str, ...] | None = None
    status: str | None = None


@dataclass(frozen=True)
class PersonForm:
    member_id: str
    status: str
    note: str = ""


@dataclass(frozen=True)
class ProjectView:
    project: Project
    people: tuple[ProjectPerson, ...]


@dataclass(frozen=True)
class SuggestedPerson:
    member: MemberInfo
    role: str  # team or invitation
    score: float | None  # None for a person kept from before (accepted)
    covers: tuple[str, ...]
    status: str
    note: str
    kept: bool
    reason: str = ""


@dataclass(frozen=True)
class ProjectSuggestion:
    project: Project
    team: tuple[SuggestedPerson, ...]
    invitations: tuple[SuggestedPerson, ...]
    uncovered: tuple[str, ...]  # the needs no accepted person covers: what was searched for
    team_suggestion_id: str | None
    invitations_suggestion_id: str | None
    missing: tuple[MissingPerson, ...] = ()  # the project's people not suggested now, and why


@dataclass(frozen=True)
class StatusSet:
    person: ProjectPerson
    feedback_id: str | None  # the outcome's feedback row, for an outcome status


@dataclass(frozen=True)
class ExportRow:
    member_id: str
    name: str
    organisation: str
    country: str
    role: str
    status: str
    kind: str
    note: str
    covers: tuple[str, ...]
    contact: str | None
    updated_at: str


def may_see(project: Project, asker: Asker) -> bool:
    """The owner, admins, and keys holding one of the project's spaces; never the public."""
    access = asker.access
    return visible_to(project, asker.key_id, access.spaces, access.all_spaces)


class Projects:
    """Project records and the coordinator's loop over one answers service."""

    def __init__(self, answers: Feedback, store: SqlStore) -> None:
        self.answers = answers
        self.settings = answers.settings
        self.records = ProjectStore(store)

    # -- records -----------------------------------------------------------------------------
    def create(self, form: ProjectForm, asker: Asker) -> Project:
        """A new open project owned by the asker, its needs derived or given."""
        owner = _owner(asker)
        if not form.title:
            raise InvalidRequest("title", "is empty", "empty")
        spaces = self._spaces(form.spaces or (), asker)
        at = now()
        draft = Project(new_project_id(), form.title.strip(), form.description or "", (),
                        form.size, Exclusions(*(tuple(x or ()) for x in (
                            form.exclude_members, form.exclude_organisations,
                            form.exclude_countries))),
                        owner, spaces, "open", at, at)
        project = dataclasses.replace(draft, needs=self._needs(draft, form.needs))
        return self.records.create(project)  # _needs checked it strictly

    def get(self, project_id: str, asker: Asker) -> Project:
        """The project, NotFound (404) when it does not exist or the asker may not see it."""
        _owner(asker)
        project = self.records.get(project_id)
        if project is None or not may_see(project, asker):
            raise NotFound("project", project_id, field="project_id")
        return project

    def page(self, asker: Asker, status: str | None = None, limit: int = 50, offset: int = 0
             ) -> tuple[int, list[Project]]:
        """(total, page) of the projects the asker may see, newest first."""
        _owner(asker)
        if status is not None and status not in PROJECT_STATUSES:
            raise one_of("status", PROJECT_STATUSES)
        spaces = None if asker.access.all_spaces else asker.access.spaces
        return self.records.visible(asker.key_id, spaces, status, limit, offset)

    def show(self, project_id: str, asker: Asker) -> ProjectView:
        project = self.get(project_id, asker)
        return ProjectView(project, tuple(self.records.people(project_id)))

    def update(self, project_id: str, form: ProjectForm, asker: Asker) -> Project:
        """Change what the form names; new description or needs derive the needs again."""
        project = self.get(project_id, asker)
        changed = project
        if form.title is not None:
            if not form.title.strip():
                raise InvalidRequest("title", "is empty", "empty")
            changed = dataclasses.replace(changed, title=form.title.strip())
        if form.description is not None:
            changed = dataclasses.replace(changed, description=form.description)
        if form.size is not None:
            changed = dataclasses.replace(changed, size=form.size)
        ex = changed.exclusions
        changed = dataclasses.replace(changed, exclusions=Exclusions(
            ex.members if form.exclude_members is None else form.exclude_members,
            ex.organisations if form.exclude_organisations is None
            else form.exclude_organisations,
            ex.countries if form.exclude_countries is None else form.exclude_countries))
        if form.spaces is not None:
            changed = dataclasses.replace(changed, spaces=self._spaces(form.spaces, asker))
        if form.status is not None:
            if form.status not in PROJECT_STATUSES:
                raise one_of("status", PROJECT_STATUSES)
            changed = dataclasses.replace(changed, status=form.status)
        if form.needs is not None or form.description is not None:
            given = form.needs if form.needs is not None else tuple(
                n.text for n in project.needs if not n.derived) or None
            changed = dataclasses.replace(changed, needs=self._needs(changed, given))
        else:
            self._request(changed, strict=True)  # exclusions and size, as a team request
        return self.records.save(dataclasses.replace(changed, updated_at=now()))

    # -- the loop ----------------------------------------------------------------------------
    def suggest(self, project_id: str, asker: Asker, top: int = 10, shown: bool = False
                ) -> ProjectSuggestion:
        """A team and invitations for the project as it stands (see the module's text)."""
        project = self.get(project_id, asker)
        if project.status != "open":
            raise Conflict(f"project '{project_id}' is closed", field="status",
                           code="project_closed", params={"value": project_id})
        people = {p.member_id: p for p in self.records.people(project_id, history=False)}
        kept = [p for p in people.values() if p.status == "accepted"]
        covered = {c for p in kept for c in p.covers}
        uncovered = tuple(n.text for n in project.needs if n.text not in covered)
        size = project.size or self.settings.teams.team_size
        settled = {m for m, p in people.items() if p.status in ("accepted", "withdrawn")}
        tracking = Tracking(project_id, shown, True)
        base = self._request(project)
        team_sid = inv_sid = None
        new_team: list[tuple[MemberInfo, float, tuple[str, ...], str]] = []
        invited: list[tuple[MemberInfo, float, tuple[str, ...], str]] = []
        if uncovered:
            request = dataclasses.replace(
                base, needs=uncovered, size=max(1, size - len(kept)),
                left_out=base.left_out | settled)
            if size > len(kept):
                team = self.answers.team(TeamRequest(request, asker, tracking))
                team_sid = team.suggestion_id
                new_team = [(t.member, t.score, t.covers, "") for t in team.result.team]
            request = dataclasses.replace(request, left_out=request.left_out
                                          | {m.id for m, *_ in new_team})
            answer = self.answers.invitations(InvitationsRequest(request, asker, tracking, top))
            inv_sid = answer.suggestion_id
            invited = [(i.member, i.score, i.covers, i.reason)
                       for i in answer.result.invitations]
        now_people = {p.member_id: p for p in self.records.people(project_id, history=False)}
        holds = Holds(self.answers.in_cooldown(), self.answers.at_monthly_limit())
        with self.answers.matcher.snapshot() as snap:
            members = snap.catalog.members
            kept_out = [SuggestedPerson(m, "team", None, p.covers, p.status, p.note, True)
                        for p in kept if (m := members.get(p.member_id)) is not None
                        and not m.hidden]
            suggested = {m.id for m, *_ in (*new_team, *invited)}
            missing = missing_people(now_people.values(), suggested, members, holds,
                                     dt.date.today()) if uncovered else ()

        def person(row: tuple[MemberInfo, float, tuple[str, ...], str], role: str
                   ) -> SuggestedPerson:
            member, score, covers, reason = row
            p = now_people.get(member.id)
            return SuggestedPerson(member, role, score, covers,
                                   p.status if p else "suggested", p.note if p else "", False,
                                   reason)

        return ProjectSuggestion(
            project, (*kept_out, *(person(r, "team") for r in new_team)),
            tuple(person(r, "invitation") for r in invited), uncovered, team_sid, inv_sid,
            missing)

    def set_person(self, project_id: str, form: PersonForm, asker: Asker) -> StatusSet:
        """A person's status and note; an outcome status is stored as feedback too."""
        self.get(project_id, asker)
        if form.status not in PERSON_STATUSES:
            raise one_of("status", PERSON_STATUSES)
        if len(form.note) > MAX_NOTE_CHARS:
            raise InvalidRequest("note", f"at most {MAX_NOTE_CHARS} characters", "longer_than",
                                 {"limit": MAX_NOTE_CHARS})
        check_printable("note", form.note, words=False)
        with self.answers.matcher.snapshot() as snap:
            if form.member_id not in snap.catalog.members:
                raise NotFound("member", form.member_id, field="member_id")
        feedback_id = None
        if is_outcome(form.status):
            before = self.records.person(project_id, form.member_id)
            sid = before.suggestion_id if before else None
            key = _owner(asker)
            try:
                entry = self.answers.give(key, form.member_id, form.status, sid, project_id)
            except InvalidFeedback as exc:  # the suggestion was pruned: the project alone
                if exc.field != "suggestion_id" or sid is None:
                    raise
                entry = self.answers.give(key, form.member_id, form.status, None, project_id)
            feedback_id = entry.feedback_id
        person = self.records.set_status(project_id, form.member_id, form.status,
                                         form.note.strip(), _owner(asker))
        return StatusSet(person, feedback_id)

    def draft(self, project_id: str, ask: DraftAsk, asker: Asker) -> Draft:
        """An invitation draft for one of the project's people, in their language (#31)."""
        view = self.show(project_id, asker)
        return project_draft(self.answers, view.project, view.people,
                             self._request(view.project), ask, asker)

    def export(self, project_id: str, asker: Asker) -> tuple[Project, list[ExportRow]]:
        """Every person considered, with status, note, and contact where the asker may see it."""
        project = self.get(project_id, asker)
        people = self.records.people(project_id, history=False)
        access = asker.access
        rows = []
        with self.answers.matcher.snapshot() as snap:
            members = snap.catalog.members
            for p in people:
                m = members.get(p.member_id)
                shown = m is not None and not m.hidden
                rows.append(ExportRow(
                    p.member_id, m.name if shown and m else "",
                    m.organisation_name if shown and m else "", m.country if shown and m else "",
                    p.role, p.status, status_kind(p.status), p.note, p.covers,
                    m.contact if shown and m and access.sees_contact_of(m.id) else None,
                    p.updated_at))
        return project, rows

    # -- helpers -----------------------------------------------------------------------------
    def _spaces(self, spaces: Sequence[str], asker: Asker) -> tuple[str, ...]:
        cleaned = tuple(sorted({s.strip() for s in spaces}))
        if len(cleaned) > MAX_SPACES:
            raise InvalidRequest("spaces", f"at most {MAX_SPACES}", "too_many",
                                 {"limit": MAX_SPACES})
        if "public" in cleaned or "" in cleaned:
            raise InvalidRequest("spaces", "a project is never public: name private spaces",
                                 "never_public")
        access = asker.access
        if not access.all_spaces and not set(cleaned) <= access.spaces:
            raise SpaceDenied("a project may only be shared with spaces the caller holds",
                              field="spaces")
        return cleaned

    def _request(self, project: Project, strict: bool = False) -> ProjectRequest:
        """The project as a team request, checked (InvalidRequest names the field). ``strict``
        (creating or changing a project): every excluded member and organisation must exist;
        otherwise (asking for it later) those gone or no longer shown since are dropped: they
        cannot be suggested anyway, and the project stays answerable."""
        ex = project.exclusions
        with self.answers.matcher.snapshot() as snap:
            catalog = snap.catalog
            members, organisations = frozenset(ex.members), frozenset(ex.organisations)
            if not strict:
                members = frozenset(m for m in members if (info := catalog.members.get(m))
                                    is not None and not info.hidden)
                organisations = frozenset(o for o in organisations
                                          if o in catalog.organisations)
            request = ProjectRequest(
                title=project.title, description=project.description,
                needs=tuple(n.text for n in project.needs) or None, size=project.size,
                exclude_members=members, exclude_organisations=organisations,
                exclude_countries=frozenset(ex.countries))
            return request.validated(self.settings.teams, catalog)

    def _needs(self, project: Project, given: Sequence[str] | None) -> tuple[ProjectNeed, ...]:
        """The project's needs, given or derived from its description, each with its language
        (InvalidRequest names ``description`` or ``needs`` when there are none)."""
        request = ProjectRequest(title=project.title, description=project.description,
                                 needs=tuple(given) if given else None)
        needs, languages = brief_needs(self.answers.matcher, request)
        out = tuple(ProjectNeed(n.text, lang.code, n.derived, n.source, n.part_of)
                    for n, lang in zip(needs, languages, strict=True))
        self._request(dataclasses.replace(project, needs=out), strict=True)  # size, exclusions
        return out


def _owner(asker: Asker) -> str:
    if asker.key_id is None:
        raise KeyRequired("X-API-Key", "projects need an API key or a signed-in coordinator")
    return asker.key_id
