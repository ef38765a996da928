"""A multilingual domain glossary: a non-English need -> the English terms it contains.

Dictionary-based cross-lingual retrieval, the classic complement to a multilingual encoder: the
community's glossary (setting ``glossary``; the water sample's ships as package data in
``matcher/data/glossary.jsonl``) lists concepts with their English term and the terms
practitioners use in other languages. A need in French, Spanish, Portuguese or Arabic is
stemmed (Snowball; Light10 for Arabic), its longest glossary terms are found, and their English
terms form an English *gloss* of the need that the English model can read
(``Matcher.rank_need``; measured in bench/multilingual.py, docs/QUALITY.md).

File format, one concept per line::

    {"en": ["non-revenue water", "NRW"], "fr": ["eau non facturée"], "es": [...], ...}

The first English term is the one the gloss uses; every list holds 1 or more terms.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files
from pathlib import Path

import Stemmer  # PyStemmer: the Snowball stemmers (C)

from indexing.errors import WellspringError

# languages with a Snowball stemmer that a glossary may list (ISO 639-1 -> Snowball name)
STEMMERS = {"fr": "french", "es": "spanish", "pt": "portuguese", "ar": "arabic",
            "it": "italian", "de": "german", "nl": "dutch", "ru": "russian", "tr": "turkish",
            "id": "indonesian"}  # ar: Light10 below
MAX_TERM_TOKENS = 8

# function words dropped on both sides, so "perte d'eau" matches "pertes en eau"
_STOPWORDS = {
    "fr": "a à au aux avec d de des du en et l la le les leur leurs ou par pour sur un une dans",
    "es": "a al con de del el en la las lo los o para por un una y e sobre",
    "pt": "a ao aos as à às com da das de do dos e em na nas no nos o os ou para pela pelo por "
          "um uma sobre",
    "ar": "في من على إلى الى عن مع و أو او ل ب",
    "en": "a an and the of in on for to with by or at from",
}
_ARABIC_DIACRITICS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]")
# Light10 (Larkey, Ballesteros & Connell, 2002): the light stemmer that works best for Arabic
# retrieval; Snowball's Arabic stemmer stems "مياه" and "المياه" differently. Its suffixes "ية"
# and "ة" are left out: tokens are normalised first (ة -> ه), so "يه" and "ه" cover them.
_ARABIC_PREFIXES = ("وال", "بال", "كال", "فال", "لل", "ال")
_ARABIC_SUFFIXES = ("ها", "ان", "ات", "ون", "ين", "يه", "ه", "ي")
_TOKEN = re.compile(r"[^\W_]+(?:-[^\W_]+)*", re.UNICODE)


class GlossaryError(WellspringError):
    """A glossary file that cannot be read; the message names the line and the field."""


@dataclass(frozen=True)
class GlossTerm:
    """One glossary term found in a need: the need's words (as written, from the first matched
    word to the last) and the English term they map to."""

    source: str
    english: str


@dataclass(frozen=True)
class FoundTerm:
    """A glossary term found in a text: where (character offsets), and its concept (the index
    of its line in the glossary, and the concept's first English term)."""

    start: int
    end: int
    concept: int
    english: str
    term: str  # the glossary's term that matched
    primary: bool  # the concept's first term in this language


@dataclass(frozen=True)
class Gloss:
    """The English gloss of a need: the English terms found, in need order, and the share of
    the need's content words they cover (0-1)."""

    terms: tuple[GlossTerm, ...]
    coverage: float

    @property
    def english_terms(self) -> list[str]:
        """The English terms, each once, in need order."""
        return list(dict.fromkeys(t.english for t in self.terms))

    @property
    def text(self) -> str:
        """What the English model reads: the English terms, each once."""
        return " ".join(self.english_terms)


def _is_code(token: str) -> bool:
    """An acronym, product name or measure (two capitals or a digit), kept as written."""
    return sum(ch.isupper() for ch in token) >= 2 or any(ch.isdigit() for ch in token)


def _fold(text: str) -> str:
    """Lowercase without accents (Latin scripts)."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _arabic(token: str) -> str:
    """Normalised and light-stemmed (Light10) Arabic token."""
    token = _ARABIC_DIACRITICS.sub("", token)
    token = re.sub("[أإآٱ]", "ا", token).replace("ى", "ي").replace("ة", "ه")
    if len(token) >= 4 and token.startswith("و"):
        token = token[1:]
    for prefix in _ARABIC_PREFIXES:
        if token.startswith(prefix) and len(token) - len(prefix) >= 2:
            token = token[len(prefix):]
            break
    for suffix in _ARABIC_SUFFIXES:
        if token.endswith(suffix) and len(token) - len(suffix) >= 2:
            token = token[: -len(suffix)]
    return token


@dataclass(frozen=True)
class _Token:
    raw: str
    stem: str
    start: int
    end: int


def _word_part(raw: str) -> bool:
    """A word that may be half of a compound: letters, three or more ("se ve" is no word)."""
    return len(raw) >= 3 and raw.isalpha()


class _Analyzer:
    """Tokens -> comparable stems for one language (the same for glossary terms and needs)."""

    def __init__(self, language: str) -> None:
        self.language = language
        self._stemmer = (None if language == "ar"
                         else Stemmer.Stemmer(STEMMERS.get(language, "english")))
        words = _STOPWORDS.get(language, "").split()
        self._stop = {self._norm(w) for w in words}

    def _norm(self, token: str) -> str:
        return _arabic(token) if self.language == "ar" else token.lower()

    def _stem(self, norm: str) -> str:
        return _fold(self._stemmer.stemWord(norm) if self._stemmer else norm)

    def tokens(self, text: str) -> list[_Token]:
        """The content words of ``text``: where they are and their comparable stems."""
        out = []
        for match in _TOKEN.finditer(text):
            raw = match.group(0)
            norm = self._norm(raw)
            if not norm or norm in self._stop:
                continue
            out.append(_Token(raw, self._stem(norm), match.start(), match.end()))
        return out

    def joined(self, text: str, tokens: list[_Token], words: frozenset[str]) -> list[_Token]:
        """``tokens`` with two words a space apart read as one where, written together, they
        are one of ``words`` (the terms' stems): "ground water" is groundwater."""
        out: list[_Token] = []
        i = 0
        while i < len(tokens):
            first = tokens[i]
            second = tokens[i + 1] if i + 1 < len(tokens) else None
            if (second is not None and text[first.end:second.start] == " "
                    and _word_part(first.raw) and _word_part(second.raw)):
                stem = self._stem(self._norm(first.raw + second.raw))
                if stem in words:
                    out.append(_Token(text[first.start:second.end], stem, first.start,
                                      second.end))
                    i += 2
                    continue
            out.append(first)
            i += 1
        return out


class Glossary:
    """Concepts by language, indexed by the stems of their terms."""

    def __init__(self, concepts: Iterable[dict[str, list[str]]]) -> None:
        self._analyzers: dict[str, _Analyzer] = {}
        self._terms: dict[str, dict[tuple[str, ...], str]] = {}
        # stems -> every (concept, term, first term?) with them, in glossary order; en too
        self._concepts: dict[str, dict[tuple[str, ...], list[tuple[int, str, bool]]]] = {}
        self.size = 0
        self.english: list[str] = []  # each concept's first English term, by concept index
        self._words: dict[str, frozenset[str]] = {}  # every stem of the terms, by language
        for number, concept in enumerate(concepts):
            self.size += 1
            english = concept["en"][0]
            self.english.append(english)
            for language, terms in concept.items():
                if language != "en" and language not in STEMMERS:
                    continue
                analyzer = self._analyzer(language)
                by_stems = self._concepts.setdefault(language, {})
                for k, term in enumerate(terms):
                    stems = tuple(t.stem for t in analyzer.tokens(term))
                    if stems and len(stems) <= MAX_TERM_TOKENS:
                        by_stems.setdefault(stems, []).append((number, term, k == 0))
            for language, terms in concept.items():
                if language == "en" or language not in STEMMERS:
                    continue
                analyzer = self._analyzer(language)
                table = self._terms.setdefault(language, {})
                for term in terms:
                    stems = tuple(t.stem for t in analyzer.tokens(term))
                    if stems and len(stems) <= MAX_TERM_TOKENS:
                        table.setdefault(stems, english)  # the first concept keeps a term

        for language, by_stems in self._concepts.items():
            self._words[language] = frozenset(stem for k in by_stems for stem in k)

    @property
    def languages(self) -> list[str]:
        return sorted(self._terms)

    def _analyzer(self, language: str) -> _Analyzer:
        if language not in self._analyzers:
            self._analyzers[language] = _Analyzer(language)
        return self._analyzers[language]

    def find_terms(self, text: str, language: str) -> list[FoundTerm]:
        """The glossary terms of ``language`` (English included) in ``text``, longest first,
        left to right, without overlaps; one pass over the text's words, a term's word written
        as two ("ground water", "waste water") read as written together."""
        table = self._concepts.get(language)
        if not table:
            return []
        analyzer = self._analyzer(language)
        tokens = analyzer.joined(text, analyzer.tokens(text), self._words[language])
        found: list[FoundTerm] = []
        i = 0
        while i < len(tokens):
            for n in range(min(MAX_TERM_TOKENS, len(tokens) - i), 0, -1):
                entries = table.get(tuple(t.stem for t in tokens[i:i + n]))
                if entries is not None:
                    start, end = tokens[i].start, tokens[i + n - 1].end
                    number, term, primary = _closest(entries, text[start:end])
                    found.append(FoundTerm(start, end, number, self.english[number], term,
                                           primary))
                    i += n
                    break
            else:
                i += 1
        return found

    def gloss(self, text: str, language: str | None) -> Gloss | None:
        """The English terms in a need, longest match first; None for a language the glossary
        does not cover or a need without any glossary term."""
        table = self._terms.get(language or "")
        if not table:
            return None
        tokens = self._analyzer(language or "").tokens(text)
        found: list[GlossTerm] = []
        covered = 0
        i = 0
        while i < len(tokens):
            for n in range(min(MAX_TERM_TOKENS, len(tokens) - i), 0, -1):
                english = table.get(tuple(t.stem for t in tokens[i:i + n]))
                if english is not None:
                    source = text[tokens[i].start:tokens[i + n - 1].end]
                    found.append(GlossTerm(source, english))
                    covered += n
                    i += n
                    break
            else:
                raw = tokens[i].raw
                if _is_code(raw):  # HEC-RAS, SCADA, 2D: written alike in English
                    found.append(GlossTerm(raw, raw))
                i += 1
        if covered == 0:
            return None
        return Gloss(tuple(found), covered / len(tokens))


def _closest(entries: list[tuple[int, str, bool]], written: str) -> tuple[int, str, bool]:
    """Of the terms sharing a match's stems, the one written as in the text ("costing" is the
    concept costing, not cost; "research" is research, not researcher), else the first."""
    folded = written.casefold()
    number = next((e[0] for e in entries if e[1].casefold() == folded), entries[0][0])
    return next(e for e in entries if e[0] == number)  # the concept's own first entry


def by_english_name(english: Iterable[str]) -> dict[str, int]:
    """Each concept's number by its first English term (``Glossary.english``); where two
    concepts share a name, the first. The data files that name concepts (not_expertise.txt,
    concept_parts.jsonl) name them so."""
    out: dict[str, int] = {}
    for number, name in enumerate(english):
        out.setdefault(name, number)
    return out


def parse_glossary(lines: Iterable[str], source: str = "glossary") -> Glossary:
    """A glossary from JSON lines; GlossaryError naming the line and field on bad input."""
    concepts = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        where = f"{source}, line {number}"
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            raise GlossaryError(f"{where}: not valid JSON ({exc.msg})") from None
        if not isinstance(obj, dict):
            raise GlossaryError(f"{where}: expected an object of language -> list of terms")
        if "en" not in obj:
            raise GlossaryError(f"{where}: field 'en' (the English term) is missing")
        for language, terms in obj.items():
            if (not isinstance(terms, list) or not terms
                    or not all(isinstance(t, str) and t.strip() for t in terms)):
                raise GlossaryError(f"{where}: field '{language}' must be a non-empty list of "
                                    "non-empty strings")
        concepts.append({str(k): [str(t).strip() for t in v] for k, v in obj.items()})
    return Glossary(concepts)


@lru_cache(maxsize=4)
def _load(path: Path, mtime_ns: int) -> Glossary:
    with path.open(encoding="utf-8") as f:
        return parse_glossary(f, str(path))


def load_glossary(path: Path) -> Glossary:
    """The glossary at ``path`` (shared while the file is unchanged); GlossaryError naming the
    file if it is missing, unreadable or malformed."""
    try:
        return _load(path, path.stat().st_mtime_ns)
    except (OSError, UnicodeDecodeError) as exc:
        raise GlossaryError(f"glossary {path}: cannot be read ({exc})") from None


def glossary_file(setting: str) -> Path | None:
    """The glossary file a ``glossary`` setting names: a path, ``none``/``off`` for none, or
    '' for the water glossary shipped inside this package (found in any installation)."""
    if setting.strip().lower() in {"none", "off"}:
        return None
    if setting:
        return Path(setting)
    bundled = Path(str(files("matcher").joinpath("data", "glossary.jsonl")))
    return bundled if bundled.is_file() else None
