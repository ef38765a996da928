"""The domain glossary: non-English needs -> English terms (stemming, longest match, errors)."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest

from matcher.glossary import Glossary, GlossaryError, load_glossary, parse_glossary

CONCEPTS = [
    {"en": ["desalination"], "fr": ["dessalement"], "es": ["desalinización", "desalación"],
     "pt": ["dessalinização"], "ar": ["تحلية المياه", "تحلية"]},
    {"en": ["water scarcity"], "fr": ["pénurie d'eau"], "es": ["escasez de agua"],
     "pt": ["escassez de água"], "ar": ["ندرة المياه"]},
    {"en": ["leak"], "fr": ["fuite"], "es": ["fuga"], "pt": ["vazamento"], "ar": ["تسرب"]},
    {"en": ["leak detection"], "fr": ["détection des fuites"], "es": ["detección de fugas"],
     "pt": ["detecção de vazamentos"], "ar": ["كشف التسربات"]},
    {"en": ["pipes"], "fr": ["conduite", "canalisation"], "es": ["tubería"],
     "pt": ["tubulação"], "ar": ["أنابيب"]},
    {"en": ["water"], "fr": ["eau"], "es": ["agua"], "pt": ["água"], "ar": ["مياه", "ماء"]},
]


@pytest.fixture(scope="module")
def glossary() -> Glossary:
    return parse_glossary(json.dumps(c, ensure_ascii=False) for c in CONCEPTS)


@pytest.mark.parametrize(("language", "need", "english"), [
    # plural, accents and articles differ from the glossary's form
    ("fr", "Qui connaît la détection de fuites sur les canalisations ?",
     ["leak detection", "pipes"]),
    ("es", "Fugas en las tuberías de la red", ["leak", "pipes"]),
    ("pt", "Detecção de vazamentos em tubulações", ["leak detection", "pipes"]),
    # Arabic: article, conjunction and plural suffixes are stripped (Light10)
    ("ar", "كشف التسربات في الأنابيب", ["leak detection", "pipes"]),
    ("ar", "خبير في تحلية المياه وندرة المياه", ["desalination", "water scarcity"]),
])
def test_a_need_is_read_as_its_english_terms(glossary: Glossary, language: str, need: str,
                                             english: list[str]) -> None:
    gloss = glossary.gloss(need, language)
    assert gloss is not None
    assert [t.english for t in gloss.terms] == english
    assert gloss.text == " ".join(english)
    assert 0 < gloss.coverage <= 1


def test_the_longest_term_wins_and_repeats_are_read_once(glossary: Glossary) -> None:
    gloss = glossary.gloss("pénurie d'eau et eau : dessalement, dessalement", "fr")
    assert gloss is not None
    assert [t.english for t in gloss.terms] == [
        "water scarcity", "water", "desalination", "desalination"]
    assert gloss.text == "water scarcity water desalination"  # each English term once
    assert gloss.terms[0].source == "pénurie d'eau"  # as written in the need


def test_codes_pass_through_but_never_alone(glossary: Glossary) -> None:
    gloss = glossary.gloss("modèle HEC-RAS 2D des fuites", "fr")
    assert gloss is not None and gloss.text == "HEC-RAS 2D leak"
    assert gloss.coverage == pytest.approx(1 / 4)  # four content words, one glossary term
    assert glossary.gloss("modèle HEC-RAS 2D", "fr") is None


def test_unknown_language_or_no_term_gives_none(glossary: Glossary) -> None:
    assert glossary.gloss("Wasserverluste", "de") is None
    assert glossary.gloss("leak detection", "en") is None
    assert glossary.gloss("rien à voir", "fr") is None
    assert glossary.gloss("fuite", None) is None
    assert glossary.languages == ["ar", "es", "fr", "pt"]
    assert glossary.size == len(CONCEPTS)


@pytest.mark.parametrize(("line", "message"), [
    ("{not json", "line 2: not valid JSON"),
    ('["fuite"]', "line 2: expected an object"),
    ('{"fr": ["fuite"]}', "line 2: field 'en' (the English term) is missing"),
    ('{"en": ["leak"], "fr": []}', "line 2: field 'fr' must be a non-empty list"),
    ('{"en": ["leak"], "fr": "fuite"}', "line 2: field 'fr' must be a non-empty list"),
    ('{"en": ["leak"], "fr": [" "]}', "line 2: field 'fr' must be a non-empty list"),
])
def test_a_bad_line_is_named(line: str, message: str) -> None:
    good = json.dumps(CONCEPTS[0])
    with pytest.raises(GlossaryError, match=re.escape(message)):
        parse_glossary([good, line], "g.jsonl")


def test_the_file_is_reread_when_it_changes(tmp_path: Path) -> None:
    path = tmp_path / "glossary.jsonl"
    path.write_text(json.dumps(CONCEPTS[2]) + "\n", encoding="utf-8")
    first = load_glossary(path)
    assert load_glossary(path) is first  # cached while unchanged
    path.write_text("\n".join(json.dumps(c) for c in CONCEPTS[:3]), encoding="utf-8")
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
    second = load_glossary(path)
    assert second.size == 3 and second.gloss("dessalement", "fr") is not None


def test_the_shipped_water_glossary_parses_and_covers_the_four_languages() -> None:
    path = Path(__file__).resolve().parents[2] / "matcher" / "data" / "glossary.jsonl"
    glossary = load_glossary(path)
    assert glossary.size >= 300
    assert glossary.languages == ["ar", "es", "fr", "pt"]
    gloss = glossary.gloss("Qui peut aider sur les pertes d'eau et la détection des fuites ?",
                           "fr")
    assert gloss is not None and "leak detection" in gloss.text


def test_a_word_two_concepts_share_the_stems_of_is_the_one_written() -> None:
    """Issue #36: "costing" and "cost" have one stem; the text's word decides which concept it
    names, and the concept's first term stays its first (a variant written is the concept)."""
    glossary = parse_glossary([
        json.dumps({"en": ["cost"], "fr": ["coût"]}),
        json.dumps({"en": ["costing", "cost estimation"], "fr": ["chiffrage"]}),
        json.dumps({"en": ["flood", "floods"], "es": ["inundación", "inundaciones"]}),
    ])
    found = glossary.find_terms("Costing of plans; the cost of works", "en")
    assert [(f.english, f.term, f.primary) for f in found] == [
        ("costing", "costing", True), ("cost", "cost", True)]
    assert [(f.english, f.primary) for f in glossary.find_terms("inundaciones", "es")] == [
        ("flood", True)]


