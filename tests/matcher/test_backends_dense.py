"""Dense-only answers are identical on SQLite and PostgreSQL (same records, the real model);
lexical fusion works on both, with each backend's own lexical ranking."""

from __future__ import annotations

from pathlib import Path

from indexing.community import Community
from indexing.encoders.base import Encoder
from indexing.ingest import ingest_paths
from indexing.store import SqliteStore
from indexing.store.postgres import PostgresStore
from matcher.experts import Matcher
from tests.conftest import TEST_DATA, make_settings

NEEDS = ["reducing non-revenue water in intermittent supply systems",
         "arsenic in tube wells", "gestion des boues de vidange", "zebra mussel intake fouling"]


def _answers(community: Community, fusion: str) -> list[list[tuple[str, float, tuple[str, ...]]]]:
    matcher = Matcher.configured(community,
                                 community.settings.with_(matching={"fusion": fusion}))
    return [[(m.member.id, round(m.score, 6), tuple(e.contribution_id for e in m.evidence))
             for m in matcher.find_experts(need, top=8)] for need in NEEDS]


def test_dense_answers_match_across_backends(pg_url: str, tmp_path: Path,
                                             real_encoder: Encoder) -> None:
    stores = {"sqlite": SqliteStore(tmp_path / "s" / "ws.db"), "postgres": PostgresStore(pg_url)}
    answers = {}
    for name, store in stores.items():
        assert not ingest_paths(store, [TEST_DATA]).errors
        community, _ = Community.open(make_settings(tmp_path / name), encoder=real_encoder,
                                      store=store)
        answers[name] = (_answers(community, "dense"), _answers(community, "rrf"))
    assert answers["sqlite"][0] == answers["postgres"][0]
    assert all(answers["sqlite"][0])
    for name in stores:  # lexical fusion answers on both (rankings may differ)
        assert all(len(a) == 8 for a in answers[name][1])
