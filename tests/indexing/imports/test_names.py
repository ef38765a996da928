"""Names: accents, initials and name order; matches above the threshold only."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from indexing.imports.matching import MemberMatcher
from indexing.imports.model import Person
from indexing.imports.names import name_score, name_tokens
from indexing.schema import Member


@pytest.mark.parametrize(("source", "member", "low"), [
    ("Grace Wanjiru", "Grace Wanjiru", 100), ("Wanjiru, Grace", "Grace Wanjiru", 100),
    ("Ndiaye, Aïssatou", "Aissatou Ndiaye", 100), ("G. Wanjiru", "Grace Wanjiru", 95),
    ("Wanjiru, G.", "Grace Wanjiru", 95), ("van Dijk, P.", "Pieter van Dijk", 95),
    ("JOÃO PEREIRA", "João Pereira", 100), ("Liam O’Connor", "Liam O'Connor", 100),
])
def test_same_person_scores_high(source: str, member: str, low: float) -> None:
    assert name_score(source, member) >= low


@pytest.mark.parametrize(("source", "member"), [
    ("Grace Wanjiku", "Grace Wanjiru"), ("G. Wanjiku", "Grace Wanjiru"),
    ("D. Otieno", "Grace Wanjiru"), ("Carlos Quispe", "Carla Quispe Mamani"),
])
def test_other_people_stay_below_the_default_threshold(source: str, member: str) -> None:
    assert name_score(source, member) < 94


def test_tokens_put_given_names_first() -> None:
    assert name_tokens("Muñoz Quispe, Inés") == ["ines", "munoz", "quispe"]


@given(st.text(max_size=30), st.text(max_size=30))
def test_score_is_bounded_and_symmetric_on_identity(a: str, b: str) -> None:
    assert 0 <= name_score(a, b) <= 100
    if name_tokens(a):
        assert name_score(a, a) == 100


def _member(mid: str, name: str, orcid: str | None = None) -> Member:
    return Member(id=mid, name=name, organisation_id="org-1", country="KE", level="active",
                  orcid=orcid)


def test_orcid_first_then_name_then_nothing() -> None:
    matcher = MemberMatcher([_member("m-1", "Grace Wanjiru", "0000-0002-1825-0097"),
                             _member("m-2", "David Otieno")], threshold=94)
    by_orcid = matcher.match(Person("G. N. W.", orcid="0000-0002-1825-0097"))
    assert (by_orcid.member_id, by_orcid.method, by_orcid.score) == ("m-1", "orcid", 100.0)
    by_name = matcher.match(Person("Otieno, D."))
    assert (by_name.member_id, by_name.method, by_name.outcome) == ("m-2", "name", "linked")
    near = matcher.match(Person("Grace Wanjiku"))
    assert near.outcome == "candidate" and near.member_id is None
    assert near.candidate_id == "m-1" and 85 < near.score < 94
    assert "candidate" in near.describe() and "not linked" in near.describe()
    assert matcher.match(Person("Nguyễn Thị Lan")).outcome == "unmatched"


def test_two_equally_good_members_are_not_linked() -> None:
    matcher = MemberMatcher([_member("m-1", "Ana Silva"), _member("m-2", "Ana Silva")], 94)
    assert matcher.match(Person("Silva, Ana")).outcome == "ambiguous"


def test_forum_users_match_only_through_the_map() -> None:
    matcher = MemberMatcher([_member("m-1", "Grace Wanjiru")], 94, {"GWanjiru": "m-1"})
    assert matcher.match(Person("Grace Wanjiru", username="gwanjiru")).member_id == "m-1"
    assert matcher.match(Person("Grace Wanjiru", username="someone")).outcome == "unmatched"
