"""Helpers of the need-derivation tests (issue #36): the shipped glossary's needs of a text."""

from __future__ import annotations

from matcher.glossary import Glossary, glossary_file, load_glossary
from matcher.need_expertise import derive_brief_needs

MAX_NEEDS = 12


def shipped_glossary() -> Glossary:
    path = glossary_file("")
    assert path is not None
    return load_glossary(path)


def needs_of(text: str, language: str | None, glossary: Glossary) -> list[str]:
    """The derived needs, case-folded, in the text's order."""
    return [n.text.casefold() for n in derive_brief_needs(text, MAX_NEEDS, language, glossary)]
