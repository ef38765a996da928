"""Who knows X: a need -> nearest contributions and profiles -> members, with evidence."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from indexing.catalog import MemberInfo
from indexing.chunking import chunk_text
from indexing.community import Community
from indexing.community_index import CommunityIndex
from matcher.aggregation import aggregate_member_scores
from matcher.errors import InvalidRequest
from matcher.filters import Access, SearchFilters, allowed_items
from matcher.glossary import Glossary, load_glossary
from matcher.languages import NeedLanguage, choose_route, detect_need_language, rrf_fuse

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


@dataclass(frozen=True)
class DocScore:
    key: str
    score: float
    best_item: int


@dataclass(frozen=True)
class RankedMember:
    member_id: str
    score: float
    documents: tuple[DocScore, ...]  # best first; profile key "m:<id>" may be among them


class Matcher:
    """The matching core used by the CLI, the API and the evaluation alike."""

    def __init__(self, community: Community) -> None:
        self.community = community
        self.settings = community.settings
        path = self.settings.glossary_path
        self.glossary: Glossary | None = None if path is None else load_glossary(path)

    # -- public entry points -----------------------------------------------------------------
    def check_need(self, need: str) -> str:
        """The need, stripped; InvalidRequest naming field ``q`` if empty or too long."""
        text = need.strip()
        if not text:
            raise InvalidRequest("q", "the need is empty")
        if len(text) > self.settings.max_query_chars:
            raise InvalidRequest("q", f"the need is longer than {self.settings.max_query_chars} "
                                      "characters")
        return text

    def encode_need(self, need: str) -> npt.NDArray[np.float32]:
        return self.community.encoder.encode_queries([self.check_need(need)])[0]

    def find_experts(self, need: str, filters: SearchFilters | None = None,
                     access: Access | None = None, top: int = 10) -> list[ExpertMatch]:
        """Ranked members for a free-text need, each with the contributions that matched."""
        if not 1 <= top <= self.settings.max_top:
            raise InvalidRequest("top", f"must be between 1 and {self.settings.max_top}")
        ranked = self.rank_need(need, filters or SearchFilters(), access or Access.public(), top)
        return self.explain(ranked[:top])

    def score_members(self, need: str, member_ids: Iterable[str],
                      access: Access | None = None) -> dict[str, float]:
        """Exhaustive scores of these members for a need (same ranking code as search)."""
        wanted = set(member_ids)
        ranked = self.rank_need(need, SearchFilters(), access or Access(all_spaces=True),
                                top=len(wanted) or 1, exhaustive=True)
        return {r.member_id: r.score for r in ranked if r.member_id in wanted}

    # -- languages (matcher/languages.py) -----------------------------------------------------
    def need_language(self, need: str) -> NeedLanguage:
        """The need's detected language, the index(es) that answer it, and its glossary
        reading when it is not English."""
        found = detect_need_language(" ".join(need.split()))
        route = choose_route(found, self.settings.language_routing,
                             self.settings.language_min_confidence,
                             self.community.multilingual_index is not None)
        gloss = (self.glossary.gloss(need, found.code)
                 if self.glossary is not None and route == "multilingual" else None)
        return NeedLanguage(found.code, round(found.confidence, 3), route, gloss)

    def rank_need(self, need: str, filters: SearchFilters, access: Access, top: int,
                  exhaustive: bool = False) -> list[RankedMember]:
        """Members for a need through its route; fused rankings are reciprocal-rank fused and
        their evidence refers to the English index (the one ``explain`` reads).

        A non-English need (route ``multilingual``) is answered by the multilingual index and
        by the English index queried with its glossary reading and cross-lingual feedback
        (``_cross_lingual_vector``), the English ranking weighted
        ``cross_lingual_english_weight`` in the fusion (docs/QUALITY.md, Multilingual).
        """
        text = self.check_need(need)
        english = self.community.index
        multilingual = self.community.multilingual_index
        # language detection is a per-need cost: skip it where only one index can answer
        language = None if multilingual is None else self.need_language(text)
        if language is None or language.route == "english" or multilingual is None:
            return self.rank(need, self.encode_need(need), filters, access, top, exhaustive)
        ml_vector = multilingual.encoder.encode_queries([text])[0]
        ml_ranked = self.rank(need, ml_vector, filters, access, top, exhaustive, multilingual)
        s = self.settings
        if language.route == "multilingual":
            en_vector = self._cross_lingual_vector(ml_vector, language, filters, access)
            if en_vector is None:
                return [_refer_to(r, multilingual, english) for r in ml_ranked]
            weights = (s.cross_lingual_english_weight, 1.0)
        else:
            en_vector, weights = self.encode_need(need), (1.0, 1.0)
        en_ranked = self.rank(need, en_vector, filters, access, top, exhaustive)
        fused = rrf_fuse([[r.member_id for r in en_ranked], [r.member_id for r in ml_ranked]],
                         s.rrf_k, weights)
        docs = {r.member_id: r.documents for r in en_ranked}
        for r in ml_ranked:
            docs.setdefault(r.member_id, _refer_to(r, multilingual, english).documents)
        out = [RankedMember(mid, score, docs[mid]) for mid, score in fused.items()]
        ml_rank = {r.member_id: i for i, r in enumerate(ml_ranked)}
        # ties (frequent in rank fusion) go to the multilingual ranking's order
        out.sort(key=lambda r: (-r.score, ml_rank.get(r.member_id, len(ml_rank)), r.member_id))
        return out

    def _cross_lingual_vector(self, ml_vector: npt.NDArray[np.float32], language: NeedLanguage,
                              filters: SearchFilters, access: Access
                              ) -> npt.NDArray[np.float32] | None:
        """The English-model query for a non-English need (Rocchio): the vector of its glossary
        reading plus ``glossary_feedback`` times the cross-lingual feedback vector; either
        alone when the other is missing; None when both are."""
        feedback = self._feedback_vector(ml_vector, filters, access)
        if language.gloss is None:
            return feedback
        vector = self.community.encoder.encode_queries([language.gloss.text])[0]
        if feedback is not None:
            vector = vector + self.settings.glossary_feedback * feedback
        norm = float(np.linalg.norm(vector))
        return (vector / norm).astype(np.float32) if norm > 0 else None

    def _feedback_vector(self, ml_vector: npt.NDArray[np.float32], filters: SearchFilters,
                         access: Access) -> npt.NDArray[np.float32] | None:
        """Pseudo-relevance feedback across languages (Rocchio, positive part only): the
        English-model vectors of the documents the multilingual index ranks best for the need,
        averaged with weights exp((s - s_best) / T) (T = ``softmax_temperature``), so documents
        well below the best one add little.

        None when the setting is 0 or no such document exists.
        """
        n_docs = self.settings.cross_lingual_feedback
        ml, en = self.community.multilingual_index, self.community.index
        if n_docs <= 0 or ml is None:
            return None
        with ml.lock.read():
            mask = allowed_items(ml.items, ml.catalog, filters, access)
            scores, ids = ml.search(ml_vector, n_docs * 4, mask)
            best = list(self._documents(ml, scores, ids).values())[:n_docs]
        with en.lock.read():
            pairs = [(en.items.key_ids[d.key][0], d.score) for d in best
                     if en.items.key_ids.get(d.key)]
            if not pairs:
                return None
            vectors = en.vectors.reconstruct(np.asarray([i for i, _ in pairs], np.int64))
        doc_scores = np.asarray([sc for _, sc in pairs], np.float32)
        weights = np.exp((doc_scores - doc_scores.max()) / self.settings.softmax_temperature)
        mean = (weights[:, None] * vectors).sum(axis=0)
        norm = float(np.linalg.norm(mean))
        return (mean / norm).astype(np.float32) if norm > 0 else None

    # -- ranking -----------------------------------------------------------------------------
    def rank(self, need: str, vector: npt.NDArray[np.float32], filters: SearchFilters,
             access: Access, top: int, exhaustive: bool = False,
             index: CommunityIndex | None = None) -> list[RankedMember]:
        """Members ranked for one query vector; filters act before truncation.

        Retrieval starts at ``candidate_items`` vectors and widens (x4) until ``top`` eligible
        members are found or every allowed vector has been scored.
        """
        index = index or self.community.index  # the multilingual one when routed there
        s = self.settings
        with index.lock.read():
            mask = allowed_items(index.items, index.catalog, filters, access)
            n_allowed = int(mask.sum())
            k = n_allowed if exhaustive else min(n_allowed, max(s.candidate_items, top * 50))
            while True:
                scores, ids = index.search(vector, k, mask)
                complete = k >= n_allowed
                docs = self._documents(index, scores, ids)
                if s.fusion != "dense":
                    docs = self._fuse(index, need, vector, docs, mask, k)
                ranked = self._aggregate(index, docs, filters, None if complete else
                                         (float(scores[-1]) if len(scores) else 0.0))
                if complete or len(ranked) >= top:
                    return ranked
                k = min(n_allowed, k * 4)

    @staticmethod
    def _documents(index: CommunityIndex, scores: npt.NDArray[np.float32],
                   ids: npt.NDArray[np.int64]) -> dict[str, DocScore]:
        """Chunk hits -> one score per document (its best chunk)."""
        docs: dict[str, DocScore] = {}
        keys = index.items.keys
        for score, item in zip(scores.tolist(), ids.tolist(), strict=True):
            key = keys[item]
            if key is not None and key not in docs:
                docs[key] = DocScore(key, score, item)
        return docs

    def _fuse(self, index: CommunityIndex, need: str, vector: npt.NDArray[np.float32],
              docs: dict[str, DocScore], mask: npt.NDArray[np.bool_], k: int
              ) -> dict[str, DocScore]:
        """Blend lexical (BM25) evidence into the dense document scores (setting ``fusion``)."""
        s = self.settings
        hits = [(key, bm) for key, bm in self.community.store.lexical_search(need, k)
                if any(mask[i] for i in index.items.key_ids.get(key, ()))]
        if not hits:
            return docs
        # dense scores for lexical hits that dense retrieval did not reach
        for key, _ in hits:
            if key not in docs:
                ids = np.asarray(index.items.key_ids[key], np.int64)
                sims = index.vectors.reconstruct(ids) @ vector
                best = int(np.argmax(sims))
                docs[key] = DocScore(key, float(sims[best]), int(ids[best]))
        if s.fusion == "weighted":
            peak = max(bm for _, bm in hits) or 1.0
            lex = {key: bm / peak for key, bm in hits}
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

    def _aggregate(self, index: CommunityIndex, docs: dict[str, DocScore],
                   filters: SearchFilters, cutoff: float | None) -> list[RankedMember]:
        s = self.settings
        catalog = index.catalog
        per_member: dict[str, list[DocScore]] = {}
        for key, doc in docs.items():
            kind, rid = key.split(":", 1)
            if kind == "m":
                if s.match_profiles:
                    per_member.setdefault(rid, []).append(doc)
                continue
            meta = catalog.contributions.get(rid)
            for author in meta.authors if meta else ():
                per_member.setdefault(author, []).append(doc)
        ranked: list[RankedMember] = []
        for mid, mdocs in per_member.items():
            member = catalog.members.get(mid)
            if member is None or not filters.member_passes(member):
                continue
            n_docs = len(catalog.member_contributions.get(mid, ())) + (
                1 if s.match_profiles else 0)
            score = aggregate_member_scores(
                [d.score for d in mdocs], max(n_docs, len(mdocs)), s.aggregation,
                s.aggregation_k, s.softmax_temperature, cutoff,
            )
            ranked.append(RankedMember(mid, score, tuple(sorted(mdocs, key=lambda d: -d.score))))
        ranked.sort(key=lambda r: (-r.score, r.member_id))
        return ranked

    # -- evidence ----------------------------------------------------------------------------
    def explain(self, ranked: list[RankedMember]) -> list[ExpertMatch]:
        """Attach member facts and the best contributions (title, type, date, snippet)."""
        s = self.settings
        index = self.community.index
        wanted: dict[str, list[DocScore]] = {}
        for r in ranked:
            docs = [d for d in r.documents if d.key.startswith("c:")
                    and d.score >= s.min_evidence_score]
            wanted[r.member_id] = docs[: s.evidence_per_member]
        records = self.community.store.get_contributions(
            d.key[2:] for docs in wanted.values() for d in docs
        )
        out: list[ExpertMatch] = []
        for r in ranked:
            member = index.catalog.members.get(r.member_id)
            if member is None:
                continue
            evidence = []
            for d in wanted[r.member_id]:
                c = records.get(d.key[2:])
                if c is None:
                    continue
                chunk_no = int(index.items.chunk[d.best_item])
                chunks = chunk_text(c.text, s.chunk_words, s.chunk_overlap)
                snippet = chunks[min(chunk_no, len(chunks) - 1)]
                evidence.append(Evidence(
                    contribution_id=c.id, title=c.title, type=c.type,
                    date=c.date.isoformat(), space=c.space,
                    language=c.language or getattr(index.catalog.contributions.get(c.id),
                                                   "language", None),  # detected at ingest
                    score=round(d.score, 4), snippet=_shorten(snippet),
                ))
            profile = next((d.score for d in r.documents if d.key.startswith("m:")), None)
            out.append(ExpertMatch(member, round(r.score, 4), tuple(evidence),
                                   None if profile is None else round(profile, 4)))
        return out


def _refer_to(ranked: RankedMember, source: CommunityIndex, target: CommunityIndex
              ) -> RankedMember:
    """The same member with each document's best item re-pointed from ``source`` to the item
    of the same key and chunk in ``target`` (both indexes chunk texts identically)."""
    docs = []
    for d in ranked.documents:
        ids = target.items.key_ids.get(d.key)
        if not ids:
            continue
        chunk = int(source.items.chunk[d.best_item])
        docs.append(DocScore(d.key, d.score, ids[min(chunk, len(ids) - 1)]))
    return RankedMember(ranked.member_id, ranked.score, tuple(docs))


def _shorten(text: str) -> str:
    text = " ".join(text.split())
    if len(text) <= SNIPPET_CHARS:
        return text
    cut = text[:SNIPPET_CHARS].rsplit(" ", 1)[0]
    return cut + " …"

