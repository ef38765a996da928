"""Evidence: ranked members -> member facts and their best contributions with the chunk that
matched (title, type, date, language, snippet), read through the index's reader.

Evidence is of two kinds (``Evidence.kind``): a ``contribution`` (the chunk that matched) or the
member's ``profile`` (the sentence of their bio that matched: ``profile_evidence``), so a member
found on the profile alone still shows a reason the coordinator can check."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from indexing.settings import MatchingSettings
from indexing.vectors.catalog import MemberInfo
from indexing.vectors.reader import IndexReader
from matcher.aggregation import DocScore, RankedMember
from matcher.rankings import member_ids
from matcher.relevance import on_scale

SNIPPET_CHARS = 240


EvidenceKind = Literal["contribution", "profile"]


@dataclass(frozen=True)
class Evidence:
    contribution_id: str | None  # None for profile evidence
    title: str
    type: str
    date: str
    language: str | None
    space: str
    score: float
    snippet: str
    kind: EvidenceKind = "contribution"


@dataclass(frozen=True)
class ExpertMatch:
    member: MemberInfo
    score: float
    evidence: tuple[Evidence, ...]
    profile_score: float | None


    @property
    def has_contribution(self) -> bool:
        """Whether a contribution (not the profile alone) backs the match."""
        return any(e.kind == "contribution" for e in self.evidence)


@dataclass(frozen=True)
class Candidate:
    """A member before their evidence is read: the ranking's entry, the score as shown and the
    documents that will be their evidence (enough to order an answer: ``broad.evidence_first``)."""

    ranked: RankedMember
    score: float
    documents: tuple[DocScore, ...]

    @property
    def has_contribution(self) -> bool:
        return bool(self.documents)


def candidates(reader: IndexReader, ranked: Sequence[RankedMember], settings: MatchingSettings,
               relevance: Sequence[RankedMember] | None = None, limit: int | None = None
               ) -> list[Candidate]:
    """The first ``limit`` members of ``ranked`` the catalog knows (all without a limit), with
    the documents to show; with ``relevance``, a member's score and documents are taken from
    it (``relevance.py``: the one scale), clipped to [0, 1]; the order stays ``ranked``'s."""
    s = settings
    if relevance is not None:  # only the members shown are built (a ranking builds lazily)
        position = {mid: i for i, mid in enumerate(member_ids(relevance).tolist())}
        ids = member_ids(ranked).tolist()[:limit]
        ranked = [relevance[position[mid]] if mid in position else ranked[i]
                  for i, mid in enumerate(ids)]
    elif limit is not None:
        ranked = ranked[:limit]
    members = reader.catalog.members
    return [Candidate(r, on_scale(r.score) if relevance is not None else round(r.score, 4),
                      tuple([d for d in r.documents if d.key.is_contribution
                             and d.score >= s.min_evidence_score][: s.evidence_per_member]))
            for r in ranked if r.member_id in members]


def explain(reader: IndexReader, ranked: Sequence[RankedMember], settings: MatchingSettings,
            relevance: Sequence[RankedMember] | None = None) -> list[ExpertMatch]:
    """Attach member facts and the best contributions (title, type, date, snippet); with
    ``relevance``, a member's score and documents are taken from it (``candidates``)."""
    return attach(reader, candidates(reader, ranked, settings, relevance), relevance is not None)


def attach(reader: IndexReader, chosen: Sequence[Candidate], on_relevance: bool
           ) -> list[ExpertMatch]:
    """The chosen members with their facts and evidence, read in one pass over the passages."""
    passages = reader.passages(d.best_item for c in chosen for d in c.documents)
    catalog = reader.catalog
    out: list[ExpertMatch] = []
    for chosen_one in chosen:
        r = chosen_one.ranked
        evidence = []
        for d in chosen_one.documents:
            passage = passages.get(d.best_item)
            if passage is None:
                continue
            c = passage.contribution
            meta = catalog.contributions.get(c.id)
            evidence.append(Evidence(
                contribution_id=c.id, title=c.title, type=c.type,
                date=c.date.isoformat(), space=c.space,
                language=c.language or (meta.language if meta else None),  # detected at ingest
                score=on_scale(d.score) if on_relevance else round(d.score, 4),
                snippet=shorten(passage.text),
            ))
        profile = next((d.score for d in r.documents if d.key.is_profile), None)
        out.append(ExpertMatch(catalog.members[r.member_id], chosen_one.score, tuple(evidence),
                               None if profile is None else round(profile, 4)))
    return out


def shorten(text: str) -> str:
    """A snippet: the text on one line, cut at a word boundary after ``SNIPPET_CHARS``."""
    text = " ".join(text.split())
    if len(text) <= SNIPPET_CHARS:
        return text
    cut = text[:SNIPPET_CHARS].rsplit(" ", 1)[0]
    return cut + " …"
