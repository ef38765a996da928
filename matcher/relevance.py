"""Relevance: one scale for who knows X, teams and invitations, in every language and route.

**The scale** is the English model's (all-MiniLM-L6-v2) aggregated cosine between the need and
a member's documents (``aggregation``), as an English need gets it from the English index. What
a route ranks by differs (reciprocal-rank fusion of two indexes, a cross-lingual query built
with feedback, the multilingual model's cosine); what a coordinator reads beside a name is this
relevance, so "0.6" means the same for a French need as for its English twin:

* an English need (route ``english``/``fused``, or a community with one index): the English
  index's score for the need's own vector;
* a need in another language with a glossary reading: the English index queried with the
  route's English reading (glossary reading + cross-lingual feedback), its scores shifted down
  to where the plain reading's ``CALIBRATION_TOP`` best members lie (the feedback pulls every
  document closer to the query), for the share of the need's words the reading covers, and to
  the multilingual model's level (below) for the rest (``read_level``);
* a need in another language without a glossary reading: the multilingual model's own
  closeness to the community's documents says how related the need is, whatever its
  language; its ``CALIBRATION_TOP`` best members' mean is brought to the English scale by a
  line fitted on the community's own glossary terms in English (``ScaleMap``: English top-k
  mean against multilingual top-k mean for the same term, fitted again when the community has
  changed by more than 1 %), and the ranking shifted to that level. Below the terms' range the
  map runs to where needs unrelated to the community lie (``data/scale_anchors.txt``, encoded
  and ranked like the terms), so an unrelated need reads low in every language.

Without a glossary (no terms to fit the line) the last case keeps the route's own scores.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Protocol

import numpy as np
import numpy.typing as npt

from indexing.settings import Settings
from indexing.vectors.filters import Access, SearchFilters
from matcher.aggregation import DocScore, RankedMember
from matcher.analysis import CrossLingualSettings, cross_lingual_vector
from matcher.languages import NeedLanguage
from matcher.places import PlaceReading
from matcher.query_vectors import QueryVectors
from matcher.rankings import ArrayRanking, member_ids, member_scores, referred_members
from matcher.reach import Reach
from matcher.snapshot import IndexName, Snapshot


class Ranker(Protocol):
    """What relevance asks of the matcher (``matcher.experts.Matcher``)."""

    settings: Settings

    @property
    def cross_lingual(self) -> CrossLingualSettings: ...

    def check_need(self, need: str) -> str: ...

    def relevance_scale(self, snap: Snapshot, vectors: QueryVectors) -> ScaleMap | None: ...

    def snapshot(self) -> AbstractContextManager[Snapshot]: ...

    def rank(self, snap: Snapshot, need: str, vector: npt.NDArray[np.float32], reach: Reach,
             index: IndexName = "english", places: PlaceReading | None = None
             ) -> Sequence[RankedMember]: ...

CANDIDATES = 50  # members ranked for relevance (more only when a shown member lies beyond)
CALIBRATION_TOP = 10  # members whose scores set a cross-lingual need's scale
REFIT_SHARE = 0.01  # the line is fitted again when the public items change by more than this
REFIT_INTERVAL_S = 30.0  # and at most once per this many seconds (in the background)
SCALE_TERMS = 80  # glossary terms (English) the multilingual → English line is fitted on
Vector = npt.NDArray[np.float32]
log = logging.getLogger(__name__)


ANCHORS_FILE = Path(__file__).parent / "data" / "scale_anchors.txt"
KNEE_QUANTILE = 10  # percentile of the terms' multilingual level below which anchors take over


def scale_anchors() -> list[str]:
    """Needs unrelated to any water community (``data/scale_anchors.txt``)."""
    lines = ANCHORS_FILE.read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


@dataclass(frozen=True)
class ScaleMap:
    """English top-k mean ≈ ``intercept + slope ×`` multilingual top-k mean (for one need),
    fitted on the community's terms; below the terms' range (``low``: the unrelated anchors'
    mean levels and the knee, a low percentile of the terms' multilingual levels) the map runs
    straight from the line at the knee to the anchors, so an unrelated need lands where
    unrelated English needs do instead of on the line's intercept."""

    intercept: float
    slope: float
    low: tuple[float, float, float] | None = None  # anchors' (multilingual, English), knee

    def line(self, multilingual: float) -> float:
        return self.intercept + self.slope * multilingual

    def english(self, multilingual: float) -> float:
        if self.low is None or multilingual >= self.low[2]:
            return self.line(multilingual)
        ax, ay, knee = self.low
        if multilingual <= ax:
            return ay - self.slope * (ax - multilingual)
        return ay + (self.line(knee) - ay) * (multilingual - ax) / (knee - ax)


def top_mean(ranked: Sequence[RankedMember], k: int = CALIBRATION_TOP) -> float | None:
    """The mean of the ``k`` best member scores, read from the ranking's scores (reading its
    members would build each with all its documents)."""
    scores = member_scores(ranked)[:k]
    return float(scores.mean()) if len(scores) else None


def shifted(ranked: Sequence[RankedMember], shift: float) -> ArrayRanking:
    """The ranking with every member's and document's score lowered by ``shift`` (a member is
    built when read, as in ``rankings.py``)."""
    def build(i: int) -> RankedMember:
        r = ranked[i]
        return RankedMember(r.member_id, r.score - shift,
                            tuple(DocScore(d.key, d.score - shift, d.best_item)
                                  for d in r.documents))

    return ArrayRanking(member_ids(ranked), member_scores(ranked) - shift, build)


def calibrated(ranked: Sequence[RankedMember], reading: Sequence[RankedMember],
               k: int = CALIBRATION_TOP) -> Sequence[RankedMember]:
    """The cross-lingual ranking with its scores brought to the English scale.

    The cross-lingual query adds the English vectors of real documents (feedback) to the
    glossary reading, so every document comes closer to it: on the sample, the best cosines of
    "alerte précoce aux inondations" are ~0.15 above those of "flood early warning", and members
    off the topic would clear the coverage threshold. The shift is measured per need, as the
    mean of the ``k`` best member scores of the cross-lingual query minus that of the reading
    alone (a plain English query), and subtracted when positive; the order is unchanged."""
    return lowered_to(ranked, top_mean(reading, k), k)


def lowered_to(ranked: Sequence[RankedMember], level: float | None,
               k: int = CALIBRATION_TOP) -> Sequence[RankedMember]:
    """The ranking shifted down so that its ``k`` best members' mean is ``level`` (unchanged
    when it already lies at or below it, or when either is unknown)."""
    top = top_mean(ranked, k)
    if top is None or level is None or top <= level:
        return ranked
    return shifted(ranked, top - level)


class ScaleCache:
    """The community's ``ScaleMap``, fitted on the glossary's English terms at the first request
    that needs it; their vectors are encoded once per process (``prepare``, called before a
    request takes the read locks).

    Fitted again when the public items have changed by more than ``REFIT_SHARE`` since (a write
    of a few records moves the line by far less than its own error), **in the background**: a
    fit ranks every term twice (~0.6 s on the sample), which the request that found the line
    stale, and every request waiting behind it, would otherwise pay (issue #33: under ~5 %
    writes the fits took ~8 % of a worker's time). The kept line serves until the new one is
    in; at most one fit runs at a time, at most one per ``REFIT_INTERVAL_S``, each term ranked
    under its own short snapshot so that no write waits for the whole fit."""

    def __init__(self, terms: Sequence[str], anchors: Sequence[str] = ()) -> None:
        step = max(1, len(terms) // SCALE_TERMS)
        fitted_on = list(dict.fromkeys(terms))[::step][:SCALE_TERMS]
        self.anchors = frozenset(anchors) - set(fitted_on)
        self.terms = fitted_on + sorted(self.anchors) if len(fitted_on) >= 3 else fitted_on
        self._vectors: tuple[Vector, Vector] | None = None
        # the kept line: the index versions it serves, the line, the public items it was fitted
        # over, when its fit started (read and written under ``_fitting`` only)
        self._kept: _Kept | None = None
        self._refitting: threading.Thread | None = None
        self._lock = threading.Lock()  # the terms' vectors
        self._fitting = threading.Lock()

    def is_anchor(self, term: str) -> bool:
        return term in self.anchors

    def pending(self) -> list[str]:
        """The terms still to encode (none once ``prepare`` has run), for a request to encode
        with its own texts in one pass per encoder."""
        return [] if self._vectors is not None or len(self.terms) < 3 else list(self.terms)

    def prepare(self, vectors: QueryVectors) -> tuple[Vector, Vector] | None:
        """The terms' English and multilingual vectors (encoded at the first call)."""
        if len(self.terms) < 3:
            return None
        with self._lock:
            if self._vectors is None:
                vectors.prefetch(self.terms, self.terms)
                self._vectors = (np.stack([vectors.english(t) for t in self.terms]),
                                 np.stack([vectors.multilingual(t) for t in self.terms]))
            return self._vectors

    def scale(self, matcher: Ranker, snap: Snapshot, vectors: QueryVectors) -> ScaleMap | None:
        """The line for this snapshot's indexes (None without a multilingual index or enough
        glossary terms): fitted here the first time, kept (and refitted aside) after."""
        ml = snap.multilingual
        if ml is None:
            return None
        key = (snap.english.version, ml.version)
        with self._fitting:
            kept = self._kept
            if kept is not None and kept.key == key:
                return kept.line
            size = snap.english.count_allowed(SearchFilters(), Access.public())
            if kept is not None and kept.line is not None:
                if abs(size - kept.size) <= REFIT_SHARE * kept.size:
                    self._kept = replace(kept, key=key)  # close enough: this version's line
                elif (time.monotonic() - kept.started >= REFIT_INTERVAL_S
                        and (self._refitting is None or not self._refitting.is_alive())):
                    self._refitting = threading.Thread(
                        target=self._refit, args=(matcher, size), name="relevance-refit",
                        daemon=True)
                    self._refitting.start()
                # a refit due but not started yet (too soon, or one under way) keeps the key
                # stale, so that a later request starts it even if no write comes after
                return kept.line
            started = time.monotonic()
            probes = self.prepare(vectors)
            fitted = None if probes is None else _fit(
                lambda term, en, ml_v: _levels(matcher, snap, term, en, ml_v), self.terms,
                probes, self.is_anchor)
            self._kept = _Kept(key, fitted, size, started)  # one version kept
            return fitted

    def _refit(self, matcher: Ranker, size: int) -> None:
        """Fit the line again, each term under its own snapshot, and keep it."""
        started = time.monotonic()
        probes = self._vectors
        if probes is None:
            return

        def levels(term: str, en: Vector, ml_v: Vector) -> tuple[float | None, float | None]:
            with matcher.snapshot() as snap:
                return _levels(matcher, snap, term, en, ml_v)

        try:
            fitted = _fit(levels, self.terms, probes, self.is_anchor)
        except Exception:  # the kept line stays; the next stale request tries again
            log.exception("the relevance line could not be fitted again")
            return
        if fitted is None:
            return
        with self._fitting:  # served from the next request on, whatever version it reads
            self._kept = _Kept((-1, -1), fitted, size, started)


@dataclass(frozen=True)
class _Kept:
    key: tuple[int, int]
    line: ScaleMap | None
    size: int
    started: float


def _levels(matcher: Ranker, snap: Snapshot, term: str, english: Vector, multilingual: Vector
            ) -> tuple[float | None, float | None]:
    """A term's (multilingual, English) top-k means, over what the public sees."""
    reach = Reach.of(None, None, CALIBRATION_TOP)
    return (top_mean(matcher.rank(snap, term, multilingual, reach, index="multilingual")),
            top_mean(matcher.rank(snap, term, english, reach)))


def _fit(levels: Callable[[str, Vector, Vector], tuple[float | None, float | None]],
         terms: Sequence[str], vectors: tuple[Vector, Vector], anchor: Callable[[str], bool]
         ) -> ScaleMap | None:
    """Least-squares line through (multilingual top-k mean, English top-k mean) of the terms,
    over what the public sees (a calibration never depends on the caller); the anchors'
    mean sets the map below the terms' range (``ScaleMap``)."""
    xs: list[float] = []
    ys: list[float] = []
    anchor_xs: list[float] = []
    anchor_ys: list[float] = []
    for term, en_v, ml_v in zip(terms, *vectors, strict=True):
        x, y = levels(term, en_v, ml_v)
        if x is not None and y is not None:
            (anchor_xs if anchor(term) else xs).append(x)
            (anchor_ys if anchor(term) else ys).append(y)
    if len(xs) < 3 or float(np.std(xs)) == 0.0:
        return None
    slope, intercept = np.polyfit(np.asarray(xs), np.asarray(ys), 1)
    line = ScaleMap(float(intercept), float(slope))
    if not anchor_xs:
        return line
    ax, ay = float(np.mean(anchor_xs)), float(np.mean(anchor_ys))
    knee = float(np.percentile(xs, KNEE_QUANTILE))
    if not (ax < knee and ay < line.line(knee)):  # the anchors are not below the terms
        return line
    return ScaleMap(line.intercept, line.slope, (ax, ay, knee))


def need_relevance(matcher: Ranker, snap: Snapshot, need: str, language: NeedLanguage,
                   vectors: QueryVectors, reach: Reach) -> Sequence[RankedMember]:
    """Members with their relevance (module doc) for one need through its language route,
    best first (``reach.top`` of them, ``CANDIDATES`` in the answers; every member the filters
    let through when the reach is exhaustive)."""
    return _relevance(matcher, snap, matcher.check_need(need), language, vectors, reach)


def _relevance(matcher: Ranker, snap: Snapshot, text: str, language: NeedLanguage,
               vectors: QueryVectors, reach: Reach) -> Sequence[RankedMember]:
    if language.route != "multilingual" or snap.multilingual is None:
        return matcher.rank(snap, text, vectors.english(text), reach)
    ml_vector = vectors.multilingual(text)
    en_vector = None if language.gloss is None else cross_lingual_vector(
        ml_vector, language, reach, snap, vectors, matcher.cross_lingual)
    ml_ranked = matcher.rank(snap, text, ml_vector, reach.to(max(reach.top, CALIBRATION_TOP)),
                             index="multilingual")
    scale = matcher.relevance_scale(snap, vectors)
    level = top_mean(ml_ranked)
    if language.gloss is not None and en_vector is not None:
        ranked = matcher.rank(snap, text, en_vector, reach)
        reading = top_mean(matcher.rank(snap, text, vectors.english(language.gloss.text),
                                        reach.to(CALIBRATION_TOP, exhaustive=False)))
        return lowered_to(ranked, read_level(reading, language.gloss.coverage, scale, level))
    if scale is None or level is None:  # no line: the route's own scores
        if language.gloss is None:  # its cross-lingual query is the feedback alone
            en_vector = cross_lingual_vector(ml_vector, language, reach, snap, vectors,
                                             matcher.cross_lingual)
        if en_vector is not None:
            return matcher.rank(snap, text, en_vector, reach)
        return referred_members(ml_ranked, snap.multilingual, snap.english)
    # the multilingual model's own closeness, not the feedback query's: that query is made of
    # the best documents, which then score far above the rest (an unrelated need's top member
    # read 0.34 against 0.14 in English)
    referred = referred_members(ml_ranked, snap.multilingual, snap.english)
    return shifted(referred, level - scale.english(level))


def read_level(reading: float | None, coverage: float, scale: ScaleMap | None,
               multilingual: float | None) -> float | None:
    """Where a need with a glossary reading lies on the scale: its English reading's level,
    for the share of the need's content words the reading covers, and for the rest the
    multilingual model's own closeness brought to the scale (a one-word reading of a long
    need, "recette" read as "revenue" in a cake recipe, says little about the rest)."""
    if reading is None or scale is None or multilingual is None:
        return reading
    share = min(1.0, max(0.0, coverage))
    return share * reading + (1 - share) * scale.english(multilingual)


def on_scale(score: float) -> float:
    """A relevance as shown: within [0, 1], four decimals."""
    return round(min(1.0, max(0.0, score)), 4)
