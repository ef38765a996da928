"""Stable contribution ids and one contribution per work, whichever sources report it.

A contribution's id derives from its DOI (``doi-10.2166_wst.2021.045``), else from the source's
own id (``bibtex-wanjiru2021``). A work is the same as a stored or already imported one when the
DOIs agree, or, only when neither has a DOI, when the normalised title and the year agree. Each
contribution keeps one ``ContributionSource`` per source record with the authors that source
gave, so re-importing one source replaces that source's part and keeps everyone else's authors.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field

from indexing.countries import normalise_name
from indexing.imports.matching import PersonMatch
from indexing.imports.model import Work
from indexing.schema import Contribution, ContributionSource, SourceAuthor
from indexing.store import Store

_UNSAFE = re.compile(r"[^A-Za-z0-9_.:\-]+")


def slug(text: str, limit: int = 100) -> str:
    slug = _UNSAFE.sub("_", text.strip()).strip("_") or "x"
    if len(slug) > limit:  # keep ids short and still unique
        slug = f"{slug[:limit - 13]}-{hashlib.sha256(text.encode()).hexdigest()[:12]}"
    return slug


def contribution_id(work: Work) -> str:
    """The id a work gets: from its DOI when it has one, else from the source's id."""
    if work.doi:
        return f"doi-{slug(work.doi)}"
    return f"{work.source}-{slug(work.source_id)}"


def title_key(title: str, year: int) -> tuple[str, int]:
    return normalise_name(title), year


@dataclass
class Merged:
    """A contribution after this import, and how it came about."""

    contribution: Contribution
    sources: list[str]  # "source:source_id" of every part
    merged_with_other_source: bool


@dataclass
class Deduplicator:
    """Finds the contribution a work belongs to (stored or earlier in this import) and merges."""

    store: Store
    by_id: dict[str, Contribution] = field(default_factory=dict)  # this import's results
    _doi: dict[str, str] = field(default_factory=dict)
    _title: dict[tuple[str, int], str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for c in self.store.iter_contributions():
            self._remember(c)

    def _remember(self, c: Contribution) -> None:
        if c.doi:
            self._doi.setdefault(c.doi.lower(), c.id)
        else:
            self._title.setdefault(title_key(c.title, c.date.year), c.id)

    def forget(self, cid: str) -> None:
        """Drop a merge that will not be written (its contribution would have no author)."""
        self.by_id.pop(cid, None)

    def target_id(self, work: Work) -> str:
        if work.doi:
            return self._doi.get(work.doi, contribution_id(work))
        own = contribution_id(work)
        candidate = self._title.get(title_key(work.title, work.date.year))
        if candidate is None or candidate == own:
            return own
        found = self.by_id.get(candidate) or self.store.get_contributions([candidate]).get(
            candidate)
        # the same title from the same source is another record (e.g. forum replies)
        if found is None or any(s.source == work.source for s in found.sources):
            return own
        return candidate

    def merge(self, work: Work, matches: list[PersonMatch]) -> Merged:
        """The contribution with this work's part replaced or added (not yet written)."""
        cid = self.target_id(work)
        base = self.by_id.get(cid) or self.store.get_contributions([cid]).get(cid)
        part = ContributionSource(source=work.source, source_id=work.source_id[:300], authors=[
            SourceAuthor(name=m.person.name[:300], orcid=m.person.orcid, member_id=m.member_id)
            for m in matches])
        linked = list(dict.fromkeys(m.member_id for m in matches if m.member_id))
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
        return Merged(merged, names, any(s.source != work.source for s in others))


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
