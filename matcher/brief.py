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
cross-lingual feedback from the multilingual index, ``analysis.cross_lingual_vector``). Only
when a need has neither (no glossary term, no multilingual document) does the multilingual
ranking answer alone.
"""

from __future__ import annotations

from collections.abc import Sequence

from indexing.encoders.language import DetectedLanguage
from indexing.vectors.filters import Access, SearchFilters
from matcher.aggregation import RankedMember
from matcher.analysis import analyse_need, cross_lingual_vector
from matcher.experts import Matcher, Snapshot
from matcher.languages import NeedLanguage, detect_need_language
from matcher.needs import Need, NeedScores
from matcher.retrieval import refer_to

CANDIDATES_PER_NEED = 50


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


def need_relevance(matcher: Matcher, snap: Snapshot, need: str, language: NeedLanguage,
                   filters: SearchFilters, access: Access, top: int = CANDIDATES_PER_NEED
                   ) -> list[RankedMember]:
    """Members with a cosine-scale relevance for one need through its language route."""
    ml_index = matcher.community.multilingual_index
    if language.route != "multilingual" or snap.multilingual is None or ml_index is None:
        return matcher.rank(snap, need, matcher.encode_need(need), filters, access, top)
    ml_vector = ml_index.encoder.encode_queries([matcher.check_need(need)])[0]
    en_vector = cross_lingual_vector(ml_vector, language, filters, access, snap.multilingual,
                                     snap.english, matcher.community.encoder, matcher.settings)
    if en_vector is not None:
        return matcher.rank(snap, need, en_vector, filters, access, top)
    ranked = matcher.rank(snap, need, ml_vector, filters, access, top, index="multilingual")
    return [refer_to(r, snap.multilingual, snap.english) for r in ranked]


def rank_brief_needs(matcher: Matcher, snap: Snapshot, needs: Sequence[Need],
                     languages: Sequence[NeedLanguage], filters: SearchFilters, access: Access,
                     top: int = CANDIDATES_PER_NEED) -> NeedScores:
    """Members ranked for every need of a brief through its route (filters act first)."""
    ranked = tuple(
        {r.member_id: r for r in need_relevance(matcher, snap, n.text, lang, filters, access,
                                                top)}
        for n, lang in zip(needs, languages, strict=True))
    return NeedScores(tuple(needs), ranked)
