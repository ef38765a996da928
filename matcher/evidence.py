"""Evidence: ranked members -> member facts and their best contributions with the chunk that
matched (title, type, date, language, snippet), read through the index's reader."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from indexing.settings import Settings
from indexing.vectors.catalog import MemberInfo
from indexing.vectors.reader import IndexReader
from matcher.aggregation import DocScore, RankedMember

SNIPPET_CHARS = 240


@dataclass(frozen=True)
class Evidence:
    contribution_id: str
    title: str
    type: str
    date: str
    language: str | None
    space: str
    score: float
    snippet: str


@dataclass(frozen=True)
class ExpertMatch:
    member: MemberInfo
    score: float
    evidence: tuple[Evidence, ...]
    profile_score: float | None


def explain(reader: IndexReader, ranked: Sequence[RankedMember], settings: Settings
            ) -> list[ExpertMatch]:
    """Attach member facts and the best contributions (title, type, date, snippet)."""
    s = settings
    wanted: dict[str, list[DocScore]] = {}
    for r in ranked:
        docs = [d for d in r.documents if d.key.is_contribution
                and d.score >= s.min_evidence_score]
        wanted[r.member_id] = docs[: s.evidence_per_member]
    passages = reader.passages(d.best_item for docs in wanted.values() for d in docs)
    catalog = reader.catalog
    out: list[ExpertMatch] = []
    for r in ranked:
        member = catalog.members.get(r.member_id)
        if member is None:
            continue
        evidence = []
        for d in wanted[r.member_id]:
            passage = passages.get(d.best_item)
            if passage is None:
                continue
            c = passage.contribution
            meta = catalog.contributions.get(c.id)
            evidence.append(Evidence(
                contribution_id=c.id, title=c.title, type=c.type,
                date=c.date.isoformat(), space=c.space,
                language=c.language or (meta.language if meta else None),  # detected at ingest
                score=round(d.score, 4), snippet=shorten(passage.text),
            ))
        profile = next((d.score for d in r.documents if d.key.is_profile), None)
        out.append(ExpertMatch(member, round(r.score, 4), tuple(evidence),
                               None if profile is None else round(profile, 4)))
    return out


def shorten(text: str) -> str:
    """A snippet: the text on one line, cut at a word boundary after ``SNIPPET_CHARS``."""
    text = " ".join(text.split())
    if len(text) <= SNIPPET_CHARS:
        return text
    cut = text[:SNIPPET_CHARS].rsplit(" ", 1)[0]
    return cut + " …"
