"""Contributions: look up (respecting private spaces) and write (create, replace, delete, batch)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path

from api.auth import EditorDep, KeysDep
from api.deps import AccessDep, CommunityDep, SettingsDep
from api.routes.common import WRITE_ERRORS, check_batch
from api.schemas import (
    ContributionBatch,
    ContributionOut,
    WriteResponse,
    contribution_out,
    write_response,
)
from api.writes import WriteRequest, check_path_id, delete, write
from indexing.schema import Contribution
from matcher.directory import visible_contribution

router = APIRouter(tags=["contributions"])
IdPath = Annotated[str, Path(min_length=1, max_length=128, description="Contribution id")]


@router.get("/contributions/{contribution_id}", response_model=ContributionOut,
            responses={404: {"description": "Unknown, or in a private space the caller lacks"}})
def contribution(community: CommunityDep, access: AccessDep, contribution_id: IdPath
                 ) -> ContributionOut:
    """One contribution; one in a private space is 404 for callers without that space."""
    return contribution_out(visible_contribution(community, contribution_id, access))


@router.post("/contributions", response_model=WriteResponse, status_code=201,
             responses=WRITE_ERRORS)
def create_contribution(community: CommunityDep, keys: KeysDep, caller: EditorDep,
                        body: Contribution) -> WriteResponse:
    """Add a contribution (its authors must exist); evidence in the very next search."""
    result = write(community, keys, caller, WriteRequest.one("contribution", body, "create"))
    return write_response("contribution", [body.id], result)


@router.put("/contributions/{contribution_id}", response_model=WriteResponse,
            responses=WRITE_ERRORS)
def replace_contribution(community: CommunityDep, keys: KeysDep, caller: EditorDep,
                         contribution_id: IdPath, body: Contribution) -> WriteResponse:
    """Replace a contribution (404 if unknown); re-encoded only if its text changed. The
    body's `id` must be the path's (422 naming `id`)."""
    check_path_id(contribution_id, body)
    result = write(community, keys, caller, WriteRequest.one("contribution", body, "replace"))
    return write_response("contribution", [body.id], result)


@router.delete("/contributions/{contribution_id}", response_model=WriteResponse,
               responses=WRITE_ERRORS)
def delete_contribution(community: CommunityDep, keys: KeysDep, caller: EditorDep,
                        contribution_id: IdPath) -> WriteResponse:
    """Delete a contribution: it is no longer evidence for anyone."""
    result = delete(community, keys, caller, "contribution", contribution_id)
    return write_response("contribution", [contribution_id], result)


@router.post("/contributions/batch", response_model=WriteResponse, responses=WRITE_ERRORS)
def batch_contributions(community: CommunityDep, keys: KeysDep, caller: EditorDep,
                        settings: SettingsDep, body: ContributionBatch) -> WriteResponse:
    """Write many contributions in one transaction: all of them, or none (at most max_batch)."""
    check_batch(settings, len(body.records))
    request = WriteRequest.batch("contribution", body.records, body.mode)
    result = write(community, keys, caller, request)
    return write_response("contribution", [r.id for r in body.records], result)
