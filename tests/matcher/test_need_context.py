"""Needs from terms of reference (issue #36): what is context, a place or an institution, and
which word is the term, read through the shipped glossary (the fourth round's rules)."""

from __future__ import annotations

import json

import pytest

from matcher.glossary import Glossary, parse_glossary
from matcher.need_expertise import derive_brief_needs
from tests.matcher.need_support import MAX_NEEDS, needs_of, shipped_glossary


@pytest.fixture(scope="module")
def glossary() -> Glossary:
    return shipped_glossary()


def test_an_infinitive_is_never_a_term_s_noun() -> None:
    """Issue #36: simplemma gives "garantia" the lemma "garantir", so the lemma alone would
    read "garantir qualidade" as the term "garantia da qualidade"; the infinitive is a verb."""
    tiny = parse_glossary([
        json.dumps({"en": ["quality assurance"], "pt": ["garantia da qualidade"]}),
        json.dumps({"en": ["water quality"], "pt": ["qualidade da água"]}),
    ])
    text = ("O principal objetivo é garantir qualidade no abastecimento. A qualidade da água "
            "dos poços será medida.")
    assert [n.text for n in derive_brief_needs(text, MAX_NEEDS, "pt", tiny)] == [
        "qualidade da água"]


@pytest.mark.parametrize(("text", "language", "alone", "within"), [
    ("Gestión de lodos fecales. El proyecto permitirá facilitar la documentación.", "es",
     "facilitar", None),
    ("Hygiene promotion in schools. Local conditions facilitate the spread of disease.", "en",
     "facilitate", None),
    ("MEDICIÓN DE AGUA EN TREINTA (30) SECTORES HIDRÁULICOS. Rehabilitación de bocatomas.", "es",
     "hidráulicos", None),
    ("The programme promotes sustainable WASH in rural districts. Latrine construction.", "en",
     "sustainable", "sustainable wash"),
])
def test_an_adjective_or_verb_of_a_term_s_family_only_qualifies_a_need(
        glossary: Glossary, text: str, language: str, alone: str, within: str | None) -> None:
    """Issue #36: a word sharing a term's stem that the dictionary reads as another word (an
    adjective, a verb) is no need by itself, and still qualifies the term next to it."""
    needs = needs_of(text, language, glossary)
    assert alone not in needs
    if within is not None:
        assert within in needs


@pytest.mark.parametrize(("text", "language", "context", "need"), [
    ("Le taux d’accès à l’assainissement amélioré reste faible. Le consultant étudiera le "
     "marketing de l’assainissement.", "fr", "taux d’accès", "marketing de l’assainissement"),
    ("As comunidades ficam na bacia hidrográfica do rio Paraguaçu. Construção de banheiros "
     "secos.", "pt", "bacia hidrográfica do rio", "construção de banheiros secos"),
])
def test_a_statistic_or_the_basin_where_the_work_is_is_context(
        glossary: Glossary, text: str, language: str, context: str, need: str) -> None:
    """Issue #36: an access rate is the background's figure and a basin is where the work is;
    neither is expertise, and the expertise beside them still comes out."""
    needs = needs_of(text, language, glossary)
    assert context not in needs and "bacia hidrográfica" not in needs
    assert need in needs


def test_a_verb_the_term_s_letters_spell_is_not_the_term() -> None:
    """Issue #36 (blind7): "generó" folds to the letters of "género" (gender); its accent
    makes it a verb, never the term; "género" written is."""
    tiny = parse_glossary([json.dumps({"en": ["gender"], "es": ["género"]}),
                           json.dumps({"en": ["irrigation"], "es": ["riego"]})])
    text = "La sequía de 2014 generó pérdidas. Se requiere experiencia en riego."
    assert [n.text for n in derive_brief_needs(text, MAX_NEEDS, "es", tiny)] == ["riego"]
    text = "La sequía de 2014 generó pérdidas. Se requiere un enfoque de género."
    assert [n.text for n in derive_brief_needs(text, MAX_NEEDS, "es", tiny)] == [
        "enfoque de género"]


def test_a_feature_with_a_proper_name_is_a_place(glossary: Glossary) -> None:
    """Issue #36: a reservoir, a dam or a sub-basin followed by its name is where the samples
    are taken, not expertise; the same features unnamed, and the work, still are needs."""
    text = ("A rede de amostragem de qualidade da água inclui um ponto na saída do Reservatório "
            "de Funil e outro na Barragem de Santa Cecília, na sub-bacia do Rio Piraí. "
            "Projeto de barragem e reservatório para irrigação.")
    derived = derive_brief_needs(text, MAX_NEEDS, "pt", glossary)
    first = [n.text for n in derived if n.source.startswith("A rede")]
    assert first == ["rede de amostragem de qualidade da água"]
    assert {"barragem", "reservatório"} <= {n.text for n in derived if n.source.startswith("Proj")}


def test_a_sub_basin_is_where_the_work_is_like_a_basin(glossary: Glossary) -> None:
    """Issue #36: "sub-cuenca" (read as one word since two-word compounds are joined) is the
    setting of the objective, as a basin or a catchment is; its management is a need."""
    text = ("El Convenio tiene como objetivo mejorar la calidad de vida de los habitantes de la "
            "sub-cuenca del río. Se requiere experiencia en manejo de cuencas.")
    needs = needs_of(text, "es", glossary)
    assert not any("cuenca" in n.lower() and "manejo" not in n.lower() for n in needs), needs
    assert any("manejo de cuencas" in n.lower() for n in needs), needs


