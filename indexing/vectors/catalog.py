"""In-memory attributes of members and contributions, derived from the store.

The matcher filters and explains with these; they hold no long texts.
"""

from __future__ import annotations

from dataclasses import dataclass

from indexing.schema import Member, Organisation
from indexing.store import ContributionMeta, Store


@dataclass(frozen=True)
class MemberInfo:
    id: str
    name: str
    organisation_id: str
    organisation_name: str
    country: str
    level: str
    languages: tuple[str, ...]
    topics: tuple[str, ...]
    open_to_invitations: bool
    hidden: bool
    contact: str | None

    @classmethod
    def of(cls, member: Member, organisations: dict[str, Organisation]) -> MemberInfo:
        org = organisations.get(member.organisation_id)
        return cls(
            id=member.id, name=member.name, organisation_id=member.organisation_id,
            organisation_name=org.name if org else member.organisation_id,
            country=member.country, level=member.level.value,
            languages=tuple(member.languages), topics=tuple(member.topics),
            open_to_invitations=member.open_to_invitations, hidden=member.hidden,
            contact=member.contact,
        )


class Catalog:
    """Members, organisations and contribution attributes, keyed by id."""

    def __init__(self) -> None:
        self.organisations: dict[str, Organisation] = {}
        self.members: dict[str, MemberInfo] = {}
        self.contributions: dict[str, ContributionMeta] = {}
        self.member_contributions: dict[str, set[str]] = {}

    @classmethod
    def from_store(cls, store: Store) -> Catalog:
        self = cls()
        self.organisations = {o.id: o for o in store.organisations()}
        self.members = {m.id: MemberInfo.of(m, self.organisations) for m in store.members()}
        for meta in store.contribution_meta():
            self._put_contribution(meta)
        return self

    def _put_contribution(self, meta: ContributionMeta) -> None:
        self.contributions[meta.id] = meta
        for a in meta.authors:
            self.member_contributions.setdefault(a, set()).add(meta.id)

    def _drop_contribution(self, cid: str) -> None:
        old = self.contributions.pop(cid, None)
        if old is not None:
            for a in old.authors:
                self.member_contributions.get(a, set()).discard(cid)

    def refresh(self, store: Store, member_ids: set[str], contribution_ids: set[str]) -> None:
        """Re-read these records from the store (ids the store no longer holds are dropped)."""
        self.organisations = {o.id: o for o in store.organisations()}
        fresh_members = store.get_members(member_ids)
        for mid in member_ids:
            if mid in fresh_members:
                self.members[mid] = MemberInfo.of(fresh_members[mid], self.organisations)
            else:
                self.members.pop(mid, None)
                self.member_contributions.pop(mid, None)
        for cid in contribution_ids:
            self._drop_contribution(cid)
        for meta in store.contribution_meta(contribution_ids):
            self._put_contribution(meta)
