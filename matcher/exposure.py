"""Fair exposure: who is shown how often, and the cap that keeps the same few members from
being suggested for everything.

Exposure counts the members of suggestions *marked as shown* to a person (the page marks what
it shows; an API caller opts in per request with ``shown``) within ``exposure_window_days``;
it is kept only when ``fair_exposure`` is ``track`` or ``cap`` (default ``off``: answers stay
deterministic for scripts, tests and benchmarks).

**The cap** (``fair_exposure=cap``) is applied last: after the filters, the soft preferences
and the coverage-with-spread selection of ``teams_core.select_team``. Capped members are those
shown at least ``exposure_cap`` times in the window, and (whatever the setting) those who
declined as busy within ``busy_cooldown_days``. In a team, the capped members are dropped and
the team re-selected, unless that lowers the number of needs covered: then capped members are
let back one at a time, in the order the untouched selection chose them, until coverage is
restored (a need only a capped member covers keeps them: the cap never opens a gap). In
invitations, capped members come after every other invitee. "Who knows X" is re-ordered the
same way only when the caller asks (``exposure=cap``).

The distribution (``exposure_report``) is summarised by the Gini coefficient of the counts over
every visible member (zeros included) and the share held by the ten most exposed members.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from indexing.vectors.catalog import MemberInfo
from matcher.teams_core import Pick, TeamLimits, select_team

TOP_SHARE_N = 10


def gini(counts: Sequence[float]) -> float:
    """The Gini coefficient of non-negative counts (0: all equal; near 1: one holds all)."""
    values = sorted(float(c) for c in counts)
    n, total = len(values), sum(values)
    if n == 0 or total <= 0:
        return 0.0
    weighted = sum((i + 1) * v for i, v in enumerate(values))
    return 2 * weighted / (n * total) - (n + 1) / n


def top_share(counts: Sequence[float], k: int = TOP_SHARE_N) -> float:
    """The share of all exposure held by the ``k`` most exposed."""
    total = sum(counts)
    return sum(sorted(counts, reverse=True)[:k]) / total if total > 0 else 0.0


def needs_covered(picks: Iterable[Pick], relevance: Mapping[str, Mapping[int, float]],
                  n_needs: int, threshold: float) -> int:
    team = [p.member_id for p in picks]
    return sum(1 for n in range(n_needs)
               if max((relevance.get(m, {}).get(n, 0.0) for m in team), default=0.0) >= threshold)


def cap_team(picks: Sequence[Pick], relevance: Mapping[str, Mapping[int, float]],
             members: Mapping[str, MemberInfo], limits: TeamLimits, capped: frozenset[str]
             ) -> list[Pick]:
    """The team with capped members replaced where coverage allows (module doc)."""
    if not capped or not any(p.member_id in capped for p in picks):
        return list(picks)
    want = needs_covered(picks, relevance, limits.n_needs, limits.threshold)
    excluded = set(capped)
    readmit = [p.member_id for p in picks if p.member_id in capped]
    for step in range(len(readmit) + 1):
        if step:
            excluded.discard(readmit[step - 1])
        trial = select_team({m: r for m, r in relevance.items() if m not in excluded}, members,
                            limits)
        if needs_covered(trial, relevance, limits.n_needs, limits.threshold) >= want:
            return trial
    return list(picks)


def capped_last(ids: Sequence[str], capped: frozenset[str]) -> list[int]:
    """Positions of ``ids`` with the capped ones moved after the others (order kept)."""
    return ([i for i, m in enumerate(ids) if m not in capped]
            + [i for i, m in enumerate(ids) if m in capped])


@dataclass(frozen=True)
class MemberExposure:
    member_id: str
    name: str
    count: int


@dataclass(frozen=True)
class ExposureReport:
    basis: str  # shown | suggested
    window_days: int
    since: str
    members: int  # visible members counted (zeros included)
    total: int
    gini: float
    top10_share: float
    most_exposed: tuple[MemberExposure, ...]
    never_with_evidence: tuple[str, ...]  # visible members with contributions, never counted
    never_with_evidence_count: int


@dataclass(frozen=True)
class ExposureWindow:
    """What was counted: shows or suggestions (``basis``), over which days, from when."""

    basis: str
    days: int
    since: str


def exposure_report(counts: Mapping[str, int], members: Mapping[str, MemberInfo],
                    contributions: Mapping[str, object], window: ExposureWindow,
                    list_limit: int = 100) -> ExposureReport:
    """The distribution of ``counts`` over the visible members."""
    basis, window_days, since = window.basis, window.days, window.since
    visible = sorted(m for m, info in members.items() if not info.hidden)
    values = [counts.get(m, 0) for m in visible]
    ranked = sorted(((counts.get(m, 0), m) for m in visible if counts.get(m, 0)),
                    key=lambda c: (-c[0], c[1]))
    never = [m for m in visible if not counts.get(m, 0) and contributions.get(m)]
    return ExposureReport(
        basis, window_days, since, len(visible), sum(values), round(gini(values), 4),
        round(top_share(values), 4),
        tuple(MemberExposure(m, members[m].name, c) for c, m in ranked[:TOP_SHARE_N]),
        tuple(never[:list_limit]), len(never))
