"""Lemmas of words in en, fr, es and pt, from simplemma's dictionaries (offline, no model).

Need derivation (matcher.need_expertise) reads a one-word glossary match as the term only when
the word is a form of it: the glossary matches on stems, and a stem is shared by words that are
not the term ("pompées", a verb, and "pompe"; "ações", actions, and "aço", steel). A dictionary
lemma tells them apart, and names the verb forms of the Romance languages, whose lemma is an
infinitive ("abastece" → abastecer, "pompées" → pomper). Arabic is left to the glossary's light
stems.
"""

from __future__ import annotations

from functools import lru_cache

import simplemma

from matcher.need_derivation import fold

LEMMA_LANGUAGES: frozenset[str] = frozenset({"en", "fr", "es", "pt"})
_INFINITIVE: dict[str, tuple[str, ...]] = {
    "fr": ("er", "ir", "re"), "es": ("ar", "er", "ir"), "pt": ("ar", "er", "ir"),
}


@lru_cache(maxsize=65536)
def lemma(word: str, language: str) -> str:
    """The word's dictionary lemma, folded (lower case, no accents); the folded word itself in
    a language without a dictionary or for a word the dictionary does not know."""
    low = word.lower()
    if language not in LEMMA_LANGUAGES:
        return fold(low)
    return fold(simplemma.lemmatize(low, lang=language))


@lru_cache(maxsize=65536)
def known(word: str, language: str) -> bool:
    """Whether the language's dictionary knows the word (so its lemma can be trusted)."""
    return language in LEMMA_LANGUAGES and simplemma.is_known(word.lower(), lang=language)


def verb_form(word: str, language: str) -> bool:
    """A conjugated form or participle of a verb in fr, es or pt: the word is known, is not
    its own lemma, and its lemma is an infinitive ("pompées" → pomper, "abastece" → abastecer).
    A noun whose lemma ends like an infinitive ("réservoirs" → réservoir) counts too, so a
    caller asks this only of a word that differs from the term it matched."""
    found = _verb_lemma(word, language)
    return found is not None and found[1] != found[0]


def infinitive(word: str, language: str) -> bool:
    """An infinitive in fr, es or pt: a known word that is its own lemma and ends like one
    ("renforcer", "fortalecer"). A noun ending so ("réservoir") counts too: ask it only of a
    word that differs from the term's."""
    found = _verb_lemma(word, language)
    return found is not None and found[1] == found[0]


def _verb_lemma(word: str, language: str) -> tuple[str, str] | None:
    """(the word folded, its lemma) when the dictionary knows the word and its lemma ends like
    an infinitive of the language; None otherwise (and in en and ar)."""
    endings = _INFINITIVE.get(language)
    if not endings or not known(word, language):
        return None
    base = lemma(word, language)
    return (fold(word.lower()), base) if base.endswith(endings) else None
