"""Which index answers a need: the English one, the multilingual one, or both fused.

The decision (setting ``language_routing``; measured in bench/multilingual.py, docs/QUALITY.md):

- ``off``: the English model only (as before this feature).
- ``route``: a need detected as English with confidence goes to the English index (so English
  matching is unchanged by construction); a need confidently in another language goes to the
  multilingual index; an unclear one (short, acronyms) is answered by both, fused.
- ``fuse``: both encoders' member rankings fused (reciprocal rank) for every need.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from indexing.encoders.language import ENGLISH, DetectedLanguage, detect_language
from indexing.settings import LanguageRouting
from matcher.glossary import Gloss

Route = Literal["english", "multilingual", "fused"]


@dataclass(frozen=True)
class NeedLanguage:
    """The need's detected language (ISO 639-1 or None), confidence, the route taken, and for
    a non-English need the English terms the domain glossary read in it (matcher/glossary.py)."""

    code: str | None
    confidence: float
    route: Route
    gloss: Gloss | None = None


@lru_cache(maxsize=512)
def detect_need_language(need: str) -> DetectedLanguage:
    """Detection of a need, cached: the API asks for it and the matcher uses it."""
    return detect_language(need)


def choose_route(detected: DetectedLanguage, mode: LanguageRouting, min_confidence: float,
                 has_multilingual: bool) -> Route:
    """The route for a need with this detected language under the configured mode."""
    if mode == "off" or not has_multilingual:
        return "english"
    if mode == "fuse":
        return "fused"
    if detected.code is None or detected.confidence < min_confidence:
        return "fused"
    return "english" if detected.code == ENGLISH else "multilingual"


def rrf_fuse(rankings: Sequence[Sequence[str]], k: int,
             weights: Sequence[float] | None = None) -> dict[str, float]:
    """Reciprocal rank fusion of several rankings of the same ids (best first), each ranking's
    terms multiplied by its weight (default 1)."""
    fused: dict[str, float] = {}
    for n, ranking in enumerate(rankings):
        weight = 1.0 if weights is None else weights[n]
        for rank, item in enumerate(ranking, start=1):
            fused[item] = fused.get(item, 0.0) + weight / (k + rank)
    return fused
