"""Author lists as tools write them, and names that agree beyond their spelling (#34)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from indexing.imports.matching import MemberMatcher
from indexing.imports.model import AUTHORS_KEPT, Person, clean_doi, clean_text, readable_id
from indexing.imports.names import names_agree
from indexing.imports.people import author_list, split_bibtex_names, split_ris_authors
from indexing.schema import Member


def test_bibtex_names_split_on_and_outside_braces() -> None:
    names = split_bibtex_names("Langevin, Christian D AND Panday, Sorab and {Smith and Sons} "
                               "and {SciPy 1.0 Contributors} and {Black, Alastair} and others")
    assert names == [("Langevin, Christian D", False), ("Panday, Sorab", False),
                     ("Smith and Sons", True), ("SciPy 1.0 Contributors", True),
                     ("Black, Alastair", True), ("others", False)]
    authors = author_list(names)
    assert authors.people == ["Langevin, Christian D", "Panday, Sorab", "Black, Alastair"]
    assert authors.corporate == ["Smith and Sons", "SciPy 1.0 Contributors"]
    assert authors.cut and authors.author_count == 5


@pytest.mark.parametrize("name", ["Organization, World Meteorological",
                                  "U.S. Geological Survey", "Geological Survey, U.S.",
                                  "PAGES2k Consortium", "Danish Hydrologic Institute"])
def test_organisations_are_not_people(name: str) -> None:
    assert author_list([(name, False)]).corporate == [name]


def test_ris_lines_split_on_semicolons() -> None:
    names = split_ris_authors(["Elliot, T; Almenar, JB; Rugani, B", "Baffigo, FGP"])
    assert author_list(names).people == ["Elliot, T", "Almenar, JB", "Rugani, B",
                                         "Baffigo, FGP"]


def test_long_lists_keep_the_first_people_and_count_all() -> None:
    authors = author_list([(f"Author{i}, A.", False) for i in range(120)])
    assert len(authors.people) == AUTHORS_KEPT and authors.author_count == 120


@pytest.mark.parametrize(("source", "member", "agree"), [
    ("Zou, Jing", "Jing Zhou", False), ("Zhang, Lei", "Li Zhang", False),
    ("Baffigo, FGP", "Baffigo, F. G. Pinillos", True), ("Otieno, D.", "David Otieno", True),
    ("Wanjiru, G. N.", "Grace Wanjiru", True), ("Chris Ortega", "Christina Ortega", True),
    ("Zhou Jing", "Jing Zhou", True), ("Grace Wanjiku", "Grace Wanjiru", False),
])
def test_names_agree_beyond_their_spelling(source: str, member: str, agree: bool) -> None:
    assert names_agree(source, member) is agree


def _member(mid: str, name: str) -> Member:
    return Member(id=mid, name=name, organisation_id="org-1", country="KE", level="active")


def test_alike_names_that_disagree_are_candidates_not_links() -> None:
    matcher = MemberMatcher([_member("m-1", "Jing Zhou"), _member("m-2", "Li Zhang")], 90)
    for name in ("Zou, Jing", "Zhang, Lei"):
        decision = matcher.match(Person(name))
        assert decision.outcome == "candidate" and decision.member_id is None


def test_a_linked_coauthor_confirms_a_candidate() -> None:
    members = [_member("m-1", "Jing Zhou"), _member("m-2", "Grace Wanjiru")]
    matcher = MemberMatcher(members, 80, coauthors={"m-1": {"m-2"}, "m-2": {"m-1"}})
    decisions = matcher.confirm_by_coauthors([matcher.match(Person("Zou, Jing")),
                                              matcher.match(Person("Wanjiru, Grace"))])
    assert [(d.member_id, d.method) for d in decisions] == [("m-1", "coauthor"),
                                                             ("m-2", "name")]
    alone = MemberMatcher(members, 80).confirm_by_coauthors([matcher.match(Person("Zou, Jing"))])
    assert alone[0].member_id is None  # without the co-author's history: not linked


def test_dois_and_text_as_exports_write_them() -> None:
    assert clean_doi("https://doi.org/10.1016%2FJ.FOREco.2019.117694") == \
        "10.1016/j.foreco.2019.117694"
    assert clean_doi("doi:10.5751/ACE-01375-140117.") == "10.5751/ace-01375-140117"
    assert clean_doi("not a doi") is None
    assert clean_text("Co-occurrence &amp;lt;i&amp;gt;Trichodesmium&amp;lt;/i&amp;gt;&#13;") \
        == "Co-occurrence Trichodesmium"


@pytest.mark.parametrize(("name", "expected"), [
    ("Лев Толстой", "m-lev-tolstoy"), ("张伟", "m-zhangwei"), ("Nguyễn Thị Lan",
                                                               "m-nguyen-thi-lan")])
def test_ids_are_readable_in_any_script(name: str, expected: str) -> None:
    assert readable_id("m", name) == expected


@given(st.text(min_size=1, max_size=40))
def test_ids_are_always_valid_and_stable(name: str) -> None:
    rid = readable_id("m", name)
    assert rid == readable_id("m", name) and len(rid) <= 62
    assert all(ch.isascii() and (ch.isalnum() or ch == "-") for ch in rid)


LATEX_PIECES = st.sampled_from(["\\href", "\\url", "\\emph", "{", "}", " and ", "others", "\\",
                                "Ab", ",", "%", "$", "\\&", "&amp;", "<i>", "é", " "])


@given(st.lists(LATEX_PIECES, max_size=40).map("".join))
def test_any_field_text_is_read_never_raises(text: str) -> None:
    from indexing.imports.bibtex import latex_text, strip_commands

    assert isinstance(latex_text(text), str) and isinstance(strip_commands(text), str)
    names = split_bibtex_names(text)
    assert len(names) <= text.lower().count("and") + 1
    authors = author_list(names)
    assert len(authors.people) + len(authors.corporate) == authors.count
