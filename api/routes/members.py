"""Members: list, look up, and write (create, replace, delete, batch)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query

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
from api.writes import check_path_id, delete, write
from indexing.schema import Level, Member
from matcher.directory import list_members, member_detail
from matcher.filters import SearchFilters

router = APIRouter(tags=["members"])
IdPath = Annotated[str, Path(min_length=1, max_length=128, description="Member id")]


@router.get("/members", response_model=MembersResponse)
def members(
    community: CommunityDep,
    access: AccessDep,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    country: Annotated[list[str], Query(description="ISO 3166-1 alpha-2; repeatable")] = [],  # noqa: B006
    organisation: Annotated[list[str], Query(description="Organisation id; repeatable")] = [],  # noqa: B006
    level: Annotated[list[Level], Query()] = [],  # noqa: B006
) -> MembersResponse:
    """Members in id order, filtered, one page at a time; hidden members never appear."""
    filters = SearchFilters(countries=tuple(c.upper() for c in country),
                            organisations=tuple(organisation), levels=tuple(x.value for x in level))
    page = list_members(community, filters, offset, limit)
    results = [MemberSummary(**member_summary_fields(m, access)) for m in page.members]
    return MembersResponse(total=page.total, offset=offset, limit=limit, count=len(results),
                           results=results)


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
    result = write(community, keys, caller, "member", [body], "create", "create")
    return write_response("member", [body.id], result)


@router.put("/members/{member_id}", response_model=WriteResponse, responses=WRITE_ERRORS)
def replace_member(community: CommunityDep, keys: KeysDep, caller: EditorDep, member_id: IdPath,
                   body: Member) -> WriteResponse:
    """Replace a member (404 if unknown); the profile is re-encoded only if its text changed."""
    check_path_id(member_id, body)
    result = write(community, keys, caller, "member", [body], "replace", "replace")
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
    result = write(community, keys, caller, "member", body.records, body.mode, "batch")
    return write_response("member", [r.id for r in body.records], result)
