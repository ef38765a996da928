"""What a need (or a brief) must look like before anything reads it: printable text, known
country codes.

A control character (NUL, escape, the C1 range) is never part of a need a person wrote; a
need without a letter or digit names nothing. Both are refused with the field named, instead of
answering ten members for a string of NULs (issue #26).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from pydantic import JsonValue

from indexing.countries import COUNTRY_CODES
from matcher.errors import InvalidRequest

# C0 controls but tab, line feed and carriage return; DEL; the C1 controls
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# the same rules as JSON Schema patterns (ECMA 262, Unicode properties), for the OpenAPI
# description: printable text; printable text holding a letter or digit (str.isalnum)
_PRINTABLE_CLASS = "[^\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f\\u007f-\\u009f]"
PRINTABLE_PATTERN = f"^{_PRINTABLE_CLASS}*$"
WORDS_PATTERN = f"^{_PRINTABLE_CLASS}*[\\p{{L}}\\p{{N}}]{_PRINTABLE_CLASS}*$"
# as a Field's json_schema_extra
PRINTABLE_TEXT: dict[str, JsonValue] = {"pattern": PRINTABLE_PATTERN}
WORDS_TEXT: dict[str, JsonValue] = {"pattern": WORDS_PATTERN}


def check_printable(field: str, text: str, words: bool = True) -> str:
    """``text`` when it is printable (and, with ``words``, holds a letter or a digit);
    InvalidRequest naming ``field`` otherwise."""
    if _CONTROL.search(text):
        raise InvalidRequest(field, "contains control characters; send printable text",
                             "control_characters")
    if words and text.strip() and not any(ch.isalnum() for ch in text):
        raise InvalidRequest(field, "has no letter or digit", "no_letter")
    return text


def check_countries(field: str, codes: Iterable[str]) -> None:
    """Each code an ISO 3166-1 alpha-2 country (upper case); InvalidRequest naming ``field``
    for the first that is not (an unknown code filtered to nothing before)."""
    for code in codes:
        if code not in COUNTRY_CODES:
            raise InvalidRequest(field, f"'{code}' is not an ISO 3166-1 alpha-2 country code",
                                 "not_country", {"value": code})
