"""The lexical index: an SQLite FTS5 table (porter stemming, BM25) beside the records.

Each record has one row, keyed by a rowid derived from the record's own (``lexical_rowid``), and
is written in the same transaction as the record, so the lexical index cannot disagree with the
store and replacing a row is a lookup, not a scan (``item_key`` is UNINDEXED).
"""

from __future__ import annotations

import sqlite3

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


def search_lexical(conn: sqlite3.Connection, query: str, limit: int) -> list[tuple[str, float]]:
    """BM25 over titles, texts and profiles: (item key, score), best first (score > 0)."""
    terms = fts_terms(query)
    if not terms:
        return []
    expr = " OR ".join(f'"{t}"' for t in terms)
    rows = conn.execute(
        "SELECT item_key, -bm25(lexical) AS s FROM lexical WHERE lexical MATCH ? "
        "ORDER BY rank LIMIT ?",
        (expr, limit),
    )
    return [(r[0], float(r[1])) for r in rows]


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
