"""Needs from terms of reference (issue #36): the expertise asked for, each with its sentence.

Real published terms of reference (bench/briefs/real, sources in its README) read through the
shipped glossary; the short briefs of bench/projects must come out as the rules cut them.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from matcher.errors import InvalidRequest
from matcher.glossary import Glossary, glossary_file, load_glossary, parse_glossary
from matcher.need_derivation import derive_needs, normalise_space, split_sentences
from matcher.need_expertise import derive_brief_needs, named_concepts
from matcher.needs import project_needs
from tests.matcher.need_support import MAX_NEEDS, needs_of, shipped_glossary

ROOT = Path(__file__).resolve().parents[2]
REAL = ROOT / "bench/briefs/real"


@pytest.fixture(scope="module")
def glossary() -> Glossary:
    return shipped_glossary()


def _brief(name: str) -> str:
    return (REAL / f"{name}.txt").read_text(encoding="utf-8")


# organisations, places, dates and procedure of the briefs: never in a need
CONTEXT = re.compile(r"solidarit|\bSI\b|ECHO|garoua|gado|cameroun|centrafric|2014|2018|juillet"
                     r"|kanel|ados|waound|collectivit|français|sénégal|dans le cadre|hôtes"
                     r"|date|recrutement|termes de référence|\d", re.IGNORECASE)


def test_the_camp_study_gives_sludge_latrines_and_the_water_network(glossary: Glossary
                                                                    ) -> None:
    needs = needs_of(_brief("fr-gado-boues"), "fr", glossary)
    assert "gestion des boues de vidange" in needs
    assert any("latrines" in n for n in needs)
    assert any("réseau aep" in n for n in needs)
    assert any(n in {"eau, hygiène, assainissement", "eha"} for n in needs)
    assert not [n for n in needs if CONTEXT.search(n)], needs
    assert len(needs) <= 6  # not the twelve-need maximum of context clauses


def test_the_kanel_call_gives_inter_municipal_sanitation_not_the_partners(glossary: Glossary
                                                                         ) -> None:
    needs = needs_of(_brief("fr-kanel-intercommunalite"), "fr", glossary)
    assert "intercommunalité" in needs and "plan directeur d'assainissement" in needs
    assert "gestion de l'assainissement" in needs
    assert not [n for n in needs if CONTEXT.search(n)], needs


def test_the_costea_reuse_terms_of_reference_give_reuse_sludge_and_iwrm(glossary: Glossary
                                                                       ) -> None:
    """The third brief the issue names: wastewater reuse in agriculture, not its procedure."""
    needs = needs_of(_brief("fr-costea-reuse"), "fr", glossary)
    assert "réutilisation des eaux usées en agriculture" in needs
    assert "gestion des boues" in needs
    assert "gestion intégrée des ressources en eau" in needs
    context = re.compile(r"costea|afeid|\bafd\b|montpellier|article|procédure|marché|objet"
                         r"|recrutement|opérateur|table des matières|\d", re.IGNORECASE)
    assert not [n for n in needs if context.search(n)], needs


def test_each_need_comes_with_the_sentence_it_was_found_in(glossary: Glossary) -> None:
    for path in sorted(REAL.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        normal = normalise_space(text)
        labels = {json.loads(x)["file"]: json.loads(x)["language"]
                  for x in (REAL / "labels.jsonl").read_text(encoding="utf-8").splitlines()}
        derived = derive_brief_needs(text, MAX_NEEDS, labels[path.name], glossary)
        assert derived, path.name
        assert len(derived) <= MAX_NEEDS
        for need in derived:
            assert need.source in normal and need.source in split_sentences(need.source)
            if need.part_of is None:  # read in the sentence; else a part of the work it names
                assert need.text.casefold() in need.source.casefold(), (path.name, need)
            else:
                named = named_concepts(need.source, labels[path.name], glossary)
                assert need.part_of in {glossary.english[c] for c in named}, (path.name, need)
        keys = [n.text.casefold() for n in derived]
        assert len(keys) == len(set(keys))  # merged, not repeated


def test_near_duplicates_are_one_need(glossary: Glossary) -> None:
    text = ("Le programme finance la construction de latrines dans les écoles de la région. "
            "Les latrines d'urgence du camp sont pleines et l'entretien des latrines manque. "
            "Le projet a besoin d'une étude sur la gestion des boues de vidange et les boues "
            "de vidange des latrines.")
    needs = needs_of(text, "fr", glossary)
    assert sum("latrines" in n for n in needs) == 1, needs


def test_the_most_mentioned_expertise_is_kept_within_the_limit(glossary: Glossary) -> None:
    text = ("Desalination plants are costly. " * 3 + "The city also studied cholera, leak "
            "detection, rainwater harvesting, hydropower, groundwater recharge and irrigation.")
    derived = derive_brief_needs(text, 2, "en", glossary)
    assert len(derived) == 2
    assert derived[0].text.casefold() == "desalination plants"


def test_a_request_still_gives_what_it_asks_for(glossary: Glossary) -> None:
    text = ("The district lies on the coast and its utility was created in 1994. "
            "We need experts in stakeholder facilitation and in water diplomacy.")
    needs = needs_of(text, "en", glossary)
    assert needs == ["stakeholder facilitation", "water diplomacy"]


def test_prose_without_expertise_offers_no_need(glossary: Glossary) -> None:
    text = ("The ministry and the municipality signed an agreement in March 2021 in Niamey. "
            "The mission will last three months and reports to the director of the programme. "
            "Applications are due on 4 May; the contract follows the donor's rules.")
    assert derive_brief_needs(text, MAX_NEEDS, "en", glossary) == []
    with pytest.raises(InvalidRequest) as err:
        project_needs(text, None, MAX_NEEDS, 500, "en", glossary)
    assert err.value.field == "description"


def test_short_briefs_come_out_as_the_rules_cut_them(glossary: Glossary) -> None:
    briefs = [json.loads(x) for x in
              (ROOT / "bench/projects/briefs.jsonl").read_text(encoding="utf-8").splitlines()]
    translated = [json.loads(x) for x in (ROOT / "bench/projects/briefs_translated.jsonl")
                  .read_text(encoding="utf-8").splitlines()]
    cases = [(b["description"], "en") for b in briefs if b["needs"] is None]
    cases += [(t["description"], t["language"]) for t in translated]
    for description, language in cases:
        got = [n.text for n in derive_brief_needs(description, MAX_NEEDS, language, glossary)]
        assert got == derive_needs(description, MAX_NEEDS, language), description


def test_without_a_glossary_every_sentence_is_cut_by_the_rules() -> None:
    text = _brief("fr-gado-boues")
    got = [n.text for n in derive_brief_needs(text, MAX_NEEDS, "fr", None)]
    assert got == derive_needs(text, MAX_NEEDS, "fr")


def test_a_small_glossary_decides_what_counts_as_expertise() -> None:
    tiny = parse_glossary([
        json.dumps({"en": ["leak detection"], "fr": ["détection des fuites"]}),
        json.dumps({"en": ["project"], "fr": ["projet"]}),  # context (not_expertise.txt)
    ])
    text = ("Le projet de la ville de Lyon, lancé en 2019 avec la métropole, a montré que la "
            "détection des fuites réduit les pertes. Le projet durera deux ans et le rapport "
            "sera remis au maire.")
    derived = derive_brief_needs(text, MAX_NEEDS, "fr", tiny)
    assert [n.text for n in derived] == ["détection des fuites"]
    assert derived[0].source.startswith("Le projet de la ville de Lyon")


def test_explicit_needs_have_no_source(glossary: Glossary) -> None:
    text = _brief("fr-gado-boues")
    explicit = project_needs(text, ["leak detection"], MAX_NEEDS, 500, "fr", glossary)
    assert [(n.text, n.derived, n.source) for n in explicit] == [
        ("leak detection", False, None)]


_PIECES = ["We need experts in leak detection. ", "Nous cherchons ", "gestion des boues ",
           "de vidange, ", "latrines ", "et ", "WaterAid ", "2019 ", "in Chad ", "\n- ",
           "assainissement ", "; ", "The project. ", "و", "المياه ", "EHA ", " " * 50]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=60).map("".join),
       st.sampled_from([None, "en", "fr", "es", "pt", "ar"]))
def test_any_description_gives_needs_that_are_pieces_of_it(text: str, language: str | None
                                                           ) -> None:
    glossary = load_glossary(glossary_file("") or Path())
    derived = derive_brief_needs(text, MAX_NEEDS, language, glossary)
    normal = normalise_space(text).casefold()
    assert len(derived) <= MAX_NEEDS
    for need in derived:
        assert need.text.strip() and need.text.casefold() in normal
        assert need.source.casefold() in normal


@pytest.mark.parametrize(("text", "language", "not_a_need"), [
    ("Les boues de vidange doivent être pompées et transportées vers la station.", "fr",
     "pompées"),
    ("Mecanismos de avaliação dos Programas, Projetos e Ações do plano de esgotamento.", "pt",
     "ações"),
    ("El 76% de las viviendas se abastece de agua durante todo el día.", "es",
     "abastece de agua"),
    ("Certaines habitations ne disposent d'aucun système, de latrines ou de fosses.", "fr",
     "latrines ou de fosses"),
])
def test_a_word_that_only_shares_a_term_s_stem_is_not_that_term(
        glossary: Glossary, text: str, language: str, not_a_need: str) -> None:
    """Issue #36: a verb form ("pompées", "abastece") or another noun with the same stem
    ("Ações" and aço, steel) is not the glossary term; nor is a coordination the term names as
    one thing ("latrines ou de fosses" and "latrine à fosse")."""
    assert not_a_need not in needs_of(text, language, glossary)


def test_a_plural_of_a_term_is_still_that_term(glossary: Glossary) -> None:
    needs = needs_of("La mise en place de latrines étanches. Les inundaciones.", "fr", glossary)
    assert "latrines" in needs


CATALOGUE = ("Faecal sludge management for the district. The consultant will design the faecal "
             "sludge treatment plant. Our work is accomplished through programs of emergency "
             "response, HIV, health and nutrition, WASH, agriculture and food security, "
             "education, microfinance and peacebuilding.")


def test_an_organisation_s_catalogue_of_fields_gives_no_need(glossary: Glossary) -> None:
    """Issue #36: a sentence listing an organisation's other programmes, none of which the
    brief names again, is context."""
    needs = needs_of(CATALOGUE, "en", glossary)
    assert any("faecal sludge" in n for n in needs)
    assert not {"microfinance", "emergency response", "food security"} & set(needs), needs


def test_a_list_of_the_work_s_own_components_is_kept(glossary: Glossary) -> None:
    text = ("The consultant will assess handwashing stations in schools. The assignment covers "
            "water supply systems, sanitation facilities, handwashing stations, waste "
            "management systems, and menstrual hygiene spaces.")
    needs = needs_of(text, "en", glossary)
    assert "menstrual hygiene" in " ".join(needs) and "water supply systems" in needs


BACKGROUND = {
    "en": ("The district lies in the north of the country, where the rainy season runs from May "
           "to October and most households live from herding and small-scale farming. The "
           "county has three health centres and twelve primary schools, most of them reached by "
           "dirt roads that the rains close for weeks at a time. "),
    "fr": ("La commune compte environ quarante mille habitants répartis dans douze quartiers et "
           "huit villages, dont la plupart vivent de l'agriculture et du petit commerce. La "
           "mairie dispose d'un service technique de trois agents. "),
}


@pytest.mark.parametrize(("text", "language", "hazard"), [
    (BACKGROUND["en"] + "Repeated droughts have left many people in the county without safe water. "
     "The consultant will assess boreholes and rehabilitate hand pumps.", "en", "droughts"),
    (BACKGROUND["fr"] + "Le manque d'assainissement cause des décès par maladies diarrhéiques. "
     "Le consultant rédigera un manuel sur la vidange des fosses septiques.", "fr",
     "maladies diarrhéiques"),
])
def test_a_hazard_or_disease_named_once_in_the_background_is_not_a_need(
        glossary: Glossary, text: str, language: str, hazard: str) -> None:
    assert hazard not in needs_of(text, language, glossary)


def test_a_hazard_the_work_is_about_is_a_need(glossary: Glossary) -> None:
    """Named in the sentence about the consultant, a hazard is the brief's subject."""
    text = ("Contratación de consultores para aumentar la resiliencia frente a la sequía. El "
            "municipio cuenta con doce comunidades rurales dispersas en la cuenca alta, con "
            "caminos de tierra que se cortan en la temporada de lluvias, y una población que "
            "vive de la ganadería y de la agricultura familiar. La alcaldía dispone de una "
            "oficina técnica con tres personas y de un presupuesto anual limitado.")
    assert "sequía" in needs_of(text, "es", glossary)


