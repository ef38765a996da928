"""Imports over HTTP: the uploaded files in a private temporary folder, parsed there before any
lock is taken, then one import under the community's write lock (the indexes follow), one
audit entry. Plain functions (no FastAPI).

A caller sees and touches only the spaces their key holds: records in other spaces do not
exist for the import (``Access.visible``: never merged into, overwritten or named), and a
record the import would write into a space the key does not hold is refused (403) naming the
space the caller chose."""

from __future__ import annotations

import dataclasses
import logging
import re
import tempfile
from collections.abc import Sequence
from pathlib import Path

from pydantic import BaseModel

from api.auth import Caller, Forbidden
from indexing.community import Community
from indexing.errors import RecordError, ValidationFailed, WellspringError
from indexing.imports.model import ImportOptions
from indexing.imports.pipeline import Access, import_batch, read_source
from indexing.imports.report import ImportReport
from indexing.schema import Contribution
from indexing.store import Store, WriteResult
from indexing.store.keys import KeyStore

log = logging.getLogger(__name__)
_SAFE = re.compile(r"[^A-Za-z0-9._-]+")


class FileTooLarge(WellspringError):
    """An uploaded file over ``max_import_bytes`` (413)."""

    field = "file"


def safe_name(name: str, index: int) -> str:
    """A file name that stays inside the folder (no path, no odd characters)."""
    base = _SAFE.sub("_", Path(name or "").name).strip("._") or f"upload-{index}"
    return base[:100]


def _changes(store: Store, report: ImportReport) -> WriteResult:
    """What the import changed, members of changed organisations included (their cards show
    the organisation's name)."""
    result = WriteResult()
    if not report.committed:  # a dry run or a refused import wrote nothing
        return result
    result.merge(report.ingest.result)
    plan = report.ingest.plan
    if plan is not None:
        orgs = plan.outcomes.get("organisations", {})
        for org_id in [*orgs.get("inserted", []), *orgs.get("updated", [])]:
            result.changed_members |= set(store.member_ids_of_organisation(org_id))
    return result


def _uploaded(errors: list[RecordError], folder: Path) -> list[RecordError]:
    """Errors that name the uploaded file as the client named it, not the server's folder."""
    prefix = f"{folder}/"
    return [dataclasses.replace(e, source=e.source.replace(prefix, "")) for e in errors]


def rejections(report: ImportReport) -> list[RecordError]:
    """Why an import wrote nothing: bad records, then each root cause with its count."""
    causes = [RecordError(f"{c.dependent_kind} of this import", None, c.first_id,
                          "organisation_id" if c.referenced_kind == "organisations" else
                          "authors", str(c)) for c in report.ingest.root_causes]
    return [*report.ingest.errors, *causes]


def import_files(community: Community, keys: KeyStore, caller: Caller, fmt: str,
                 files: Sequence[tuple[str, bytes]], options: ImportOptions) -> ImportReport:
    """Import uploaded files (name, content) of one format; all or nothing, as the CLI."""
    if not files:
        raise ValidationFailed([RecordError("request", None, None, "file", "no file uploaded")])

    def check(records: list[BaseModel]) -> None:
        for r in records:
            if isinstance(r, Contribution) and not caller.access.may_see(r.space):
                raise Forbidden(f"the key does not hold space '{r.space}'", field="space",
                                code="space_not_held", params={"space": r.space})

    with tempfile.TemporaryDirectory(prefix="wellspring-import-") as tmp:
        folder = Path(tmp)
        names: set[str] = set()
        for i, (name, content) in enumerate(files):
            safe = safe_name(name, i)
            if safe in names:
                raise ValidationFailed([RecordError("request", None, None, "file",
                                                    f"two uploaded files are named '{safe}'")])
            names.add(safe)
            (folder / safe).write_bytes(content)
        path = folder / next(iter(names)) if len(names) == 1 else folder
        access = Access(visible=caller.access.may_see, check=check)
        try:
            batch = read_source(fmt, path, options)  # parsed before the write lock
            report = community.apply(
                lambda store: import_batch(store, fmt, path, options, batch, access),
                lambda r: _changes(community.store, r))
        except ValidationFailed as exc:
            raise ValidationFailed(_uploaded(exc.errors, folder)) from exc
        if report.refused:
            # 422 naming the uploaded file, line (or entry) and field
            raise ValidationFailed(_uploaded(rejections(report), folder))
        for f in report.ingest.files:
            f.errors[:] = _uploaded(f.errors, folder)
    r = report.ingest.result
    if report.committed:
        keys.audit(caller.key_id, "import", fmt, report.outcome("inserted")[:50] +
                   report.outcome("updated")[:50],
                   {"inserted": r.inserted, "updated": r.updated, "unchanged": r.unchanged,
                    "skipped": len(report.skipped), "invalid": report.ingest.refused})
    log.info("import %s: %d file(s) by key %s", fmt, len(files), caller.key_id)
    return report
