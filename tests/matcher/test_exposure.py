"""Fair exposure: the Gini and top-10 share, and the team cap that never opens a gap."""

from __future__ import annotations

import pytest

from indexing.vectors.catalog import MemberInfo
from matcher.exposure import cap_team, capped_last, gini, needs_covered, top_share
from matcher.teams_core import TeamLimits, select_team


def member(mid: str, org: str, country: str) -> MemberInfo:
    return MemberInfo(mid, mid.upper(), org, org.upper(), country, "active", ("en",), (), True,
                      False, None)


MEMBERS = {m.id: m for m in (member("a", "o1", "KE"), member("b", "o2", "FR"),
                             member("c", "o3", "BR"), member("d", "o4", "IN"))}
LIMITS = TeamLimits(n_needs=2, size=2, threshold=0.45, diversity_weight=0.1,
                    max_per_organisation=2, max_per_country=2)


def test_gini_and_top_share() -> None:
    assert gini([5, 5, 5, 5]) == pytest.approx(0.0)
    assert gini([0, 0, 0, 12]) == pytest.approx(0.75)
    assert gini([]) == 0.0 and gini([0, 0]) == 0.0
    assert top_share([10, 0, 0], k=1) == pytest.approx(1.0)
    assert top_share(list(range(1, 21))) == pytest.approx(sum(range(11, 21)) / sum(range(1, 21)))


def test_cap_replaces_capped_members_when_others_cover_the_need() -> None:
    relevance = {"a": {0: 0.9}, "b": {1: 0.8}, "c": {0: 0.6}, "d": {1: 0.5}}
    picks = select_team(relevance, MEMBERS, TeamLimits(2, 2, 0.45, 0.1, 2, 2))
    assert {p.member_id for p in picks} == {"a", "b"}
    capped = cap_team(picks, relevance, MEMBERS, LIMITS, frozenset({"a"}))
    assert {p.member_id for p in capped} == {"c", "b"}  # the cap holds, coverage kept
    assert needs_covered(capped, relevance, 2, 0.45) == 2
    both = cap_team(picks, relevance, MEMBERS, LIMITS, frozenset({"a", "b"}))
    assert {p.member_id for p in both} == {"c", "d"}


def test_cap_never_opens_a_gap() -> None:
    relevance = {"a": {0: 0.9}, "b": {1: 0.8}, "c": {0: 0.3}}  # only a covers need 0
    picks = select_team(relevance, MEMBERS, TeamLimits(2, 2, 0.45, 0.1, 2, 2))
    capped = cap_team(picks, relevance, MEMBERS, LIMITS, frozenset({"a"}))
    assert {p.member_id for p in capped} == {"a", "b"}
    assert cap_team(picks, relevance, MEMBERS, LIMITS, frozenset()) == picks


def test_capped_last_keeps_the_order_otherwise() -> None:
    assert capped_last(["a", "b", "c", "d"], frozenset({"a", "c"})) == [1, 3, 0, 2]
