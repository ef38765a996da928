"""Need analysis: the need's language and route, its glossary reading, and for a non-English
need the English-model query built from that reading and cross-lingual feedback.

A need is analysed once per request (``analyse_need``); the result travels with the matches,
so the API and the CLI never detect the language a second time.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np
import numpy.typing as npt

from indexing.encoders import Vectors
from indexing.encoders.language import DetectedLanguage
from indexing.settings import LanguageSettings, MatchingSettings
from indexing.vectors.filters import Access, SearchFilters
from indexing.vectors.reader import IndexReader
from matcher.glossary import Glossary
from matcher.languages import NeedLanguage, choose_route, detect_need_language
from matcher.reach import Reach
from matcher.snapshot import Snapshot

Vector = npt.NDArray[np.float32]


class QueryEncoder(Protocol):
    """What the cross-lingual query needs of the English encoder (an Encoder, or a cache of
    one request's query vectors)."""

    def encode_queries(self, texts: Sequence[str]) -> Vectors: ...
# A need of fewer words whose detection is unsure (below ``language_min_confidence``) is shown
# with no language (``detected_language: null``, i.e. "und") instead of the detector's guess:
# "water" came out as Dutch (nl 0.29, en 0.23). Its route does not change: an unsure detection
# is answered by both indexes, fused. A short need detected with confidence ("lodos fecales":
# es 0.74) keeps its language and its glossary reading; following the community's main language
# instead would hide the doubt and send "eau" to the English route alone.
SHORT_NEED_WORDS = 3


@dataclass(frozen=True)
class CrossLingualSettings:
    """The few values the cross-lingual query reads: two of ``LanguageSettings`` and, for its
    feedback weights, ``MatchingSettings.softmax_temperature``."""

    cross_lingual_feedback: int
    glossary_feedback: float
    softmax_temperature: float

    @classmethod
    def of(cls, language: LanguageSettings, matching: MatchingSettings) -> CrossLingualSettings:
        return cls(language.cross_lingual_feedback, language.glossary_feedback,
                   matching.softmax_temperature)


def analyse_need(need: str, settings: LanguageSettings, glossary: Glossary | None,
                 has_multilingual: bool, detected: DetectedLanguage | None = None
                 ) -> NeedLanguage:
    """The need's detected language (or the one given, e.g. its brief's), the index(es) that
    answer it, and its glossary reading when it goes to the multilingual route."""
    found = detected
    if found is None:
        found = detect_need_language(" ".join(need.split()))
        if (len(need.split()) < SHORT_NEED_WORDS
                and found.confidence < settings.language_min_confidence):
            found = DetectedLanguage(None, found.confidence)  # "und": see SHORT_NEED_WORDS
    route = choose_route(found, settings.language_routing, settings.language_min_confidence,
                         has_multilingual)
    gloss = (glossary.gloss(need, found.code)
             if glossary is not None and route == "multilingual" else None)
    return NeedLanguage(found.code, round(found.confidence, 3), route, gloss)


def cross_lingual_vector(ml_vector: Vector, language: NeedLanguage, reach: Reach,
                         snap: Snapshot, english: QueryEncoder, settings: CrossLingualSettings
                         ) -> Vector | None:
    """The English-model query for a non-English need (Rocchio): the vector of its glossary
    reading plus ``glossary_feedback`` times the cross-lingual feedback vector (over what
    ``reach`` lets the need read); either alone when the other is missing; None when both
    are, or when the snapshot has no multilingual index."""
    if snap.multilingual is None:
        return None
    feedback = feedback_vector(ml_vector, reach.filters, reach.access, snap.multilingual,
                               snap.english, settings)
    if language.gloss is None:
        return feedback
    vector = english.encode_queries([language.gloss.text])[0]
    if feedback is not None:
        vector = vector + settings.glossary_feedback * feedback
    norm = float(np.linalg.norm(vector))
    return (vector / norm).astype(np.float32) if norm > 0 else None


def feedback_vector(ml_vector: Vector, filters: SearchFilters, access: Access,
                    ml_reader: IndexReader, en_reader: IndexReader,
                    settings: CrossLingualSettings
                    ) -> Vector | None:
    """Pseudo-relevance feedback across languages (Rocchio, positive part only): the
    English-model vectors of the documents the multilingual index ranks best for the need,
    averaged with weights exp((s - s_best) / T) (T = ``softmax_temperature``), so documents
    well below the best one add little.

    None when the setting is 0 or no such document exists.
    """
    n_docs = settings.cross_lingual_feedback
    if n_docs <= 0:
        return None
    scores, ids = ml_reader.search(ml_vector, n_docs * 4, ml_reader.mask(filters, access))
    best = list(ml_reader.documents(scores, ids).values())[:n_docs]
    found, vectors = en_reader.first_vectors([hit.key for hit in best])
    if not found:
        return None
    score_of = {hit.key: hit.score for hit in best}
    doc_scores = np.asarray([score_of[k] for k in found], np.float32)
    weights = np.exp((doc_scores - doc_scores.max()) / settings.softmax_temperature)
    mean = (weights[:, None] * vectors).sum(axis=0)
    norm = float(np.linalg.norm(mean))
    return (mean / norm).astype(np.float32) if norm > 0 else None
