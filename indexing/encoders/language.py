"""An offline language detector (``lingua``) for needs and contributions, loaded once per
process, restricted to the languages the multilingual encoder (``use_m3.py``) was trained on."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

log = logging.getLogger(__name__)

# The languages USE-m3 was trained on (ISO 639-1); detection is restricted to these, plus the
# answer "unknown" when no language is clear.
SUPPORTED_LANGUAGES = ("en", "fr", "es", "pt", "ar", "de", "it", "nl", "pl", "ru", "tr", "zh",
                       "ja", "ko", "th")
ENGLISH = "en"


@dataclass(frozen=True)
class DetectedLanguage:
    """ISO 639-1 code (None when no language is clear) and the detector's confidence (0-1)."""

    code: str | None
    confidence: float


@lru_cache(maxsize=1)
def _detector() -> Any:
    from lingua import IsoCode639_1, LanguageDetectorBuilder

    codes = [getattr(IsoCode639_1, c.upper()) for c in SUPPORTED_LANGUAGES]
    return LanguageDetectorBuilder.from_iso_codes_639_1(*codes).build()


def detect_language(text: str) -> DetectedLanguage:
    """The most likely language of a text among those the multilingual encoder knows."""
    text = " ".join(text.split())[:2000]
    if not any(ch.isalpha() for ch in text):
        return DetectedLanguage(None, 0.0)
    values = _detector().compute_language_confidence_values(text)
    if not values:
        return DetectedLanguage(None, 0.0)
    best = values[0]
    return DetectedLanguage(best.language.iso_code_639_1.name.lower(), float(best.value))


def detect_language_code(text: str, min_confidence: float = 0.5) -> str | None:
    """A language code to store for a contribution without a ``language`` field, or None."""
    found = detect_language(text)
    return found.code if found.confidence >= min_confidence else None
