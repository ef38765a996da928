"""The lexical index: an SQLite FTS5 table (porter stemming, BM25) beside the records.

Each record has one row, keyed by a rowid derived from the record's own (``lexical_rowid``), and
is written in the same transaction as the record, so the lexical index cannot disagree with the
store and replacing a row is a lookup, not a scan (``item_key`` is UNINDEXED).
"""

from __future__ import annotations

import sqlite3
import threading
import time

from indexing.errors import NotFound
from indexing.schema import contribution_key, member_key

LEXICAL_DDL = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS lexical USING fts5("
    "item_key UNINDEXED, body, tokenize='porter unicode61 remove_diacritics 2')"
)


def lexical_rowid(conn: sqlite3.Connection, table: str, record_id: str) -> int:
    """The FTS5 rowid of a record's lexical row: 2 * rowid for a contribution, 2 * rowid + 1
    for a member, so the two kinds never collide and a lookup needs no scan."""
    row = conn.execute(f"SELECT rowid FROM {table} WHERE id=?", (record_id,)).fetchone()
    if row is None:
        raise NotFound(table[:-1], record_id)
    return int(row[0]) * 2 + (1 if table == "members" else 0)


def set_lexical(conn: sqlite3.Connection, table: str, record_id: str, body: str) -> None:
    """Write (or replace) a record's lexical row, inside the caller's transaction."""
    rowid = lexical_rowid(conn, table, record_id)
    key = member_key(record_id) if table == "members" else contribution_key(record_id)
    conn.execute("DELETE FROM lexical WHERE rowid=?", (rowid,))
    conn.execute("INSERT INTO lexical(rowid, item_key, body) VALUES (?, ?, ?)", (rowid, key, body))


def delete_lexical(conn: sqlite3.Connection, table: str, record_id: str) -> None:
    """Remove a record's lexical row (call before deleting the record itself)."""
    conn.execute("DELETE FROM lexical WHERE rowid=?", (lexical_rowid(conn, table, record_id),))


def search_lexical(conn: sqlite3.Connection, query: str, limit: int,
                   common: CommonTerms | None = None) -> list[tuple[str, float]]:
    """BM25 over titles, texts and profiles: (item key, score), best first (score > 0).

    With ``common``, terms found in at least half of the rows are left out of the query
    (``CommonTerms``), unless every term is one of them."""
    terms = fts_terms(query)
    if not terms:
        return []
    if common is not None:
        terms = common.useful(conn, terms)
    expr = " OR ".join(f'"{t}"' for t in terms)
    rows = conn.execute(
        "SELECT item_key, -bm25(lexical) AS s FROM lexical WHERE lexical MATCH ? "
        "ORDER BY rank LIMIT ?",
        (expr, limit),
    )
    return [(r[0], float(r[1])) for r in rows]


def lexical_rows(conn: sqlite3.Connection) -> int:
    """The lexical index's row count, read from FTS5's own averages record (the varint that
    opens block 1 of ``lexical_data``); ``count(*)`` when that record cannot be read."""
    row = conn.execute("SELECT block FROM lexical_data WHERE id=1").fetchone()
    block = bytes(row[0]) if row is not None and row[0] is not None else b""
    value = 0
    for i, byte in enumerate(block[:9]):  # SQLite's varint: 7 bits a byte, the 9th all 8
        if i == 8:
            return (value << 8) | byte
        value = (value << 7) | (byte & 0x7F)
        if not byte & 0x80:
            return value
    return int(conn.execute("SELECT count(*) FROM lexical_docsize").fetchone()[0])


