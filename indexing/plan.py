"""What a write would do, record by record: inserted, updated or unchanged (for dry runs and
reports). The store compares stored JSON the same way when it writes."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from indexing.errors import NotFound
from indexing.schema import Contribution, Member, Organisation
from indexing.store import Store, WriteResult

Outcome = Literal["inserted", "updated", "unchanged"]


@dataclass
class WritePlan:
    """Ids per record kind and outcome, in the order they were given."""

    outcomes: dict[str, dict[Outcome, list[str]]] = field(default_factory=dict)

    def add(self, kind: str, outcome: Outcome, record_id: str) -> None:
        per_kind = self.outcomes.setdefault(kind, {"inserted": [], "updated": [],
                                                   "unchanged": []})
        per_kind[outcome].append(record_id)

    def count(self, outcome: Outcome) -> int:
        return sum(len(v[outcome]) for v in self.outcomes.values())

    def as_result(self) -> WriteResult:
        """The counts a real write would report (nothing was written)."""
        return WriteResult(inserted=self.count("inserted"), updated=self.count("updated"),
                           unchanged=self.count("unchanged"))


def plan_writes(store: Store, organisations: Sequence[Organisation] = (),
                members: Sequence[Member] = (), contributions: Sequence[Contribution] = ()
                ) -> WritePlan:
    """Compare each record with the stored one; writes nothing."""
    plan = WritePlan()
    for org in organisations:
        try:
            old: str | None = store.get_organisation(org.id).model_dump_json()
        except NotFound:
            old = None
        plan.add("organisations", _outcome(old, org.model_dump_json()), org.id)
    stored_members = store.get_members(m.id for m in members)
    for m in members:
        before = stored_members.get(m.id)
        plan.add("members", _outcome(before.model_dump_json() if before else None,
                                     m.model_dump_json()), m.id)
    stored = store.get_contributions(c.id for c in contributions)
    for c in contributions:
        was = stored.get(c.id)
        plan.add("contributions", _outcome(was.model_dump_json() if was else None,
                                           c.model_dump_json()), c.id)
    return plan


def _outcome(old: str | None, new: str) -> Outcome:
    if old is None:
        return "inserted"
    return "unchanged" if old == new else "updated"
