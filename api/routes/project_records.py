"""Projects as records (issue #30): create from a brief, list, show, change, suggest a team and
invitations for the project as it stands, set a person's status, export as CSV.

Editors and admins (keys, or signed-in coordinators acting as keys of their role) within the
project's spaces, and its owner; anyone else is told it does not exist. Each route is one call
of ``matcher.projects.Projects``, the service ``wellspring project`` calls too; writes are
audited (ids and counts, never notes).
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query
from fastapi.responses import Response

from api.auth import EditorDep, KeysDep
from api.csv_export import project_csv
from api.deps import ProjectsDep
from api.project_schemas import (
    DraftOut,
    DraftQuery,
    PersonIn,
    PersonOut,
    ProjectCreate,
    ProjectDetail,
    ProjectList,
    ProjectOut,
    ProjectPatch,
    ProjectSuggestionOut,
    SuggestIn,
    person_out,
    project_out,
    suggestion_out,
)
from matcher.project_drafts import DraftAsk

router = APIRouter(tags=["projects"])
_ERRORS: dict[int | str, dict[str, str]] = {
    401: {"description": "No API key or session"},
    403: {"description": "The caller's role (or spaces) does not allow this"},
    404: {"description": "No such project, or one the caller may not see"},
    422: {"description": "Invalid field; `field` names it"},
}


ProjectId = Annotated[str, Path(min_length=1, max_length=128)]


@router.post("/projects", response_model=ProjectOut, status_code=201, responses=_ERRORS)
def create_project(projects: ProjectsDep, keys: KeysDep, caller: EditorDep,
                   body: ProjectCreate) -> ProjectOut:
    """A project from a brief: its needs derived (or given), each with its language."""
    project = projects.create(body.to_form(), caller.asker)
    keys.audit(caller.key_id, "create", "project", [project.project_id],
               {"needs": len(project.needs), "spaces": len(project.spaces)})
    return project_out(project)


@router.get("/projects", response_model=ProjectList, responses=_ERRORS)
def list_projects(projects: ProjectsDep, caller: EditorDep,
                  status: Annotated[Literal["open", "closed"] | None, Query()] = None,
                  limit: Annotated[int, Query(ge=1, le=500)] = 50,
                  offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0) -> ProjectList:
    """The projects the caller may see, newest first."""
    total, page = projects.page(caller.asker, status, limit, offset)
    return ProjectList(total=total, count=len(page), results=[project_out(p) for p in page])


@router.get("/projects/{project_id}", response_model=ProjectDetail, responses=_ERRORS)
def show_project(projects: ProjectsDep, caller: EditorDep, project_id: ProjectId
                 ) -> ProjectDetail:
    """The project and every person considered, with status, note and history."""
    view = projects.show(project_id, caller.asker)
    return ProjectDetail(**project_out(view.project).model_dump(),
                         people=[person_out(p) for p in view.people])


@router.patch("/projects/{project_id}", response_model=ProjectOut, responses=_ERRORS)
def change_project(projects: ProjectsDep, keys: KeysDep, caller: EditorDep,
                   project_id: ProjectId, body: ProjectPatch) -> ProjectOut:
    """Change the brief, needs, size, exclusions, spaces or status (open, closed)."""
    project = projects.update(project_id, body.to_form(), caller.asker)
    keys.audit(caller.key_id, "update", "project", [project_id],
               {"fields": sorted(body.model_fields_set)})
    return project_out(project)


@router.post("/projects/{project_id}/suggest", response_model=ProjectSuggestionOut,
             responses=_ERRORS)
def suggest_for_project(projects: ProjectsDep, keys: KeysDep, caller: EditorDep,
                        project_id: ProjectId, body: SuggestIn | None = None
                        ) -> ProjectSuggestionOut:
    """A team and invitations for the project as it stands: accepted people stay, declined
    ones are never suggested, covered needs are not covered again."""
    body = body or SuggestIn()
    s = projects.suggest(project_id, caller.asker, body.top, body.shown)
    keys.audit(caller.key_id, "suggest", "project", [project_id],
               {"team": len(s.team), "invitations": len(s.invitations)})
    return suggestion_out(project_id, s, caller.access)


@router.put("/projects/{project_id}/people/{member_id}", response_model=PersonOut,
            responses=_ERRORS)
def set_person(projects: ProjectsDep, keys: KeysDep, caller: EditorDep, project_id: ProjectId,
               member_id: Annotated[str, Path(min_length=1, max_length=128)], body: PersonIn
               ) -> PersonOut:
    """A person's status and note; an outcome status is stored as feedback too (it trains
    `wellspring learn`; a decline is never suggested again, a busy one is capped)."""
    done = projects.set_person(project_id, body.to_form(member_id), caller.asker)
    keys.audit(caller.key_id, "set_status", "project_person", [project_id, member_id],
               {"status": done.person.status, "feedback": done.feedback_id is not None})
    return person_out(done.person)


@router.get("/projects/{project_id}/export.csv", response_class=Response, responses={
    **_ERRORS, 200: {"content": {"text/csv": {}}, "description": "The project's people"}})
def export_project(projects: ProjectsDep, caller: EditorDep, project_id: ProjectId
                   ) -> Response:
    """Team, invitations, statuses, notes, and contacts where the caller may see them; cells
    a spreadsheet would read as formulas are neutralised."""
    project, rows = projects.export(project_id, caller.asker)
    return Response(project_csv(project, rows), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition":
                             f'attachment; filename="{project.project_id}.csv"'})



@router.get("/projects/{project_id}/people/{member_id}/draft", response_model=DraftOut,
            responses=_ERRORS)
def invitation_draft(projects: ProjectsDep, caller: EditorDep, project_id: ProjectId,
                     member_id: Annotated[str, Path(min_length=1, max_length=128)],
                     query: Annotated[DraftQuery, Query()]) -> DraftOut:
    """An invitation to one of the project's people, in their first language among en, fr,
    es, pt and ar (or `language`): who writes, the project, why them (their reasons and the
    titles behind them), what is asked and how to say no; with a `mailto:` link."""
    draft = projects.draft(project_id, DraftAsk(member_id, query.language, query.signature),
                           caller.asker)
    return DraftOut(language=draft.language, subject=draft.subject, body=draft.body,
                    mailto=draft.mailto)