def test_climate_change_and_public_health_are_the_backdrop(glossary: Glossary) -> None:
    """Issue #36: named once, climate change and public health are why the work is done (as a
    drought or a disease is); their adaptation or engineering is the need."""
    text = ("Climate change threatens the public health of the island's communities. The "
            "consultant will assess climate change adaptation options for rural water supply.")
    needs = [n.lower() for n in needs_of(text, "en", glossary)]
    assert "climate change" not in needs and "public health" not in needs, needs
    assert "climate change adaptation" in needs, needs


def test_a_line_a_page_wrapped_mid_sentence_is_read_whole(glossary: Glossary) -> None:
    """Issue #36: text pasted from a PDF breaks sentences at the page's line ends; a line that
    goes on in lower case is the same sentence ("pronóstico de\ncrecidas")."""
    text = ("Objetivos\nGenerar modelos retroactivos de sucesos antiguos y modelo de pronóstico de"
            "\ncrecidas.\nDeterminar la disponibilidad hídrica de las quebradas.")
    needs = needs_of(text, "es", glossary)
    assert any("pronóstico de crecidas" in n for n in needs)


def test_a_climate_zone_is_where_the_work_is(glossary: Glossary) -> None:
    needs = needs_of("Execução de projetos no semiárido: construção de cisternas de placas.",
                   "pt", glossary)
    assert "semiárido" not in needs and "construção de cisternas de placas" in needs


def test_a_named_committee_or_convention_is_an_institution(glossary: Glossary) -> None:
    """Issue #36: "Comitê da Bacia", "Convenção ... sobre Mudanças Climáticas" name
    institutions; their glossary terms are not the work's needs."""
    text = ("O estudo atende a uma solicitação do Comitê da Bacia, desde 2007. Alinhado à "
            "Convenção das Nações Unidas sobre Mudanças Climáticas. Construção de cisternas.")
    needs = needs_of(text, "pt", glossary)
    assert needs == ["construção de cisternas"], needs


@pytest.mark.parametrize(("text", "language", "not_a_need"), [
    ("L'objectif du projet est de renforcer les capacités de préparation des institutions. "
     "Étude et modélisation hydrologique du bassin versant.", "fr", "renforcer les capacités"),
    ("La consultoría es para la Comisión Binacional, que se reunió en 2019 y en 2021 en dos "
     "ciudades, con delegaciones de ambos países, varias veces al año y con muchos invitados "
     "de otras instituciones, en reuniones largas y abiertas al público de la región; sus "
     "actas se publican en la página de la cancillería de cada país y en la prensa local, "
     "con fotografías y listas de asistentes de cada sesión desde el primer encuentro. "
     "Se busca apoyo en gobernanza del agua en cuencas transfronterizas.", "es",
     "comisión binacional"),
    ("PLANOS DE SEGURANÇA DAS BARRAGENS ARMANDO RIBEIRO E POÇO DA CRUZ. Elaboração do plano "
     "de segurança de barragens.", "pt", "poço"),
    ("Evaluation of solar schemes in refugee camps and host communities. Solar pumping.",
     "en", "refugee camps"),
])
def test_a_verb_an_institution_a_named_well_or_a_setting_is_no_need(
        glossary: Glossary, text: str, language: str, not_a_need: str) -> None:
    """Issue #36 (blind set 5): an infinitive standing for the term's noun, a commission's
    name, a well named as a dam's place, a refugee camp as the setting; the work still is."""
    needs = needs_of(text, language, glossary)
    assert not_a_need not in needs
    assert needs, text


def test_an_organisation_s_mission_and_its_units_are_not_the_work(glossary: Glossary) -> None:
    """Issue #36 (blind set 6): "Our vision is ... improved sanitation" is the organisation's
    mission, and "UNITÉ DE GESTION DU PROJET" a unit's name; the work's own needs remain."""
    text = ("Our vision is of a world where everyone has access to improved sanitation and "
            "climate-resilient services. The consultant will design rooftop rainwater "
            "harvesting and groundwater recharge.")
    needs = needs_of(text, "en", glossary)
    assert "improved sanitation" not in needs
    assert {"rainwater harvesting", "groundwater recharge"} <= set(needs), needs
    # a field the whole brief names is, in the organisation's mission, the organisation's
    text = ("We support local authorities to design sustainable WASH programmes. The WASH "
            "consultant will design rooftop rainwater harvesting for WASH in schools.")
    assert not [n for n in needs_of(text, "en", glossary) if "sustainable" in n]
    needs = needs_of("CABINET DU PREMIER MINISTRE\nUNITÉ DE GESTION DU PROJET\nÉtudes "
                   "d'impact environnemental et social des travaux.", "fr", glossary)
    assert not [n for n in needs if "gestion" in n or n == "cabinet"], needs


def test_an_arabic_need_is_written_without_the_conjunction_joined_to_it() -> None:
    """Arabic joins "and", "so", "with" and "like" to the word ("والمختبر", and the
    laboratory): the need is the word with its article, "المختبر"."""
    glossary = shipped_glossary()
    text = ("تدريب العاملين في المحطة والمختبر على إدارة المخاطر. "
            + "يهدف المشروع إلى تحسين جودة المياه في شبكة التوزيع بالمدينة. " * 4)
    needs = [n.text for n in derive_brief_needs(text, MAX_NEEDS, "ar", glossary)]
    assert "المختبر" in needs
    assert not [n for n in needs if n.startswith(("وال", "بال", "فال", "كال"))], needs
