"""A project brief's needs, each with its language, ranked through the same language route as
"who knows X".

The language is detected on the whole brief (title + description), where there is enough text
to tell, and passed to the needs derived from it: a two-word need is too short to detect
("water" alone reads as Dutch). An explicit need is detected on its own only when it has at
least ``need_min_detect_words`` words and the detector is confident; otherwise it takes the
brief's language.

Relevance is what teams and invitations threshold, so it must stay on one scale: the one who
knows X shows too, defined and computed in ``relevance.py`` (``need_relevance``).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from indexing.encoders.language import DetectedLanguage
from matcher.analysis import analyse_need
from matcher.experts import Matcher, Snapshot
from matcher.languages import NeedLanguage, detect_need_language
from matcher.needs import Need, NeedScores
from matcher.query_vectors import QueryVectors
from matcher.reach import Reach
from matcher.relevance import CALIBRATION_TOP, calibrated, need_relevance

__all__ = ["CALIBRATION_TOP", "QueryVectors", "calibrated", "need_relevance", "query_vectors"]
# teams.py and tests take them from here

CANDIDATES_PER_NEED = 50
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
        if not need.derived and len(need.text.split()) >= s.language.need_min_detect_words:
            own = detect_need_language(" ".join(need.text.split()))
            if own.code is not None and own.confidence >= s.language.language_min_confidence:
                detected = own
        out.append(analyse_need(need.text, s.language, matcher.glossary, has_ml, detected))
    return out


def query_vectors(matcher: Matcher) -> QueryVectors:
    return QueryVectors.of(matcher.community)


def rank_brief_needs(matcher: Matcher, snap: Snapshot, needs: Sequence[Need],
                     languages: Sequence[NeedLanguage], reach: Reach, vectors: QueryVectors
                     ) -> NeedScores:
    """Members ranked for every need of a brief through its route (the reach's filters act
    first; ``reach.top`` members per need, ``CANDIDATES_PER_NEED`` in the answers); the needs'
    query vectors are encoded first, one pass per encoder."""
    english, multilingual = [], []
    for n, lang in zip(needs, languages, strict=True):
        text = matcher.check_need(n.text)
        if lang.route != "multilingual" or snap.multilingual is None:
            english.append(text)
            continue
        multilingual.append(text)
        if lang.gloss is not None:
            english.append(lang.gloss.text)
    if multilingual:  # their relevance reads the line, whose terms encode with them
        matcher.prefetch_with_scale(vectors, english, multilingual)
    else:
        vectors.prefetch(english, multilingual)
    ranked = tuple(
        {r.member_id: r for r in need_relevance(matcher, snap, n.text, lang, vectors, reach)}
        for n, lang in zip(needs, languages, strict=True))
    return NeedScores(tuple(needs), ranked)
