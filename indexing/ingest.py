"""Validate JSONL exports and upsert them into the store, idempotently.

A file is all-or-nothing by default: if any record in it is bad, every bad record is reported
with its line and reason, and nothing from that file is committed. A record refused only because
it refers to a rejected one is counted under that record's root cause, not reported again.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ValidationError

from indexing.errors import RecordError, plain_context
from indexing.plan import WritePlan, plan_writes
from indexing.schema import Contribution, Member, Organisation
from indexing.store import Store, WriteResult
from indexing.vocabulary import (
    EMPTY,
    VOCABULARY_FILE,
    Vocabulary,
    extend_vocabulary,
    folder_vocabulary,
    load_vocabulary,
)

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
    dependents: list[Dependent] = field(default_factory=list)


@dataclass
class IngestReport:
    files: list[ParsedFile]
    result: WriteResult
    committed_files: list[Path]
    root_causes: list[RootCause] = field(default_factory=list)
    plan: WritePlan | None = None  # what was (or, with dry_run, would be) written, by id
    dry_run: bool = False
    vocabulary_added: list[str] = field(default_factory=list)

    @property
    def errors(self) -> list[RecordError]:
        """Records refused for a fault of their own (dependents are under root_causes)."""
        return [e for f in self.files for e in f.errors]

    @property
    def refused(self) -> int:
        """Every refused record: own faults and dependents."""
        return len(self.errors) + sum(len(c.dependents) for c in self.root_causes)


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
        out.append(RecordError(source, line, rid, loc, err["msg"], err["type"],
                               plain_context(err.get("ctx") or {})))
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


@dataclass(frozen=True)
class Dependent:
    """A record refused only because it refers to a record that was itself rejected."""

    error: RecordError
    referenced_kind: RecordKind
    referenced_id: str


@dataclass(frozen=True)
class RootCause:
    """One rejected record that others depend on, its dependents counted under it."""

    dependent_kind: RecordKind
    referenced_kind: RecordKind
    first_id: str
    reason: str
    in_rejected_file: bool
    dependents: tuple[Dependent, ...]

    def __str__(self) -> str:
        n = len(self.dependents)
        kind = self.dependent_kind if n != 1 else self.dependent_kind[:-1]
        verb = "refer" if n != 1 else "refers"
        what = (f"{self.referenced_kind} of a rejected file" if self.in_rejected_file
                else f"rejected {self.referenced_kind}")
        return f"{n} {kind} {verb} to {what}: first {self.first_id} ({self.reason})"


def check_references(
    parsed: ParsedFile, store: Store, pending: dict[RecordKind, set[str]],
    rejected: dict[RecordKind, dict[str, str]] | None = None,
    vocabulary: Vocabulary | None = None,
) -> None:
    """Add an error for each reference to a record that neither the store nor the batch holds,
    and for each type or kind outside the vocabulary; a reference to a record rejected earlier
    in the batch (``rejected``: id -> reason) becomes a Dependent of that record instead."""
    source = str(parsed.path)
    rejected = rejected or {k: {} for k in _ORDER}
    vocab = vocabulary or load_vocabulary(store)
    if parsed.kind == "organisations":
        for org, line in zip(parsed.records, parsed.lines, strict=True):
            assert isinstance(org, Organisation)
            problem = vocab.problem("organisation_kinds", org.kind)
            if problem:
                parsed.errors.append(RecordError(source, line, org.id, "kind", problem))
    elif parsed.kind == "members":
        members = [r for r in parsed.records if isinstance(r, Member)]
        wanted = {m.organisation_id for m in members}
        stored = store.existing_ids("organisations", wanted)
        known = stored | pending["organisations"]
        for m, line in zip(members, parsed.lines, strict=True):
            # a rejected new version of a stored organisation leaves the stored one in place
            if m.organisation_id in rejected["organisations"] and m.organisation_id not in stored:
                parsed.dependents.append(Dependent(RecordError(
                    source, line, m.id, "organisation_id",
                    f"refers to rejected organisation '{m.organisation_id}'"),
                    "organisations", m.organisation_id))
            elif m.organisation_id not in known:
                parsed.errors.append(RecordError(
                    source, line, m.id, "organisation_id",
                    f"unknown organisation '{m.organisation_id}'",
                ))
    elif parsed.kind == "contributions":
        contributions = [r for r in parsed.records if isinstance(r, Contribution)]
        wanted = {a for c in contributions for a in c.authors}
        stored_members = store.existing_ids("members", wanted)
        known = stored_members | pending["members"]
        refusals = {a for a in rejected["members"] if a not in stored_members}
        for c, line in zip(contributions, parsed.lines, strict=True):
            problem = vocab.problem("contribution_types", c.type)
            if problem:
                parsed.errors.append(RecordError(source, line, c.id, "type", problem))
            missing = [a for a in c.authors if a not in known and a not in refusals]
            if missing:
                parsed.errors.append(RecordError(
                    source, line, c.id, "authors", f"unknown member(s) {', '.join(missing)}"
                ))
            elif not problem and (refused := [a for a in c.authors if a in refusals]):
                parsed.dependents.append(Dependent(RecordError(
                    source, line, c.id, "authors", f"refers to rejected member '{refused[0]}'"),
                    "members", refused[0]))


def _reject(parsed: ParsedFile, whole_file: bool, rejected: dict[RecordKind, dict[str, str]],
            rejected_files: set[str]) -> None:
    """Remember why each record of this file was refused, for the records that refer to it."""
    reasons = rejected[parsed.kind]
    for e in parsed.errors:
        if e.record_id:
            reasons.setdefault(e.record_id, f"line {e.line}: {e.message}" if e.line is not None
                               else e.message)
    for d in parsed.dependents:
        if d.error.record_id:
            reasons.setdefault(d.error.record_id, f"line {d.error.line}: {d.error.message}")
    if whole_file:
        first = (parsed.errors or [d.error for d in parsed.dependents])[0]
        for record, line in zip(parsed.records, parsed.lines, strict=True):
            rid = str(record.id)  # type: ignore[attr-defined]
            if rid not in reasons:
                reasons[rid] = (f"line {line}: valid itself, but {parsed.path.name} was rejected"
                                f" ({first})")
                rejected_files.add(f"{parsed.kind}:{rid}")


def root_causes(files: list[ParsedFile], rejected: dict[RecordKind, dict[str, str]],
                valid_in_rejected: set[str], whole_files: bool) -> list[RootCause]:
    """Dependents grouped by what they refer to: one line per (kind, referenced kind), naming
    first a referenced record that is bad itself (rather than one whose file was rejected)."""
    groups: dict[tuple[RecordKind, RecordKind], list[Dependent]] = {}
    for parsed in files:
        for d in parsed.dependents:
            groups.setdefault((parsed.kind, d.referenced_kind), []).append(d)
    out = []
    for (kind, ref_kind), deps in groups.items():
        first = next((d.referenced_id for d in deps
                      if f"{ref_kind}:{d.referenced_id}" not in valid_in_rejected),
                     deps[0].referenced_id)
        out.append(RootCause(kind, ref_kind, first, rejected[ref_kind].get(first, "rejected"),
                             whole_files, tuple(deps)))
    return out


def ingest_paths(store: Store, paths: Iterable[Path], skip_invalid: bool = False,
                 vocabulary: Vocabulary | None = None, dry_run: bool = False) -> IngestReport:
    """Validate files and upsert the valid ones in one transaction.

    With ``skip_invalid`` the good records of a bad file are committed and the bad ones reported;
    by default a file with any bad record contributes nothing. A ``vocabulary.json`` among the
    paths (or in a folder) extends the store's vocabulary, as does ``vocabulary``.
    """
    paths = list(paths)
    extra = folder_vocabulary(paths).extended(vocabulary or EMPTY)
    record_paths = [p for p in paths if p.name != VOCABULARY_FILE or p.is_dir()]
    files = [parse_file(p) for p in expand_paths(record_paths)]
    return ingest_parsed(store, files, skip_invalid, extra, dry_run)


def ingest_parsed(store: Store, files: list[ParsedFile], skip_invalid: bool = False,
                  vocabulary: Vocabulary | None = None, dry_run: bool = False) -> IngestReport:
    """Check references and vocabulary across parsed files (ordered organisations, members,
    contributions) and upsert the accepted records in one transaction (none with ``dry_run``).

    A record refused because it refers to a rejected one is reported under that record
    (``IngestReport.root_causes``), not once per dependent.
    """
    extra = vocabulary or EMPTY
    vocab = load_vocabulary(store).extended(extra)
    files = sorted(files, key=lambda f: _ORDER.index(f.kind))
    pending: dict[RecordKind, set[str]] = {k: set() for k in _ORDER}
    rejected: dict[RecordKind, dict[str, str]] = {k: {} for k in _ORDER}
    rejected_files: set[str] = set()
    accepted: dict[RecordKind, list[BaseModel]] = {k: [] for k in _ORDER}
    committed: list[Path] = []
    for parsed in files:
        check_references(parsed, store, pending, rejected, vocab)
        bad = bool(parsed.errors or parsed.dependents)
        _reject(parsed, bad and not skip_invalid, rejected, rejected_files)
        if bad and not skip_invalid:
            log.warning("%s: %d bad record(s); nothing from this file is committed",
                        parsed.path, len(parsed.errors) + len(parsed.dependents))
            continue
        bad_lines = {e.line for e in parsed.errors} | {d.error.line for d in parsed.dependents}
        good = [r for r, ln in zip(parsed.records, parsed.lines, strict=True)
                if ln not in bad_lines]
        accepted[parsed.kind].extend(good)
        pending[parsed.kind] |= {str(r.id) for r in good}  # type: ignore[attr-defined]
        committed.append(parsed.path)
    records = {
        "organisations": [r for r in accepted["organisations"] if isinstance(r, Organisation)],
        "members": [r for r in accepted["members"] if isinstance(r, Member)],
        "contributions": [r for r in accepted["contributions"] if isinstance(r, Contribution)],
    }
    plan = plan_writes(store, **records)  # type: ignore[arg-type]
    added: list[str] = []
    if dry_run:
        result = plan.as_result()
    else:
        # the vocabulary grows only with an import that writes something (terms are additive)
        added = extend_vocabulary(store, extra) if committed or not files else []
        result = store.write_records(**records)  # type: ignore[arg-type]
    return IngestReport(files=files, result=result, committed_files=committed,
                        root_causes=root_causes(files, rejected, rejected_files,
                                                not skip_invalid), plan=plan,
                        dry_run=dry_run, vocabulary_added=added)
