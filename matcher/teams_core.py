"""Team selection: a small team that covers every need, spread across places.

Method: greedy maximisation of a monotone submodular coverage function with an MMR penalty.

* **Relevance.** ``rel(m, n)`` is the member's score for need ``n`` from Matcher.rank (the same
  ranking as "who knows X"). Below the ``team_coverage_threshold`` setting it counts as zero:
  a weak match never covers a need, so it is never picked to pad a team.
* **Coverage** of a team ``S``: ``f(S) = sum_n [ top1_n(S) + BACKUP_WEIGHT * top2_n(S) ]``,
  the best and second-best thresholded relevance of a team member for each need. The sum of the
  top-k values is monotone submodular (a weighted coverage function), so the greedy choice is
  the classic ``(1 - 1/e)`` approximation used for expert team formation (Lappas, Liu & Terzi,
  "Finding a team of experts in social networks", KDD 2009). The backup term fills spare seats
  with a second strong expert for a need instead of stopping at one person per need.
* **Diversity** (MMR, Carbonell & Goldstein, SIGIR 1998): each step picks the candidate with the
  best ``gain(m | S) - w * redundancy(m, S)``, where ``redundancy`` is the largest overlap with a
  chosen member (0.5 for the same organisation plus 0.5 for the same country) and ``w`` is
  ``team_diversity_weight``, in relevance units: the relevance a candidate gives up for sharing
  both organisation and country with someone already chosen. It is kept small (0.1) so that
  spread breaks near-ties between experts but never buys a weak match over a strong one.
* **Caps.** A candidate whose organisation or country already has the maximum number of
  members (``max_per_organisation`` / ``max_per_country``) is not eligible.
* **Stopping.** Only candidates with a positive coverage gain are eligible: the team stops
  short of the requested size when nobody left adds coverage. Needs that no member covers are
  reported as gaps with the best score the community has for them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass

from indexing.vectors.catalog import MemberInfo

BACKUP_WEIGHT = 0.5
MIN_GAIN = 1e-6


@dataclass(frozen=True)
class Pick:
    member_id: str
    gain: float


@dataclass(frozen=True)
class TeamLimits:
    """What a team is selected under, besides the relevance table: the number of needs, the
    size asked, the coverage threshold, the diversity penalty and the caps."""

    n_needs: int
    size: int
    threshold: float
    diversity_weight: float
    max_per_organisation: int
    max_per_country: int


def select_team(relevance: Mapping[str, Mapping[int, float]], members: Mapping[str, MemberInfo],
                limits: TeamLimits) -> list[Pick]:
    """Greedy submodular coverage with an MMR diversity penalty and hard caps (see module doc).

    ``relevance[member][need]`` is a raw score; values under ``threshold`` count as zero.
    """
    n_needs, size, threshold = limits.n_needs, limits.size, limits.threshold
    diversity_weight = limits.diversity_weight
    max_per_organisation, max_per_country = limits.max_per_organisation, limits.max_per_country
    useful = {m: {n: s for n, s in needs.items() if s >= threshold and 0 <= n < n_needs}
              for m, needs in relevance.items() if m in members}
    useful = {m: needs for m, needs in useful.items() if needs}
    top: list[list[float]] = [[0.0, 0.0] for _ in range(n_needs)]
    chosen: list[Pick] = []
    per_org: Counter[str] = Counter()
    per_country: Counter[str] = Counter()
    while len(chosen) < size:
        best: tuple[float, float, str] | None = None
        taken = {p.member_id for p in chosen}
        for mid in sorted(useful):  # sorted + strict ">" : ties go to the smaller member id
            info = members[mid]
            if (mid in taken or per_org[info.organisation_id] >= max_per_organisation
                    or per_country[info.country] >= max_per_country):
                continue
            gain = sum(_gain(top[n], s) for n, s in useful[mid].items())
            if gain <= MIN_GAIN:
                continue
            redundancy = max((_overlap(info, members[p.member_id]) for p in chosen), default=0.0)
            value = gain - diversity_weight * redundancy
            if best is None or (value, gain) > (best[0], best[1]):
                best = (value, gain, mid)
        if best is None:
            break
        _, gain, mid = best
        for n, s in useful[mid].items():
            _insert(top[n], s)
        info = members[mid]
        per_org[info.organisation_id] += 1
        per_country[info.country] += 1
        chosen.append(Pick(mid, gain))
    return chosen


def _gain(top2: list[float], score: float) -> float:
    first, second = top2
    if score > first:
        new_first, new_second = score, first
    else:
        new_first, new_second = first, max(second, score)
    return (new_first - first) + BACKUP_WEIGHT * (new_second - second)


def _insert(top2: list[float], score: float) -> None:
    if score > top2[0]:
        top2[0], top2[1] = score, top2[0]
    elif score > top2[1]:
        top2[1] = score


def _overlap(a: MemberInfo, b: MemberInfo) -> float:
    return (0.5 if a.organisation_id == b.organisation_id else 0.0) + (
        0.5 if a.country == b.country else 0.0)


def coverage_gain(top: list[list[float]], scores: Mapping[int, float], threshold: float,
                  n_needs: int) -> float:
    """What a member with these per-need scores would add to a team whose best and
    second-best relevance per need are ``top``."""
    return sum(_gain(top[n], s) for n, s in scores.items() if s >= threshold and 0 <= n < n_needs)
