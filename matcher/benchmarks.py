"""Run the product's matcher on a gold standard: a folder loaded into an isolated community.

Both evaluations build a temporary store and index with the product's own code
(``Community.open`` + ``Community.write`` / ``ingest_paths``) and rank through ``Matcher.rank``
with ``exhaustive=True`` — the code path of ``/experts`` and ``wellspring search``.
Needs are encoded once per run (``encode_queries``, as ``Matcher.encode_need`` does) and reused
by every settings variant, so many aggregations and fusions cost one encoding.
"""

from __future__ import annotations

import json
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from indexing.benchmark_format import ReviewerBenchmark
from indexing.community import Community
from indexing.encoders.base import Encoder
from indexing.ingest import ingest_paths
from indexing.schema import contribution_key
from indexing.settings import Settings
from indexing.store import SqliteStore
from matcher.aggregation import aggregate_member_scores
from matcher.evaluation import ndcg_at_k, pairwise_loss, reciprocal_rank, who_knows_x
from matcher.experts import Matcher
from matcher.filters import Access, SearchFilters
from matcher.reach import Reach

RELEVANT_RATING = 4.0
METRIC_KEYS = ("loss", "easy_accuracy", "hard_accuracy", "mrr", "recall@5", "recall@10")
ENCODING_SETTINGS = ("model", "chunk_words", "chunk_overlap")
MATCHING_SETTINGS = ("aggregation", "aggregation_k", "softmax_temperature", "match_profiles",
                     "fusion", "lexical_weight", "rrf_k", "lexical_norm", "specificity_weight",
                     "document_score")


def matching_settings(settings: Settings) -> dict[str, Any]:
    """The settings that change a ranking, as reported beside the figures (by name alone)."""
    out = {name: getattr(settings.encoding, name) for name in ENCODING_SETTINGS}
    out |= {name: getattr(settings.matching, name) for name in MATCHING_SETTINGS}
    out["model"] = settings.encoding.model or "bundled all-MiniLM-L6-v2"
    return out


def isolated_settings(settings: Settings, home: Path) -> Settings:
    """The same matching settings, with the store and index under ``home``."""
    return settings.with_(storage={"home": home, "database_url": "", "index_dir": None})


@dataclass
class Rankings:
    """For each need: every member ranked (best first) with their scores."""

    order: dict[str, list[str]]
    scores: dict[str, dict[str, float]]


class NeedSet:
    """Needs encoded once against one community; ranked under any matching settings."""

    def __init__(self, community: Community, needs: Mapping[str, str]) -> None:
        self.community = community
        self.needs = dict(needs)
        texts = [self.needs[q] for q in self.needs]
        vectors = community.encoder.encode_queries(texts)
        self.vectors: dict[str, npt.NDArray[np.float32]] = dict(zip(self.needs, vectors,
                                                                    strict=True))

    def rank(self, settings: Settings) -> Rankings:
        """Rank every member for every need through Matcher.rank (exhaustive)."""
        matcher = Matcher.configured(self.community, settings)
        order: dict[str, list[str]] = {}
        scores: dict[str, dict[str, float]] = {}
        with matcher.snapshot() as snap:
            n_members = max(1, len(snap.catalog.members))
            for q, text in self.needs.items():
                ranked = matcher.rank(snap, text, self.vectors[q], Reach(
                    SearchFilters(), Access(all_spaces=True), n_members, exhaustive=True))
                order[q] = [r.member_id for r in ranked]
                scores[q] = {r.member_id: r.score for r in ranked}
        return Rankings(order, scores)

    def rank_bm25(self, settings: Settings) -> Rankings:
        """The lexical baseline: the store's FTS5 BM25 per contribution (0 when a contribution
        shares no term), aggregated to members by the same strategy as the matcher."""
        with self.community.index.reader() as reader:
            catalog = reader.catalog
            store = self.community.store
            limit = max(1, len(catalog.contributions) + len(catalog.members))
            order: dict[str, list[str]] = {}
            scores: dict[str, dict[str, float]] = {}
            for q, text in self.needs.items():
                hits = dict(store.lexical_search(text, limit))
                per_member: dict[str, float] = {}
                for mid, cids in catalog.member_contributions.items():
                    if mid not in catalog.members or not cids:
                        continue
                    docs = [hits.get(contribution_key(c), 0.0) for c in cids]
                    per_member[mid] = aggregate_member_scores(
                        docs, len(docs), settings.matching.aggregation,
                        settings.matching.aggregation_k, settings.matching.softmax_temperature)
                order[q] = sorted(per_member, key=lambda m: (-per_member[m], m))
                scores[q] = per_member
        return Rankings(order, scores)


# -- the reviewer-expertise gold standard -------------------------------------------------------
def build_reviewer_community(bench: ReviewerBenchmark, settings: Settings, home: Path,
                             encoder: Encoder | None = None) -> Community:
    """An isolated community of the benchmark's researchers and archives under ``home``."""
    community, _ = Community.open(isolated_settings(settings, home), encoder=encoder)
    community.write(bench.records(), mode="create")
    return community


