"""Lexical search leaves out terms found in half the rows (BM25 idf <= 0): same ranking."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from indexing.store.lexical import LEXICAL_DDL, CommonTerms, lexical_rows, search_lexical

RARE = ["sludge", "aquifer", "chlorine", "turbidity", "desalination", "latrine", "borehole",
        "meter", "tariff", "leak"]


@pytest.fixture(scope="module")
def conn(tmp_path_factory: pytest.TempPathFactory) -> sqlite3.Connection:
    """300 rows: 'and' and 'water' in every row, 'in' in two thirds, rare terms here and
    there (a real FTS5 table with the store's tokenizer)."""
    path: Path = tmp_path_factory.mktemp("lex") / "lex.db"
    c = sqlite3.connect(path, check_same_thread=False)
    c.execute(LEXICAL_DDL)
    for i in range(300):
        words = ["water", "and", *(["in"] if i % 3 else []), RARE[i % len(RARE)],
                 RARE[(i * 7) % len(RARE)], *(["pumps"] * (i % 4 == 0))]
        c.execute("INSERT INTO lexical(rowid, item_key, body) VALUES (?,?,?)",
                  (i + 1, f"c:{i}", " ".join(words)))
    c.commit()
    return c


def test_row_count_read_from_fts5_matches_count(conn: sqlite3.Connection) -> None:
    assert lexical_rows(conn) == 300
    assert conn.execute("SELECT count(*) FROM lexical").fetchone()[0] == 300


def test_common_terms_are_the_ones_in_half_the_rows(conn: sqlite3.Connection) -> None:
    common = CommonTerms()
    assert common.useful(conn, ["water", "and", "in", "sludge", "pumps"]) == ["sludge", "pumps"]
    assert common.useful(conn, ["water", "and"]) == ["water", "and"]  # all common: kept


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from([*RARE, "water", "and", "in", "pumps", "the"]), min_size=1,
                max_size=6))
def test_the_ranking_of_rows_matching_useful_terms_is_unchanged(
        conn: sqlite3.Connection, words: list[str]) -> None:
    need = " ".join(words)
    every = search_lexical(conn, need, 300)
    pruned = search_lexical(conn, need, 300, CommonTerms())
    before = dict(every)
    for key, score in pruned:  # the same scores, to the 1e-6 FTS5 gives a common term
        assert score == pytest.approx(before[key], abs=1e-5)
    ranked = [k for k, s in every if s > 1e-4]  # rows that match a useful term
    assert {k for k, _ in pruned[:len(ranked)]} == set(ranked)
    assert _ties(every, pruned)  # in the same order, up to rows with equal scores


def _ties(every: list[tuple[str, float]], pruned: list[tuple[str, float]]) -> bool:
    """Orders that differ only among scores equal to within 1e-5."""
    a = [s for _, s in every if s > 1e-4]
    b = [s for _, s in pruned][:len(a)]
    return len(a) == len(b) and all(abs(x - y) <= 1e-5 for x, y in zip(a, b, strict=True))


def test_a_query_with_a_stop_word_scores_fewer_rows(conn: sqlite3.Connection) -> None:
    assert len(search_lexical(conn, "sludge and water", 300)) == 300  # every row matched
    pruned = search_lexical(conn, "sludge and water", 300, CommonTerms())
    assert 0 < len(pruned) < 100 and all(k.startswith("c:") for k, _ in pruned)
