"""What an import did (or, in a dry run, would do): one report for the CLI and HTTP alike.

It counts entries, not fields (an entry with three bad fields is one invalid entry, listed
with each field), says whether anything was written, and lists every entry left out, every
merge, every member created and every near miss."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from indexing.errors import RecordError
from indexing.imports.matching import PersonMatch
from indexing.ingest import IngestReport

FIRST_FEW = 5
SkipCode = Literal["no_member_author", "no_person", "organisations_only"]
SKIP_REASONS: dict[SkipCode, str] = {
    "no_member_author": "no author is a member",
    "no_person": "no person among the authors",
    "organisations_only": "no person among the authors (organisations only)"}


@dataclass(frozen=True)
class Skipped:
    """A work that does not become a contribution, and why: ``code`` for the page, ``reason``
    the same in English."""

    where: str
    title: str
    code: SkipCode

    @property
    def reason(self) -> str:
        return SKIP_REASONS[self.code]


@dataclass
class ImportReport:
    format: str
    paths: list[str]
    ingest: IngestReport
    refused: bool = False  # a bad entry without skip_invalid: nothing was written
    matches: list[PersonMatch] = field(default_factory=list)  # one per distinct person
    skipped: list[Skipped] = field(default_factory=list)
    created_members: list[str] = field(default_factory=list)
    merged: list[str] = field(default_factory=list)  # entries merged into another record
    notes: list[str] = field(default_factory=list)  # e.g. a file read in another encoding
    corporate: list[str] = field(default_factory=list)  # organisations among the authors

    @property
    def dry_run(self) -> bool:
        return self.ingest.dry_run and not self.refused

    @property
    def committed(self) -> bool:
        """Whether this import wrote (all or, with skip_invalid, part of) its records."""
        return not self.ingest.dry_run and not self.refused

    @property
    def partial(self) -> bool:
        """Written, with invalid entries left out (skip_invalid)."""
        return self.committed and bool(self.invalid_entries())

    def invalid_entries(self) -> list[tuple[str, int | None, str | None]]:
        """Each refused entry once: (file or entry, line, id)."""
        errors: list[RecordError] = [*self.ingest.errors,
                                     *(d.error for c in self.ingest.root_causes
                                       for d in c.dependents)]
        return list(dict.fromkeys((e.source, e.line, e.record_id) for e in errors))

    def outcome(self, name: str) -> list[str]:
        """Ids inserted / updated / unchanged (all record kinds), from the write plan."""
        plan = self.ingest.plan
        if plan is None or self.refused:
            return []
        return [i for per_kind in plan.outcomes.values()
                for i in per_kind[name]]  # type: ignore[index]

    def by_outcome(self, outcome: str) -> list[PersonMatch]:
        return [m for m in self.matches if m.outcome == outcome]

    def state(self) -> str:
        if self.refused:
            return "refused"
        if self.dry_run:
            return "dry_run"
        return "partial" if self.partial else "written"

    def to_dict(self) -> dict[str, object]:
        """The report as JSON (``wellspring import --json``, ``POST /imports/{format}``)."""
        r = self.ingest.result
        plan = self.ingest.plan
        written = not self.refused
        unmatched = self.by_outcome("unmatched")
        return {
            "format": self.format,
            "dry_run": self.dry_run,
            "state": self.state(),
            "inserted": r.inserted if written else 0,
            "updated": r.updated if written else 0,
            "unchanged": r.unchanged if written else 0,
            "invalid": len(self.invalid_entries()),
            "records": plan.outcomes if plan and written else {},
            "errors": [{"source": e.source, "line": e.line, "id": e.record_id,
                        "field": e.field, "message": e.message} for e in self.ingest.errors],
            "root_causes": [{"message": str(c), "count": len(c.dependents),
                             "kind": c.dependent_kind, "refers_to": c.referenced_kind,
                             "first": c.first_id} for c in self.ingest.root_causes],
            "matches": [{"name": m.person.label, "orcid": m.person.orcid,
                         "member_id": m.member_id, "candidate_id": m.candidate_id,
                         "candidate_name": m.candidate_name, "score": m.score,
                         "method": m.method, "outcome": m.outcome}
                        for m in self.matches if m.outcome != "unmatched"],
            "unmatched": {"count": len(unmatched),
                          "first": [m.person.label for m in unmatched[:FIRST_FEW]]},
            "skipped": {"count": len(self.skipped),
                        "entries": [{"where": s.where, "title": s.title, "reason": s.reason,
                                     "code": s.code} for s in self.skipped]},
            "created_members": self.created_members,
            "merged": self.merged,
            "corporate_authors": self.corporate,
            "notes": self.notes,
            "vocabulary_added": self.ingest.vocabulary_added,
        }

    def lines(self) -> list[str]:
        """The report as lines for a terminal (the last one: the counts and the outcome)."""
        out = [f"note: {n}" for n in self.notes]
        out += [f"match: {m.describe()}" for m in self.matches if m.outcome == "linked"]
        out += [f"not linked: {m.describe()}" for m in self.matches
                if m.outcome in ("candidate", "ambiguous")]
        verb = "would create" if self.ingest.dry_run or self.refused else "created"
        out += [f"{verb} member: {m.describe()}" for m in self.matches if m.outcome == "created"]
        unmatched = self.by_outcome("unmatched")
        if unmatched:
            first = ", ".join(f"'{m.person.label}'" for m in unmatched[:FIRST_FEW])
            out.append(f"unmatched: {len(unmatched)} people with no member (first: {first}); "
                       "map them, add them, or use --create-members LEVEL --country CODE")
        if self.corporate:
            first = "; ".join(self.corporate[:FIRST_FEW])
            out.append(f"organisations as authors (not people): {len(self.corporate)} "
                       f"(first: {first})")
        out += [f"skipped: {s.where} '{s.title[:60]}' ({s.reason})" for s in self.skipped]
        out += [f"merged: {m}" for m in self.merged]
        out += [f"invalid: {e}" for e in self.ingest.errors]
        out += [f"rejected: {c}" for c in self.ingest.root_causes]
        out += [f"vocabulary: added {t}" for t in self.ingest.vocabulary_added]
        out.append(self.summary())
        return out

    def summary(self) -> str:
        r = self.ingest.result
        invalid = len(self.invalid_entries())
        counts = (f"{r.inserted} inserted, {r.updated} updated, {r.unchanged} unchanged, "
                  f"{len(self.skipped)} skipped, {invalid} invalid")
        if self.refused:
            return (f"refused {self.format}: {invalid} invalid entr{'y' if invalid == 1 else 'ies'}"
                    "; nothing was written (fix them, or --skip-invalid to import the rest)")
        if self.dry_run:
            return f"would import {self.format}: {counts} (dry run: nothing written)"
        state = f" (the {invalid} invalid entries were left out)" if invalid else ""
        return f"imported {self.format}: {counts}{state}"
