"""Members: list, look up, and write (create, replace, delete, batch)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel, ConfigDict, Field

from api.auth import EditorDep, KeysDep
from api.deps import AccessDep, CommunityDep, SettingsDep
from api.routes.common import WRITE_ERRORS, check_batch
from api.schemas import (
    MemberBatch,
    MemberDetailOut,
    MembersResponse,
    MemberSummary,
    WriteResponse,
    member_summary_fields,
    write_response,
)
from api.writes import WriteRequest, check_path_id, delete, write
from indexing.schema import Level, Member
from matcher.directory import list_members, member_detail
from matcher.filters import SearchFilters

router = APIRouter(tags=["members"])
IdPath = Annotated[str, Path(min_length=1, max_length=128, description="Member id")]


class MembersQuery(BaseModel):
    """The query parameters of GET /members."""

    model_config = ConfigDict(extra="forbid")

    offset: int = Field(0, ge=0, le=1_000_000)
    limit: int = Field(50, ge=1, le=500)
    country: list[str] = Field([], description="ISO 3166-1 alpha-2; repeatable")
    organisation: list[str] = Field([], description="Organisation id; repeatable")
    level: list[Level] = []


@router.get("/members", response_model=MembersResponse)
def members(community: CommunityDep, access: AccessDep,
            query: Annotated[MembersQuery, Query()]) -> MembersResponse:
    """Members in id order, filtered, one page at a time; hidden members never appear."""
    filters = SearchFilters(countries=tuple(c.upper() for c in query.country),
                            organisations=tuple(query.organisation),
                            levels=tuple(x.value for x in query.level))
    page = list_members(community, filters, query.offset, query.limit)
    results = [MemberSummary(**member_summary_fields(m, access)) for m in page.members]
    return MembersResponse(total=page.total, offset=query.offset, limit=query.limit,
                           count=len(results), results=results)


@router.get("/members/{member_id}", response_model=MemberDetailOut,
            responses={404: {"description": "Unknown or hidden member"}})
def member(community: CommunityDep, access: AccessDep, member_id: IdPath) -> MemberDetailOut:
    """A member's summary, bio and number of contributions (contact only for keyed callers)."""
    detail = member_detail(community, member_id, access)
    return MemberDetailOut(**member_summary_fields(detail.info, access), bio=detail.bio,
                           contributions=detail.contributions)


@router.post("/members", response_model=WriteResponse, status_code=201, responses=WRITE_ERRORS)
def create_member(community: CommunityDep, keys: KeysDep, caller: EditorDep, body: Member
                  ) -> WriteResponse:
    """Add a member (409 if the id exists); searchable as soon as this returns."""
    result = write(community, keys, caller, WriteRequest.one("member", body, "create"))
    return write_response("member", [body.id], result)


@router.put("/members/{member_id}", response_model=WriteResponse, responses=WRITE_ERRORS)
def replace_member(community: CommunityDep, keys: KeysDep, caller: EditorDep, member_id: IdPath,
                   body: Member) -> WriteResponse:
    """Replace a member (404 if unknown); the profile is re-encoded only if its text changed.
    The body's `id` must be the path's (422 naming `id`)."""
    check_path_id(member_id, body)
    result = write(community, keys, caller, WriteRequest.one("member", body, "replace"))
    return write_response("member", [body.id], result)


@router.delete("/members/{member_id}", response_model=WriteResponse, responses=WRITE_ERRORS)
def delete_member(community: CommunityDep, keys: KeysDep, caller: EditorDep, member_id: IdPath
                  ) -> WriteResponse:
    """Delete a member: gone from every result; their sole-authored contributions go too."""
    result = delete(community, keys, caller, "member", member_id)
    return write_response("member", [member_id], result)


@router.post("/members/batch", response_model=WriteResponse, responses=WRITE_ERRORS)
def batch_members(community: CommunityDep, keys: KeysDep, caller: EditorDep,
                  settings: SettingsDep, body: MemberBatch) -> WriteResponse:
    """Write many members in one transaction: all of them, or none (at most max_batch)."""
    check_batch(settings, len(body.records))
    request = WriteRequest.batch("member", body.records, body.mode)
    result = write(community, keys, caller, request)
    return write_response("member", [r.id for r in body.records], result)
