"""The knowledge map, computed on demand and cached: ``KnowledgeMapper.build(access)``.

The topic model (clusters of every contribution, ids stable across recomputation) is the
community's: it is computed from all contributions once per state of the store (its fingerprint:
ids, text hashes, the encoder) and kept in the store, so another process (the CLI, a restarted
service) reuses it. What a caller is shown is computed from what they may see: contributions in
spaces they do not hold and hidden authors are left out before anything is counted, labelled or
mapped, and a topic with no visible contribution is absent. Views are cached per index version,
model, visible spaces and year window.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import threading
from collections import Counter, defaultdict
from collections.abc import Hashable, Mapping, Sequence

import numpy as np

from indexing.schema import contribution_key
from indexing.store.topics import StoredTopics
from indexing.vectors.catalog import MemberInfo
from indexing.vectors.reader import IndexReader
from matcher.errors import InvalidRequest
from matcher.experts import Matcher, Snapshot
from matcher.filters import Access, SearchFilters
from matcher.knowledge_map.clustering import Vectors, fingerprint, fit_topics
from matcher.knowledge_map.files import Charter, Taxonomy, load_charter, load_taxonomy
from matcher.knowledge_map.model import (
    CharterSummary,
    KnowledgeMap,
    ScopeCoverage,
    ScopeStatus,
    TaxonomyGap,
    TaxonomyMatch,
    ThinSpot,
)
from matcher.knowledge_map.signals import (
    Evidence,
    bus_factor,
    describe_topics,
    find_bridges,
    periphery_experts,
    thin_spots,
)
from matcher.knowledge_map.terms import topic_terms
from matcher.knowledge_map.thin import area_thinness
from matcher.reach import Reach
from matcher.topic_say import rejections

log = logging.getLogger(__name__)

VIEWS_KEPT = 32
TAXONOMY_MIN_COS = 0.45  # below it a topic is left unmapped (docs/QUALITY.md)
SCOPE_TOP = 10
THIN_SCOPE = 2  # a scope area covered by this many members or fewer is thin
# a scope area whose nearest topic is farther (cosine of the area read as a need and the
# topic's centre) has no knowledge of its own: members near it do not make it covered
# (sample: in-scope areas 0.64-0.75, "Hydropower and dam safety" 0.55; docs/QUALITY.md)
SCOPE_TOPIC_MIN = 0.60
YEARS = (1900, 2100)


class KnowledgeMapper:
    """Builds knowledge maps for one community's matcher; one per process (thread-safe)."""

    def __init__(self, matcher: Matcher, charter: Charter | None = None,
                 taxonomy: Taxonomy | None = None) -> None:
        self.matcher = matcher
        self.charter = charter
        self.taxonomy = taxonomy
        self._lock = threading.Lock()
        self._model: tuple[int, StoredTopics] | None = None  # (index version, model)
        self._views: dict[tuple[object, ...], KnowledgeMap] = {}
        self._taxonomy_vectors: Vectors | None = None

    @classmethod
    def configured(cls, matcher: Matcher) -> KnowledgeMapper:
        """A mapper with the charter and taxonomy the settings name (MapFileError if bad)."""
        s = matcher.settings.map
        return cls(matcher, load_charter(s.map_charter) if s.map_charter else None,
                   load_taxonomy(s.map_taxonomy) if s.map_taxonomy else None)

    # -- public entry point ------------------------------------------------------------------
    def build(self, access: Access, from_year: int | None = None, to_year: int | None = None,
              recompute: bool = False) -> KnowledgeMap:
        """The map as this caller may see it, for contributions dated in the year window."""
        check_years(from_year, to_year)
        with self._lock, self.matcher.snapshot() as snap:
            reader = snap.english
            model = self._topic_model(reader, recompute)
            spaces = visible_spaces(reader, access)
            key = (reader.version, model.fingerprint, spaces, from_year, to_year)
            found = self._views.get(key)
            if found is None:
                found = self._view(snap, model, access, spaces, from_year, to_year)
                if len(self._views) >= VIEWS_KEPT:
                    self._views.clear()
                self._views[key] = found
            return found

    # -- the topic model ---------------------------------------------------------------------
    def _topic_model(self, reader: IndexReader, recompute: bool) -> StoredTopics:
        if not recompute and self._model is not None and self._model[0] == reader.version:
            return self._model[1]
        store = self.matcher.community.store
        metas = reader.catalog.contributions
        ids = sorted(metas)
        fp = fingerprint([json.dumps(self.matcher.community.index.fingerprint(), sort_keys=True)]
                         + [f"{c}:{metas[c].text_hash}" for c in ids])
        stored = store.topic_model()
        if not recompute and stored is not None and stored.fingerprint == fp:
            model = stored
        else:
            found, vectors = reader.document_vectors([contribution_key(c) for c in ids])
            model = fit_topics([k.record_id for k in found], vectors, fp, stored)
            store.save_topic_model(model)
            log.info("knowledge map: %d topics over %d contributions", len(model.centroids),
                     len(found))
        self._model = (reader.version, model)
        self._views.clear()
        return model

    # -- one caller's view -------------------------------------------------------------------
    def _view(self, snap: Snapshot, model: StoredTopics, access: Access,
              spaces: tuple[str, ...], from_year: int | None, to_year: int | None
              ) -> KnowledgeMap:
        reader = snap.english
        catalog = reader.catalog
        members = catalog.members
        chosen: list[tuple[str, str, dt.date, tuple[str, ...]]] = []
        rejected = rejections(members, lambda: model).by_member  # members' word (#29)
        for cid, topic in model.assignments.items():
            meta = catalog.contributions.get(cid)
            if meta is None or not access.may_see(meta.space):
                continue
            date = dt.date.fromisoformat(meta.date)
            if (from_year and date.year < from_year) or (to_year and date.year > to_year):
                continue
            authors = tuple(a for a in meta.authors if a in members and not members[a].hidden
                            and topic not in rejected.get(a, ()))
            if authors:
                chosen.append((cid, topic, date, authors))
        keys, vectors = reader.document_vectors([contribution_key(c[0]) for c in chosen])
        row = {k.record_id: i for i, k in enumerate(keys)}
        chosen = [c for c in chosen if c[0] in row]
        evidence = [Evidence(cid, topic, date, authors,
                             float(vectors[row[cid]] @ model.centroids[topic]))
                    for cid, topic, date, authors in chosen]
        centres = _visible_centres(evidence, row, vectors)
        texts = self._texts(evidence)
        terms = topic_terms(texts)
        mapped = self._map_to_taxonomy(centres)
        as_of = max((e.date for e in evidence), default=dt.date.today())
        topics = describe_topics(evidence, members, catalog.organisations, terms, mapped, as_of)
        labels = {t.id: t.label for t in topics}
        scope = self._scope(snap, access, centres, labels)
        charter = self.charter
        return KnowledgeMap(
            computed_at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            model_computed_at=model.computed_at, visibility=_visibility(spaces),
            as_of=as_of.isoformat() if evidence else None, from_year=from_year, to_year=to_year,
            contributions=len(evidence), topics=tuple(topics),
            thin_spots=tuple(self._taxonomy_thin_spots(evidence, vectors, row, members)
                             if self.taxonomy is not None and evidence
                             else thin_spots(topics)),
            bridges=tuple(find_bridges(evidence, members)),
            rising=tuple(t.id for t in topics if t.trend.direction in ("rising", "new")),
            fading=tuple(t.id for t in topics if t.trend.direction == "fading"),
            periphery=tuple(periphery_experts(topics)),
            taxonomy_gaps=tuple(self._taxonomy_gaps(mapped)),
            charter=CharterSummary(charter.name, charter.purpose, tuple(charter.objectives))
            if charter else None,
            scope=tuple(scope),
        )

    def _texts(self, evidence: Sequence[Evidence]) -> dict[str, list[str]]:
        records = self.matcher.community.store.get_contributions(e.id for e in evidence)
        texts: dict[str, list[str]] = defaultdict(list)
        for e in evidence:
            record = records.get(e.id)
            if record is not None:
                texts[e.topic].append(f"{record.title}\n{record.text}")
        return texts

    def _taxonomy_labels(self) -> Vectors:
        """The taxonomy's entries encoded as "topic: subtopic" (once)."""
        assert self.taxonomy is not None
        if self._taxonomy_vectors is None:
            texts = [f"{t.label}: {s.label}" if s else t.label for t, s in self.taxonomy.entries()]
            self._taxonomy_vectors = self.matcher.community.encoder.encode_queries(texts)
        return self._taxonomy_vectors

    def _taxonomy_thin_spots(self, evidence: Sequence[Evidence], vectors: Vectors,
                             row: Mapping[str, int], members: Mapping[str, MemberInfo]
                             ) -> list[ThinSpot]:
        """Thin taxonomy entries (``thin.py``): each visible contribution goes to its nearest
        entry; an entry is judged on the contributions it gets."""
        assert self.taxonomy is not None
        entries = self.taxonomy.entries()
        sims = vectors[[row[e.id] for e in evidence]] @ self._taxonomy_labels().T
        nearest = np.argmax(sims, axis=1)
        area_of: dict[str, Hashable] = {e.id: int(a) for e, a in
                                        zip(evidence, nearest.tolist(), strict=True)}
        positions: dict[int, list[int]] = defaultdict(list)
        for i, a in enumerate(nearest.tolist()):
            positions[int(a)].append(i)
        standing = area_thinness(area_of, {e.id: e.authors for e in evidence}, members)
        out = []
        for area, at in sorted(positions.items()):
            st = standing[area]
            if not st.reasons:
                continue
            t, sub = entries[area]
            main = Counter(evidence[i].topic for i in at).most_common(1)[0][0]
            closeness = float(np.mean(sims[at, area]))
            out.append(ThinSpot(
                main, f"{t.label}: {sub.label}" if sub else t.label, st.reasons,
                bus_factor([evidence[i].authors for i in at]), st.members, st.primary_experts,
                st.contributions, TaxonomyMatch(t.slug, t.label, sub.slug if sub else None,
                                                sub.label if sub else None,
                                                round(closeness, 4))))
        return sorted(out, key=lambda s: (s.primary_experts, -s.contributions, s.label))

    def _map_to_taxonomy(self, centres: Mapping[str, Vectors]) -> dict[str, TaxonomyMatch | None]:
        if self.taxonomy is None or not centres:
            return {}
        entries = self.taxonomy.entries()
        out: dict[str, TaxonomyMatch | None] = {}
        for topic_id, centre in centres.items():
            sims = self._taxonomy_labels() @ centre
            best = int(np.argmax(sims))
            t, s = entries[best]
            out[topic_id] = TaxonomyMatch(t.slug, t.label, s.slug if s else None,
                                          s.label if s else None, round(float(sims[best]), 4)
                                          ) if sims[best] >= TAXONOMY_MIN_COS else None
        return out

    def _taxonomy_gaps(self, mapped: Mapping[str, TaxonomyMatch | None]) -> list[TaxonomyGap]:
        if self.taxonomy is None:
            return []
        held = {(m.topic, m.subtopic) for m in mapped.values() if m is not None}
        return [TaxonomyGap(t.slug, t.label, s.slug if s else None, s.label if s else None)
                for t, s in self.taxonomy.entries() if (t.slug, s.slug if s else None) not in held]

    def _scope(self, snap: Snapshot, access: Access, centres: Mapping[str, Vectors],
               labels: Mapping[str, str]) -> list[ScopeCoverage]:
        """Each charter scope area matched like a need (the Matcher's ranking)."""
        if self.charter is None:
            return []
        threshold = self.matcher.settings.teams.team_coverage_threshold
        ids = sorted(centres)
        matrix = np.vstack([centres[t] for t in ids]) if ids else None
        out = []
        for area in self.charter.scope_areas:
            ranked = self.matcher.rank_need(snap, area.need,
                                            Reach(SearchFilters(), access, SCOPE_TOP))
            covering = [r for r in ranked if r.score >= threshold]
            nearest, near_score = None, None
            if matrix is not None:
                sims = matrix @ self.matcher.encode_need(area.need)
                best = int(np.argmax(sims))
                nearest, near_score = ids[best], round(float(sims[best]), 4)
            status: ScopeStatus = (
                "none" if not covering else
                "gap" if near_score is None or near_score < SCOPE_TOPIC_MIN else
                "thin" if len(covering) <= THIN_SCOPE else "covered")
            out.append(ScopeCoverage(
                area.id, area.title, status, len(covering),
                round(ranked[0].score, 4) if ranked else None,
                tuple(r.member_id for r in covering[:3]), nearest, near_score))
        return out


