"""Validate JSONL exports and upsert them into the store, idempotently.

A file is all-or-nothing by default: if any record in it is bad, every bad record is reported
with its line and reason, and nothing from that file is committed.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ValidationError

from indexing.errors import RecordError, ValidationFailed
from indexing.schema import Contribution, Member, Organisation
from indexing.store import Store, WriteResult

log = logging.getLogger(__name__)

RecordKind = Literal["organisations", "members", "contributions"]
MODELS: dict[RecordKind, type[BaseModel]] = {
    "organisations": Organisation,
    "members": Member,
    "contributions": Contribution,
}
_ORDER: tuple[RecordKind, ...] = ("organisations", "members", "contributions")


@dataclass
class ParsedFile:
    path: Path
    kind: RecordKind
    records: list[BaseModel] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)
    errors: list[RecordError] = field(default_factory=list)


@dataclass
class IngestReport:
    files: list[ParsedFile]
    result: WriteResult
    committed_files: list[Path]

    @property
    def errors(self) -> list[RecordError]:
        return [e for f in self.files for e in f.errors]


def kind_of(path: Path) -> RecordKind:
    """The record kind of a file, from its name (organisations*, members*, contributions*)."""
    name = path.name.lower()
    for kind in _ORDER:
        if name.startswith(kind) or name.startswith(kind[:-1]):
            return kind
    raise ValueError(
        f"{path}: cannot tell the record kind from the file name; name it organisations*.jsonl, "
        "members*.jsonl or contributions*.jsonl"
    )


def expand_paths(paths: Iterable[Path]) -> list[Path]:
    """Files to ingest: each path, or every *.jsonl in a folder; ordered by record kind."""
    files: list[Path] = []
    for p in paths:
        if p.is_dir():
            files.extend(sorted(q for q in p.glob("*.jsonl") if _is_record_file(q)))
        elif p.exists():
            files.append(p)
        else:
            raise FileNotFoundError(f"{p}: no such file or folder")
    return sorted(files, key=lambda f: _ORDER.index(kind_of(f)))


def _is_record_file(path: Path) -> bool:
    try:
        kind_of(path)
    except ValueError:
        return False
    return True


def validation_errors(exc: ValidationError, source: str, line: int | None, rid: str | None
                      ) -> list[RecordError]:
    """pydantic errors as RecordErrors naming the field."""
    out = []
    for err in exc.errors():
        loc = ".".join(str(x) for x in err["loc"]) or "record"
        out.append(RecordError(source, line, rid, loc, err["msg"]))
    return out


def parse_file(path: Path, kind: RecordKind | None = None) -> ParsedFile:
    """Parse and validate every line of a JSONL file (no references checked yet)."""
    kind = kind or kind_of(path)
    model = MODELS[kind]
    parsed = ParsedFile(path=path, kind=kind)
    seen: dict[str, int] = {}
    source = str(path)
    with path.open(encoding="utf-8") as fh:
        for lineno, raw in enumerate(fh, start=1):
            if not raw.strip():
                continue
            try:
                obj = json.loads(raw)
            except json.JSONDecodeError as exc:
                parsed.errors.append(RecordError(source, lineno, None, "line", f"bad JSON: {exc}"))
                continue
            if not isinstance(obj, dict):
                parsed.errors.append(
                    RecordError(source, lineno, None, "line", "expected a JSON object")
                )
                continue
            rid = obj.get("id") if isinstance(obj.get("id"), str) else None
            try:
                record = model.model_validate(obj)
            except ValidationError as exc:
                parsed.errors.extend(validation_errors(exc, source, lineno, rid))
                continue
            record_id = str(record.id)  # type: ignore[attr-defined]
            if record_id in seen:
                parsed.errors.append(RecordError(
                    source, lineno, record_id, "id",
                    f"duplicate id (first seen on line {seen[record_id]})",
                ))
                continue
            seen[record_id] = lineno
            parsed.records.append(record)
            parsed.lines.append(lineno)
    return parsed


def check_references(
    parsed: ParsedFile, store: Store, pending: dict[RecordKind, set[str]]
) -> None:
    """Add an error for each reference to a record that neither the store nor the batch holds."""
    source = str(parsed.path)
    if parsed.kind == "members":
        members = [r for r in parsed.records if isinstance(r, Member)]
        wanted = {m.organisation_id for m in members}
        known = store.existing_ids("organisations", wanted) | pending["organisations"]
        for m, line in zip(members, parsed.lines, strict=True):
            if m.organisation_id not in known:
                parsed.errors.append(RecordError(
                    source, line, m.id, "organisation_id",
                    f"unknown organisation '{m.organisation_id}'",
                ))
    elif parsed.kind == "contributions":
        contributions = [r for r in parsed.records if isinstance(r, Contribution)]
        wanted = {a for c in contributions for a in c.authors}
        known = store.existing_ids("members", wanted) | pending["members"]
        for c, line in zip(contributions, parsed.lines, strict=True):
            missing = [a for a in c.authors if a not in known]
            if missing:
                parsed.errors.append(RecordError(
                    source, line, c.id, "authors", f"unknown member(s) {', '.join(missing)}"
                ))


def ingest_paths(store: Store, paths: Iterable[Path], skip_invalid: bool = False) -> IngestReport:
    """Validate files and upsert the valid ones in one transaction.

    With ``skip_invalid`` the good records of a bad file are committed and the bad ones reported;
    by default a file with any bad record contributes nothing.
    """
    files = [parse_file(p) for p in expand_paths(paths)]
    pending: dict[RecordKind, set[str]] = {k: set() for k in _ORDER}
    accepted: dict[RecordKind, list[BaseModel]] = {k: [] for k in _ORDER}
    committed: list[Path] = []
    for parsed in files:
        check_references(parsed, store, pending)
        if parsed.errors and not skip_invalid:
            log.warning("%s: %d bad record(s); nothing from this file is committed",
                        parsed.path, len(parsed.errors))
            continue
        bad_lines = {e.line for e in parsed.errors}
        good = [r for r, ln in zip(parsed.records, parsed.lines, strict=True)
                if ln not in bad_lines]
        accepted[parsed.kind].extend(good)
        pending[parsed.kind] |= {str(r.id) for r in good}  # type: ignore[attr-defined]
        committed.append(parsed.path)
    result = store.write_records(
        organisations=[r for r in accepted["organisations"] if isinstance(r, Organisation)],
        members=[r for r in accepted["members"] if isinstance(r, Member)],
        contributions=[r for r in accepted["contributions"] if isinstance(r, Contribution)],
    )
    return IngestReport(files=files, result=result, committed_files=committed)


def validate_records(kind: RecordKind, objects: list[object], source: str = "request"
                     ) -> list[BaseModel]:
    """Validate records given as Python objects (e.g. an HTTP batch); all or nothing."""
    model = MODELS[kind]
    errors: list[RecordError] = []
    out: list[BaseModel] = []
    for i, obj in enumerate(objects):
        rid = obj.get("id") if isinstance(obj, dict) and isinstance(obj.get("id"), str) else None
        try:
            out.append(model.model_validate(obj))
        except ValidationError as exc:
            errors.extend(validation_errors(exc, f"{source}[{i}]", None, rid))
    if errors:
        raise ValidationFailed(errors)
    return out
