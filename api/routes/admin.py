"""Admin: reindex, the audit log, and API keys (admin role only)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, Path, Query

from api.auth import AdminDep, KeysDep
from api.deps import CommunityDep, StateDep, get_community_now
from api.schemas import (
    AuditEntryOut,
    AuditResponse,
    KeyCreate,
    KeyCreated,
    KeyOut,
    KeysResponse,
    ReindexResponse,
    key_out,
)

router = APIRouter(prefix="/admin", tags=["admin"], responses={
    401: {"description": "No API key, or an invalid one"},
    403: {"description": "The key is not an admin key"},
})
KeyIdPath = Annotated[str, Path(min_length=1, max_length=64, description="Key id")]


@router.post("/reindex", response_model=ReindexResponse)
def reindex(community: CommunityDep, keys: KeysDep, caller: AdminDep) -> ReindexResponse:
    """Rebuild the index aside from the store and swap it in; searches go on meanwhile."""
    stats = community.reindex()
    keys.audit(caller.key_id, "reindex", "index", [], {"encoded_texts": stats.encoded_texts})
    return ReindexResponse(vectors=community.index.count(), generation=community.index.generation,
                           encoded_texts=stats.encoded_texts,
                           stored_texts=stats.stored_texts, added_keys=stats.added_keys,
                           removed_keys=stats.removed_keys)


@router.get("/audit", response_model=AuditResponse)
def audit(
    keys: KeysDep,
    caller: AdminDep,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
    key_id: Annotated[str | None, Query(max_length=64, description="Only this key's writes")]
    = None,
    since: Annotated[str | None, Query(max_length=40, description="ISO time, UTC")] = None,
) -> AuditResponse:
    """Every write, newest first: key id, time, action, kind, ids and counts (never contents)."""
    total, entries = keys.audit_entries(limit, offset, key_id, since)
    results = [AuditEntryOut(seq=e.seq, at=e.at, key_id=e.key_id, action=e.action, kind=e.kind,
                             ids=list(e.ids), detail=e.detail) for e in entries]
    return AuditResponse(total=total, count=len(results), results=results)


@router.get("/keys", response_model=KeysResponse)
def list_keys(keys: KeysDep, caller: AdminDep) -> KeysResponse:
    """Every key (without secrets), revoked ones included."""
    results = [key_out(k) for k in keys.all_keys()]
    return KeysResponse(count=len(results), results=results)


@router.post("/keys", response_model=KeyCreated, status_code=201)
def create_key(keys: KeysDep, state: StateDep, caller: AdminDep,
               body: Annotated[KeyCreate, Body(discriminator="role")]) -> KeyCreated:
    """A new key; the plain key is in this response only. A ``member`` key names an existing
    member (``member_id``) and reads what the public reads plus that member's own."""
    if body.member_id is not None:  # 404 naming the member (503 while not ready)
        get_community_now(state).store.get_member(body.member_id)
    key, plain = keys.create(body.role, tuple(body.spaces), body.name, body.member_id)
    keys.audit(caller.key_id, "create", "key", [key.key_id], {"role": key.role})
    return KeyCreated(**key_out(key).model_dump(), key=plain)


@router.delete("/keys/{key_id}", response_model=KeyOut, responses={404: {"description": "Unknown"}})
def revoke_key(keys: KeysDep, caller: AdminDep, key_id: KeyIdPath) -> KeyOut:
    """Revoke a key: refused from the next request on."""
    key = keys.revoke(key_id)
    keys.audit(caller.key_id, "revoke", "key", [key_id], {})
    return key_out(key)
