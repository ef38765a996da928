"""The work of need derivation is linear in the description, whatever an anonymous caller sends.

Issue #26: "water", ~10,000 spaces and "x" took seconds of CPU because ``\\s+`` patterns
backtracked over the run, and merged halves of a sentence were re-read from their start at each
conjunction. The work is counted, not timed: every pattern of derivation runs over text that
went through ``fold`` first (one character in, one out), so the characters folded bound the
characters the patterns are given; and no pattern repeats white space, which normalisation
leaves one character long.
"""

from __future__ import annotations

import re
from unittest import mock

from hypothesis import given, settings
from hypothesis import strategies as st

from matcher import need_derivation
from matcher.need_derivation import _SENTENCE, _compiled, derive_needs, normalise_space
from matcher.need_rules import LANGUAGES

# pieces an attacker repeats: white space of every kind, conjunctions, small words, commas,
# Arabic "and" alone and written onto a word, bullets, lead-ins, words
_PIECES = [" ", "\t", "\n", " \n ", "\u00a0", "and ", "et ", "y ", "e ", "و ", "وال", ", ",
           "de ", "in ", "in the ", ". ", "- ", "• ", ": ", "water ", "x", "we need experts in ",
           "nous cherchons des experts en ", "WASH in schools and ", "d'", "؛ "]
# the most folded per character measured: 13.5 for lines of "وال" without a language (each line
# is tried with the five rule sets), the same at 3 and 4,000 characters: linear, with this factor
MAX_FOLDED_PER_CHAR = 16


@st.composite
def _adversarial(draw: st.DrawFn) -> str:
    runs = draw(st.lists(st.tuples(st.sampled_from(_PIECES), st.integers(1, 3000)),
                         min_size=1, max_size=4))
    return "".join(piece * count for piece, count in runs)[:10_000]  # the API's limit


def _folded_chars(text: str, language: str | None) -> int:
    for rules_of in [None, *LANGUAGES]:
        _compiled(rules_of)  # the rules are compiled once per process, not per request
    counted = 0
    real = need_derivation.fold

    def counting(s: str) -> str:
        nonlocal counted
        counted += len(s)
        return real(s)

    with mock.patch.object(need_derivation, "fold", counting):
        derive_needs(text, 12, language)
    return counted


@settings(max_examples=60, deadline=None)
@given(_adversarial(), st.sampled_from([None, *LANGUAGES]))
def test_derivation_work_is_linear_in_the_description(text: str, language: str | None) -> None:
    folded = _folded_chars(text, language)
    assert folded <= MAX_FOLDED_PER_CHAR * (len(text) + 1), (len(text), folded)


def test_the_reported_request_costs_a_few_passes() -> None:
    text = "water" + " " * 10_000 + "x"
    assert derive_needs(text, 12) == ["water x"]
    assert _folded_chars(text, None) <= MAX_FOLDED_PER_CHAR * len("water x")  # not the spaces


def test_work_grows_linearly_with_a_repeated_conjunction() -> None:
    small, large = ("water supply and " * n for n in (100, 800))
    assert _folded_chars(large, "en") <= 8 * _folded_chars(small, "en") * 1.1


@given(st.text(alphabet=st.sampled_from(list(" \t\n\r\u00a0\u2028ab,.")), max_size=300))
def test_normalised_text_has_no_run_of_white_space(text: str) -> None:
    normal = normalise_space(text)
    assert not re.search(r"\s\s", normal) and normal == normal.strip()
    assert normal.split() == text.split()


def test_no_pattern_repeats_white_space() -> None:
    patterns = [_SENTENCE]
    for language in [None, *LANGUAGES]:
        rules = _compiled(language)
        patterns += [*rules.lead_ins, rules.articles, rules.conjunction, rules.fixed,
                     rules.leading_conjunction, rules.tail]
    for pattern in patterns:
        assert not re.search(r"\\s[*+{]", pattern.pattern), pattern.pattern[:80]
