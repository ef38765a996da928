"""Similar members: peers by the centroid of a member's work."""

from __future__ import annotations

import pytest

from indexing.errors import NotFound
from matcher.errors import InvalidRequest
from matcher.experts import Matcher
from matcher.filters import Access
from matcher.similar import similar_members


def test_peers_exclude_self_and_hidden(matcher: Matcher) -> None:
    for mid in sorted(matcher.community.index._catalog.members):
        if mid == "m-0012":
            continue
        peers = similar_members(matcher, mid, Access.public(), 20)
        ids = [p.member.id for p in peers]
        assert mid not in ids and "m-0012" not in ids
        assert [p.score for p in peers] == sorted((p.score for p in peers), reverse=True)


def test_coauthor_and_neighbour_topics_rank_first(matcher: Matcher) -> None:
    # m-0008 (wastewater reuse) co-wrote with m-0003 (desalination, brine): closest peer
    peers = similar_members(matcher, "m-0008", Access.public(), 3)
    assert peers[0].member.id == "m-0003"
    # m-0002 (groundwater recharge) co-wrote c-00012 with m-0010 (drought, climate adaptation)
    assert "m-0010" in [p.member.id for p in similar_members(matcher, "m-0002",
                                                              Access.public(), 3)]


def test_unknown_and_hidden_members_are_not_found(matcher: Matcher) -> None:
    for mid in ("m-9999", "m-0012"):
        with pytest.raises(NotFound):
            similar_members(matcher, mid, Access.public())
    with pytest.raises(InvalidRequest):
        similar_members(matcher, "m-0001", Access.public(), 0)
