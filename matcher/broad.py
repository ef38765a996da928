"""Answers a coordinator can read on broad needs (issue #27): evidence first, profile evidence,
and a hint when the need is too broad to single anyone out.

* **Evidence first**: a member whose match rests on the profile alone (no contribution among
  their evidence) never outranks a member with contribution evidence unless their relevance is
  higher by more than ``PROFILE_MARGIN`` (a clearly better match); among themselves, each group
  keeps the ranking's order. The answer is taken from the ranking's first ``top +
  EXTRA_CANDIDATES`` members, so a broad need still finds members with evidence for its top.
* **Profile evidence**: such a member shows the sentence of their profile closest to the need
  (``kind: profile``), with its cosine as the evidence's score.
* **Hint**: a need is broad when most (``BROAD_SHARE``: more than half) of the members retrieval
  reached score within ``BROAD_MARGIN`` of the best one: the need singles nobody out. Measured
  on the sample (docs/QUALITY.md, "One relevance scale and broad needs"): "water" 70 %, "eau"
  56 %, "water management" 46 %; the 310 water needs (62 in five languages) at most 44 %,
  median 3 %.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Literal, Protocol, TypeVar

import numpy as np
import numpy.typing as npt

from matcher.aggregation import RankedMember
from matcher.evidence import Evidence, ExpertMatch
from matcher.rankings import member_scores
from matcher.relevance import on_scale

PROFILE_MARGIN = 0.10
EXTRA_CANDIDATES = 20
BROAD_MARGIN = 0.15
BROAD_SHARE = 0.50  # "most of the community": more than half
# on the relevance scale, off-topic English needs score ~0.10 and broad water needs ~0.35
FAR_BELOW = 0.25
FAR_HINT = ("Nobody in the community comes close to this need (the best relevance is {best:.2f} "
            "on a scale of 0 to 1): it may lie outside what the community works on. Try the "
            "words its members would use.")
BROAD_HINT = ("This need is broad: {share:.0%} of the members reached match it about as well "
              "as the best one. Name the problem, the place or the method{example} to single "
              "out who knows it.")
_SENTENCE = re.compile(r"(?<=[.!?;])\s+|\n+")
Vector = npt.NDArray[np.float32]


class Shown(Protocol):
    """What evidence first reads of a match (``ExpertMatch``, or a ``Candidate`` before its
    evidence is read)."""

    @property
    def score(self) -> float: ...

    @property
    def has_contribution(self) -> bool: ...


S = TypeVar("S", bound=Shown)


def evidence_first(matches: Sequence[S], margin: float = PROFILE_MARGIN) -> list[S]:
    """The matches with profile-only members placed after every member with contribution
    evidence whose relevance is not ``margin`` below theirs (module doc)."""
    backed = [m for m in matches if m.has_contribution]
    out = list(backed)
    for m in (m for m in matches if not m.has_contribution):
        # after the last backed member who is not clearly worse, and after earlier profile ones
        last = max((i for i, o in enumerate(out) if o.has_contribution
                    and o.score > m.score - margin), default=-1)
        last_profile = max((i for i, o in enumerate(out) if not o.has_contribution),
                           default=-1)
        out.insert(max(last, last_profile) + 1, m)
    return out


def breadth(relevance: Sequence[RankedMember], margin: float = BROAD_MARGIN) -> float:
    """The share of the ranked members whose relevance is within ``margin`` of the best."""
    scores = member_scores(relevance)
    if len(scores) == 0:
        return 0.0
    return float(np.count_nonzero(scores >= scores.max() - margin)) / len(scores)


@dataclass(frozen=True)
class Hint:
    """Advice on a need: ``far`` (nobody comes close: ``best``, the best relevance) or
    ``broad`` (``share`` of the members reached match about as well as the best; ``example``,
    a contribution the answer shows). ``text`` says it in English; the page says it from the
    figures in its own language."""

    kind: Literal["far", "broad"]
    best: float | None = None
    share: float | None = None
    example: str | None = None

    @property
    def text(self) -> str:
        if self.kind == "far":
            return FAR_HINT.format(best=self.best)
        example = f' (as in "{self.example}")' if self.example else ""
        return BROAD_HINT.format(share=self.share, example=example)


def broad_hint(share: float, matches: Sequence[ExpertMatch]) -> Hint | None:
    """The hint of a need nobody comes close to (the best relevance under ``FAR_BELOW``), or of
    a broad need (None when it is specific enough); a broad need's example is the title of the
    first contribution the answer shows."""
    best = max((m.score for m in matches), default=None)
    if best is not None and best < FAR_BELOW:
        return Hint("far", best=best)
    if share < BROAD_SHARE:
        return None
    title = next((e.title for m in matches for e in m.evidence if e.kind == "contribution"),
                 None)
    return Hint("broad", share=share, example=title)


def sentences(text: str) -> list[str]:
    """A profile's sentences (bio lines and sentences), whitespace normalised."""
    return [" ".join(p.split()) for p in _SENTENCE.split(text) if p.strip()]


def with_profile_evidence(matches: Sequence[ExpertMatch], bios: Mapping[str, str],
                          need: Vector, encode: Callable[[list[str]], Vector]
                          ) -> list[ExpertMatch]:
    """Each member without contribution evidence, with the sentence of their profile closest
    to the need (``need`` and ``encode`` from the same model, normalised) as evidence."""
    todo = [m for m in matches if not m.has_contribution
            and sentences(bios.get(m.member.id, ""))]
    if not todo:
        return list(matches)
    texts = {m.member.id: sentences(bios[m.member.id]) for m in todo}
    flat = [t for m in todo for t in texts[m.member.id]]
    cosines = encode(flat) @ need
    best: dict[str, Evidence] = {}
    at = 0
    for m in todo:
        own = texts[m.member.id]
        i = int(np.argmax(cosines[at:at + len(own)]))
        best[m.member.id] = Evidence(
            contribution_id=None, title="Profile", type="profile", date="",
            language=m.member.languages[0] if m.member.languages else None, space="public",
            score=on_scale(float(cosines[at + i])), snippet=own[i], kind="profile")
        at += len(own)
    return [replace(m, evidence=(best[m.member.id], *m.evidence)) if m.member.id in best
            else m for m in matches]
