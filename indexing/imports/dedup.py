"""Stable contribution ids and one contribution per work, whichever sources report it.

A contribution's id derives from its DOI (``doi-10.2166_wst.2021.045``), else from the source's
own id (``bibtex-wanjiru2021``). A work is the same as a stored or already imported one when the
DOIs agree, or, only when neither has a DOI, when the normalised title and the year agree. Each
contribution keeps one ``ContributionSource`` per source record with the authors that source
gave, so re-importing one source replaces that source's part and keeps everyone else's authors.

Only stored contributions the caller may see take part (``visible``, a space predicate): one
in a space the caller cannot see is treated as if it did not exist. It is never merged into,
overwritten or moved, and the incoming work becomes a record of its own; should the id it would
get be taken by such a record, it gets the id qualified by its own space (``doi-…--public``).
Ids of works imported into a space other than the public one are qualified by that space from
the start, so a private import and a public one of the same work never compete for an id.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from indexing.countries import normalise_name
from indexing.imports.matching import PersonMatch
from indexing.imports.model import Work
from indexing.schema import PUBLIC_SPACE, Contribution, ContributionSource, SourceAuthor
from indexing.store import Store


def _everything(space: str) -> bool:
    return True

_UNSAFE = re.compile(r"[^A-Za-z0-9_.:\-]+")


def slug(text: str, limit: int = 100) -> str:
    slug = _UNSAFE.sub("_", text.strip()).strip("_") or "x"
    if len(slug) > limit:  # keep ids short and still unique
        slug = f"{slug[:limit - 13]}-{hashlib.sha256(text.encode()).hexdigest()[:12]}"
    return slug


def base_id(work: Work) -> str:
    """A work's id before any space: from its DOI when it has one, else the source's id."""
    return f"doi-{slug(work.doi)}" if work.doi else f"{work.source}-{slug(work.source_id)}"


def contribution_id(work: Work) -> str:
    """The id a work gets: ``base_id``, qualified by its space when that is not the public
    one."""
    base = base_id(work)
    return base if work.space == PUBLIC_SPACE else qualified(base, work.space)


def qualified(base: str, space: str) -> str:
    """An id qualified by a space (``doi-10.1_x--board``), within the 128 characters of an id."""
    suffix = f"--{space}"
    if len(base) + len(suffix) > 128:
        keep = 128 - len(suffix) - 13
        base = f"{base[:keep]}-{hashlib.sha256(base.encode()).hexdigest()[:12]}"
    return base + suffix


def title_key(title: str, year: int) -> tuple[str, int]:
    return normalise_name(title), year


@dataclass
class Merged:
    """A contribution after this import, and how it came about."""

    contribution: Contribution
    sources: list[str]  # "source:source_id" of every part
    merged_with_other_source: bool
    merged_into: str | None = None  # why another record absorbed this work, for the report


@dataclass
class Deduplicator:
    """Finds the contribution a work belongs to (stored or earlier in this import) and merges."""

    store: Store
    visible: Callable[[str], bool] = _everything  # the caller's spaces
    by_id: dict[str, Contribution] = field(default_factory=dict)  # this import's results
    coauthors: dict[str, set[str]] = field(default_factory=dict)  # among visible records
    _doi: dict[str, str] = field(default_factory=dict)
    _title: dict[tuple[str, int], str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for c in self.store.iter_contributions():
            if self.visible(c.space):
                self._remember(c)
                for a in c.authors:
                    self.coauthors.setdefault(a, set()).update(x for x in c.authors if x != a)

    def _remember(self, c: Contribution) -> None:
        if c.doi:
            self._doi.setdefault(c.doi.lower(), c.id)
        else:
            self._title.setdefault(title_key(c.title, c.date.year), c.id)

    def forget(self, cid: str) -> None:
        """Drop a merge that will not be written (its contribution would have no author)."""
        self.by_id.pop(cid, None)

    def _stored(self, cid: str) -> Contribution | None:
        """This import's version of a record, else the stored one the caller may see."""
        found = self.by_id.get(cid) or self.store.get_contributions([cid]).get(cid)
        return found if found is not None and (cid in self.by_id or
                                                self.visible(found.space)) else None

    def _own_id(self, work: Work) -> str:
        """The work's own id, unless a record the caller may not see holds it."""
        own = contribution_id(work)
        if own in self.by_id:
            return own
        if work.space != PUBLIC_SPACE:  # imported before ids were space-qualified: that record
            plain = base_id(work)
            legacy = self.by_id.get(plain) or self.store.get_contributions([plain]).get(plain)
            if legacy is not None and legacy.space == work.space and self.visible(work.space):
                return plain
        held = self.store.get_contributions([own]).get(own)
        if held is not None and not self.visible(held.space):
            return qualified(own, work.space) if work.space == PUBLIC_SPACE else \
                qualified(own, f"{work.space}-2")
        return own

    def target_id(self, work: Work) -> tuple[str, str | None]:
        """The contribution this work belongs to, and why when it is another record."""
        if work.doi:
            same = self._doi.get(work.doi)
            return (same, "same DOI") if same else (self._own_id(work), None)
        own = self._own_id(work)
        candidate = self._title.get(title_key(work.title, work.date.year))
        if candidate is None or candidate == own:
            return own, None
        found = self._stored(candidate)
        # the same title from the same source is another record (e.g. forum replies)
        if found is None or any(s.source == work.source for s in found.sources):
            return own, None
        return candidate, "same title and year"

    def merge(self, work: Work, matches: list[PersonMatch]) -> Merged:
        """The contribution with this work's part replaced or added (not yet written). Two
        entries of one source record in one import (a reference manager's duplicates: same
        title and year, no DOI) are one part with the authors of both."""
        cid, why = self.target_id(work)
        earlier = cid in self.by_id
        base = self._stored(cid)
        part = ContributionSource(source=work.source, source_id=work.source_id[:300], authors=[
            SourceAuthor(name=m.person.name[:300], orcid=m.person.orcid, member_id=m.member_id)
            for m in matches], author_count=work.author_count)
        repeated = next((s for s in base.sources if (s.source, s.source_id) ==
                         (part.source, part.source_id)), None) if base and earlier else None
        if repeated is not None:
            part = _union(repeated, part)
        linked = list(dict.fromkeys(a.member_id for a in part.authors if a.member_id))
        fresh = _from_work(cid, work, linked, part)
        if base is None:
            merged, others = fresh, []
        else:
            others = [s for s in base.sources
                      if (s.source, s.source_id) != (part.source, part.source_id)]
            merged = _combine(base, fresh, part, others)
        self.by_id[cid] = merged
        self._remember(merged)
        names = [f"{s.source}:{s.source_id}" for s in merged.sources]
        into = None
        if repeated is not None:
            into = f"{work.where} merged into {cid} (repeats an entry of this import)"
        elif base is not None and (others or not base.sources):  # not a re-import of itself
            where = "earlier in this import" if earlier else "already stored"
            into = f"{work.where} merged into {cid} ({why or 'same id'}, {where})"
        return Merged(merged, names, any(s.source != work.source for s in others), into)


