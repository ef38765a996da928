"""Needs of a project: explicit lists, derivation from a description, request validation."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from indexing.schema import Organisation, OrganisationKind
from indexing.settings import Settings
from indexing.vectors.catalog import Catalog, MemberInfo
from matcher.errors import InvalidRequest
from matcher.needs import ProjectRequest, derive_needs, project_needs


def test_comma_list_becomes_one_need_per_item() -> None:
    needs = derive_needs("We need hydrogeology, remote sensing, water law and stakeholder "
                         "facilitation.", 10)
    assert needs == ["hydrogeology", "remote sensing", "water law", "stakeholder facilitation"]


def test_sentences_lead_ins_and_bullets() -> None:
    text = ("A transboundary aquifer project. The project requires expertise in groundwater "
            "modelling; we also need someone who knows water treaties.\nNeeds:\n- leak "
            "detection\n- desalination")
    assert derive_needs(text, 10) == ["A transboundary aquifer project", "groundwater modelling",
                                      "water treaties", "leak detection", "desalination"]


def test_sentence_without_comma_is_not_cut_at_and() -> None:
    assert derive_needs("Operation and maintenance of rural pumps", 10) == [
        "Operation and maintenance of rural pumps"]


def test_duplicates_merged_and_capped() -> None:
    assert derive_needs("Leak detection, leak detection, desalination, water law", 2) == [
        "Leak detection", "desalination"]


def test_nothing_left_falls_back_to_whole_description() -> None:
    assert derive_needs("?? 42", 5) == ["?? 42"]


def test_explicit_needs_win_and_are_not_derived() -> None:
    explicit = [" leak  detection ", "Leak detection", "brine"]
    needs = project_needs("ignored, because needs are given", explicit, 10, 100)
    assert [(n.text, n.derived) for n in needs] == [("leak detection", False), ("brine", False)]


def test_derived_needs_are_flagged() -> None:
    needs = project_needs("desalination, water law", None, 10, 100)
    assert [(n.text, n.derived) for n in needs] == [("desalination", True), ("water law", True)]


@pytest.mark.parametrize(("description", "needs", "field"), [
    ("", None, "description"), ("   ", [], "description"), ("x", ["  "], "needs"),
    ("x", [f"need {i}" for i in range(11)], "needs"), ("x", ["y" * 101], "needs"),
])
def test_bad_needs_name_the_field(description: str, needs: list[str] | None, field: str) -> None:
    with pytest.raises(InvalidRequest) as err:
        project_needs(description, needs, 10, 100)
    assert err.value.field == field


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("abcdefg ,.;:\n-and")), max_size=200))
def test_derived_needs_are_pieces_of_the_description(text: str) -> None:
    needs = derive_needs(text, 5) if text.strip() else []
    assert len(needs) <= 5
    words = set(re.findall(r"\w+", text.casefold()))
    for need in needs:
        assert need.strip() == need and need
        assert set(re.findall(r"\w+", need.casefold())) <= words


def _catalog() -> Catalog:
    catalog = Catalog()
    catalog.organisations = {"org-a": Organisation(id="org-a", name="A",
                                                   kind=OrganisationKind.utility)}
    catalog.members = {"m-1": MemberInfo("m-1", "One", "org-a", "A", "KE", "core", ("en",), (),
                                         True, False, None)}
    return catalog


@pytest.mark.parametrize(("request_", "field"), [
    (ProjectRequest(title=" "), "title"),
    (ProjectRequest(title="t", size=0), "size"),
    (ProjectRequest(title="t", size=16), "size"),
    (ProjectRequest(title="t", max_per_organisation=0), "max_per_organisation"),
    (ProjectRequest(title="t", exclude_members=frozenset({"m-404"})), "exclude_members"),
    (ProjectRequest(title="t", exclude_organisations=frozenset({"org-x"})),
     "exclude_organisations"),
    (ProjectRequest(title="t", exclude_countries=frozenset({"XX"})), "exclude_countries"),
])
def test_request_validation_names_the_field(request_: ProjectRequest, field: str) -> None:
    with pytest.raises(InvalidRequest) as err:
        request_.validated(Settings(), _catalog())
    assert err.value.field == field


def test_request_defaults_come_from_settings() -> None:
    s = Settings(team_size=4, team_max_per_organisation=3)
    r = ProjectRequest(title=" t ", exclude_members=frozenset({"m-1"}),
                       exclude_countries=frozenset({"ke"})).validated(s, _catalog())
    assert (r.title, r.size, r.max_per_organisation, r.max_per_country) == ("t", 4, 3, 2)
    assert r.exclude_countries == frozenset({"KE"})