def reviewer_needs(bench: ReviewerBenchmark) -> dict[str, str]:
    """Each rated paper's title + abstract, by paper id."""
    return {pid: bench.papers[pid].text() for pid in sorted(bench.papers)}


def score_reviewer(bench: ReviewerBenchmark, rankings: Rankings) -> dict[str, float]:
    """loss, easy/hard accuracy and the who-knows-X view of one set of rankings."""
    pair_scores = {
        r: {pid: rankings.scores[pid].get(bench.member_id(r), float("-inf")) for pid in rated}
        for r, rated in bench.ratings.items()
    }
    pairs = pairwise_loss(pair_scores, bench.ratings)
    relevant: dict[str, set[str]] = {}
    for r, rated in bench.ratings.items():
        for pid, grade in rated.items():
            if grade >= RELEVANT_RATING:
                relevant.setdefault(pid, set()).add(bench.member_id(r))
    view = who_knows_x(rankings.order, relevant)
    out = {"loss": pairs.loss, "easy_accuracy": pairs.easy_accuracy,
           "hard_accuracy": pairs.hard_accuracy}
    out.update(view)
    return {k: round(out[k], 4) for k in METRIC_KEYS}


def evaluate_reviewer_expertise(bench: ReviewerBenchmark, settings: Settings, home: Path,
                                encoder: Encoder | None = None) -> dict[str, Any]:
    """The figures of ``wellspring eval reviewer-expertise``: matcher and BM25, one run."""
    started = time.perf_counter()
    community = build_reviewer_community(bench, settings, home, encoder)
    try:
        needs = NeedSet(community, reviewer_needs(bench))
        s = community.settings
        out: dict[str, Any] = score_reviewer(bench, needs.rank(s))
        out["baseline_bm25"] = score_reviewer(bench, needs.rank_bm25(s))
        out["settings"] = matching_settings(s)
        out["seconds"] = round(time.perf_counter() - started, 1)
        return out
    finally:
        community.store.close()


# -- the water-domain query set over the sample community ---------------------------------------
@dataclass(frozen=True)
class GradedNeed:
    id: str
    need: str
    grades: dict[str, float]


def load_graded_needs(path: Path) -> list[GradedNeed]:
    """JSONL lines ``{"id", "need" (or "query"/"text"), "relevance" (or "relevant"/"labels"):
    {member_id: grade}}``; grades > 0 are relevant."""
    out: list[GradedNeed] = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        obj = json.loads(line)
        text = next((obj[k] for k in ("need", "query", "text", "q") if k in obj), None)
        grades = next((obj[k] for k in ("relevance", "relevant", "labels", "grades")
                       if k in obj), None)
        if not isinstance(text, str) or not isinstance(grades, dict):
            raise ValueError(f"{path}:{n}: expected a 'need' text and a 'relevance' object")
        out.append(GradedNeed(str(obj.get("id", n)), text,
                              {str(m): float(g) for m, g in grades.items()}))
    return out


def evaluate_water(queries: list[GradedNeed], data_dir: Path, settings: Settings, home: Path,
                   encoder: Encoder | None = None) -> dict[str, Any]:
    """NDCG@10 and MRR of the matcher (and BM25) on graded needs over a community folder."""
    started = time.perf_counter()
    s = isolated_settings(settings, home)
    store = SqliteStore(s.storage.database_path)
    report = ingest_paths(store, [data_dir])
    if report.errors:
        raise ValueError(f"{data_dir}: {len(report.errors)} invalid record(s), first: "
                         f"{report.errors[0]}")
    community, _ = Community.open(s, encoder=encoder, store=store)
    try:
        needs = NeedSet(community, {q.id: q.need for q in queries})
        out: dict[str, Any] = graded_metrics(queries, needs.rank(s))
        out["baseline_bm25"] = graded_metrics(queries, needs.rank_bm25(s))
        out["needs"] = len(queries)
        out["settings"] = matching_settings(s)
        out["seconds"] = round(time.perf_counter() - started, 1)
        return out
    finally:
        store.close()


def graded_metrics(queries: list[GradedNeed], rankings: Rankings) -> dict[str, float]:
    """Mean NDCG@10, MRR (grade > 0) and MRR of the top-graded members, over the needs."""
    ndcg = [ndcg_at_k(rankings.order[q.id], q.grades, 10) for q in queries]
    top = [max(q.grades.values()) for q in queries]
    rr = [reciprocal_rank(rankings.order[q.id], [m for m, g in q.grades.items() if g > 0])
          for q in queries]
    rr_top = [reciprocal_rank(rankings.order[q.id], [m for m, g in q.grades.items() if g == t])
              for q, t in zip(queries, top, strict=True)]
    return {"ndcg@10": round(sum(ndcg) / len(ndcg), 4), "mrr": round(sum(rr) / len(rr), 4),
            "mrr_top_grade": round(sum(rr_top) / len(rr_top), 4)}