def check_years(from_year: int | None, to_year: int | None) -> None:
    """InvalidRequest naming the field of a year outside 1900..2100 or a reversed range."""
    for name, year in (("from_year", from_year), ("to_year", to_year)):
        if year is not None and not YEARS[0] <= year <= YEARS[1]:
            raise InvalidRequest(name, f"must be between {YEARS[0]} and {YEARS[1]}", "between",
                                 {"low": YEARS[0], "high": YEARS[1]})
    if from_year is not None and to_year is not None and to_year < from_year:
        raise InvalidRequest("to_year", f"{to_year} is before from_year {from_year}",
                             "year_order", {"from_year": from_year, "to_year": to_year})


def visible_spaces(reader: IndexReader, access: Access) -> tuple[str, ...]:
    """The community's spaces this caller may see (the map's cache key for access)."""
    spaces = {m.space for m in reader.catalog.contributions.values()}
    return tuple(sorted(s for s in spaces if access.may_see(s)))


def _visibility(spaces: tuple[str, ...]) -> str:
    """What the map was computed from: "public", or "public + " the private spaces seen."""
    private = [s for s in spaces if s != "public"]
    return "public" if not private else "public + " + ", ".join(private)


def _visible_centres(evidence: Sequence[Evidence], row: Mapping[str, int], vectors: Vectors
                     ) -> dict[str, Vectors]:
    """Each topic's centre from the visible contributions only (normalised mean)."""
    grouped: dict[str, list[int]] = defaultdict(list)
    for e in evidence:
        grouped[e.topic].append(row[e.id])
    out = {}
    for topic, rows in grouped.items():
        mean = vectors[rows].mean(axis=0)
        out[topic] = (mean / max(float(np.linalg.norm(mean)), 1e-12)).astype(np.float32)
    return out
