"""What a team answer says beyond its members: why it is smaller than asked, and who outside it
would widen its spread across organisations and countries, at what relevance cost.

Order of combination for teams (and for later work on them): hard filters and exclusions →
soft preferences → coverage with spread (``teams.select_team``) → exposure limits.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Literal

from indexing.vectors.catalog import MemberInfo
from matcher.teams_core import MIN_GAIN, Pick, TeamLimits, coverage_gain


@dataclass(frozen=True)
class Shortfall:
    """The team is smaller than asked: how many were asked, how many cover everything they
    can, why nobody else was added (``kind``: a ``cap`` holds the next member back, or nobody
    else adds coverage above the ``threshold``), and what the next candidate would have added.
    ``reason`` says it in English from these figures; the page says it in its own language."""

    asked: int
    chosen: int
    next_member_id: str | None
    next_gain: float
    kind: Literal["held_back", "nobody_adds"]
    cap: str | None  # held_back: max_per_organisation or max_per_country
    threshold: float  # the coverage threshold

    @property
    def reason(self) -> str:
        if self.kind == "held_back":
            return (f"{self.chosen} of {self.asked} chosen: the next member who would add "
                    f"coverage ({self.next_member_id}, +{self.next_gain:.2f}) is held back by "
                    f"{self.cap}")
        reason = (f"{self.chosen} member(s) cover every need as far as the community can above "
                  f"the coverage threshold {self.threshold:.2f}; nobody else adds coverage")
        if self.next_member_id is not None:
            reason += (f" (the next candidate, {self.next_member_id}, would add "
                       f"{self.next_gain:+.2f})")
        return reason

    def as_dict(self) -> dict[str, object]:
        """The figures and the English reason (the API's and the CLI's shortfall)."""
        return {**asdict(self), "reason": self.reason}


@dataclass(frozen=True)
class Alternate:
    """A member outside the team, above the coverage threshold on some need, who brings an
    organisation or a country the team lacks; ``cost`` is how far their relevance falls below
    the team's weakest member (negative: above it)."""

    member: MemberInfo
    score: float
    covers: tuple[int, ...]  # need indices
    cost: float
    widens: tuple[str, ...]  # "organisation" and/or "country"


def explain_shortfall(relevance: Mapping[str, Mapping[int, float]],
                      members: Mapping[str, MemberInfo], picks: Sequence[Pick],
                      limits: TeamLimits) -> Shortfall | None:
    """None when the team has the size asked; else why it stopped short."""
    n_needs, size, threshold = limits.n_needs, limits.size, limits.threshold
    max_per_organisation, max_per_country = limits.max_per_organisation, limits.max_per_country
    if len(picks) >= size:
        return None
    taken = {p.member_id for p in picks}
    top = coverage_state(relevance, picks, n_needs, threshold)
    per_org = Counter(members[p.member_id].organisation_id for p in picks)
    per_country = Counter(members[p.member_id].country for p in picks)
    best: tuple[float, str] | None = None
    blocked: tuple[float, str, str] | None = None
    for mid in sorted(relevance):
        if mid in taken or mid not in members:
            continue
        gain = coverage_gain(top, relevance[mid], threshold, n_needs)
        info = members[mid]
        cap = ("max_per_organisation" if per_org[info.organisation_id] >= max_per_organisation
               else "max_per_country" if per_country[info.country] >= max_per_country else None)
        if cap is not None and gain > MIN_GAIN and (blocked is None or gain > blocked[0]):
            blocked = (gain, mid, cap)
        if best is None or gain > best[0]:
            best = (gain, mid)
    n = len(picks)
    if blocked is not None:
        return Shortfall(size, n, blocked[1], round(blocked[0], 4), "held_back", blocked[2],
                         threshold)
    return Shortfall(size, n, best[1] if best else None, round(best[0], 4) if best else 0.0,
                     "nobody_adds", None, threshold)


def coverage_state(relevance: Mapping[str, Mapping[int, float]], picks: Sequence[Pick],
                   n_needs: int, threshold: float) -> list[list[float]]:
    """Best and second-best thresholded relevance per need within the chosen members."""
    top: list[list[float]] = [[0.0, 0.0] for _ in range(n_needs)]
    for p in picks:
        for n, s in relevance.get(p.member_id, {}).items():
            if s >= threshold and 0 <= n < n_needs:
                first, second = top[n]
                top[n] = [s, first] if s > first else [first, max(second, s)]
    return top


def find_alternates(relevance: Mapping[str, Mapping[int, float]],
                    members: Mapping[str, MemberInfo], picks: Sequence[Pick],
                    threshold: float, max_cost: float, limit: int) -> list[Alternate]:
    """Members outside the team who widen its spread, cheapest in relevance first."""
    if not picks or limit <= 0:
        return []
    team = [members[p.member_id] for p in picks]
    orgs = {m.organisation_id for m in team}
    countries = {m.country for m in team}
    weakest = min(max((s for s in relevance.get(m.id, {}).values() if s >= threshold),
                      default=0.0) for m in team)
    out = []
    for mid, needs in relevance.items():
        info = members.get(mid)
        if info is None or mid in {m.id for m in team}:
            continue
        covers = tuple(sorted(n for n, s in needs.items() if s >= threshold))
        if not covers:
            continue
        widens = tuple(w for w, new in (("organisation", info.organisation_id not in orgs),
                                        ("country", info.country not in countries)) if new)
        score = max(needs[n] for n in covers)
        cost = weakest - score
        if widens and cost <= max_cost:
            out.append(Alternate(info, round(score, 4), covers, round(cost, 4), widens))
    out.sort(key=lambda a: (a.cost, -len(a.widens), a.member.id))
    return out[:limit]
