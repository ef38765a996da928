"""Writes on behalf of a caller: space checks, one Community call, one audit entry.

Plain functions (no FastAPI): routes run them in the thread pool. The audit entry holds ids,
counts and changed field names only — never values, so no contact or private text is logged.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from api.auth import Caller
from indexing.community import Community, Record, WriteMode
from indexing.errors import NotFound
from indexing.schema import Contribution, Member, Organisation
from indexing.store import WriteResult
from indexing.store.keys import KeyStore
from matcher.errors import InvalidRequest

log = logging.getLogger(__name__)

Kind = Literal["organisation", "member", "contribution"]


def check_path_id(path_id: str, record: Record) -> None:
    """PUT /{kind}/{id}: the body's id must be the path's id."""
    if record.id != path_id:
        raise InvalidRequest("id", f"the body's id '{record.id}' differs from the path's id "
                                   f"'{path_id}'", "id_mismatch",
                             {"body": record.id, "path": path_id})


def _changed_fields(community: Community, record: Record) -> list[str]:
    getter = {Organisation: community.store.get_organisation, Member: community.store.get_member,
              Contribution: community.store.get_contribution}[type(record)]
    try:
        old = getter(record.id).model_dump()
    except NotFound:
        return []
    new = record.model_dump()
    return sorted(k for k in new if new[k] != old.get(k))


@dataclass(frozen=True)
class WriteRequest:
    """One write as a route received it: what kind of records, which, how, and the audited
    action (``create``, ``replace`` or ``batch``)."""

    kind: Kind
    records: Sequence[Record]
    mode: WriteMode
    action: str

    @classmethod
    def one(cls, kind: Kind, record: Record, mode: WriteMode) -> WriteRequest:
        return cls(kind, [record], mode, mode)

    @classmethod
    def batch(cls, kind: Kind, records: Sequence[Record], mode: WriteMode) -> WriteRequest:
        return cls(kind, records, mode, "batch")


def write(community: Community, keys: KeyStore, caller: Caller, request: WriteRequest
          ) -> WriteResult:
    """Check, commit and index the records (all or nothing), then audit the write."""
    kind, records, mode, action = request.kind, request.records, request.mode, request.action
    fields = _changed_fields(community, records[0]) if mode == "replace" and len(records) == 1 \
        else None
    result = community.write(records, mode, may_change=caller.access.may_see)
    detail: dict[str, object] = {"mode": mode, "inserted": result.inserted,
                                 "updated": result.updated, "unchanged": result.unchanged}
    if fields is not None:
        detail["fields"] = fields
    keys.audit(caller.key_id, action, kind, [r.id for r in records], detail)
    log.info("%s %s: %d record(s) by key %s", action, kind, len(records), caller.key_id)
    return result


def delete(community: Community, keys: KeyStore, caller: Caller, kind: Kind,
           record_id: str) -> WriteResult:
    """Delete one record (a member takes their sole-authored contributions along), audited."""
    result = community.delete(kind, record_id, may_change=caller.access.may_see)
    keys.audit(caller.key_id, "delete", kind, [record_id],
               {"deleted_contributions": len(result.deleted_contributions)})
    log.info("delete %s by key %s", kind, caller.key_id)
    return result
