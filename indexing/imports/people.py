"""Author lists as reference managers write them: people, organisations and "others".

BibTeX separates authors with "and" outside braces, RIS with one line per author (or ";"
within one, as Web of Science and Google Scholar do). A name wholly in braces
(``{SciPy 1.0 Contributors}``) or holding an organisation's word ("Organization, World
Meteorological", "U.S. Geological Survey") is an organisation, never a person; "others" and
"et al." mean the list was cut. Only the first ``AUTHORS_KEPT`` people are matched.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from indexing.countries import normalise_name
from indexing.imports.model import AUTHORS_KEPT

_CORPORATE = """
organization organisation organizacion organizacao association associacao asociacion
institute institut instituto institution university universidad universidade universite
agency survey department ministry ministerio ministere council committee commission consortium
contributors contributor team group society program programme project network centre center
foundation fundacion bureau authority service services office inc ltd gmbh llc corporation
company federation union board laboratory laboratories collaboration secretariat initiative
partnership alliance coalition administration directorate government observatory
"""
CORPORATE_WORDS = frozenset(_CORPORATE.split())
OTHERS = frozenset({"others", "et al", "et al.", "al", "and others", "et. al."})


@dataclass
class AuthorList:
    """What one entry's author field holds."""

    people: list[str] = field(default_factory=list)  # at most AUTHORS_KEPT
    corporate: list[str] = field(default_factory=list)
    count: int = 0  # people and organisations the source lists (cut lists: those shown)
    cut: bool = False  # the list ended with "others" / "et al."

    @property
    def author_count(self) -> int | None:
        """The count worth recording: when people were dropped or the list was cut."""
        people = self.count - len(self.corporate)
        return self.count if self.cut or people > len(self.people) else None


def is_corporate(name: str) -> bool:
    """Whether a name (braces already removed) is an organisation's."""
    return any(w in CORPORATE_WORDS for w in normalise_name(name).split())


def split_bibtex_names(value: str) -> list[tuple[str, bool]]:
    """A BibTeX name list split on "and" outside braces: (name, wholly braced) pairs."""
    names: list[str] = []
    depth, start, i = 0, 0, 0
    while i < len(value):
        ch = value[i]
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth = max(0, depth - 1)
        elif depth == 0 and ch.isspace() and value[i + 1:i + 4].lower() == "and" and \
                i + 4 <= len(value) and (i + 4 == len(value) or value[i + 4].isspace()):
            names.append(value[start:i])
            start = i + 4
            i += 4
            continue
        i += 1
    names.append(value[start:])
    out = []
    for raw in names:
        name = raw.strip()
        braced = len(name) > 1 and name[0] == "{" and name[-1] == "}" and _balanced(name[1:-1])
        if name:
            out.append((name[1:-1].strip() if braced else name, braced))
    return out


def _balanced(text: str) -> bool:
    depth = 0
    for ch in text:
        depth += 1 if ch == "{" else -1 if ch == "}" else 0
        if depth < 0:
            return False
    return depth == 0


def braced_is_organisation(name: str) -> bool:
    """A wholly braced name is kept whole on purpose: an organisation ("{SciPy 1.0
    Contributors}", "{NASA}"), unless it reads "Surname, Given names" without an
    organisation's word, as BibDesk and Google Scholar brace people ("{Black, Alastair}")."""
    surname, comma, given = name.partition(",")
    person_like = bool(comma) and "," not in given and all(
        0 < len(part.split()) <= 4 and not any(ch.isdigit() for ch in part)
        for part in (surname, given))
    return not person_like or is_corporate(name)


def author_list(names: list[tuple[str, bool]]) -> AuthorList:
    """People, organisations and the cut mark of (name, wholly braced) pairs."""
    out = AuthorList()
    for name, organisation in names:
        text = re.sub(r"\s+", " ", name).strip().strip(",;")
        if not text:
            continue
        if text.lower() in OTHERS:
            out.cut = True
            continue
        out.count += 1
        if (braced_is_organisation(text) if organisation else is_corporate(text)):
            out.corporate.append(text)
        elif len(out.people) < AUTHORS_KEPT:
            out.people.append(text)
    return out


def split_ris_authors(values: list[str]) -> list[tuple[str, bool]]:
    """RIS author lines, each possibly holding several authors separated by ";"."""
    return [(part, False) for value in values for part in value.split(";") if part.strip()]
