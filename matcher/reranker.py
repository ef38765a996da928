"""The learned re-ranking of "who knows X": features of a suggested member, the model that
``wellspring learn`` fits on coordinators' outcomes, and the re-ranking it applies.

**Features** (``FEATURES``), computed for every member an /experts answer suggests and kept
with the suggestion, so that an outcome given later becomes one training pair with the features
the member was ranked with (no recomputation, no leak of later outcomes):

* ``score`` (the ranking's aggregated, place-boosted score), ``top_evidence`` and
  ``mean_evidence`` (the best and the mean score of the evidence shown), ``evidence_count``,
  ``profile`` (the profile's score, 0 without one) — the dense scores and aggregation features;
* ``lexical``: the member's best BM25 among the need's lexical hits, over the best hit (0..1);
* ``recency_years``: years since the member's newest matching contribution (capped at 20);
* ``level_*``: the member's participation level, one-hot;
* ``past_positive`` / ``past_negative``: log(1 + outcomes) of the member's contacted/accepted
  and declined-not-my-field/not-relevant outcomes before the suggestion (weighed only with
  ``learn_past_outcomes``: on needs of subtopics the outcomes never covered they lowered NDCG@10,
  docs/QUALITY.md — they remember who was right for the training needs);
* ``reciprocal_rank``: 1 / rank in the untrained ranking.

**Model**: L2-regularised logistic regression (scikit-learn, ``class_weight='balanced'``) on
standardised features; label 1 for ``contacted``/``accepted``, 0 for
``declined_not_my_field``/``not_relevant``; ``declined_busy`` says nothing about fit and is not
a training pair. It is stored as JSON in the store (features, means, scales, coefficients), so
every replica serves the same one, and refused below ``learn_min_outcomes`` pairs.

**Re-ranking**: with a model (and ``learned_ranking=auto``) the ``rerank_pool`` best members of
the untrained ranking are re-ordered by the model's logit, and the answer's ``top`` kept. Scores
are not changed: ``score`` stays the relevance; only the order is learned.

**Scales**: the ``score`` features are the relevance (``relevance.py``) since issue #27; the
rows recorded before hold the ranking's own score (fused by reciprocal rank, place-boosted) and
are marked ``LEGACY_SCALE`` by the store. ``learn`` trains on relevance rows only and reports
how many outcomes it left out (``skipped_old_scale``); a model fitted before is not served.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from indexing.errors import WellspringError
from indexing.store.feedback import NEGATIVE, POSITIVE, FeedbackStore, StoredModel
from indexing.store.suggestions import LEGACY_SCALE, RELEVANCE_SCALE, SUGGESTION_KINDS
from matcher.evidence import ExpertMatch

MODEL_NAME = "experts_rerank"
PAST_OUTCOMES = ("past_positive", "past_negative")
LEVELS = ("core", "active", "occasional", "peripheral", "transactional")
FEATURES: tuple[str, ...] = (
    "score", "top_evidence", "mean_evidence", "evidence_count", "profile", "lexical",
    "recency_years", *(f"level_{x}" for x in LEVELS), "past_positive", "past_negative",
    "reciprocal_rank",
)


class NotEnoughOutcomes(WellspringError):
    """`wellspring learn` refused: fewer training pairs than ``learn_min_outcomes``."""


@dataclass(frozen=True)
class RankingModel:
    """A fitted model: standardisation and logistic-regression weights over ``features``."""

    features: tuple[str, ...]
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    coef: tuple[float, ...]
    intercept: float
    version: str = ""

    def logits(self, rows: Sequence[Sequence[float]]) -> list[float]:
        if not rows:
            return []
        x = np.asarray(rows, dtype=np.float64)
        z = (x - np.asarray(self.mean)) / np.asarray(self.scale)
        return [float(v) for v in z @ np.asarray(self.coef) + self.intercept]

    def to_json(self) -> dict[str, object]:
        return {"features": list(self.features), "mean": list(self.mean),
                "scale": list(self.scale), "coef": list(self.coef), "intercept": self.intercept}

    @classmethod
    def from_stored(cls, stored: StoredModel) -> RankingModel | None:
        """The stored model, None if it was fitted over other features or on the scores of
        another scale (a model fitted before issue #27: refit it)."""
        d = stored.data
        features = tuple(str(f) for f in d["features"])  # type: ignore[attr-defined]
        if features != FEATURES or d.get("score_scale", LEGACY_SCALE) != RELEVANCE_SCALE:
            return None
        return cls(features, tuple(d["mean"]), tuple(d["scale"]),  # type: ignore[arg-type]
                   tuple(d["coef"]), float(d["intercept"]),  # type: ignore[arg-type]
                   stored.version)


@dataclass(frozen=True)
class LearnReport:
    pairs: int
    positive: int
    negative: int
    skipped_busy: int
    skipped_old_scale: int  # outcomes on suggestions recorded on the pre-#27 scale
    version: str
    train_accuracy: float
    coefficients: dict[str, float]
    # training pairs by the kind of suggestion they were outcomes on (experts, team,
    # invitations; issue #30)
    rows_by_kind: dict[str, int] = field(default_factory=dict)


def member_features(matches: Sequence[ExpertMatch], lexical: Mapping[str, float],
                    outcomes: Mapping[str, tuple[int, int]], today: dt.date
                    ) -> list[tuple[float, ...]]:
    """The FEATURES of each match, in the ranking's order."""
    out = []
    for rank, m in enumerate(matches, start=1):
        scores = [e.score for e in m.evidence if e.kind == "contribution"]  # not the bio
        dates = [dt.date.fromisoformat(e.date) for e in m.evidence if e.date]
        age = min(20.0, (today - max(dates)).days / 365.25) if dates else 20.0
        pos, neg = outcomes.get(m.member.id, (0, 0))
        out.append((
            m.score, max(scores, default=0.0), sum(scores) / len(scores) if scores else 0.0,
            float(len(scores)), m.profile_score or 0.0, lexical.get(m.member.id, 0.0),
            round(max(0.0, age), 3), *(1.0 if m.member.level == x else 0.0 for x in LEVELS),
            math.log1p(pos), math.log1p(neg), 1.0 / rank,
        ))
    return out


def rerank(matches: Sequence[ExpertMatch], features: Sequence[tuple[float, ...]],
           model: RankingModel) -> list[int]:
    """Positions of ``matches`` in the model's order (ties keep the untrained order)."""
    logits = model.logits(features)
    return sorted(range(len(matches)), key=lambda i: (-logits[i], i))


def learn(feedback: FeedbackStore, min_outcomes: int, without: Sequence[str] = ()
          ) -> LearnReport:
    """Fit the re-ranking model on every outcome given on a suggested member, store it, and
    report; NotEnoughOutcomes below ``min_outcomes`` pairs or with one class only. Features
    named in ``without`` get no weight (ablations: bench/feedback_eval.py)."""
    kinded = feedback.training_rows_by_kind(RELEVANCE_SCALE)
    rows = [(f, o) for f, o, _ in kinded]
    old_scale = len(feedback.training_rows(LEGACY_SCALE))
    used_rows = [(f, o, k) for f, o, k in kinded
                 if (o in POSITIVE or o in NEGATIVE) and len(f) == len(FEATURES)]
    pairs = [(f, 1 if o in POSITIVE else 0) for f, o, _ in used_rows]
    by_kind: dict[str, int] = {kind: sum(1 for *_, k in used_rows if k == kind)
                               for kind in SUGGESTION_KINDS}
    busy = sum(1 for _, o in rows if o == "declined_busy")
    positive = sum(y for _, y in pairs)
    if len(pairs) < min_outcomes:
        raise NotEnoughOutcomes(f"{len(pairs)} outcomes on suggestions, {min_outcomes} needed "
                                "(setting learn_min_outcomes); the learned ranking stays off")
    if positive == 0 or positive == len(pairs):
        raise NotEnoughOutcomes("every outcome so far is of one kind (all positive or all "
                                "negative): nothing to learn from yet")
    from sklearn.linear_model import LogisticRegression  # heavy: only when learning

    x = np.asarray([f for f, _ in pairs], dtype=np.float64)
    y = np.asarray([label for _, label in pairs])
    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    scale[scale < 1e-9] = 1.0
    used = [i for i, f in enumerate(FEATURES) if f not in set(without)]
    z = ((x - mean) / scale)[:, used]
    fitted = LogisticRegression(C=1.0, class_weight="balanced", max_iter=1000)
    fitted.fit(z, y)
    coef = [0.0] * len(FEATURES)
    for i, c in zip(used, fitted.coef_[0], strict=True):
        coef[i] = float(c)
    model = RankingModel(FEATURES, tuple(float(v) for v in mean), tuple(float(v) for v in scale),
                         tuple(coef), float(fitted.intercept_[0]))
    accuracy = float(fitted.score(z, y))
    stored = feedback.save_model(MODEL_NAME, {
        **model.to_json(), "score_scale": RELEVANCE_SCALE, "pairs": len(pairs),
        "positive": positive,
        "train_accuracy": round(accuracy, 4)})
    return LearnReport(len(pairs), positive, len(pairs) - positive, busy, old_scale,
                       stored.version,
                       round(accuracy, 4),
                       {f: round(c, 4) for f, c in zip(FEATURES, model.coef, strict=True)},
                       by_kind)
