"""The place preference (matcher/places.py): read from the need, a soft boost, a switch."""

from __future__ import annotations

from collections.abc import Mapping, Set
from dataclasses import dataclass, field

import pytest

from indexing.schema import ItemKey
from indexing.vectors.catalog import MemberInfo
from matcher.aggregation import DocScore, RankedMember
from matcher.experts import Matcher
from matcher.filters import Access, SearchFilters
from matcher.places import NO_PLACE, prefer_places, read_places
from matcher.reach import Reach


def _member(mid: str, country: str) -> MemberInfo:
    return MemberInfo(id=mid, name=mid, organisation_id="org", organisation_name="Org",
                      country=country, level="active", languages=("en",), topics=(),
                      open_to_invitations=True, hidden=False, contact=None)


@dataclass
class _Catalog:
    members: Mapping[str, MemberInfo]
    organisations: Mapping[str, object] = field(default_factory=dict)
    contributions: Mapping[str, object] = field(default_factory=dict)
    member_contributions: Mapping[str, Set[str]] = field(default_factory=dict)


def _ranked(*pairs: tuple[str, float]) -> list[RankedMember]:
    return [RankedMember(m, s, (DocScore(ItemKey.parse(f"m:{m}"), s, 0),)) for m, s in pairs]


CATALOG = _Catalog({"ke": _member("ke", "KE"), "sn": _member("sn", "SN"),
                    "gh": _member("gh", "GH")})


def test_a_member_in_the_place_moves_up_by_the_boost() -> None:
    reading = read_places("faecal sludge treatment in West Africa")
    ranked = _ranked(("ke", 0.62), ("sn", 0.60), ("gh", 0.40))
    out = prefer_places(ranked, CATALOG, reading, 0.05)  # type: ignore[arg-type]
    assert [r.member_id for r in out] == ["sn", "ke", "gh"]
    assert out[0].score == 0.60 + 0.05
    # a soft preference: nobody removed, a far better topic match stays above
    far = prefer_places(_ranked(("ke", 0.80), ("sn", 0.60)), CATALOG, reading, 0.05)  # type: ignore[arg-type]
    assert [r.member_id for r in far] == ["ke", "sn"]


def test_no_place_or_no_separation_changes_nothing() -> None:
    ranked = _ranked(("ke", 0.62), ("sn", 0.60))
    assert prefer_places(ranked, CATALOG, NO_PLACE, 0.05) == ranked  # type: ignore[arg-type]
    everyone = read_places("sanitation in Kenya and Senegal")
    assert prefer_places(ranked, CATALOG, everyone, 0.05) == ranked  # type: ignore[arg-type]
    nobody = read_places("sanitation in Peru")
    assert prefer_places(ranked, CATALOG, nobody, 0.05) == ranked  # type: ignore[arg-type]
    assert read_places("acoustic leak detection on plastic pipes") is NO_PLACE


def test_find_experts_prefers_the_place_and_reports_it(matcher: Matcher) -> None:
    need = "who can help with faecal sludge treatment in West Africa"
    found = matcher.find_experts(need, top=3)
    assert found[0].member.id == "m-0004"  # the FSM specialist in Senegal
    assert [m.place.name for m in found.places.mentions] == ["West Africa"]
    assert "SN" in found.places.countries
    off = matcher.find_experts(need, top=3, places=False)
    assert off.places is NO_PLACE
    assert off[0].member.id == "m-0004"  # on topic already: the boost does not decide here


def test_the_boost_lifts_members_in_the_place(matcher: Matcher) -> None:
    need = "drought and water supply planning in Jordan"
    on = matcher.find_experts(need, top=12)
    off = matcher.find_experts(need, top=12, places=False)
    with matcher.snapshot() as snap:  # the ranking's scores carry the boost
        ranked_on = {r.member_id: r.score for r in matcher.rank_need(
            snap, need, Reach(SearchFilters(), Access.public(), 12))}
        ranked_off = {r.member_id: r.score for r in matcher.rank_need(
            snap, need, Reach(SearchFilters(), Access.public(), 12), places=NO_PLACE)}
    for mid in ("m-0003", "m-0008"):  # the two members in Jordan
        boost = matcher.settings.matching.place_boost
        assert ranked_on[mid] == pytest.approx(ranked_off[mid] + boost, abs=2e-4)
    assert ranked_on["m-0010"] == ranked_off["m-0010"]  # drought planning, India
    # what the answer shows is the relevance (issue #27): a place changes the order, never it
    rank_on = [m.member.id for m in on]
    rank_off = [m.member.id for m in off]
    assert rank_on.index("m-0003") <= rank_off.index("m-0003")
    assert {m.member.id: m.score for m in on} == {m.member.id: m.score for m in off}


def test_the_setting_off_reads_no_place_and_a_filter_still_filters(matcher: Matcher) -> None:
    off = Matcher(matcher.community, matcher.settings.with_(matching={"places": "off"}),
                  matcher.glossary)
    found = off.find_experts("faecal sludge treatment in West Africa", top=3)
    assert found.places is NO_PLACE
    filtered = matcher.find_experts("faecal sludge treatment in Kenya",
                                    SearchFilters(countries=("KE",)), top=5)
    assert {m.member.country for m in filtered} == {"KE"}
