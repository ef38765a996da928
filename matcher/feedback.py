"""Coordinators' feedback and what the ranking does with it (issue #20).

``Feedback(matcher)`` wraps the matcher's answers for the HTTP service and the CLI:

* every /experts, team and invitation answer is stored as a *suggestion* (``record_suggestions``)
  and carries its ``suggestion_id``; a caller's ``project_id`` goes with it; every suggested
  member keeps the re-ranking features (teams and invitations too, issue #30), so an outcome on
  any of them is a training row;
* feedback (``give``) names a suggestion (the member must be one it suggested) or only a
  project (the member must exist), and an outcome (``indexing/store/feedback.py``);
* a member declined (either way) or judged not relevant for a project is not suggested again
  for that project: they are excluded, as ``exclude_members`` would, from /experts, teams and
  invitations that carry the same ``project_id``;
* ``declined_busy`` caps the member in teams and invitations for ``busy_cooldown_days``;
* the learned model (``reranker.py``, fitted by ``learn``) re-orders who knows X;
* fair exposure (``exposure.py``): shows are counted when the caller marks the answer shown
  and ``fair_exposure`` is not ``off``; with ``cap`` the most-shown members are capped.

The model is read from the store by version on each answer (one indexed read) and kept parsed
while the version is unchanged, so several replicas over one store serve the same model.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from indexing.schema import ItemKey
from indexing.store import Store
from indexing.store.feedback import FeedbackEntry, FeedbackStore
from indexing.store.suggestion_log import SuggestionLog
from indexing.store.suggestions import SuggestedMember, SuggestionKind
from indexing.vectors.catalog import MemberInfo
from matcher.broad import evidence_first
from matcher.directory import check_types
from matcher.evidence import Evidence, ExpertMatch
from matcher.experts import ExpertResult, Matcher
from matcher.exposure import ExposureReport, ExposureWindow, capped_last, exposure_report
from matcher.filters import Access
from matcher.invitations import InvitationResult, suggest_invitations
from matcher.needs import ProjectRequest
from matcher.project_tracking import check_project, note_considered
from matcher.requests import (
    Asker,
    ExpertsRequest,
    InvitationsRequest,
    SimilarRequest,
    TeamRequest,
    Tracking,
)
from matcher.reranker import (
    MODEL_NAME,
    PAST_OUTCOMES,
    LearnReport,
    RankingModel,
    learn,
    member_features,
    rerank,
)
from matcher.similar import SimilarMember, similar_members
from matcher.teams import NeedEvidence, TeamResult, suggest_team

LEXICAL_HITS = 200
SUGGESTION_SETTLE_S = 2.0  # feedback waits this long for another process's suggestion


@dataclass(frozen=True)
class ExpertsAnswer:
    """Who knows X, the id it was stored under (None with ``record_suggestions`` off) and
    whether the learned model ordered it."""

    result: ExpertResult
    suggestion_id: str | None
    learned: bool


@dataclass(frozen=True)
class TeamAnswer:
    result: TeamResult
    suggestion_id: str | None


@dataclass(frozen=True)
class InvitationsAnswer:
    result: InvitationResult
    suggestion_id: str | None


def _since(days: int) -> str:
    return (dt.datetime.now(dt.UTC) - dt.timedelta(days=days)).isoformat(timespec="seconds")


# a need in English and one in another language that names a place: every route of a need
WARM_NEEDS = ("reducing non-revenue water in intermittent supply systems",
              "réutilisation des eaux usées traitées pour l'irrigation au Maroc")


class Feedback:
    """Suggestions, feedback, the learned ranking and fair exposure over one matcher."""

    def __init__(self, matcher: Matcher, log: SuggestionLog | None = None) -> None:
        self.matcher = matcher
        self.settings = matcher.settings
        self.store: FeedbackStore = matcher.community.store.feedback()
        # the service commits suggestions in groups and prunes them past their retention
        # (suggestion_log.py, ``Feedback.service``); others write at once
        self.log = log or SuggestionLog(self.store)
        self._model: RankingModel | None = None
        self._lock = threading.Lock()

    @classmethod
    def service(cls, matcher: Matcher, flush_ms: float) -> Feedback:
        """The service's: suggestions committed every ``flush_ms``, pruned hourly."""
        feedback = cls(matcher)
        feedback.log = SuggestionLog(feedback.store, flush_ms, prune=feedback.prune_expired)
        return feedback

    def community_store(self) -> Store:
        """The community's store (keys are checked against it)."""
        return self.matcher.community.store

    # -- what limits an answer ---------------------------------------------------------------
    def model(self) -> RankingModel | None:
        """The stored model, None when there is none or ``learned_ranking`` is off."""
        if self.settings.feedback.learned_ranking == "off":
            return None
        version = self.store.model_version(MODEL_NAME)
        if version is None:
            return None
        with self._lock:
            if self._model is None or self._model.version != version:
                stored = self.store.model(MODEL_NAME)
                self._model = RankingModel.from_stored(stored) if stored else None
            return self._model

    def check_project(self, project_id: str | None, asker: Asker) -> None:
        """A ``project_id`` on an answer or feedback names a project record the asker may see
        (issue #30; NotFound otherwise: ``project_tracking.py``)."""
        check_project(self.community_store(), project_id, asker)

    def declined(self, project_id: str | None) -> frozenset[str]:
        return self.store.declined_for_project(project_id) if project_id else frozenset()

    def capped(self) -> frozenset[str]:
        """Members capped now: busy within the cool-down, and (fair_exposure=cap) shown at
        least ``exposure_cap`` times within the window."""
        s = self.settings.feedback
        out = set(self.in_cooldown())
        if s.fair_exposure == "cap":
            counts = self.store.exposure_counts(_since(s.exposure_window_days))
            out |= {m for m, c in counts.items() if c >= s.exposure_cap}
        return frozenset(out)

    def in_cooldown(self) -> frozenset[str]:
        """Members who declined as busy within the cool-down (``busy_cooldown_days``)."""
        days = self.settings.feedback.busy_cooldown_days
        return self.store.busy_since(_since(days)) if days else frozenset()

    def at_monthly_limit(self) -> frozenset[str]:
        """Members contacted, in the last 30 days, as many times as the invitations per month
        they said they accept (issue #29); invitations skip them."""
        with self.matcher.snapshot() as snap:
            limits = {mid: m.max_invitations_per_month for mid, m in snap.catalog.members.items()
                      if m.max_invitations_per_month is not None}
        if not limits:
            return frozenset()
        counts = self.store.contacted_counts(_since(30))
        return frozenset(m for m, cap in limits.items() if counts.get(m, 0) >= cap)

    # -- start-up ----------------------------------------------------------------------------
    def warm_up(self, needs: Sequence[str] = WARM_NEEDS) -> None:
        """Build now what the first answers would build on first use, recording nothing: the
        encoders' sessions, the learned model, the exposure counts, the language detector, the
        gazetteer and glossary, the index's public masks and member tables, and the lexical
        features the suggestion log computes (the service calls this before it is ready)."""
        self.matcher.community.warm_encoders()
        model = self.model()
        self.capped()
        access = Access.public()
        for need in needs:
            pool = self.settings.feedback.rerank_pool if model is not None else 10
            found = self.matcher.find_experts(need, None, access,
                                              min(pool, self.settings.matching.max_top))
            self.suggested(need, found.matches, access)
        self.log.flush()  # its thread started, its statements prepared

    # -- answers -----------------------------------------------------------------------------
    def experts(self, request: ExpertsRequest) -> ExpertsAnswer:
        """Who knows X, without the members declined for the project, re-ordered by the
        learned model when there is one, capped members last when ``exposure`` is asked."""
        s = self.settings
        check_types(self.matcher.community, request.filters.types)  # the store's vocabulary
        need, access, tracking, top = request.need, request.access, request.tracking, request.top
        self.check_project(tracking.project_id, request.asker)
        filters = request.filters
        declined = self.declined(tracking.project_id)
        if declined:
            filters = dataclasses.replace(filters,
                                          exclude_members=filters.exclude_members | declined)
        model = self.model()
        pool = top if model is None else min(s.matching.max_top, max(top, s.feedback.rerank_pool))
        found = self.matcher.find_experts(need, filters, access, pool, request.places)
        matches = list(found.matches)
        known: dict[str, tuple[float, ...]] | None = None  # features the model read now
        if model is not None:
            features = self.features(need, matches, access)
            known = {m.member.id: f for m, f in zip(matches, features, strict=True)}
            # the order is learned, the scores stay the relevance; a member found on the
            # profile alone still follows members with evidence (broad.py)
            matches = evidence_first([matches[i] for i in rerank(matches, features, model)])
            matches = matches[:top]
        if request.exposure and s.feedback.fair_exposure != "off":
            matches = [matches[i] for i in capped_last([m.member.id for m in matches],
                                                       self.capped())]
        result = dataclasses.replace(found, matches=matches)
        if known is not None:
            sid = self.record("experts", need, tracking,
                              [SuggestedMember(m.member.id, known[m.member.id],
                                               evidence=first_contribution(m.evidence))
                               for m in matches])
        else:  # nothing reads the features now: the suggestion log computes them when it
            # commits (off the answer's path; the need's text is held until then, never stored)
            sid = self.record("experts", need, tracking,
                              [SuggestedMember(m.member.id, (),
                                               evidence=first_contribution(m.evidence))
                               for m in matches],
                              lambda: self.suggested(need, matches, access))
        note_considered(self.community_store(), tracking.project_id, request.asker,
                        "expert", sid, [(m.member.id, ()) for m in matches])
        return ExpertsAnswer(result, sid, model is not None)

    def team(self, request: TeamRequest) -> TeamAnswer:
        """A team, without the members declined for the project, capped members replaced."""
        tracking = request.tracking
        self.check_project(tracking.project_id, request.asker)
        project = self._excluding(request.project, tracking.project_id)
        access = request.asker.access
        result = suggest_team(self.matcher, project, access, self.capped())
        need = _brief_text(project)
        matches = [_as_match(t.member, t.score, t.evidence) for t in result.team]
        sid = self.record("team", need, tracking,
                          [SuggestedMember(m.member.id, (),
                                           evidence=first_contribution(m.evidence))
                           for m in matches],
                          lambda: self.suggested(need, matches, access))
        note_considered(self.community_store(), tracking.project_id, request.asker,
                        "team", sid, [(t.member.id, t.covers) for t in result.team])
        return TeamAnswer(result, sid)

    def invitations(self, request: InvitationsRequest) -> InvitationsAnswer:
        """Invitations, without the members declined for the project, capped members last."""
        tracking = request.tracking
        self.check_project(tracking.project_id, request.asker)
        project = self._excluding(request.project, tracking.project_id)
        project = dataclasses.replace(  # the members' own limits (#29): skipped, not last
            project, left_out=project.left_out | self.at_monthly_limit())
        access = request.asker.access
        result = suggest_invitations(self.matcher, project, access, request.top, self.capped())
        need = _brief_text(project)
        matches = [_as_match(i.member, i.score, i.evidence) for i in result.invitations]
        sid = self.record("invitations", need, tracking,
                          [SuggestedMember(m.member.id, (),
                                           evidence=first_contribution(m.evidence))
                           for m in matches],
                          lambda: self.suggested(need, matches, access))
        note_considered(self.community_store(), tracking.project_id, request.asker,
                        "invitation", sid, [(i.member.id, i.covers) for i in result.invitations])
        return InvitationsAnswer(result, sid)

    def similar(self, request: SimilarRequest) -> list[SimilarMember]:
        """Members who work on the same things as the request's member."""
        return similar_members(self.matcher, request.member_id, request.asker.access,
                               request.top)

    def _excluding(self, request: ProjectRequest, project_id: str | None) -> ProjectRequest:
        declined = self.declined(project_id)
        if not declined:
            return request
        return dataclasses.replace(request, left_out=request.left_out | declined)

    def features(self, need: str, matches: Sequence[ExpertMatch], access: Access
                 ) -> list[tuple[float, ...]]:
        """The re-ranking features of these matches (``reranker.FEATURES``)."""
        if not matches:
            return []
        ids = [m.member.id for m in matches]
        return member_features(matches, self.lexical(need, set(ids), access),
                               self.store.outcome_counts(ids), dt.date.today())

    def suggested(self, need: str, matches: Sequence[ExpertMatch], access: Access
                  ) -> list[SuggestedMember]:
        """The matches as suggested members, with their re-ranking features."""
        return [SuggestedMember(m.member.id, f, evidence=first_contribution(m.evidence))
                for m, f in zip(matches, self.features(need, matches, access), strict=True)]

    def lexical(self, need: str, member_ids: set[str], access: Access) -> dict[str, float]:
        """Each member's best BM25 among the need's lexical hits the caller may see, over the
        best such hit (0..1)."""
        hits = self.matcher.community.store.lexical_search(need, LEXICAL_HITS)
        keys = [(ItemKey.parse(k), score) for k, score in hits]
        with self.matcher.snapshot() as snap:  # authors and spaces from the index's catalog
            catalog = snap.catalog.contributions
            metas = {k.record_id: catalog.get(k.record_id) for k, _ in keys
                     if k.is_contribution}
        best: dict[str, float] = {}
        top = 0.0
        for key, score in keys:
            if key.is_profile:
                authors: tuple[str, ...] = (key.record_id,)
            else:
                meta = metas.get(key.record_id)
                if meta is None or not access.may_see(meta.space):
                    continue
                authors = meta.authors
            top = max(top, score)
            for a in authors:
                if a in member_ids:
                    best[a] = max(best.get(a, 0.0), score)
        return {m: round(v / top, 4) for m, v in best.items()} if top > 0 else {}

    def record(self, kind: SuggestionKind, need: str, tracking: Tracking,
               members: list[SuggestedMember],
               complete: Callable[[], list[SuggestedMember]] | None = None) -> str | None:
        """Store the suggestion (``members`` in order; ``complete`` gives them with their
        features, called when the log commits) and return its id; None when the answer is not
        tracked (``Tracking.recorded``, or ``record_suggestions`` off)."""
        if not (self.settings.feedback.record_suggestions and tracking.recorded):
            return None
        shown = tracking.shown and self.settings.feedback.fair_exposure != "off" and bool(members)
        return self.log.record(kind, need, tracking.project_id, members, shown, complete)

    def prune_expired(self) -> tuple[int, int]:
        """Delete suggestions past ``suggestion_retention_days`` that no feedback names, and
        exposure past ``exposure_window_days`` (the service's suggestion log runs it hourly)."""
        s = self.settings
        return self.store.prune(_since(s.feedback.suggestion_retention_days),
                                _since(s.feedback.exposure_window_days))

    def close(self) -> None:
        """Commit the suggestions still queued (the service's shutdown)."""
        self.log.close()

    # -- feedback, learning, exposure --------------------------------------------------------
    def give(self, key_id: str, member_id: str, outcome: str, suggestion_id: str | None = None,
             project_id: str | None = None, asker: Asker | None = None) -> FeedbackEntry:
        """Store one outcome (InvalidFeedback names a bad field); the suggestions this process
        answered are committed first, so one just answered is found. With ``asker`` (the HTTP
        route), a ``project_id`` must name a project record they may see."""
        if asker is not None:
            self.check_project(project_id, asker)
        self.log.flush()
        if suggestion_id and self.matcher.community.following:  # other processes answer too
            self._await_suggestion(suggestion_id)
        return self.store.add_feedback(key_id, member_id, outcome, suggestion_id, project_id)

    def _await_suggestion(self, suggestion_id: str) -> None:
        """A suggestion another process answered (a ``serve`` worker, a replica) reaches the
        store within its group commit (``suggestion_flush_ms``): feedback naming one not stored
        yet waits for it, a bounded while (an id never answered is refused after it)."""
        deadline = time.monotonic() + max(SUGGESTION_SETTLE_S, 10 * self.log.interval)
        while (self.store.suggestion(suggestion_id) is None
               and time.monotonic() < deadline):
            time.sleep(0.02)

    def entries(self, limit: int = 100, offset: int = 0, member_id: str | None = None,
                project_id: str | None = None) -> tuple[int, list[FeedbackEntry]]:
        return self.store.feedback_entries(limit, offset, member_id, project_id)

    def learn(self, min_outcomes: int | None = None, without: Sequence[str] | None = None
              ) -> LearnReport:
        """Refit the re-ranking model (NotEnoughOutcomes below the setting); ``without``:
        features given no weight (default: past outcomes unless ``learn_past_outcomes``)."""
        s = self.settings
        if without is None:
            without = () if s.feedback.learn_past_outcomes else PAST_OUTCOMES
        least = s.feedback.learn_min_outcomes if min_outcomes is None else min_outcomes
        return learn(self.store, least, without)

    def exposure(self, basis: str = "shown") -> ExposureReport:
        """The exposure distribution over the window: shows, or every suggestion recorded."""
        days = self.settings.feedback.exposure_window_days
        since = _since(days)
        self.log.flush()
        counts = (self.store.exposure_counts(since) if basis == "shown"
                  else self.store.suggested_counts(since))
        with self.matcher.snapshot() as snap:
            catalog = snap.catalog
            return exposure_report(counts, catalog.members, catalog.member_contributions,
                                   ExposureWindow(basis, days, since))


def _as_match(member: MemberInfo, score: float, evidence: Sequence[NeedEvidence]
              ) -> ExpertMatch:
    """A team member or invitee as the re-ranking features read a match: their relevance and
    the evidence shown for their needs (issue #30: outcomes on teams and invitations train)."""
    return ExpertMatch(member, score, tuple(e.evidence for e in evidence), None)


def first_contribution(evidence: Iterable[Evidence]) -> str | None:
    """The first contribution an answer showed for a member (what ``GET /me`` counts their
    suggestions by topic with, issue #29)."""
    return next((e.contribution_id for e in evidence if e.contribution_id), None)


def _brief_text(request: ProjectRequest) -> str:
    return "\n".join([request.title, request.description, *(request.needs or ())])
