"""Who knows X: the Matcher, which runs a need through the pipeline

need analysis (``analysis.py``: language, route, glossary reading, cross-lingual query)
→ retrieval and fusion (``retrieval.py``) → aggregation into members (``aggregation.py``)
→ evidence (``evidence.py``),

each stage over the readers of one ``Snapshot`` held for the whole request, so item ids found by
a search always mean the same items when the evidence is read.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import overload

import numpy as np
import numpy.typing as npt

from indexing.community import Community
from indexing.settings import Settings
from indexing.vectors.filters import Access, SearchFilters
from indexing.vectors.reader import IndexReader
from matcher import rankings
from matcher.aggregation import DocScore, RankedMember
from matcher.analysis import CrossLingualSettings, analyse_need, cross_lingual_vector
from matcher.broad import (
    EXTRA_CANDIDATES,
    Hint,
    breadth,
    broad_hint,
    evidence_first,
    with_profile_evidence,
)
from matcher.errors import InvalidRequest, top_out_of_range
from matcher.evidence import Evidence, ExpertMatch, attach, candidates, explain
from matcher.glossary import Glossary, glossary_file, load_glossary
from matcher.languages import NeedLanguage
from matcher.places import NO_PLACE, PlaceReading, prefer_places, read_places
from matcher.query_vectors import QueryVectors, SentenceVectors
from matcher.rankings import first_members, picked_members, referred_members
from matcher.reach import Reach
from matcher.relevance import CANDIDATES, ScaleCache, ScaleMap, need_relevance, scale_anchors
from matcher.retrieval import fuse_routes, non_english_writers, rank_members
from matcher.snapshot import IndexName, Snapshot
from matcher.text_checks import check_countries, check_printable
from matcher.topic_say import Rejections, need_topic, rejections

__all__ = ["DocScore", "Evidence", "ExpertMatch", "ExpertResult", "Matcher", "RankedMember",
           "Snapshot"]



@dataclass(frozen=True)
class ExpertResult(Sequence[ExpertMatch]):
    """Who knows X: the ranked members with evidence (the sequence itself, best first), and
    how the need was read (its language and route)."""

    matches: list[ExpertMatch]
    language: NeedLanguage
    places: PlaceReading = NO_PLACE
    hint: Hint | None = None  # a broad or far need's advice (``broad.py``)

    @overload
    def __getitem__(self, index: int) -> ExpertMatch: ...

    @overload
    def __getitem__(self, index: slice) -> list[ExpertMatch]: ...

    def __getitem__(self, index: int | slice) -> ExpertMatch | list[ExpertMatch]:
        return self.matches[index]

    def __len__(self) -> int:
        return len(self.matches)


class Matcher:
    """The matching core used by the CLI, the API and the evaluation alike."""

    def __init__(self, community: Community, settings: Settings, glossary: Glossary | None
                 ) -> None:
        self.community = community
        self.settings = settings
        self.glossary = glossary
        self._sentences = SentenceVectors()  # profile sentences, across requests
        self._scale = ScaleCache(glossary.english if glossary is not None else [],
                                 scale_anchors())

    @property
    def cross_lingual(self) -> CrossLingualSettings:
        """What the cross-lingual query reads of the language and matching sections."""
        return CrossLingualSettings.of(self.settings.language, self.settings.matching)

    @classmethod
    def configured(cls, community: Community, settings: Settings | None = None) -> Matcher:
        """A matcher with these settings (default: the community's) and the glossary they
        name (GlossaryError for a bad one)."""
        s = settings or community.settings
        path = glossary_file(s.language.glossary)
        return cls(community, s, None if path is None else load_glossary(path))

    @contextlib.contextmanager
    def snapshot(self) -> Iterator[Snapshot]:
        """The readers for one request (English first, then multilingual: one lock order)."""
        ml_index = self.community.multilingual_index
        with self.community.index.reader() as english:
            if ml_index is None:
                yield Snapshot(english, None)
                return
            with ml_index.reader() as multilingual:
                yield Snapshot(english, multilingual)

    # -- public entry points -----------------------------------------------------------------
    def check_need(self, need: str) -> str:
        """The need, stripped; InvalidRequest naming field ``q`` if empty or too long."""
        text = check_printable("q", need).strip()
        if not text:
            raise InvalidRequest("q", "the need is empty", "empty")
        if len(text) > self.settings.matching.max_query_chars:
            limit = self.settings.matching.max_query_chars
            raise InvalidRequest("q", f"the need is longer than {limit} characters", "longer_than",
                                 {"limit": limit})
        return text

    def encode_need(self, need: str) -> npt.NDArray[np.float32]:
        return self.community.encoder.encode_queries([self.check_need(need)])[0]

    def find_experts(self, need: str, filters: SearchFilters | None = None,
                     access: Access | None = None, top: int = 10, places: bool = True
                     ) -> ExpertResult:
        """Ranked members for a free-text need, each with the contributions that matched,
        the need's language and route, and the places it names (preferred unless ``places``
        is False or the setting is off)."""
        if not 1 <= top <= self.settings.matching.max_top:
            raise top_out_of_range(self.settings.matching.max_top)
        check_countries("country", (filters or SearchFilters()).countries)
        text = self.check_need(need)
        language = self.need_language(text)
        reading = self.need_places(text) if places else NO_PLACE
        filters, access = filters or SearchFilters(), access or Access.public()
        vectors = self.need_vectors(text, language)  # encoded before the read locks
        with self.snapshot() as snap:
            # the relevance first: its searches go deeper than the ranking's, which the
            # reader then answers from them (IndexReader.search)
            relevance = need_relevance(self, snap, text, language, vectors,
                                       Reach(filters, access, CANDIDATES))
            ranked = self.rank_need(snap, need, Reach(filters, access, top), language, reading,
                                    vectors)
            shown = top + EXTRA_CANDIDATES  # evidence first may reach beyond top
            wanted = set(rankings.member_ids(ranked).tolist()[:shown])
            if not wanted <= set(rankings.member_ids(relevance).tolist()):  # a shown member
                relevance = need_relevance(self, snap, text, language, vectors,  # lies deeper
                                           Reach(filters, access, CANDIDATES, exhaustive=True))
            chosen = evidence_first(candidates(snap.english, ranked, self.settings.matching,
                                               relevance, shown))[:top]
            matches = attach(snap.english, chosen, on_relevance=True)
            share = breadth(relevance)
        matches = self.profile_evidence(text, language, matches, vectors)
        return ExpertResult(matches, language, reading, broad_hint(share, matches))

    def profile_evidence(self, text: str, language: NeedLanguage,
                         matches: Sequence[ExpertMatch], vectors: QueryVectors
                         ) -> list[ExpertMatch]:
        """The matches, each member found on the profile alone with the sentence of their bio
        that matched (read with the model of the need's route, outside the read locks)."""
        ids = [m.member.id for m in matches if not m.has_contribution]
        if not ids:
            return list(matches)
        bios = {mid: m.bio for mid, m in self.community.store.get_members(ids).items()}
        multilingual = (language.route == "multilingual"
                        and self.community.multilingual_index is not None)

        def encode(texts: list[str]) -> npt.NDArray[np.float32]:
            return self._sentences.vectors(texts, multilingual, vectors)

        need = vectors.multilingual(text) if multilingual else vectors.english(text)
        return with_profile_evidence(matches, bios, need, encode)

    def relevance_scale(self, snap: Snapshot, vectors: QueryVectors) -> ScaleMap | None:
        """The multilingual → English relevance line for this snapshot (``relevance.py``)."""
        return self._scale.scale(self, snap, vectors)

    def need_places(self, need: str) -> PlaceReading:
        """The places a need names and the countries they imply (NO_PLACE when the
        ``places`` setting is off)."""
        return NO_PLACE if self.settings.matching.places == "off" else read_places(need)

    def score_members(self, need: str, member_ids: Iterable[str],
                      access: Access | None = None) -> dict[str, float]:
        """Exhaustive scores of these members for a need (same ranking code as search)."""
        wanted = set(member_ids)
        with self.snapshot() as snap:
            ranked = self.rank_need(snap, need, Reach(
                SearchFilters(), access or Access(all_spaces=True), len(wanted) or 1, True))
            ids = rankings.member_ids(ranked).tolist()
            scores = rankings.member_scores(ranked).tolist()
        return {mid: score for mid, score in zip(ids, scores, strict=True) if mid in wanted}

    def need_vectors(self, text: str, language: NeedLanguage) -> QueryVectors:
        """The query vectors ``rank_need`` will read for this need, encoded now, outside the
        indexes' read locks (one pass per encoder): a write's index swap then waits for
        rankings in flight, never for their encodes queued behind other requests'."""
        vectors = QueryVectors.of(self.community)
        ml_index = self.community.multilingual_index
        if ml_index is None:
            vectors.prefetch([text], [])
        elif language.route == "multilingual":
            self.prefetch_with_scale(vectors, [language.gloss.text] if language.gloss else [],
                                     [text])
        elif language.route == "english":
            with self.community.index.reader() as reader:
                fused = bool(self.other_writers(reader))
            vectors.prefetch([text], [text] if fused else [])
        else:
            vectors.prefetch([text], [text])
        return vectors

    def prefetch_with_scale(self, vectors: QueryVectors, english: Sequence[str],
                            multilingual: Sequence[str]) -> None:
        """Encode a request's texts that a multilingual need's relevance reads, with the
        relevance line's terms the first time (once per process), one pass per encoder."""
        terms = self._scale.pending()
        vectors.prefetch([*english, *terms], [*multilingual, *terms])
        self._scale.prepare(vectors)

    def other_writers(self, english: IndexReader) -> frozenset[str]:
        """The members with non-English evidence whose multilingual ranking an English need's
        ranking is fused with (``with_other_writers``): none when the weight is 0 or the
        community keeps no multilingual index; computed once per index version."""
        if (self.settings.language.english_multilingual_weight <= 0
                or self.community.multilingual_index is None):
            return frozenset()
        return english.derived("non_english_writers", non_english_writers)

    def need_language(self, need: str) -> NeedLanguage:
        """The need's detected language, the index(es) that answer it, and its glossary
        reading when it is not English."""
        return analyse_need(need, self.settings.language, self.glossary,
                            self.community.multilingual_index is not None)

    # -- the pipeline ------------------------------------------------------------------------
    def rank_need(self, snap: Snapshot, need: str, reach: Reach,
                  language: NeedLanguage | None = None, places: PlaceReading | None = None,
                  vectors: QueryVectors | None = None) -> Sequence[RankedMember]:
        """Members for a need through its route; fused rankings are reciprocal-rank fused and
        their evidence refers to the English index (the one ``explain`` reads).

        A non-English need (route ``multilingual``) is answered by the multilingual index and
        by the English index queried with its glossary reading and cross-lingual feedback, the
        English ranking weighted ``cross_lingual_english_weight`` in the fusion
        (docs/QUALITY.md, Multilingual). Each index's ranking prefers members working in
        the places the need names (``places``, read from the need when None).
        """
        text = self.check_need(need)
        places = self.need_places(text) if places is None else places
        vectors = vectors or QueryVectors.of(self.community)  # else encoded as they are read
        ml_reader = snap.multilingual
        if ml_reader is None:  # one index answers: no language detection needed
            return self.rank(snap, need, vectors.english(text), reach, places=places)
        language = language or self.need_language(text)
        if language.route == "english":
            en_ranked = self.rank(snap, need, vectors.english(text), reach, places=places)
            return self.with_other_writers(snap, text, en_ranked, reach, places, vectors)
        ml_vector = vectors.multilingual(text)
        ml_ranked = self.rank(snap, need, ml_vector, reach, "multilingual", places)
        s = self.settings
        weights: tuple[float, float]
        if language.route == "multilingual":
            en_vector = cross_lingual_vector(ml_vector, language, reach, snap, vectors,
                                             self.cross_lingual)
            if en_vector is None:
                return referred_members(ml_ranked, ml_reader, snap.english)
            weights = (s.language.cross_lingual_english_weight, 1.0)
        else:
            en_vector, weights = vectors.english(text), (1.0, 1.0)
        en_ranked = self.rank(snap, need, en_vector, reach, places=places)
        return fuse_routes(en_ranked, ml_ranked, weights, s.matching.rrf_k, ml_reader, snap.english)

    def with_other_writers(self, snap: Snapshot, need: str, en_ranked: Sequence[RankedMember],
                           reach: Reach, places: PlaceReading, vectors: QueryVectors
                           ) -> Sequence[RankedMember]:
        """An English need's ranking fused (weight ``english_multilingual_weight``) with the
        multilingual index's ranking of the members who have non-English evidence; the English
        ranking itself when the weight is 0 or nobody writes another language."""
        ml_reader = snap.multilingual
        writers = self.other_writers(snap.english)
        if ml_reader is None or not writers:
            return en_ranked
        vector = vectors.multilingual(need)
        ml_ranked = picked_members(self.rank(snap, need, vector, reach, "multilingual", places),
                                   writers.__contains__)
        if not len(ml_ranked):
            return en_ranked
        weights = (1.0, self.settings.language.english_multilingual_weight)
        return fuse_routes(en_ranked, ml_ranked, weights, self.settings.matching.rrf_k, ml_reader,
                           snap.english)

    def rank(self, snap: Snapshot, need: str, vector: npt.NDArray[np.float32], reach: Reach,
             index: IndexName = "english", places: PlaceReading | None = None
             ) -> Sequence[RankedMember]:
        """Members ranked for one query vector by one index; filters act before truncation;
        members working in the ``places`` given preferred (docs/QUALITY.md, Places). None (the
        default of teams, similar members and the benchmarks) prefers no place: only
        ``rank_need`` (who knows X) reads the need's places."""
        reader = snap.english if index == "english" else snap.multilingual
        if reader is None:
            raise ValueError("this community keeps no multilingual index")
        said = self.rejections(reader)
        deeper = reach.to(reach.top + len(said.by_member)) if said else reach
        ranked = rank_members(reader, need, vector, deeper, self.settings.matching,
                              self.community.store.lexical_search)
        if said:  # members who rejected the topic the need falls in (topic_say.py)
            topic = need_topic(ranked, said.assignments)
            ranked = picked_members(ranked, lambda m: topic not in said.by_member.get(m, ()))
            ranked = first_members(ranked, reach.top)
        if places is None or places.empty:  # keep the lazy ranking when no place is named
            return ranked
        return prefer_places(ranked, reader.catalog, places, self.settings.matching.place_boost)

    def rejections(self, reader: IndexReader) -> Rejections:
        """The topics members rejected, resolved once per index version (``topic_say.py``)."""
        store = self.community.store
        return reader.derived("topic_rejections",
                              lambda catalog: rejections(catalog.members, store.topic_model))

    def explain(self, snap: Snapshot, ranked: Sequence[RankedMember],
                relevance: Sequence[RankedMember] | None = None) -> list[ExpertMatch]:
        """Attach member facts and the best contributions (title, type, date, snippet); with
        ``relevance`` (``need_relevance``), each member's score and evidence scores are their
        relevance (the order stays ``ranked``'s)."""
        return explain(snap.english, ranked, self.settings.matching, relevance)

