"""Needs from a brief as a coordinator pastes it: the expertise asked for, each with its sentence.

Coordinators paste the terms of reference or the call for consultants they have: a context full
of organisations, places and dates, then objectives, then what is asked. Rules that cut clauses
(matcher.need_derivation) serve short briefs ("We need experts in A, B and C"); on such texts
they turn context into needs (issue #36). So a sentence is read one of three ways:

* **Asked** (a request opener, "we need", "nous cherchons", "... are needed", "Needs: ..."): it
  is cut by the rules, as before, and each piece of at most ``ASKED_MAX_WORDS`` words is a need
  when a request opens the sentence or the piece names some expertise (a longer piece is a
  clause: its glossary terms count, as in prose).
* **A list** (a bullet, or a comma list, of items of at most ``LIST_ITEM_WORDS`` words, or a
  description that is one such item): each item's glossary terms count; in a short description
  (``SHORT_DESCRIPTION_CHARS``) an item without any is kept whole ("stakeholder facilitation").
* **Prose** (context, objectives, justification): only the community's vocabulary comes out of
  it. The domain glossary (matcher/data/glossary.jsonl, in en/fr/es/pt/ar) is looked up in the
  sentence (stems, longest term first); adjacent terms joined by small words ("construction *de*
  latrines", "extension du réseau AEP") are one need; a need made only of concepts that carry no
  expertise on their own (matcher/data/not_expertise.txt: places, people, organisations, money,
  procedure, "water") is never offered. Dates, places, organisation names and procedure are not
  glossary expertise, so they are left out by construction (teams rank with no place
  preference, docs/ARCHITECTURE.md; who knows X reads places from its own need). A word
  counts as a term only when it is a form of it (matcher.lemmas: "pompées" is not "pompe").
  A broad concept (a field such as "sanitation", a hazard, a disease) alone is a need only
  when the brief names it twice, a mention in the title or in a sentence about the consultant
  counting twice ("droughts" named once in the background is the reason for the work, not the
  work). A prose sentence of ``CATALOGUE_ITEMS`` comma-separated items, none of whose
  expertise any other sentence names, is a catalogue (an organisation's fields of work: "emergency
  response, HIV, ..., microfinance, peacebuilding"): only its concepts named elsewhere count.
  The name of an organisation or of one of its units (capitalised words headed by
  "Directorate", "Ministère", "Dirección" ...: matcher.need_rules.ORGANISATION_HEADS) gives none.

Needs naming the same expertise concepts are merged (near-duplicates: one need's concepts
within another's are merged into the more specific one), the most mentioned are kept when there
are more than ``max_needs`` (asked needs first, then by mentions, a mention in the opening line,
the title of most terms of reference, counting twice), and they are returned in the order of
the text, each with the sentence it came from.

After the needs read, a long description gets up to ``PARTS_MAX`` needs it does not spell out:
the usual parts of the work its title or a sentence about the consultant names ("Plan de
sécurité des barrages": inspection and surveillance, instrumentation, an emergency action plan;
matcher.need_parts), those whose concepts no need read already names, each with that sentence
as its source and ``part_of`` set, so the page says it was inferred, not read.

Without a glossary every sentence is cut by the rules, as before. A long description that names
no expertise gives no need (matcher.needs.project_needs then names the description).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from importlib.resources import files
from typing import NamedTuple

from matcher.glossary import FoundTerm, Glossary, by_english_name
from matcher.need_derivation import (
    SentenceCut,
    cut_sentence,
    dedupe,
    fold,
    normalise_space,
    split_sentences,
)
from matcher.need_parts import parts_of
from matcher.need_rules import LANGUAGES, NAME_JOINERS, ORGANISATION_HEADS
from matcher.term_forms import is_term, qualifier_only

LIST_ITEM_WORDS = 6
ASKED_MAX_WORDS = 8  # an asked need longer than this is a clause: its glossary terms count
SHORT_DESCRIPTION_CHARS = 400
BROAD_MIN_MENTIONS = 2
PARTS_MAX = 3  # usual parts of the title's work added after the needs read (matcher.need_parts)
OPENING_WEIGHT = 2  # a mention in the first line (the title of most terms of reference)
# a concept named in the title or in a sentence about the consultant or the terms of reference
# counts twice among the mentions that make a broad concept (a field, a hazard) the brief's own
WORK_ROLES = frozenset({"consultant", "expert", "adviser", "terms of reference"})
# a prose sentence of this many comma-separated items is a catalogue (an organisation's fields of
# work, its donors' programmes): its terms count only when another sentence names them too
CATALOGUE_ITEMS = 6
# what may stand between two glossary terms of one need: white space and small words
_JOINER = re.compile(r"(?: |-|'|\b(?:de|du|des|d|la|l|en|of|the|del|los|las|el|do|da"
                     r"|dos|das|no|na))*")
_NAME_WORD = re.compile(r"[^\W\d_][\w-]*")
# what may stand between a term and the proper name that makes it a place ("de Funil")
_BEFORE_NAME = re.compile(r"(?:\s+(?:de|do|da|dos|das|del|du|des|of|the|de la|de los))?\s+",
                          re.IGNORECASE)
_SMALL_CAPITALS = frozenset({"de", "do", "da", "del", "du", "des", "of", "the", "la", "el",
                             "los", "las", "le", "les", "et", "and", "e", "y", "en", "in", "em"})
_LIST_COMMA = re.compile("[,،]")
# an organisation speaking of itself ("Our vision is...", "We support...", "Nous intervenons
# ..."): its mission, like a catalogue of its fields, names the work only where another
# sentence does too
_SELF_DESCRIPTION = re.compile(
    r"\W*(?:we|our|nous|notre|nos|nuestr[oa]s?|nosotros|noss[oa]s?|nós)\b", re.IGNORECASE)
_BULLET_LINE = re.compile(r"^[-*•–] ")
# a word broken at its hyphen where a page wrapped ("Non- Revenue Water"): one word again
_BROKEN_HYPHEN = re.compile(r"(?<=[^\W\d_])- (?=[^\W\d_])")
_WORD = re.compile(r"[^\W\d_]{3,}")
_ARABIC_CLITIC = re.compile("[وفبك](?=ال)")  # and, so, with, like: joined to the article
# a line a page wrapped mid-sentence (a PDF's text): no stop, comma or colon at its end, and
# the next line goes on in lower case ("modelo de pronóstico de\ncrecidas"): one line again
_WRAPPED = re.compile(r"(?<=[^\W_]|[,;(])\n(?=[a-zà-öø-ÿ])")


@dataclass(frozen=True)
class DerivedNeed:
    """A need derived from a description and the sentence it came from."""

    text: str
    source: str
    part_of: str | None = None  # inferred: a usual part of the work the title names (English)


@dataclass
class _Candidate:
    text: str
    source: str
    position: int
    concepts: frozenset[int] = field(default_factory=frozenset)
    asked: bool = False
    mentions: int = 1
    specific: frozenset[int] = field(default_factory=frozenset)  # concepts that are expertise

    @property
    def core(self) -> frozenset[int]:
        """What the need is about: its specific concepts, else all of them ("latrines
        d'urgence" and "construction de latrines" are both about latrines)."""
        return self.specific or self.concepts


def derive_brief_needs(description: str, max_needs: int, language: str | None,
                       glossary: Glossary | None, title: str = "") -> list[DerivedNeed]:
    """The needs of a description with their source sentences (module doc); ``title``, the
    project's own, names its work as the description's first line does."""
    text = _WRAPPED.sub(" ", _BROKEN_HYPHEN.sub("-", normalise_space(description)))
    if not text:
        return []
    lines = text.split("\n")
    sentences = [(s, line_number, bullet is not None)
                 for line_number, line in enumerate(lines)
                 for bullet in [_BULLET_LINE.match(line)]
                 for s in split_sentences(line[bullet.end():] if bullet else line)]
    cuts = [cut_sentence(s, language) for s, _, _ in sentences]
    if glossary is None:
        return _by_rules(text, sentences, cuts, max_needs)
    short = len(text) <= SHORT_DESCRIPTION_CHARS
    spotting = _spotting_language(text, language, glossary)
    mentions = Counter(named_concepts(text, spotting, glossary))
    in_order = [named_concepts(s, spotting, glossary) for s, _, _ in sentences]
    found = [frozenset(n) for n in in_order]
    roles = _roles(glossary)
    # the title, or a sentence about the consultant or the terms of reference: what the work is
    work = [i for i, (sentence, concepts) in enumerate(zip(sentences, found, strict=True))
            if (sentence[1] == 0 and len(lines) > 1) or concepts & roles]
    for i in work:
        mentions.update(found[i])
    repeated = frozenset(c for c, n in mentions.items() if n >= BROAD_MIN_MENTIONS)
    in_sentences = Counter(c for concepts in found for c in concepts)
    broad, generic, context, _ = not_expertise(glossary)
    candidates: list[_Candidate] = []
    for i, ((sentence, line_number, bullet), cut) in enumerate(zip(sentences, cuts,
                                                                  strict=True)):
        weight = OPENING_WEIGHT if line_number == 0 else 1
        listed = _a_list(sentence, bullet, len(sentences) == 1)
        if cut.asked or listed:
            for k, need in enumerate(cut.needs):
                spans = _expertise_spans(need, spotting, glossary, repeated)
                at = i * 1000 + k
                if len(need.split()) > ASKED_MAX_WORDS or (spans and not cut.asked):
                    # a clause, or an item of a list nobody asked for: its terms count
                    candidates += [_Candidate(need[a:b], sentence, at + j, c, mentions=weight)
                                   for j, (a, b, c) in enumerate(spans)]
                elif spans or ((cut.opened or (listed and short)) and _WORD.search(need)):
                    concepts = frozenset().union(*(c for _, _, c in spans))
                    candidates.append(_Candidate(" ".join(need.split()), sentence, at, concepts,
                                                 asked=True, mentions=weight))
            continue
        mission = _SELF_DESCRIPTION.match(sentence) is not None
        catalogue = mission or (
            len(_LIST_COMMA.split(sentence)) >= CATALOGUE_ITEMS
            and not any(in_sentences[c] >= 2 for c in found[i] - broad - generic))
        for k, (start, end, concepts) in enumerate(
                _expertise_spans(sentence, spotting, glossary, repeated)):
            # an organisation's fields or mission, named once; in a mission, a field the whole
            # brief names (WASH, drinking water) is the organisation's, not the work's
            named = concepts & found[i] - (broad | generic if mission else frozenset())
            if catalogue and not any(in_sentences[c] >= 2 for c in named):
                continue
            candidates.append(_Candidate(sentence[start:end], sentence, i * 1000 + k, concepts,
                                         mentions=weight))
    for c in candidates:
        c.specific = c.concepts - broad - generic
    needs = _selected(_merged(candidates, generic), max_needs)
    read = [DerivedNeed(c.text, c.source) for c in needs]
    if short or (len(lines) < 2 and not title.strip()):  # no title: no work named
        return read
    # the usual parts of the work it names (the project's title too) its needs do not name
    naming = [(title, named_concepts(title, spotting, glossary))] if title.strip() else []
    naming += [(sentences[i][0], in_order[i]) for i in work]
    kinds = [c for _, concepts in naming for c in concepts if c not in broad | generic | context]
    covered = frozenset().union(*(c.concepts for c in needs))
    parts = parts_of(dict.fromkeys(kinds), spotting, glossary,
                     lambda t: frozenset(named_concepts(t, spotting, glossary)), covered,
                     min(PARTS_MAX, max_needs - len(read)))
    sources = {c: next(s for s, concepts in naming if c in concepts) for _, c in parts}
    return read + [DerivedNeed(text, sources[c], part_of=glossary.english[c])
                   for text, c in parts]


def named_concepts(text: str, language: str, glossary: Glossary) -> list[int]:
    """The glossary concepts a text names, once per mention, as the derivation reads them:
    each match a form of its term (``is_term``), a hyphenated word also by its parts
    (``_terms``)."""
    return [t.concept for t in _terms(text, language, glossary)
            if is_term(t, text[t.start:t.end], language)]


def _a_list(sentence: str, bullet: bool, whole: bool) -> bool:
    """Whether a sentence is a list of needs rather than prose: a bullet or a comma list whose
    items are all at most ``LIST_ITEM_WORDS`` words long ("desalination, water law"), or a
    description that is one such item ("Operation and maintenance of rural pumps")."""
    items = [x for x in re.split("[,،]", sentence) if x.strip()]
    if not items or any(len(x.split()) > LIST_ITEM_WORDS for x in items):
        return False
    return bullet or whole or len(items) >= 2


def _by_rules(text: str, sentences: list[tuple[str, int, bool]], cuts: list[SentenceCut],
              max_needs: int) -> list[DerivedNeed]:
    """Every sentence's needs by the rules (matcher.need_derivation), as before #36."""
    out: dict[str, DerivedNeed] = {}
    for (sentence, _, _), cut in zip(sentences, cuts, strict=True):
        for need in dedupe(" ".join(n.split()) for n in cut.needs):
            if re.search(r"[^\W\d_]{3,}", need):
                out.setdefault(need.casefold(), DerivedNeed(need, sentence))
    needs = list(out.values())[:max_needs]
    return needs or [DerivedNeed(" ".join(text.split()), text)]


def _spotting_language(text: str, language: str | None, glossary: Glossary) -> str:
    """The brief's language, or (none given) the one whose glossary terms it uses most."""
    if language in glossary.languages or language == "en":
        return language or "en"
    return max(("en", *LANGUAGES), key=lambda lang: len(glossary.find_terms(text, lang)))


def _expertise_spans(sentence: str, language: str, glossary: Glossary,
                     repeated: frozenset[int] = frozenset()
                     ) -> list[tuple[int, int, frozenset[int]]]:
    """Runs of adjacent glossary terms in a sentence that name some expertise, without the
    context terms at their ends, and the expertise concepts of each; a broad concept alone
    counts only when it is among the ``repeated`` ones."""
    broad, generic, context, features = not_expertise(glossary)
    runs: list[list[FoundTerm]] = []
    loose: set[int] = set()  # offsets of adjectives and verbs of a term's family
    for term in _terms(sentence, language, glossary):
        written = sentence[term.start:term.end]
        if not is_term(term, written, language):
            continue
        if qualifier_only(term, written, language):
            loose.add(term.start)
        if runs and _joined(sentence[runs[-1][-1].end:term.start]):
            runs[-1].append(term)
        else:
            runs.append([term])
    names = _organisation_names(sentence)
    runs = [r for r in runs if not any(a <= r[0].start and r[-1].end <= b for a, b in names)
            and not all(t.start in loose for t in r)]
    out = []
    for run in runs:
        while run and run[0].concept in context:
            run = run[1:]
        while run and run[-1].concept in context:
            run = run[:-1]
        concepts = frozenset(t.concept for t in run) - context
        specific = concepts - generic - broad
        if specific and specific <= features and _named_after(sentence, run[-1].end):
            continue  # a named place: "Reservatório de Funil", "sub-bacia do Rio Paraíba"
        if specific or len(concepts) >= 2 or concepts & repeated - generic:
            start = run[0].start
            if language == "ar" and _ARABIC_CLITIC.match(sentence, start):
                start += 1  # "والمختبر" (and the laboratory) is the need "المختبر"
            out.append((start, run[-1].end, concepts))
    return out


def _named_after(sentence: str, end: int) -> bool:
    """Whether a proper name follows ``end``, "of" or its likes between: "de Santa Cecília",
    "do Rio", " Paraíba" (a capitalised word that is not a small word)."""
    gap = _BEFORE_NAME.match(sentence, end)
    word = _NAME_WORD.match(sentence, gap.end()) if gap else None
    return word is not None and word[0][0].isupper() and fold(word[0]) not in _SMALL_CAPITALS


def _organisation_names(sentence: str) -> list[tuple[int, int]]:
    """Where the sentence names an organisation or one of its units: a run of capitalised
    words, small words between them allowed, that holds a head noun such as "Directorate" or
    "Ministère" ("Directorate of Environmental Health and Sanitation")."""
    out: list[tuple[int, int]] = []
    run: list[re.Match[str]] = []
    for word in [*_NAME_WORD.finditer(sentence), None]:
        if run and word is not None and sentence[run[-1].end():word.start()].strip(" '’"):
            run = _named(run, out)  # punctuation ends a name
        if word is not None and (word[0][0].isupper() or (run and fold(word[0]) in NAME_JOINERS)):
            run.append(word)
            continue
        run = _named(run, out)
    return out


def _named(run: list[re.Match[str]], out: list[tuple[int, int]]) -> list[re.Match[str]]:
    """Adds a run of words to ``out`` when it names an organisation; the next run, empty."""
    while run and not run[-1][0][0].isupper():
        run.pop()  # a name does not end with a small word
    if any(fold(w[0]) in ORGANISATION_HEADS for w in run):
        out.append((run[0].start(), run[-1].end()))
    return []


def _terms(sentence: str, language: str, glossary: Glossary) -> list[FoundTerm]:
    """The glossary terms of a sentence; a hyphenated word the glossary does not know whole is
    also read as its parts ("gender-responsive": gender), never across a term it knows
    ("community-led total sanitation"), and a part after the hyphen only when the part before
    it is a term too: "high-risk hygiene" is not "risk hygiene"."""
    whole = glossary.find_terms(sentence, language)
    if "-" not in sentence:
        return whole
    parts = glossary.find_terms(sentence.replace("-", " "), language)  # offsets unchanged
    taken = [(t.start, t.end) for t in whole]
    ends = {t.end for t in parts}
    extra = [t for t in parts if "-" in sentence[max(0, t.start - 1):t.end + 1]
             and not any(a < t.end and t.start < b for a, b in taken)
             and (sentence[t.start - 1:t.start] != "-" or t.start - 1 in ends)]
    return sorted([*whole, *extra], key=lambda t: t.start)


def _joined(gap: str) -> bool:
    folded = fold(gap)
    return _JOINER.fullmatch(folded) is not None and len(folded) <= 12


def _merged(candidates: list[_Candidate], generic: frozenset[int]) -> list[_Candidate]:
    """Candidates naming the same concepts (or concepts within another's) made one: the asked
    one, else the more specific; its mentions add up. A candidate of generic words only
    ("medición de agua": measurement, water) is one with any that holds all its words
    ("medición de agua en canales")."""
    kept: list[_Candidate] = []
    for c in sorted(candidates, key=lambda c: (not c.asked, -len(c.concepts), c.position)):
        home = next((k for k in kept if c.core and (c.core <= k.core or (
            c.concepts <= generic and c.concepts <= k.concepts))), None)
        if home is None:
            kept.append(c)
            continue
        home.mentions += c.mentions
        home.position = min(home.position, c.position)
        if home.core == c.core and not home.asked and (
                (home.text.isupper() and not c.text.isupper())  # a title in capitals
                or len(c.text) > len(home.text)):  # the fuller mention of the same thing
            home.text, home.source = c.text, c.source
    for c in kept:
        if c.text.isupper() and len(c.text) > 5:  # "GESTION DES BOUES": not an acronym
            c.text = c.text.lower()
    return kept


def _selected(candidates: list[_Candidate], max_needs: int) -> list[_Candidate]:
    ranked = sorted(candidates, key=lambda c: (not c.asked, -c.mentions, c.position))
    return sorted(ranked[:max_needs], key=lambda c: c.position)


def _roles(glossary: Glossary) -> frozenset[int]:
    """The concepts that make a sentence the statement of the work: the consultant, expert or
    terms of reference it is about ("Contratación de consultores para ...")."""
    return frozenset(i for i, name in enumerate(glossary.english) if name in WORK_ROLES)


class Stops(NamedTuple):
    """The glossary's concepts that carry no expertise alone (matcher/data/not_expertise.txt),
    by section, and the features a proper name makes a place."""

    broad: frozenset[int]
    generic: frozenset[int]
    context: frozenset[int]
    features: frozenset[int]


def not_expertise(glossary: Glossary) -> Stops:
    """The glossary's broad, generic, context and feature concepts (not_expertise.txt)."""
    return _stop_concepts(tuple(glossary.english))


@lru_cache(maxsize=4)
def _stop_concepts(english: tuple[str, ...]) -> Stops:
    path = files("matcher").joinpath("data", "not_expertise.txt")
    names = ("[broad]", "[generic]", "[context]", "[feature]")
    sections: dict[str, set[str]] = {k: set() for k in names}
    current = sections["[generic]"]
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line in sections:
            current = sections[line]
        elif line and not line.startswith("#"):
            current.add(line)
    by_name = by_english_name(english)
    return Stops(*(frozenset(by_name[t] for t in sections[k] if t in by_name) for k in names))
