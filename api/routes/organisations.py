"""Organisations: write (create, replace, delete, batch)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path

from api.auth import EditorDep, KeysDep
from api.deps import CommunityDep, SettingsDep
from api.routes.common import WRITE_ERRORS, check_batch
from api.schemas import OrganisationBatch, WriteResponse, write_response
from api.writes import WriteRequest, check_path_id, delete, write
from indexing.schema import Organisation

router = APIRouter(tags=["organisations"])
IdPath = Annotated[str, Path(min_length=1, max_length=128, description="Organisation id")]


@router.post("/organisations", response_model=WriteResponse, status_code=201,
             responses=WRITE_ERRORS)
def create_organisation(community: CommunityDep, keys: KeysDep, caller: EditorDep,
                        body: Organisation) -> WriteResponse:
    """Add an organisation (409 if the id exists)."""
    result = write(community, keys, caller, WriteRequest.one("organisation", body, "create"))
    return write_response("organisation", [body.id], result)


@router.put("/organisations/{organisation_id}", response_model=WriteResponse,
            responses=WRITE_ERRORS)
def replace_organisation(community: CommunityDep, keys: KeysDep, caller: EditorDep,
                         organisation_id: IdPath, body: Organisation) -> WriteResponse:
    """Replace an organisation (404 if unknown); its members show the new name at once. The
    body's `id` must be the path's (422 naming `id`)."""
    check_path_id(organisation_id, body)
    result = write(community, keys, caller, WriteRequest.one("organisation", body, "replace"))
    return write_response("organisation", [body.id], result)


@router.delete("/organisations/{organisation_id}", response_model=WriteResponse,
               responses=WRITE_ERRORS)
def delete_organisation(community: CommunityDep, keys: KeysDep, caller: EditorDep,
                        organisation_id: IdPath) -> WriteResponse:
    """Delete an organisation that has no members left (409 otherwise)."""
    result = delete(community, keys, caller, "organisation", organisation_id)
    return write_response("organisation", [organisation_id], result)


@router.post("/organisations/batch", response_model=WriteResponse, responses=WRITE_ERRORS)
def batch_organisations(community: CommunityDep, keys: KeysDep, caller: EditorDep,
                        settings: SettingsDep, body: OrganisationBatch) -> WriteResponse:
    """Write many organisations in one transaction: all of them, or none (at most max_batch)."""
    check_batch(settings, len(body.records))
    request = WriteRequest.batch("organisation", body.records, body.mode)
    result = write(community, keys, caller, request)
    return write_response("organisation", [r.id for r in body.records], result)