@pytest.mark.parametrize(("text", "language", "name_part"), [
    (BACKGROUND["en"] + "The consultant shall work under the guidance of the Directorate of "
     "Environmental Health and Sanitation. The consultant will map boreholes and hand pumps.",
     "en", "environmental health"),
    (BACKGROUND["fr"] + "Le consultant travaillera avec la Direction de l'Assainissement Rural. "
     "Il cartographiera les forages et les pompes à motricité humaine.", "fr",
     "assainissement rural"),
])
def test_the_name_of_an_organisation_s_unit_is_not_a_need(
        glossary: Glossary, text: str, language: str, name_part: str) -> None:
    """A run of capitalised words headed by "Directorate", "Direction", "Ministerio" ... is a
    name: its glossary terms are not needs; the work's own terms still are."""
    needs = needs_of(text, language, glossary)
    assert not [n for n in needs if name_part in n], needs
    assert any("forages" in n or "borehole" in n for n in needs), needs


def test_a_word_broken_at_its_hyphen_is_one_word_and_a_compound_gives_no_half(
        glossary: Glossary) -> None:
    """A page wrapped at a hyphen ("Non- Revenue Water") reads as the word; the half after a
    hyphen is no term unless the half before is one ("high-risk hygiene" is not "risk
    hygiene"): bench/briefs/blind's Ghana and hygiene briefs gave "Revenue Water" and "risk
    hygiene"."""
    text = ("Terms of reference\nNon- Revenue Water programme: reduce Non- Revenue Water in "
            "the supply network.\nIdentify high-risk hygiene practices in the project area.")
    needs = derive_brief_needs(text, MAX_NEEDS, "en", glossary)
    got = [n.text.casefold() for n in needs]
    assert "non-revenue water" in got
    assert not any(n.startswith(("revenue", "risk")) for n in got), got
    assert all("- " not in n.source for n in needs)  # the source sentence reads as rejoined


def test_generic_words_within_a_fuller_need_are_that_need(glossary: Glossary) -> None:
    """A run of generic concepts only ("medición de agua": measurement, water) is one need with
    a candidate that holds all of them ("medición de agua en canales"), not a second need."""
    text = ("Servicio de consultoría para la medición de agua en canales de riego. "
            "El consultor diseñará estructuras para la medición de agua y capacitará a los "
            "usuarios del sistema de riego.")
    needs = needs_of(text, "es", glossary)
    assert sum(n.casefold().startswith("medición de agua") for n in needs) == 1, needs
