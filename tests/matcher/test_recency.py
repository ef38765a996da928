"""The recency signal (matcher/aggregation.age_discounted)."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from indexing.schema import ItemKey
from indexing.store.records import ContributionMeta
from matcher.aggregation import DocScore, age_discounted


def _meta(cid: str, date: str) -> ContributionMeta:
    return ContributionMeta(id=cid, type="publication", date=date, language="en",
                            space="public", authors=("m-1",), text_hash="x")


@dataclass
class _Catalog:
    contributions: dict[str, ContributionMeta]
    members: dict[str, object] = field(default_factory=dict)


def test_older_contributions_lose_weight_per_decade_and_profiles_do_not() -> None:
    catalog = _Catalog({"c-new": _meta("c-new", "2020-01-01"), "c-old": _meta("c-old",
                                                                              "2000-01-01")})
    docs = {ItemKey.parse(k): DocScore(ItemKey.parse(k), 0.5, 0)
            for k in ("c:c-new", "c:c-old", "m:m-1")}
    out = age_discounted(catalog, docs, 0.05)  # type: ignore[arg-type]
    assert out[ItemKey.parse("c:c-new")].score == 0.5
    assert out[ItemKey.parse("c:c-old")].score == pytest.approx(0.5 - 0.05 * 2, abs=1e-3)
    assert out[ItemKey.parse("m:m-1")].score == 0.5
