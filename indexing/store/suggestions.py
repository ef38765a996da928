"""What one answer suggested, as the store keeps it (``feedback.py`` stores and reads it): the
suggested members with the features they were ranked with and the contribution shown first for
each, the need's hash (never its text), and an id derived from that content, so the same answer
to the same request has the same id."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Literal

SuggestionKind = Literal["experts", "team", "invitations"]
SUGGESTION_KINDS: tuple[SuggestionKind, ...] = ("experts", "team", "invitations")


# The scale of a suggested member's ranking features (its ``score`` above all): rows written
# before issue #27 hold the ranking's own score (reciprocal-rank fused or place-boosted, by
# route) and read as LEGACY_SCALE; rows written since name the scale they were recorded on.
# ``wellspring learn`` trains on one scale only (matcher/reranker.py).
LEGACY_SCALE = "ranking"
RELEVANCE_SCALE = "relevance"


@dataclass(frozen=True)
class SuggestedMember:
    member_id: str
    features: tuple[float, ...]  # empty for teams and invitations
    scale: str = RELEVANCE_SCALE  # what the features' scores are on (LEGACY_SCALE, ...)
    evidence: str | None = None  # the contribution the answer showed first for them (#29)


def features_json(member: SuggestedMember) -> str:
    """A member's features as stored: ``{"scale": ..., "features": [...]}``, with
    ``"evidence"`` when the answer showed a contribution of theirs (``[]`` with neither)."""
    if not member.features and member.evidence is None:
        return "[]"
    data: dict[str, object] = {"scale": member.scale, "features": list(member.features)}
    if member.evidence is not None:
        data["evidence"] = member.evidence
    return json.dumps(data)


def evidence_of(text: str) -> str | None:
    """The contribution a stored suggestion showed first for its member, if any."""
    data = json.loads(text)
    return data.get("evidence") if isinstance(data, dict) else None


def parse_features(text: str) -> tuple[tuple[float, ...], str]:
    """Stored features and their scale (a bare list is a row from before scales: legacy)."""
    data = json.loads(text)
    if isinstance(data, dict):
        return tuple(float(x) for x in data["features"]), str(data["scale"])
    return tuple(float(x) for x in data), LEGACY_SCALE


@dataclass(frozen=True)
class StoredSuggestion:
    suggestion_id: str
    kind: str
    need_hash: str
    project_id: str | None
    created_at: str
    members: tuple[SuggestedMember, ...]  # in the order suggested

    @property
    def member_ids(self) -> tuple[str, ...]:
        return tuple(m.member_id for m in self.members)


def now_iso() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def need_hash(text: str) -> str:
    """The hash a suggestion keeps of its need (white space and case folded)."""
    return hashlib.sha256(" ".join(text.lower().split()).encode("utf-8")).hexdigest()[:32]


def suggestion_id_of(kind: str, need: str, project_id: str | None,
                     member_ids: Sequence[str]) -> str:
    """A content-derived id: the same answer to the same request gets the same id."""
    body = json.dumps([kind, need, project_id, list(member_ids)])
    return "s-" + hashlib.sha256(body.encode("utf-8")).hexdigest()[:24]


@dataclass(frozen=True)
class PendingSuggestion:
    """One answer's suggestion as it will be stored (its id and time fixed when answered)."""

    suggestion_id: str
    kind: str
    need_hash: str
    project_id: str | None
    members: tuple[SuggestedMember, ...]
    shown: bool
    at: str
    # the members with their features, computed when the suggestion is committed
    complete: Callable[[], Sequence[SuggestedMember]] | None = field(default=None,
                                                                      compare=False)

    @classmethod
    def of(cls, kind: str, need: str, project_id: str | None,
           members: Sequence[SuggestedMember], shown: bool = False,
           complete: Callable[[], Sequence[SuggestedMember]] | None = None
           ) -> PendingSuggestion:
        h = need_hash(need)
        return cls(suggestion_id_of(kind, h, project_id, [m.member_id for m in members]), kind,
                   h, project_id, tuple(members), shown, now_iso(), complete)
