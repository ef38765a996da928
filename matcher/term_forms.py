"""Whether a glossary match in a brief means the term (matcher.need_expertise, issue #36).

The glossary matches on stems, and a stem is shared by words that are not the term: a verb
("pompées" and pompe), another noun ("ações" and aço, steel), an adjective ("hidráulicos" and
hidráulica). The dictionary lemmas of matcher.lemmas tell them apart.
"""

from __future__ import annotations

import re

from matcher.glossary import FoundTerm
from matcher.lemmas import infinitive, known, lemma, verb_form
from matcher.need_derivation import fold

LONG_STEM = 8  # a one-word match this long on the term's own letters is a form of it
ACRONYM_MAX = 6  # a longer word in capitals may be a word of a title in capitals
_ARABIC = re.compile(r"[\u0600-\u06ff]")
_LETTERS = re.compile(r"[^\W\d_]+")
# conjunctions (folded, en/fr/es/pt): inside a match they join two things, not one term
_CONJUNCTIONS = frozenset({"and", "or", "et", "ou", "y", "o", "e", "u"})


def is_term(term: FoundTerm, written: str, language: str) -> bool:
    """Whether a match means the term. A one-word match: an acronym as written ("EHA", "AEP"),
    or the concept's first term itself, a form of it by the dictionary ("latrines",
    "inundaciones"; matcher.lemmas) or sharing its first ``LONG_STEM`` letters
    ("decentralized": decentralisation); not a synonym that is an everyday word ("well"), nor a
    word that only shares a stem ("integration" is not "integrity", "costed" is not "cost",
    "pompées" is not "pompe", "ações" is not "aço"), nor one the term's letters spell but its
    accents do not ("generó", a verb, is not "género"). A longer match: unless a verb form stands
    for one of the term's nouns ("se abastece de agua" is not "abastecimiento de agua") or a
    conjunction joins two things the term names as one ("latrines ou de fosses")."""
    if " " in written or "-" in written:
        return _term_phrase(term.term, written, language)
    if written.isupper() and len(written) >= 2:
        return True
    if not term.primary:
        return False
    a, b = fold(written), fold(term.term)
    if _ARABIC.search(a):  # matched on light stems (ال, و, ب, ...): the stem is the word
        return True
    shared = next((i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y),
                  min(len(a), len(b)))
    if written.casefold() == term.term.casefold() or shared >= LONG_STEM:
        return True
    if known(written, language):  # the dictionary's lemma decides
        return lemma(written, language) == lemma(term.term, language)
    return bool(_singulars(a) & _singulars(b))


def qualifier_only(term: FoundTerm, written: str, language: str) -> bool:
    """A one-word match that shares the term's stem but, by the dictionary, is another word:
    an adjective or a verb of the same family ("hidráulicos" for hidráulica, "facilitar" for
    facilitação, "sustainable" for sustainability). It qualifies a need ("sustainable WASH")
    but is never one by itself."""
    if " " in written or "-" in written or _acronym(written) or not known(written, language):
        return False
    return lemma(written, language) != lemma(term.term, language) and \
        written.casefold() != term.term.casefold()


def _acronym(written: str) -> bool:
    """Short enough to be an acronym as written ("EHA", "AEP"); a longer word in capitals may
    be a word of a title set in capitals ("HIDRÁULICOS")."""
    return written.isupper() and 2 <= len(written) <= ACRONYM_MAX


def _term_phrase(term: str, written: str, language: str) -> bool:
    """A match of several words: no verb form (an infinitive included: "renforcer les
    capacités" is not "renforcement des capacités") for a noun, no conjunction the term
    lacks."""
    words = _LETTERS.findall(fold(written))
    term_words = set(_LETTERS.findall(fold(term)))
    if any(w in _CONJUNCTIONS and w not in term_words for w in words):
        return False
    term_lemmas = {lemma(w, language) for w in term_words}
    return not any(w not in term_words and not _singulars(w) & term_words
                   and (infinitive(w, language)  # "garantir" for garantia: a dictionary
                        # may give the noun the verb's lemma
                        or (verb_form(w, language) and lemma(w, language) not in term_lemmas))
                   for w in words if len(w) >= 3)


def _singulars(word: str) -> set[str]:
    """The word and what it is the plural of, in en/fr/es/pt ("latrines", "inundaciones")."""
    out = {word}
    for plural, singular in (("ies", "y"), ("oes", "ao"), ("es", ""), ("s", ""), ("x", "")):
        if word.endswith(plural) and len(word) > len(plural) + 2:
            out.add(word[: -len(plural)] + singular)
    return out
