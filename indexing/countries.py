"""Countries: ISO 3166-1 alpha-2 codes, and codes from names in English, French, Spanish,
Portuguese and Arabic.

The codes and the translated names come from pycountry (ISO 3166-1 and the Debian iso-codes
translations); ``ALIASES`` adds only the few everyday names that pycountry lacks.
"""

from __future__ import annotations

import gettext
import re
import unicodedata
from functools import lru_cache

import pycountry

COUNTRY_CODES: frozenset[str] = frozenset(c.alpha_2 for c in pycountry.countries)
LANGUAGES = ("en", "fr", "es", "pt", "ar")

# Everyday names that no pycountry name, official name or translation gives.
ALIASES: dict[str, str] = {
    "uk": "GB", "great britain": "GB", "england": "GB", "royaume uni": "GB",
    "usa": "US", "united states of america": "US", "etats unis": "US", "estados unidos": "US",
    "eua": "US", "holland": "NL", "holanda": "NL", "pays bas": "NL", "paises bajos": "NL",
    "paises baixos": "NL",
    "turkey": "TR", "turkiye": "TR", "turquie": "TR", "turquia": "TR", "تركيا": "TR",
    "ivory coast": "CI", "cote divoire": "CI", "costa de marfil": "CI",
    "costa do marfim": "CI", "ساحل العاج": "CI", "drc": "CD", "dr congo": "CD",
    "rdc": "CD", "congo kinshasa": "CD", "congo brazzaville": "CG", "swaziland": "SZ",
    "burma": "MM", "east timor": "TL", "cape verde": "CV", "south korea": "KR",
    "north korea": "KP", "russia": "RU", "iran": "IR", "syria": "SY", "laos": "LA",
    "vietnam": "VN", "bolivia": "BO", "venezuela": "VE", "tanzania": "TZ", "moldova": "MD",
    "palestine": "PS", "macedonia": "MK", "vatican": "VA", "czechia": "CZ",
}


def normalise_name(text: str) -> str:
    """Lower case, accents and punctuation dropped, spaces collapsed (Arabic letters kept)."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    bare = bare.replace("'", "").replace("’", "")
    return re.sub(r"[\W_]+", " ", bare).strip()


@lru_cache(maxsize=1)
def _names() -> dict[str, str]:
    """Normalised name -> code, over every name pycountry knows in the five languages."""
    table: dict[str, str] = {}
    translators = [gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[lang],
                                       fallback=True) for lang in LANGUAGES]
    for country in pycountry.countries:
        names = {country.name, getattr(country, "official_name", None),
                 getattr(country, "common_name", None)}
        for name in [n for n in names if n]:
            for tr in translators:
                local = tr.gettext(name)
                for variant in (local, local.split(",")[0]):  # "Bolivia, Estado ..." -> Bolivia
                    table.setdefault(normalise_name(variant), country.alpha_2)
        table.setdefault(normalise_name(country.alpha_3), country.alpha_2)
    for alias, code in ALIASES.items():
        table.setdefault(normalise_name(alias), code)
    return table


def country_code(value: str) -> str | None:
    """The ISO alpha-2 code for a code (alpha-2 or alpha-3) or a country name in one of the
    five languages; None when it names no country."""
    text = value.strip()
    if len(text) == 2 and text.upper() in COUNTRY_CODES:
        return text.upper()
    return _names().get(normalise_name(text))
