"""matcher.lemmas: dictionary lemmas that tell a form of a term from a word sharing its stem."""

from __future__ import annotations

import pytest

from matcher.lemmas import known, lemma, verb_form


@pytest.mark.parametrize(("word", "language", "expected"), [
    ("latrines", "fr", "latrine"), ("inundaciones", "es", "inundacion"),
    ("mananciais", "pt", "manancial"), ("boreholes", "en", "borehole"),
    ("Ações", "pt", "acao"), ("pompées", "fr", "pomper"),
])
def test_a_word_reads_as_its_dictionary_lemma_folded(word: str, language: str,
                                                     expected: str) -> None:
    assert lemma(word, language) == expected


@pytest.mark.parametrize(("word", "language"), [
    ("pompées", "fr"), ("traitées", "fr"), ("abastece", "es"), ("elaborou", "pt"),
])
def test_conjugated_forms_and_participles_are_verb_forms(word: str, language: str) -> None:
    assert verb_form(word, language)


@pytest.mark.parametrize(("word", "language"), [
    ("pompe", "fr"), ("latrines", "fr"), ("abastecimiento", "es"), ("ação", "pt"),
    ("sanitation", "en"), ("droughts", "en"),
])
def test_nouns_are_not_verb_forms(word: str, language: str) -> None:
    assert not verb_form(word, language)


def test_a_language_without_a_dictionary_keeps_the_folded_word() -> None:
    assert lemma("الجفاف", "ar") == "الجفاف"
    assert not known("الجفاف", "ar") and not verb_form("الجفاف", "ar")
