"""Retrieval and fusion: one query vector -> document scores -> members, over an index reader.

Retrieval starts at ``candidate_items`` vectors and widens (x4) until ``top`` eligible members
are found or every allowed vector has been scored; filters act before truncation (the mask).
With ``fusion`` other than ``dense``, lexical (BM25) evidence from the store is blended into the
document scores before aggregation. Rankings of the same need by several indexes are fused by
reciprocal rank (``fuse_routes``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from indexing.schema import ItemKey
from indexing.settings import MatchingSettings
from indexing.vectors.reader import CatalogView, IndexReader
from matcher.aggregation import DocScore, RankedMember, aggregate_members
from matcher.rankings import fused_members
from matcher.reach import Reach

Vector = npt.NDArray[np.float32]
LexicalSearch = Callable[[str, int], list[tuple[str, float]]]


def rank_members(reader: IndexReader, need: str, vector: Vector, reach: Reach,
                 settings: MatchingSettings, lexical: LexicalSearch) -> Sequence[RankedMember]:
    """Members ranked for one query vector by one index (see the module doc), best first."""
    s = settings
    filters, access, top = reach.filters, reach.access, reach.top
    k = _depth(reader, reach, settings)
    # the same search and aggregation asked twice in one request is done once: a ranking
    # holds every member its k items reach, so a shallower reach over the same k reads the same
    # ranking (who knows X ranks a need for the relevance it shows, then for its order)
    key = ("rank_members", np.ascontiguousarray(vector, dtype=np.float32).tobytes(), k,
           filters, access, id(settings), need if s.fusion != "dense" else None)
    seen = reader.once(key, lambda: _rank_members(reader, need, vector, reach, settings,
                                                  lexical))
    if seen.k == k and (seen.complete or len(seen.ranked) >= top):
        return seen.ranked
    return _rank_members(reader, need, vector, reach, settings, lexical).ranked


def _depth(reader: IndexReader, reach: Reach, settings: MatchingSettings) -> int:
    """The items a ranking first reads: every allowed one when exhaustive."""
    n_allowed = reader.count_allowed(reach.filters, reach.access)
    if reach.exhaustive:
        return n_allowed
    return min(n_allowed, max(settings.candidate_items, reach.top * 50))


@dataclass(frozen=True)
class _Ranked:
    ranked: Sequence[RankedMember]
    k: int  # the items it was aggregated from (more than asked when too few members came)
    complete: bool  # every allowed item


def _rank_members(reader: IndexReader, need: str, vector: Vector, reach: Reach,
                  settings: MatchingSettings, lexical: LexicalSearch) -> _Ranked:
    s = settings
    filters, access, top = reach.filters, reach.access, reach.top
    mask = reader.mask(filters, access)
    n_allowed = reader.count_allowed(filters, access)
    k = _depth(reader, reach, settings)
    while True:
        scores, ids = reader.search(vector, k, mask)
        complete = k >= n_allowed
        hits = reader.document_hits(scores, ids, s.document_score == "chunk_mean")
        if s.fusion != "dense":
            docs = {key: DocScore(key, hit.score, hit.item)
                    for key, hit in reader.documents(scores, ids).items()}
            lexical_hits = [(key, bm) for key, bm in
                            ((ItemKey.parse(key), bm) for key, bm in lexical(need, k))
                            if reader.allows(key, mask)]
            docs = fuse_lexical(reader, vector, docs, lexical_hits, settings)
            hits = reader.hits_of([(d.score, d.best_item) for d in docs.values()])
        cutoff = None if complete else (float(scores[-1]) if len(scores) else 0.0)
        authors = reader.authorship(hits, filters, access, s.match_profiles)
        ranked = aggregate_members(hits, authors, settings, cutoff)
        if complete or len(ranked) >= top:
            return _Ranked(ranked, k, complete)
        k = min(n_allowed, k * 4)


def fuse_lexical(reader: IndexReader, vector: Vector, docs: dict[ItemKey, DocScore],
                 hits: list[tuple[ItemKey, float]], settings: MatchingSettings
                 ) -> dict[ItemKey, DocScore]:
    """Blend lexical (BM25) evidence (``hits``: the allowed documents' BM25, best first) into
    the dense document scores (setting ``fusion``)."""
    s = settings
    if not hits:
        return docs
    for key, _ in hits:  # dense scores for lexical hits that dense retrieval did not reach
        if key not in docs:
            best = reader.best_chunk(key, vector)
            if best is not None:
                docs[key] = DocScore(key, best.score, best.item)
    if s.fusion == "weighted":
        lex = normalised_lexical(hits, len(docs), s.lexical_norm)
        w = s.lexical_weight
        return {key: DocScore(key, (1 - w) * d.score + w * lex.get(key, 0.0), d.best_item)
                for key, d in docs.items()}
    dense_rank = {key: r for r, key in
                  enumerate(sorted(docs, key=lambda x: -docs[x].score), start=1)}
    lex_rank = {key: r for r, (key, _) in enumerate(hits, start=1)}
    return {key: DocScore(key, 1 / (s.rrf_k + dense_rank[key])
                          + (1 / (s.rrf_k + lex_rank[key]) if key in lex_rank else 0.0),
                          d.best_item)
            for key, d in docs.items()}


def normalised_lexical(hits: Sequence[tuple[ItemKey, float]], n_candidates: int,
                       norm: str) -> dict[ItemKey, float]:
    """The lexical signal of fusion=weighted: ``peak`` divides each BM25 score by the need's
    best; ``zscore`` standardises it over the need's ``n_candidates`` candidate documents (those
    without a lexical hit count as BM25 0). A shift common to every candidate changes no
    ranking, so the z-score is kept shifted to 0 for an unmatched document: BM25 / its standard
    deviation over the candidates. A need whose best hit barely stands out of many gets a flat
    signal, where ``peak`` would give that hit 1 all the same."""
    if norm == "zscore":
        values = np.zeros(max(n_candidates, len(hits)), np.float64)
        values[:len(hits)] = [bm for _, bm in hits]
        sd = float(values.std())
        return {key: (bm / sd if sd > 0 else 0.0) for key, bm in hits}
    peak = max(bm for _, bm in hits) or 1.0
    return {key: bm / peak for key, bm in hits}


def non_english_writers(catalog: CatalogView) -> frozenset[str]:
    """Members with non-English evidence: a contribution in another language, or a profile
    whose first language is not English."""
    out = {mid for mid, m in catalog.members.items() if m.languages and m.languages[0] != "en"}
    for meta in catalog.contributions.values():
        if meta.language and meta.language != "en":
            out.update(meta.authors)
    return frozenset(out)


def fuse_routes(english: Sequence[RankedMember], multilingual: Sequence[RankedMember],
                weights: tuple[float, float], rrf_k: int, ml_reader: IndexReader,
                en_reader: IndexReader) -> Sequence[RankedMember]:
    """Reciprocal-rank fusion of the English and the multilingual index's rankings; evidence
    refers to the English index; ties go to the multilingual ranking's order.

    Over the rankings' id arrays (``rankings.fused_members``): a member and their documents
    are built when read, so a request showing ten members builds ten (read it while the
    snapshot is held)."""
    return fused_members(english, multilingual, weights, rrf_k, ml_reader, en_reader)
