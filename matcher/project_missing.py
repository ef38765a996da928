"""Why a person a project considered before is not in its new suggestion (issue #31).

A coordinator who presses "suggest again" sees a new team and new invitations; the people of the
project who were there before and are gone now are listed with the reason, first that applies:

* ``declined``: marked declined (not my field, or busy) or not relevant for this project: never
  suggested for it again (their status says which);
* ``withdrawn``: marked withdrawn;
* ``cooldown``: declined as busy on another project within the busy cool-down
  (``busy_cooldown_days``): capped, so others come first;
* ``busy_until``: the member said they are busy until a day (``until``);
* ``monthly_limit``: contacted in the last 30 days as many times as the invitations per month they
  said they accept;
* ``closed_to_invitations``: the member is not open to invitations (invitations skip them; a team
  may still hold them);
* ``not_chosen``: nothing holds them back: others cover the needs better this time.

What the caller sees is what a keyed caller sees of any member (busy until, the member's own
limits); a member hidden since (by a coordinator, or who no longer consents to be suggested) is
not listed at all, as they are left out of every answer.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from typing import Literal

from indexing.store.feedback import DECLINES
from indexing.store.projects import ProjectPerson
from indexing.vectors.catalog import MemberInfo

MissingReason = Literal["declined", "withdrawn", "cooldown", "busy_until", "monthly_limit",
                        "closed_to_invitations", "not_chosen"]
MISSING_REASONS: tuple[MissingReason, ...] = (
    "declined", "withdrawn", "cooldown", "busy_until", "monthly_limit", "closed_to_invitations",
    "not_chosen")


@dataclass(frozen=True)
class MissingPerson:
    """A person of the project not in its new suggestion, and why."""

    member: MemberInfo
    status: str  # their status in the project
    role: str  # how they came: team, invitation, expert or added
    reason: MissingReason
    until: dt.date | None = None  # busy_until: the last day they said they are busy


@dataclass(frozen=True)
class Holds:
    """What holds members back now, from the feedback service: members in the busy cool-down
    and members at their monthly limit of invitations."""

    cooldown: Collection[str]
    monthly_limit: Collection[str]


def missing_people(people: Iterable[ProjectPerson], suggested: Collection[str],
                   members: Mapping[str, MemberInfo], holds: Holds, today: dt.date
                   ) -> tuple[MissingPerson, ...]:
    """The project's people (but the accepted, who stay) not among ``suggested``, with the
    reason each is missing (module doc), in the order given."""
    out = []
    for p in people:
        member = members.get(p.member_id)
        if p.status == "accepted" or p.member_id in suggested or member is None \
                or member.hidden:
            continue
        reason, until = _reason(p, member, holds, today)
        out.append(MissingPerson(member, p.status, p.role, reason, until))
    return tuple(out)


def _reason(person: ProjectPerson, member: MemberInfo, holds: Holds, today: dt.date
            ) -> tuple[MissingReason, dt.date | None]:
    if person.status in DECLINES:
        return "declined", None
    if person.status == "withdrawn":
        return "withdrawn", None
    if member.id in holds.cooldown:
        return "cooldown", None
    if member.busy_on(today) and member.busy_until is not None:
        return "busy_until", member.busy_until
    if member.id in holds.monthly_limit:
        return "monthly_limit", None
    if not member.open_to_invitations:
        return "closed_to_invitations", None
    return "not_chosen", None
