"""A project brief's needs, each with its language, ranked through the same language route as
"who knows X".

The language is detected on the whole brief (title + description), where there is enough text
to tell, and passed to the needs derived from it: a two-word need is too short to detect
("water" alone reads as Dutch). An explicit need is detected on its own only when it has at
least ``need_min_detect_words`` words and the detector is confident; otherwise it takes the
brief's language.

Relevance is what teams and invitations threshold, so it must stay on one scale (a cosine of
the English model): an English need is ranked by its own vector; a need in another language by
the English index queried with the route's English reading of it (glossary reading plus
cross-lingual feedback from the multilingual index, ``analysis.cross_lingual_vector``), its
scores brought back to the English scale (``calibrated``). Only when a need has neither (no
glossary term, no multilingual document) does the multilingual ranking answer alone.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from indexing.encoders.language import DetectedLanguage
from indexing.vectors.filters import Access, SearchFilters
from matcher.aggregation import RankedMember
from matcher.analysis import analyse_need, cross_lingual_vector
from matcher.experts import Matcher, Snapshot
from matcher.languages import NeedLanguage, detect_need_language
from matcher.needs import Need, NeedScores
from matcher.query_vectors import QueryVectors
from matcher.rankings import referred_members

__all__ = ["QueryVectors", "query_vectors"]  # teams.py and tests take them from here

CANDIDATES_PER_NEED = 50
CALIBRATION_TOP = 10  # members whose scores set a cross-lingual need's scale
Vector = npt.NDArray[np.float32]


def brief_language(title: str, description: str) -> DetectedLanguage:
    """The language of the whole brief: its title and description read together."""
    text = " ".join(f"{title}. {description}".split()) if description.strip() else title
    return detect_need_language(text)


def need_languages(matcher: Matcher, needs: Sequence[Need], brief: DetectedLanguage
                   ) -> list[NeedLanguage]:
    """Each need's language and route: the brief's for derived and short needs, the need's
    own for an explicit need long and clear enough to detect."""
    s = matcher.settings
    has_ml = matcher.community.multilingual_index is not None
    out = []
    for need in needs:
        detected = brief
        if not need.derived and len(need.text.split()) >= s.need_min_detect_words:
            own = detect_need_language(" ".join(need.text.split()))
            if own.code is not None and own.confidence >= s.language_min_confidence:
                detected = own
        out.append(analyse_need(need.text, s, matcher.glossary, has_ml, detected))
    return out


def query_vectors(matcher: Matcher) -> QueryVectors:
    return QueryVectors.of(matcher.community)


def need_relevance(matcher: Matcher, snap: Snapshot, need: str, language: NeedLanguage,
                   filters: SearchFilters, access: Access, vectors: QueryVectors,
                   top: int = CANDIDATES_PER_NEED) -> Sequence[RankedMember]:
    """Members with a cosine-scale relevance for one need through its language route."""
    text = matcher.check_need(need)
    if language.route != "multilingual" or snap.multilingual is None:
        return matcher.rank(snap, need, vectors.english(text), filters, access, top)
    ml_vector = vectors.multilingual(text)
    en_vector = cross_lingual_vector(ml_vector, language, filters, access, snap.multilingual,
                                     snap.english, vectors, matcher.settings)
    if en_vector is not None:
        ranked = matcher.rank(snap, need, en_vector, filters, access, top)
        if language.gloss is None:
            return ranked
        reading = matcher.rank(snap, need, vectors.english(language.gloss.text), filters,
                               access, top)
        return calibrated(ranked, reading)
    ranked = matcher.rank(snap, need, ml_vector, filters, access, top, index="multilingual")
    return referred_members(ranked, snap.multilingual, snap.english)


def calibrated(ranked: Sequence[RankedMember], reading: Sequence[RankedMember],
               k: int = CALIBRATION_TOP) -> Sequence[RankedMember]:
    """The cross-lingual ranking with its scores brought to the English scale.

    The cross-lingual query adds the English vectors of real documents (feedback) to the
    glossary reading, so every document comes closer to it: on the sample, the best cosines of
    "alerte précoce aux inondations" are ~0.15 above those of "flood early warning", and members
    off the topic would clear the coverage threshold. The shift is measured per need, as the
    mean of the ``k`` best member scores of the cross-lingual query minus that of the reading
    alone (a plain English query), and subtracted when positive; the order is unchanged."""
    top_x = [r.score for r in ranked[:k]]
    top_r = [r.score for r in reading[:k]]
    if not top_x or not top_r:
        return ranked
    shift = sum(top_x) / len(top_x) - sum(top_r) / len(top_r)
    if shift <= 0:
        return ranked
    return [RankedMember(r.member_id, r.score - shift, r.documents) for r in ranked]


def rank_brief_needs(matcher: Matcher, snap: Snapshot, needs: Sequence[Need],
                     languages: Sequence[NeedLanguage], filters: SearchFilters, access: Access,
                     vectors: QueryVectors, top: int = CANDIDATES_PER_NEED) -> NeedScores:
    """Members ranked for every need of a brief through its route (filters act first); the
    needs' query vectors are encoded first, one pass per encoder."""
    english, multilingual = [], []
    for n, lang in zip(needs, languages, strict=True):
        text = matcher.check_need(n.text)
        if lang.route != "multilingual" or snap.multilingual is None:
            english.append(text)
            continue
        multilingual.append(text)
        if lang.gloss is not None:
            english.append(lang.gloss.text)
    vectors.prefetch(english, multilingual)
    ranked = tuple(
        {r.member_id: r for r in need_relevance(matcher, snap, n.text, lang, filters, access,
                                                vectors, top)}
        for n, lang in zip(needs, languages, strict=True))
    return NeedScores(tuple(needs), ranked)
