"""English needs and members with non-English evidence (Matcher.with_other_writers)."""

from __future__ import annotations

from matcher.experts import Matcher
from matcher.filters import Access, SearchFilters
from matcher.reach import Reach
from matcher.retrieval import non_english_writers

NEED = "treated wastewater reuse for irrigation and effluent standards"


def _order(matcher: Matcher, weight: float) -> list[str]:
    m = Matcher(matcher.community,
                matcher.settings.with_(language={"english_multilingual_weight": weight}),
                matcher.glossary)
    with m.snapshot() as snap:
        ranked = m.rank_need(snap, NEED, Reach(SearchFilters(), Access(all_spaces=True), 12,
                                               exhaustive=True))
    return [r.member_id for r in ranked]


def test_off_by_default_and_only_writers_of_other_languages_move(ml_matcher: Matcher) -> None:
    assert ml_matcher.settings.language.english_multilingual_weight == 0
    with ml_matcher.snapshot() as snap:
        writers = non_english_writers(snap.catalog)
    assert writers, "tests/data has members with non-English evidence"
    before, after = _order(ml_matcher, 0.0), _order(ml_matcher, 1.0)
    assert set(before) == set(after)
    # members without non-English evidence keep their order relative to each other
    assert [m for m in before if m not in writers] == [m for m in after if m not in writers]


def test_a_community_in_english_only_is_unchanged(matcher: Matcher) -> None:
    # the default test community has no multilingual index: the English ranking, as is
    assert _order(matcher, 1.0) == _order(matcher, 0.0)
