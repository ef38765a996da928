"""What an import did (or, in a dry run, would do): one report for the CLI and HTTP alike."""

from __future__ import annotations

from dataclasses import dataclass, field

from indexing.imports.matching import PersonMatch
from indexing.ingest import IngestReport

FIRST_FEW = 5


@dataclass(frozen=True)
class Skipped:
    """A work that does not become a contribution, and why."""

    where: str
    title: str
    reason: str


@dataclass
class ImportReport:
    format: str
    paths: list[str]
    ingest: IngestReport
    matches: list[PersonMatch] = field(default_factory=list)  # one per distinct person
    skipped: list[Skipped] = field(default_factory=list)
    created_members: list[str] = field(default_factory=list)
    merged: list[str] = field(default_factory=list)  # contributions other sources also gave

    @property
    def dry_run(self) -> bool:
        return self.ingest.dry_run

    @property
    def committed(self) -> bool:
        return not self.ingest.dry_run and not self.ingest.errors and \
            not self.ingest.root_causes

    def outcome(self, name: str) -> list[str]:
        """Ids inserted / updated / unchanged (all record kinds), from the write plan."""
        plan = self.ingest.plan
        if plan is None:
            return []
        return [i for per_kind in plan.outcomes.values()
                for i in per_kind[name]]  # type: ignore[index]

    def by_outcome(self, outcome: str) -> list[PersonMatch]:
        return [m for m in self.matches if m.outcome == outcome]

    def to_dict(self) -> dict[str, object]:
        """The report as JSON (``wellspring import --json``, ``POST /imports/{format}``)."""
        r = self.ingest.result
        plan = self.ingest.plan
        unmatched = self.by_outcome("unmatched")
        return {
            "format": self.format,
            "dry_run": self.dry_run,
            "inserted": r.inserted, "updated": r.updated, "unchanged": r.unchanged,
            "invalid": len(self.ingest.errors),
            "records": plan.outcomes if plan else {},
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
                        "first": [{"where": s.where, "title": s.title, "reason": s.reason}
                                  for s in self.skipped[:FIRST_FEW]]},
            "created_members": self.created_members,
            "merged": self.merged,
            "vocabulary_added": self.ingest.vocabulary_added,
        }

    def lines(self) -> list[str]:
        """The report as lines for a terminal (the last one: the counts)."""
        out = [f"match: {m.describe()}" for m in self.matches if m.outcome == "linked"]
        out += [f"not linked: {m.describe()}" for m in self.matches
                if m.outcome in ("below_threshold", "ambiguous")]
        unmatched = self.by_outcome("unmatched")
        if unmatched:
            first = ", ".join(f"'{m.person.label}'" for m in unmatched[:FIRST_FEW])
            out.append(f"unmatched: {len(unmatched)} people with no member (first: {first}); "
                       "map them, add them, or use --create-members LEVEL")
        if self.skipped:
            first = "; ".join(f"{s.where} '{s.title[:60]}' ({s.reason})"
                              for s in self.skipped[:FIRST_FEW])
            out.append(f"skipped: {len(self.skipped)} work(s) with no matched author "
                       f"(first: {first})")
        out += [f"created member: {m} (imported, to review)" for m in self.created_members]
        out += [f"merged: {m}" for m in self.merged]
        out += [f"invalid: {e}" for e in self.ingest.errors]
        out += [f"rejected: {c}" for c in self.ingest.root_causes]
        out += [f"vocabulary: added {t}" for t in self.ingest.vocabulary_added]
        r = self.ingest.result
        verb = "would import" if self.dry_run else "imported"
        state = " (dry run: nothing written)" if self.dry_run else "" if self.committed else \
            " (nothing from a rejected file was written)"
        out.append(f"{verb} {self.format}: {r.inserted} inserted, {r.updated} updated, "
                   f"{r.unchanged} unchanged, {len(self.skipped)} skipped, "
                   f"{self.ingest.refused} invalid{state}")
        return out
