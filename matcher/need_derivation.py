"""Needs derived from a project's free-text description, in en, fr, es, pt or ar.

Simple and predictable rules, so that a caller can read and correct the result; they serve
the sentences that ask (matcher.need_expertise reads the rest). They follow the brief's
language (data in matcher/need_rules.py), or all five when it is not given. Patterns run on a
folded copy of the text (lower case, no accents, Arabic letter variants unified) and the needs
are cut from the original text, so a need is always a piece of the description.

0. **White space** is normalised first, so no pattern repeats it: linear work, whatever the
   runs of spaces (tests/matcher/test_need_derivation_work.py).
1. **Sentences.** Split after ``.``, ``!``, ``?``, ``;``, ``؛``, ``؟`` and a space, at line
   breaks and bullet marks (``-``, ``*``, ``•``).
2. **Lead-ins.** A clause up to a colon ("We need: ...") is dropped, then a request opener:
   an optional opener ("and", "également", و), a request ("we need", "nous cherchons", "buscamos",
   "precisamos de", "نحتاج إلى"), a kind of person ("experts in", "someone who knows", "des
   experts en", "especialistas em", "خبراء في"), a skill ("expertise in", "une expertise en") and,
   after one of those, a small word ("de la", "en el", "no", "في مجال"). A request ending
   ("... are needed", "... seraient bienvenus") goes too. Without a language, a sentence that
   opens with a request in one language is cut with that language's rules (the longest opener
   wins, English first on a tie), and any other sentence with the five rule sets together.
3. **Fixed phrases** ("water and sanitation", "operation and maintenance", "suivi et évaluation",
   "agua y saneamiento", "água e saneamento", "التشغيل والصيانة", ...) are never cut.
4. **Lists.** A sentence with commas (``,`` or Arabic ``،``) is cut at every comma, and its last
   item at its first conjunction ("and", "et", "y"/"e", "e", و alone or written onto the next
   word), whatever the halves, unless that item opens with its own conjunction ("A, B, and C
   and D": the list ended at the comma). Small words at the start of an item ("en", "de la")
   are dropped.
5. **Coordinated needs.** Elsewhere a conjunction cuts only between two needs in themselves:
   each half has at least two content words (words of three letters or more that are not
   articles or prepositions). So "faecal sludge management and on-site sanitation" gives two
   needs, while "design and construction of treatment plants" (a bare first half) and
   "arsenic and fluoride testing" stay whole. After a short object of place or purpose ("in
   schools") a short second half is a second object: "WASH in schools and health centres" stays
   whole. A second half that repeats the small word before the first ("experts in hydrogeology
   and in remote sensing", "en A et en B") is a need of its own however short. An Arabic word
   that starts with و as part of the word (وزارة, وادي) is not read as "and".
6. **Clean-up.** Fragments without a word of three letters or more are dropped, duplicates
   (case-insensitive) merged, and at most ``max_needs`` kept, in order of appearance; if
   nothing survives, the whole description is the single need.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from matcher.need_rules import ARABIC_WAW_WORDS, DETERMINERS, FIXED_PHRASES, LANGUAGES, RULES

# Patterns run on text whose white space is normalised first (normalise_space): single spaces
# within a line, single line breaks. So no pattern repeats white space, and none can backtrack
# over a run of it (issue #26: ~10,000 spaces took seconds of CPU with ``\s+`` patterns).
_SENTENCE = re.compile(r"(?<=[.!?;؛؟]) |\n(?:[-*•] )?| • ")
_ARABIC = re.compile(r"[\u0600-\u06ff]")
_WORD = re.compile(r"[^\W\d_]{3,}")
_NEXT_WORD = re.compile(r"\S+")


def derive_needs(description: str, max_needs: int, language: str | None = None) -> list[str]:
    """Needs cut from a free-text description with the rules of ``language`` (see the module).

    ``language`` is the brief's ISO 639-1 code (en, fr, es, pt, ar). None, or a language without
    rules, tries every rule set: a sentence that opens with a request in one language ("nous
    cherchons", English first on a tie) is cut with that language's rules, any other with all.
    """
    description = normalise_space(description)
    fragments = [f for sentence in split_sentences(description)
                 for f in cut_sentence(sentence, language).needs]
    needs = dedupe(" ".join(f.split()) for f in fragments if _WORD.search(f))
    if not needs:
        return [" ".join(description.split())]
    return needs[:max_needs]


def split_sentences(text: str) -> list[str]:
    """The sentences, bullets and lines of normalised ``text``, without end punctuation."""
    out = []
    for sentence in _SENTENCE.split(text):
        sentence = sentence.strip().rstrip(".!?;؛؟").strip() if sentence else ""
        if sentence:
            out.append(sentence)
    return out


@dataclass(frozen=True)
class SentenceCut:
    """A sentence's needs by the rules, and whether it asked for them: a request opener ("we
    need", "nous cherchons"), a request ending ("... are needed") or a clause before a colon
    that holds one ("We need: ..."), rather than prose the rules cut for want of a request."""

    needs: list[str]
    asked: bool
    opened: bool = False  # asked by an opener ("we need ...", "Needs: ..."), not only a tail


def cut_sentence(sentence: str, language: str | None = None) -> SentenceCut:
    """One sentence cut into needs by the rules of ``language`` (module doc, steps 2-5)."""
    rules = _compiled(language) if language in RULES else _rules_of(sentence)
    asked = False
    if ":" in sentence:
        head, _, sentence = sentence.partition(":")  # "We need: ..."; a bare header goes
        sentence = sentence.strip()
        asked = _asks(head, rules)
    opened = asked or _asks(sentence, rules)
    if tail := rules.tail.search(fold(sentence)):
        sentence = sentence[:tail.start()] or sentence  # "... are needed"
    clause, lead = _lead_in(sentence, rules)
    return SentenceCut(_split_clause(clause, rules, lead), opened or tail is not None, opened)


def _asks(text: str, rules: _Rules) -> bool:
    """Whether ``text`` opens with a request, a kind of person or a skill ("we need", "experts
    in", "expertise in"), not merely an opener ("and", "also")."""
    folded = fold(_drop_waw(text.strip(" \t,;:-"), rules))
    for pattern in rules.lead_ins:
        m = pattern.match(folded)
        if m is not None and (m["request"] or m["people"] or m["skills"]):
            return True
    return False


def normalise_space(text: str) -> str:
    """``text`` with each run of white space within a line made one space, and blank lines and
    spaces around line breaks dropped (linear: ``str.split`` and ``join``, no pattern)."""
    lines = (" ".join(line.split()) for line in text.splitlines())
    return "\n".join(line for line in lines if line)


def fold(text: str) -> str:
    """``text`` in lower case without accents, one character for one (offsets are kept)."""
    return "".join(_fold_char(c) for c in text)


_FOLD = {"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ة": "ه", "،": ",",
                "’": "'", "‘": "'", "`": "'", "´": "'"}


@lru_cache(maxsize=4096)
def _fold_char(c: str) -> str:
    if c in _FOLD:
        return _FOLD[c]
    low = unicodedata.normalize("NFD", c)[0].lower()
    return low if len(low) == 1 else c


@dataclass(frozen=True)
class _Rules:
    """The rule sets of one language (or of all five), compiled against folded text."""

    lead_ins: tuple[re.Pattern[str], ...]  # one per language, tried together
    articles: re.Pattern[str]
    conjunction: re.Pattern[str]
    fixed: re.Pattern[str]
    leading_conjunction: re.Pattern[str]  # an item that opens with "and" ends a list itself
    tail: re.Pattern[str]  # "... are needed" at the end of a sentence
    small_words: frozenset[str]  # prepositions among ``articles`` ("de", "en", "in")
    stopwords: frozenset[str]
    objects: frozenset[str]
    arabic: bool


def _fragment(text: str) -> str:
    """A rule fragment as a regex that also eats the white space after it."""
    body = fold(text)
    return f"(?:{body})(?:(?<=') ?| )"  # no space needed after an apostrophe (d'un)


def _alternatives(fragments: Iterable[str]) -> str:
    return "(?:" + "|".join(_fragment(f) for f in sorted(fragments, key=len, reverse=True)) + ")"


def _fixed_phrase(phrase: str) -> str:
    """A fixed phrase as a regex: flexible spaces, either apostrophe, Arabic ال optional."""
    parts: list[str] = []
    arabic = bool(_ARABIC.search(phrase))
    for token in fold(phrase).split():
        if token == "و":
            parts.append("و ?")
            continue
        if arabic and token.startswith("ال"):
            token = "(?:ال)?" + re.escape(token[2:])
        else:
            token = "(?:l' ?)?" + re.escape(token).replace("'", "' ?").replace(",", " ?,")
        parts.append(token + ("" if token.endswith(" ?") else " "))
    body = "".join(parts).removesuffix(" ")
    return (r"(?<!\w)(?:[وبلفك]{1,2})?" if arabic else r"(?<!\w)") + body + r"(?!\w)"


@lru_cache(maxsize=8)
def _compiled(language: str | None) -> _Rules:
    languages = (language,) if language else LANGUAGES
    sets = [RULES[lang] for lang in languages]
    lead_ins = tuple(re.compile(
        f"^(?P<opener>{_alternatives(r.openers)})?(?P<request>{_alternatives(r.requests)})?"
        f"(?P<people>{_alternatives(r.people)})?(?P<skills>{_alternatives(r.skills)})?"
        f"(?P<article>{_alternatives(r.articles)})?") for r in sets)
    articles = re.compile(_alternatives(a for r in sets for a in r.articles))  # .match(s, at)
    words = sorted({fold(c) for r in sets for c in r.conjunctions}, key=len, reverse=True)
    alternatives = "|".join(words)
    conjunction = f" (?:{alternatives}) "
    if "ar" in languages:
        conjunction += r"| و(?=[^\W\d_]{2})"  # Arabic "and" written onto the next word
    tails = "|".join(fold(t) for r in sets for t in r.tails)
    phrases = sorted((p for lang in languages for p in FIXED_PHRASES[lang]), key=len,
                     reverse=True)
    return _Rules(lead_ins, articles, re.compile(conjunction),
                  re.compile("|".join(_fixed_phrase(p) for p in phrases)),
                  re.compile(f"^(?:{alternatives}) "),
                  re.compile(f" (?:{tails})$"),
                  frozenset(w.strip("'") for r in sets for a in r.articles
                            for w in fold(a).split()) - DETERMINERS,
                  frozenset(fold(w) for r in sets for w in r.stopwords),
                  frozenset(fold(w) for r in sets for w in r.objects), "ar" in languages)


def _strip_lead_in(text: str, rules: _Rules) -> str:
    """``text`` without its request opener ("we need experts in", "nous cherchons des")."""
    return _lead_in(text, rules)[0]


def _lead_in(text: str, rules: _Rules) -> tuple[str, str]:
    """``text`` without its request opener, and the opener's last word (folded; "" if none)."""
    text = _drop_waw(text.strip(" \t,;:-"), rules)
    folded = fold(text)
    best = 0
    for pattern in rules.lead_ins:
        m = pattern.match(folded)
        if m is None or not (m["opener"] or m["request"] or m["people"] or m["skills"]):
            continue
        end = m.end() if (m["request"] or m["people"] or m["skills"]) else m.end("opener")
        best = max(best, end)
    stripped = _drop_waw(text[best:].strip(" \t,;:-"), rules)
    if not stripped:
        return text, ""
    removed = fold(text[:best]).split()
    return stripped, (removed[-1] if removed else "")


def _rules_of(sentence: str) -> _Rules:
    """The rules of the language whose request opens ``sentence`` (longest), else all of them."""
    folded = fold(_drop_waw(sentence.strip(" \t,;:-"), _compiled(None)))
    best, chosen = 0, None
    for language in LANGUAGES:
        for pattern in _compiled(language).lead_ins:
            m = pattern.match(folded)
            if m and (m["request"] or m["people"] or m["skills"]) and m.end() > best:
                best, chosen = m.end(), language
    return _compiled(chosen)


def _drop_waw(text: str, rules: _Rules) -> str:
    """Arabic: a clause that starts with و ("and"), alone or written onto the next word."""
    if not rules.arabic or not text.startswith("و"):
        return text
    word = fold(text.split(maxsplit=1)[0])
    if word == "و":
        return text[1:].lstrip()
    if word[1:] in rules.stopwords:  # "وفي", "ومن", "وعلى": "and" written onto a small word
        return text[1:]
    return text[1:] if len(word) >= 4 and word not in ARABIC_WAW_WORDS else text


def _strip_articles(text: str, rules: _Rules) -> str:
    """``text`` without the small words it opens with ("in the", "de la", "en el")."""
    stripped = text.strip()
    folded, at = fold(stripped), 0  # folded once: a run of small words costs one pass
    while m := rules.articles.match(folded, at):
        if not stripped[m.end():].strip():
            break
        at = m.end()
    return stripped[at:].strip()


def _mask(text: str, rules: _Rules) -> str:
    """Folded ``text`` in which fixed phrases have no spaces or commas left to cut at."""
    chars = list(fold(text))
    for m in rules.fixed.finditer("".join(chars)):
        for i in range(m.start(), m.end()):
            if chars[i].isspace() or chars[i] == ",":
                chars[i] = "_"
    return "".join(chars)


def _split_clause(clause: str, rules: _Rules, lead: str = "") -> list[str]:
    """A clause cut into needs: at commas (a list), then at conjunctions (see the module)."""
    masked = _mask(clause, rules)
    cuts = [m.start() for m in re.finditer(",", masked)]
    items = [clause[a + 1 if a >= 0 else 0:b]
             for a, b in zip([-1, *cuts], [*cuts, len(clause)], strict=True)]
    out: list[str] = []
    for k, item in enumerate(items):
        # "A, B, and C": the list ends at its comma, so C's own "and" is free to stay
        opens_with_and = bool(rules.leading_conjunction.match(fold(item.strip()))
                              or _drop_waw(item.strip(), rules) != item.strip())
        item, item_lead = _lead_in(item, rules)
        if k:
            before = _words(item)
            item = _strip_articles(item, rules)
            dropped = before[:len(before) - len(_words(item))]
            item_lead = dropped[-1] if dropped else item_lead
        last_of_list = len(items) > 1 and k == len(items) - 1 and not opens_with_and
        out.extend(_strip_lead_in(x, rules) for x in _coordinated(
            item, rules, last_of_list, item_lead or (lead if k == 0 else "")))
    return out


def _coordinated(text: str, rules: _Rules, list_end: bool, lead: str = "") -> list[str]:
    """``text`` cut at conjunctions between two needs; the first cut is forced at a list's end.

    ``lead`` is the small word just before ``text`` ("experts *in* ..."): a second half that
    repeats it ("in A and in B", "en A et en B") is a parallel need however short the first
    (a repeated article, "la A y la B", does not count).
    """
    masked = _mask(text, rules)
    joints = [m for m in rules.conjunction.finditer(masked)
              if not _waw_word(masked, m.end())]
    if not joints:
        return [text]
    starts = [0, *(m.end() for m in joints)]
    ends = [*(m.start() for m in joints), len(text)]
    out = [text[starts[0]:ends[0]]]
    half = _Half().extended(_words(out[-1]), rules)  # out[-1], kept as it grows
    for i in range(1, len(starts)):
        raw = text[starts[i]:ends[i]].strip()
        piece = _strip_articles(raw, rules)
        second = _Half().extended(_words(piece), rules)
        parallel = (lead in rules.small_words and _words(raw)[:1] == [lead]
                    and half.content > 0 and second.content > 0)
        if (list_end and i == 1) or parallel or _two_needs(half, second):
            out.append(piece)
            half = second
        else:
            out[-1] = out[-1] + text[ends[i - 1]:ends[i]]
            half = half.extended(_words(text[ends[i - 1]:ends[i]]), rules)
    return out


@dataclass(frozen=True)
class _Half:
    """What ``_two_needs`` reads of one side of a conjunction, extended word by word (a side
    that grows by merging is never read again from its start)."""

    content: int = 0  # content words
    after_object: int | None = None  # content words after its last object word; None: no object
    has_object: bool = False

    def extended(self, words: list[str], rules: _Rules) -> _Half:
        content, after = self.content, self.after_object
        for w in words:
            if _is_content(w, rules):
                content += 1
                after = None if after is None else after + 1
            if w in rules.objects:
                after = 0
        return _Half(content, after, after is not None)


def _waw_word(masked: str, at: int) -> bool:
    """Whether an Arabic و at ``at - 1`` begins a word of its own (وزارة) instead of "and"."""
    if masked[at - 1:at] != "و" or at >= len(masked) or masked[at].isspace():
        return False
    word = _NEXT_WORD.match(masked, at)
    return word is not None and "و" + word[0] in ARABIC_WAW_WORDS


def _two_needs(first: _Half, second: _Half) -> bool:
    """Whether "first and second" joins two needs rather than two parts of one.

    Each half needs two content words of its own ("design and construction of plants" stays
    whole). After a short object of place or purpose ("WASH in schools and health centres",
    "reuse for irrigation and aquifer recharge") a second half of fewer than three content
    words and no such object of its own is read as a second object, so the need stays whole.
    """
    if first.content < 2 or second.content < 2:
        return False
    if first.after_object is None:
        return True
    short_object = 1 <= first.after_object <= 2
    return not (short_object and second.content < 3 and not second.has_object)


def _words(text: str) -> list[str]:
    return [w.strip(".,;:()'\"-") for w in fold(text).split()]


def _is_content(word: str, rules: _Rules) -> bool:
    return bool(_WORD.search(word)) and word not in rules.stopwords


def dedupe(texts: Iterable[str]) -> list[str]:
    """Stripped texts without empty ones and case-insensitive repeats, in order."""
    seen: set[str] = set()
    out: list[str] = []
    for text in texts:
        text = text.strip()
        key = text.casefold()
        if text and key not in seen:
            seen.add(key)
            out.append(text)
    return out