def _union(first: ContributionSource, second: ContributionSource) -> ContributionSource:
    """One source record seen twice: the authors of both, each once (by member, else name)."""
    seen: set[str] = set()
    authors = []
    for a in [*first.authors, *second.authors]:
        key = a.member_id or a.name.casefold()
        if key not in seen:
            seen.add(key)
            authors.append(a)
    counts = [c for c in (first.author_count, second.author_count) if c is not None]
    return second.model_copy(update={"authors": authors[:500],
                                     "author_count": max(counts) if counts else None})


def _from_work(cid: str, work: Work, authors: list[str], part: ContributionSource
               ) -> Contribution:
    return Contribution.model_construct(
        id=cid, type=work.type, title=work.title[:500], text=work.text[:200_000],
        date=work.date, language=work.language, authors=authors, space=work.space,
        doi=work.doi, sources=[part])


def _combine(base: Contribution, fresh: Contribution, part: ContributionSource,
             others: list[ContributionSource]) -> Contribution:
    """Authors: those nobody's source claims (added by hand) and every source's members; the
    fields: this source's when it is the only one, else the stored ones (text: the longer)."""
    claimed = {a.member_id for s in base.sources for a in s.authors if a.member_id}
    keep = [a for a in base.authors if a not in claimed]
    for s in [*others, part]:
        keep += [a.member_id for a in s.authors if a.member_id]
    authors = list(dict.fromkeys(keep))
    ordered = [a for a in base.authors if a in authors] + [a for a in authors
                                                            if a not in base.authors]
    sources = [*others, part]
    if not others and base.sources:  # this source alone: its new version wins
        return fresh.model_copy(update={"authors": ordered, "sources": sources})
    text = fresh.text if len(fresh.text) > len(base.text) else base.text
    return base.model_copy(update={"authors": ordered, "sources": sources, "text": text,
                                   "doi": base.doi or fresh.doi})
