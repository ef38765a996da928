"""In-memory attributes of members and contributions, derived from the store.

The matcher filters and explains with these; they hold no long texts.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from indexing.schema import Member, Organisation
from indexing.settings import ConsentPolicy
from indexing.store import ContributionMeta, Store
from indexing.store.choices import MemberChoices, TopicCorrection


@dataclass(frozen=True)
class MemberInfo:
    """A member as answers read them: their record with their own say over it (issue #29).
    ``hidden`` holds for a member hidden by a coordinator and for one who is not to be
    suggested to others (consent); ``open_to_invitations`` and ``languages`` are the member's
    own choice when they made one."""

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
    consent: str | None = None  # "in", "out", or None: the community's default
    busy_until: dt.date | None = None
    max_invitations_per_month: int | None = None
    rejected: tuple[TopicCorrection, ...] = ()  # topics the member rejected

    @classmethod
    def of(cls, member: Member, organisations: dict[str, Organisation],
           choices: MemberChoices | None = None, policy: ConsentPolicy = "opt_out"
           ) -> MemberInfo:
        org = organisations.get(member.organisation_id)
        say = choices or MemberChoices()
        consents = say.consent == "in" or (policy == "opt_out" and say.consent != "out")
        return cls(
            id=member.id, name=member.name, organisation_id=member.organisation_id,
            organisation_name=org.name if org else member.organisation_id,
            country=member.country, level=member.level.value,
            languages=tuple(member.languages if say.languages is None else say.languages),
            topics=tuple(member.topics),
            open_to_invitations=(member.open_to_invitations if say.open_to_invitations is None
                                 else say.open_to_invitations),
            hidden=member.hidden or not consents, contact=member.contact,
            consent=say.consent,
            busy_until=dt.date.fromisoformat(say.busy_until) if say.busy_until else None,
            max_invitations_per_month=say.max_invitations_per_month, rejected=say.rejected,
        )

    def busy_on(self, day: dt.date) -> bool:
        return self.busy_until is not None and day <= self.busy_until


class Catalog:
    """Members, organisations and contribution attributes, keyed by id."""

    def __init__(self, consent: ConsentPolicy = "opt_out") -> None:
        self.consent: ConsentPolicy = consent
        self.organisations: dict[str, Organisation] = {}
        self.members: dict[str, MemberInfo] = {}
        self.contributions: dict[str, ContributionMeta] = {}
        self.member_contributions: dict[str, set[str]] = {}

    @classmethod
    def from_store(cls, store: Store, consent: ConsentPolicy = "opt_out") -> Catalog:
        self = cls(consent)
        self.organisations = {o.id: o for o in store.organisations()}
        said = store.member_choices()
        self.members = {m.id: MemberInfo.of(m, self.organisations, said.get(m.id), consent)
                        for m in store.members()}
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
        said = store.member_choices(member_ids)
        for mid in member_ids:
            if mid in fresh_members:
                self.members[mid] = MemberInfo.of(fresh_members[mid], self.organisations,
                                                  said.get(mid), self.consent)
            else:
                self.members.pop(mid, None)
                self.member_contributions.pop(mid, None)
        for cid in contribution_ids:
            self._drop_contribution(cid)
        for meta in store.contribution_meta(contribution_ids):
            self._put_contribution(meta)