class CommonTerms:
    """Which query terms are in at least half of the lexical rows.

    BM25's idf, log((N - n + 0.5) / (n + 0.5)), is at most 0 for a term in n >= N/2 of N rows,
    and FTS5 then counts it 1e-6: such a term ("and", "in", "the", and "water" in a water
    community) changes no score beyond the sixth decimal, yet an OR query holding it scores
    and sorts every row that contains it (measured: 1.1 s at 1M rows instead of 11 ms,
    docs/BENCHMARKS.md). Leaving those terms out keeps the ranking of the rows that match the
    others; rows matching only common terms (scores ~1e-6) drop out. When every term of a need
    is common, the need keeps them all (there is nothing else to rank by).

    A term's count is capped at N/2 (deciding needs no more) and kept per process with the N it
    was counted at: collection statistics, recounted once N moved by more than 1 % or after
    ``max_age`` seconds, at most ``max_terms`` of them. No result is kept.
    """

    def __init__(self, max_terms: int = 8192, max_age: float = 600.0) -> None:
        self.max_terms = max_terms
        self.max_age = max_age
        self._counted: dict[str, tuple[bool, int, float]] = {}  # term -> common, N, when
        self._lock = threading.Lock()

    def useful(self, conn: sqlite3.Connection, terms: list[str]) -> list[str]:
        """The terms that are not common; all of them when every one is."""
        rows = lexical_rows(conn)
        kept = [t for t in terms if not self.is_common(conn, t, rows)]
        return kept or terms

    def is_common(self, conn: sqlite3.Connection, term: str, rows: int) -> bool:
        key = term.lower()
        now = time.monotonic()
        with self._lock:
            known = self._counted.get(key)
        if known is not None:
            common, at_rows, when = known
            if abs(rows - at_rows) <= rows / 100 and now - when <= self.max_age:
                return common
        half = (rows + 1) // 2  # n >= N/2
        found = conn.execute("SELECT count(*) FROM (SELECT 1 FROM lexical WHERE lexical "
                             "MATCH ? LIMIT ?)", (f'"{term}"', half)).fetchone()[0]
        common = rows > 0 and int(found) >= half
        with self._lock:
            if len(self._counted) >= self.max_terms:
                self._counted.clear()
            self._counted[key] = (common, rows, now)
        return common


def fts_terms(query: str) -> list[str]:
    """Tokens of a free-text query, safe to quote inside an FTS5 expression."""
    out: list[str] = []
    token: list[str] = []
    for ch in query:
        if ch.isalnum():
            token.append(ch)
        else:
            if token:
                out.append("".join(token))
            token = []
    if token:
        out.append("".join(token))
    return list(dict.fromkeys(t for t in out if len(t) > 1 or t.isdigit()))[:64]


def lexical_problem(conn: sqlite3.Connection) -> str | None:
    """Why the FTS5 lexical index disagrees with itself or with the records; None if it doesn't."""
    try:
        conn.execute("INSERT INTO lexical(lexical) VALUES('integrity-check')")
        n_lex = conn.execute("SELECT COUNT(*) FROM lexical").fetchone()[0]
    except sqlite3.DatabaseError as exc:
        return str(exc)
    n_rec = sum(conn.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0]
                for t in ("members", "contributions"))
    if n_lex != n_rec:
        return f"{n_lex} lexical rows for {n_rec} records"
    misplaced = conn.execute(
        "SELECT COUNT(*) FROM lexical WHERE rowid NOT IN (SELECT rowid * 2 FROM contributions "
        "UNION ALL SELECT rowid * 2 + 1 FROM members)").fetchone()[0]
    return f"{misplaced} lexical rows not keyed by their record" if misplaced else None


def rebuild_lexical(conn: sqlite3.Connection) -> int:
    """Drop and refill the lexical index from the records, in one transaction."""
    from indexing.schema import Contribution, Member

    rows: list[tuple[int, str, str]] = []  # rowids as in set_lexical
    for rowid, data in conn.execute("SELECT rowid, data FROM members"):
        m = Member.model_validate_json(data)
        rows.append((rowid * 2 + 1, member_key(m.id), m.profile_text()))
    for rowid, data in conn.execute("SELECT rowid, data FROM contributions"):
        c = Contribution.model_validate_json(data)
        rows.append((rowid * 2, contribution_key(c.id), c.index_text()))
    conn.execute("BEGIN IMMEDIATE")
    try:
        conn.execute("DROP TABLE lexical")
        conn.execute(LEXICAL_DDL)
        conn.executemany("INSERT INTO lexical(rowid, item_key, body) VALUES (?, ?, ?)", rows)
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")
    return len(rows)
