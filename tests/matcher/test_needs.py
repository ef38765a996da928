"""Needs of a project: explicit lists, derivation from a description, request validation."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from indexing.schema import Organisation, OrganisationKind
from indexing.settings import TeamSettings
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
        request_.validated(TeamSettings(), _catalog())
    assert err.value.field == field


def test_request_defaults_come_from_settings() -> None:
    s = TeamSettings(team_size=4, team_max_per_organisation=3)
    r = ProjectRequest(title=" t ", exclude_members=frozenset({"m-1"}),
                       exclude_countries=frozenset({"ke"})).validated(s, _catalog())
    assert (r.title, r.size, r.max_per_organisation, r.max_per_country) == ("t", 4, 3, 2)
    assert r.exclude_countries == frozenset({"KE"})


# --- derivation in five languages -------------------------------------------------------------

@pytest.mark.parametrize(("language", "description", "expected"), [
    ("en", "We are looking for experts in groundwater modelling.", ["groundwater modelling"]),
    ("en", "Someone who knows water treaties.", ["water treaties"]),
    ("en", "We also need someone with experience in leak detection.", ["leak detection"]),
    ("fr", "Nous cherchons des experts en hydrogéologie côtière.", ["hydrogéologie côtière"]),
    ("fr", "Nous avons besoin de la modélisation hydraulique.", ["modélisation hydraulique"]),
    ("fr", "Nous avons besoin d'une expertise en détection des fuites.",
     ["détection des fuites"]),
    ("fr", "Nous recherchons quelqu'un qui connaît le droit de l'eau.", ["droit de l'eau"]),
    ("es", "Buscamos expertos en recarga gestionada de acuíferos.",
     ["recarga gestionada de acuíferos"]),
    ("es", "Necesitamos expertos en el diseño de tarifas.", ["diseño de tarifas"]),
    ("es", "Necesitamos alguien que conozca la telemetría SCADA.", ["telemetría SCADA"]),
    ("pt", "Precisamos de especialistas em dessalinização por osmose inversa.",
     ["dessalinização por osmose inversa"]),
    ("pt", "Procuramos especialistas em gestão de lamas fecais.", ["gestão de lamas fecais"]),
    ("pt", "Precisamos de apoio na irrigação gota a gota.", ["irrigação gota a gota"]),
    ("pt", "O projeto busca consultores com experiência em reúso de águas residuais.",
     ["reúso de águas residuais"]),
    ("ar", "ومن يعرف إدارة المياه الجوفية؟", ["إدارة المياه الجوفية"]),
    ("ar", "نحتاج إلى إدارة مياه الأمطار.", ["إدارة مياه الأمطار"]),
    ("ar", "نبحث عن خبراء في تحلية مياه البحر.", ["تحلية مياه البحر"]),
    ("ar", "ونحتاج أيضا إلى خبرة في كشف التسربات.", ["كشف التسربات"]),
])
def test_lead_ins_are_dropped_in_each_language(language: str, description: str,
                                               expected: list[str]) -> None:
    assert derive_needs(description, 10, language) == expected
    assert derive_needs(description, 10) == expected  # no language: every rule set


@pytest.mark.parametrize(("language", "description", "expected"), [
    ("en", "We need leak detection, pressure management and customer metering.",
     ["leak detection", "pressure management", "customer metering"]),
    ("fr", "Nous cherchons des experts en hydrogéologie, en télédétection et en droit de l'eau.",
     ["hydrogéologie", "télédétection", "droit de l'eau"]),
    ("es", "Buscamos riego por goteo, sensores de humedad y bombeo solar.",
     ["riego por goteo", "sensores de humedad", "bombeo solar"]),
    ("pt", "Precisamos de drenagem urbana, mapeamento de cheias e alerta precoce.",
     ["drenagem urbana", "mapeamento de cheias", "alerta precoce"]),
    ("ar", "نحتاج إلى إدارة مياه الأمطار، الإنذار المبكر بالفيضانات وكشف التسربات.",
     ["إدارة مياه الأمطار", "الإنذار المبكر بالفيضانات", "كشف التسربات"]),
    ("ar", "نحتاج إلى إدارة مياه الأمطار، الإنذار المبكر بالفيضانات و كشف التسربات.",
     ["إدارة مياه الأمطار", "الإنذار المبكر بالفيضانات", "كشف التسربات"]),
])
def test_lists_are_split_in_each_language(language: str, description: str,
                                          expected: list[str]) -> None:
    assert derive_needs(description, 10, language) == expected


@pytest.mark.parametrize(("language", "description", "expected"), [
    ("en", "We need faecal sludge management and on-site sanitation.",
     ["faecal sludge management", "on-site sanitation"]),
    ("fr", "Nous cherchons des experts en gestion des boues de vidange et en assainissement "
     "autonome pour Dakar.",
     ["gestion des boues de vidange", "assainissement autonome pour Dakar"]),
    ("es", "Buscamos expertos en gestión de lodos fecales y saneamiento in situ.",
     ["gestión de lodos fecales", "saneamiento in situ"]),
    ("es", "Necesitamos modelación hidráulica de redes e instrumentación de telemetría.",
     ["modelación hidráulica de redes", "instrumentación de telemetría"]),
    ("pt", "Precisamos de especialistas em gestão de lamas fecais e saneamento no local.",
     ["gestão de lamas fecais", "saneamento no local"]),
    ("ar", "نحتاج إلى خبراء في إدارة الحمأة البرازية وإدارة مياه الأمطار.",
     ["إدارة الحمأة البرازية", "إدارة مياه الأمطار"]),
])
def test_coordinated_needs_are_split_in_each_language(language: str, description: str,
                                                      expected: list[str]) -> None:
    assert derive_needs(description, 10, language) == expected


@pytest.mark.parametrize(("language", "description"), [
    ("en", "Design and construction of treatment plants"),
    ("en", "Arsenic and fluoride testing in rural wells"),
    ("fr", "Conception et construction de stations d'épuration"),
    ("es", "Diseño y construcción de plantas de tratamiento"),
    ("pt", "Projeto e construção de estações de tratamento"),
    ("ar", "تصميم وإنشاء محطات المعالجة"),
])
def test_a_bare_first_half_keeps_the_need_whole(language: str, description: str) -> None:
    assert derive_needs(description, 10, language) == [description]


@pytest.mark.parametrize(("language", "phrase"), [
    ("en", "water and sanitation"), ("en", "operation and maintenance"),
    ("en", "monitoring and evaluation"), ("en", "water, sanitation and hygiene"),
    ("en", "research and development"),
    ("fr", "eau et assainissement"), ("fr", "exploitation et maintenance"),
    ("fr", "suivi et évaluation"), ("fr", "eau, assainissement et hygiène"),
    ("es", "agua y saneamiento"), ("es", "operación y mantenimiento"),
    ("es", "monitoreo y evaluación"), ("es", "agua, saneamiento e higiene"),
    ("pt", "água e saneamento"), ("pt", "operação e manutenção"),
    ("pt", "monitoramento e avaliação"), ("pt", "água, saneamento e higiene"),
    ("ar", "المياه والصرف الصحي"), ("ar", "التشغيل والصيانة"), ("ar", "الرصد والتقييم"),
    ("ar", "المياه و الصرف الصحي"),
])
def test_fixed_phrases_are_never_cut(language: str, phrase: str) -> None:
    other = {"en": "leak detection", "fr": "détection des fuites", "es": "detección de fugas",
             "pt": "deteção de fugas", "ar": "كشف التسربات"}[language]
    comma = "، " if language == "ar" else ", "
    assert derive_needs(phrase, 10, language) == [phrase]
    assert derive_needs(f"{other}{comma}{phrase}", 10, language) == [other, phrase]
    assert derive_needs(f"{phrase}{comma}{other}", 10) == [phrase, other]


def test_fixed_phrases_inside_a_longer_need() -> None:
    assert derive_needs("Nous avons besoin de l'exploitation et maintenance des STEP, du suivi "
                        "et évaluation et de l'eau et assainissement.", 10, "fr") == [
        "exploitation et maintenance des STEP", "suivi et évaluation", "eau et assainissement"]
    assert derive_needs("نبحث عن خبراء في التشغيل والصيانة، الرصد والتقييم والمياه والصرف الصحي.",
                        10, "ar") == ["التشغيل والصيانة", "الرصد والتقييم", "المياه والصرف الصحي"]


def test_arabic_words_that_begin_with_waw_are_not_and() -> None:
    assert derive_needs("نحتاج إلى دعم وزارة المياه في إدارة الطلب على المياه وإدارة الموارد "
                        "الجوفية.", 10, "ar") == [
        "دعم وزارة المياه في إدارة الطلب على المياه", "إدارة الموارد الجوفية"]
    assert derive_needs("وزارة المياه والري", 10, "ar") == ["وزارة المياه والري"]


def test_arabic_and_written_onto_a_small_word_opens_no_need() -> None:
    """"وفي" is "and in", "ومن يعرف" "and who knows": the need is what follows."""
    assert derive_needs("نبحث عن خبراء في إدارة الحمأة البرازية ومعالجة مياه الصرف الصحي في "
                        "المناطق الريفية، وفي الكشف عن التسربات في شبكات توزيع المياه.",
                        10, "ar") == ["إدارة الحمأة البرازية",
                                      "معالجة مياه الصرف الصحي في المناطق الريفية",
                                      "الكشف عن التسربات في شبكات توزيع المياه"]
    assert derive_needs("نحتاج إلى خبرة في تحلية المياه، ومن يعرف إدارة المياه الجوفية",
                        10, "ar") == ["تحلية المياه", "إدارة المياه الجوفية"]


def test_language_restricts_the_rule_set() -> None:
    # "y" joins two needs in Spanish only; the English rules leave it alone
    text = "modelación hidráulica de redes y telemetría de caudales"
    assert derive_needs(text, 10, "es") == ["modelación hidráulica de redes",
                                            "telemetría de caudales"]
    assert derive_needs(text, 10, "en") == [text]


def test_unknown_language_falls_back_to_every_rule_set() -> None:
    text = "Buscamos expertos en gestión de lodos fecales y saneamiento in situ."
    assert derive_needs(text, 10, "nl") == derive_needs(text, 10)


def test_project_needs_passes_the_language() -> None:
    needs = project_needs("Buscamos riego por goteo y bombeo solar fotovoltaico.", None, 10, 100,
                          "es")
    assert [(n.text, n.derived) for n in needs] == [("riego por goteo", True),
                                                    ("bombeo solar fotovoltaico", True)]


_POOL = {
    "en": ["leak detection", "pressure management", "faecal sludge management",
           "flood hazard mapping", "managed aquifer recharge"],
    "fr": ["détection des fuites", "gestion des boues de vidange", "recharge artificielle des "
           "nappes", "cartographie des zones inondables", "modélisation hydraulique"],
    "es": ["detección de fugas", "gestión de lodos fecales", "recarga gestionada de acuíferos",
           "riego por goteo", "modelación hidráulica"],
    "pt": ["deteção de fugas", "gestão de lamas fecais", "recarga gerida de aquíferos",
           "drenagem urbana", "modelação hidráulica"],
    "ar": ["كشف التسربات", "إدارة الحمأة البرازية", "تحلية مياه البحر", "الري بالتنقيط",
           "الإنذار المبكر بالفيضانات"],
}
_LEADS = {
    "en": ["We need ", "We are looking for experts in ", "Someone who knows ", ""],
    "fr": ["Nous cherchons des experts en ", "Nous avons besoin de ", ""],
    "es": ["Buscamos ", "Necesitamos expertos en ", ""],
    "pt": ["Precisamos de ", "Procuramos especialistas em ", ""],
    "ar": ["نحتاج إلى ", "نبحث عن خبراء في ", ""],
}
_AND = {"en": " and ", "fr": " et ", "es": " y ", "pt": " e ", "ar": " و"}


@st.composite
def _brief(draw: st.DrawFn) -> tuple[str, str, list[str]]:
    language = draw(st.sampled_from(sorted(_POOL)))
    needs = draw(st.lists(st.sampled_from(_POOL[language]), min_size=1, max_size=4,
                          unique=True))
    comma = "، " if language == "ar" else ", "
    body = needs[0] if len(needs) == 1 else comma.join(needs[:-1]) + _AND[language] + needs[-1]
    return language, draw(st.sampled_from(_LEADS[language])) + body + ".", needs


@settings(max_examples=200, deadline=None)
@given(_brief())
def test_a_composed_brief_gives_back_its_needs(brief: tuple[str, str, list[str]]) -> None:
    language, text, needs = brief
    assert derive_needs(text, 10, language) == needs
    for need in needs:  # idempotent: a derived need derives to itself
        assert derive_needs(need, 10, language) == [need]


_WORDS = ["water", "and", "et", "y", "e", "و", "وإدارة", "de la", "we need", "nous cherchons",
          "buscamos", "precisamos de", "نحتاج إلى", "sanitation", "gestion", "lodos", "،", ",",
          ".", ";", "\n- ", "operation and maintenance", "suivi et évaluation", "  ", "x"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_WORDS), max_size=30).map(" ".join),
       st.sampled_from([None, "en", "fr", "es", "pt", "ar"]), st.integers(1, 6))
def test_derived_needs_are_nonempty_pieces_within_the_cap(text: str, language: str | None,
                                                          max_needs: int) -> None:
    if not text.strip():
        return
    needs = derive_needs(text, max_needs, language)
    flat = " ".join(text.split())
    assert 1 <= len(needs) <= max_needs
    assert len({n.casefold() for n in needs}) == len(needs)
    for need in needs:
        assert need and need == " ".join(need.split())
        assert need in flat


@pytest.mark.parametrize(("language", "description", "expected"), [
    ("en", "Our municipality is looking for a specialist in stormwater management and green "
     "infrastructure.", ["stormwater management", "green infrastructure"]),
    ("en", "Looking for people who have worked on transboundary river treaties or basin "
     "commissions.", ["transboundary river treaties", "basin commissions"]),
    ("en", "We'd like help with tariff reform and a willingness-to-pay survey.",
     ["tariff reform", "willingness-to-pay survey"]),
    ("en", "Experts in desalination, brine disposal, and marine outfall design are needed.",
     ["desalination", "brine disposal", "marine outfall design"]),
    ("fr", "Des spécialistes en irrigation goutte à goutte seraient bienvenus.",
     ["irrigation goutte à goutte"]),
    ("es", "Especialistas en riego por goteo son bienvenidos.", ["riego por goteo"]),
    ("pt", "Especialistas em drenagem urbana são necessários.", ["drenagem urbana"]),
])
def test_request_openers_and_endings(language: str, description: str,
                                     expected: list[str]) -> None:
    assert derive_needs(description, 10, language) == expected


@pytest.mark.parametrize(("language", "description", "expected"), [
    ("en", "We are looking for experts in hydrogeology and in remote sensing.",
     ["hydrogeology", "remote sensing"]),
    ("fr", "Le projet a besoin d'experts en hydrogéologie et en cartographie des nappes.",
     ["hydrogéologie", "cartographie des nappes"]),
    ("es", "Buscamos expertos en hidrogeología y en teledetección.",
     ["hidrogeología", "teledetección"]),
    ("pt", "Procuramos especialistas em hidrogeologia e em deteção remota.",
     ["hidrogeologia", "deteção remota"]),
])
def test_a_repeated_preposition_marks_two_needs(language: str, description: str,
                                                expected: list[str]) -> None:
    assert derive_needs(description, 10, language) == expected
    # without the repetition a bare first half stays attached
    joined = description.replace(" and in ", " and ").replace(" et en ", " et ")
    joined = joined.replace(" y en ", " y ").replace(" e em ", " e ")
    assert len(derive_needs(joined, 10, language)) == 1


@pytest.mark.parametrize("description", [
    "We need WASH in schools and health centres.",
    "Nous avons besoin de WASH dans les écoles et les centres de santé.",
    "Necesitamos WASH en escuelas y centros de salud.",
    "Precisamos de WASH nas escolas e unidades sanitárias.",
    "نحتاج إلى المياه والصرف الصحي في المدارس والمرافق الصحية.",
])
def test_a_second_short_object_keeps_the_need_whole(description: str) -> None:
    assert len(derive_needs(description, 10)) == 1


def test_without_a_language_a_request_chooses_the_rules_of_its_sentence() -> None:
    # "a" is a preposition in French, Spanish and Portuguese (a short object keeps a need
    # whole); after an English request it is only the English article
    text = "development of a master plan and tariff study"
    assert derive_needs(f"We need {text}.", 10) == ["development of a master plan",
                                                    "tariff study"]
    assert derive_needs(f"We need {text}.", 10) == derive_needs(f"We need {text}.", 10, "en")
    assert derive_needs(text, 10) == [text]  # no request: every rule set at once


@pytest.mark.parametrize(("language", "description"), [
    ("fr", "Nous cherchons des experts pour la conception et la construction de stations "
     "d'épuration."),
    ("es", "Buscamos a alguien que conozca la integridad y la lucha contra la corrupción."),
])
def test_a_repeated_article_does_not_split(language: str, description: str) -> None:
    assert len(derive_needs(description, 10, language)) == 1