def test_a_term_word_written_as_two_words_is_read_as_one() -> None:
    """Issue #36: "Ground Water Recharge" (a Nepali call's title) is groundwater recharge and
    "Pre inversión" a pre-investment study; two short or unrelated words stay two ("se ve" is
    not SEV, the vertical electrical sounding; "the ground is wet, water" joins nothing)."""
    glossary = parse_glossary([
        json.dumps({"en": ["groundwater recharge"], "es": ["recarga de acuíferos"]}),
        json.dumps({"en": ["groundwater"], "es": ["agua subterránea"]}),
        json.dumps({"en": ["pre-investment study"], "es": ["estudio de preinversión"]}),
        json.dumps({"en": ["vertical electrical sounding", "VES"], "es": ["SEV"]}),
    ])
    found = glossary.find_terms("Consultancy - Ground Water Recharge", "en")
    assert [(f.english, f.start, f.end) for f in found] == [("groundwater recharge", 14, 35)]
    assert [f.english for f in glossary.find_terms("Estudio de Pre inversión", "es")] == [
        "pre-investment study"]
    assert glossary.find_terms("por el cual se ve necesario", "es") == []
    assert glossary.find_terms("the ground is wet, water everywhere", "en") == []


@pytest.mark.parametrize(("language", "need", "english"), [
    ("es", "medición de niveles de aguas", "measurement water level"),
    ("es", "revestimiento de canales, compuertas automatizadas y medición", None),
    ("pt", "micromedição e faturamento", "metering billing"),
    ("ar", "محطات قياس منسوب الأنهار", None),
])
def test_measuring_is_not_metering(language: str, need: str, english: str | None) -> None:
    """A bare "medición" (measuring a level, a flow, an impact) read as customer metering sent
    needs about water levels to meter bench tests; metering is its own words (micromedición)."""
    path = Path(__file__).resolve().parents[2] / "matcher" / "data" / "glossary.jsonl"
    gloss = load_glossary(path).gloss(need, language)
    assert gloss is not None
    assert "metering" not in gloss.english_terms or "micro" in need
    if english is not None:
        assert gloss.text == english
    else:
        assert "measurement" in gloss.english_terms
