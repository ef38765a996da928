"""Vectors kept in the store: each encoded text's vector, by encoder fingerprint and text hash.

The index folder is derived data; these rows are what makes re-deriving it cheap. A text is
encoded once per encoder: a rebuild, a restart with the index folder gone, an interrupted build
(each batch is committed before the next is encoded) or a replica takes its vectors from here.

* ``fingerprint``: a short digest of the index's encoder fingerprint (the encoder's settings
  and the chunking settings, ``vectors/encoding.py: vector_fingerprint``), so the English and
  the multilingual index (or a changed model) never share vectors;
* ``text_hash``: ``text_hash()`` (sha256, 128 bits in hex) of the exact chunk text encoded;
* ``vector``: ``dim`` float32 values, native byte order (``ndarray.tobytes()``).

The SQL is portable (``?`` placeholders, ``ON CONFLICT DO NOTHING``); the functions take any
DB-API connection, so a second backend can run them through its adapter. Garbage collection:
``prune`` deletes rows whose fingerprint or text no index uses (``wellspring index
--prune-vectors``); nothing is deleted otherwise.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

VECTORS_DDL = """
CREATE TABLE IF NOT EXISTS text_vectors(
    fingerprint TEXT NOT NULL, text_hash TEXT NOT NULL, dim INTEGER NOT NULL,
    vector BLOB NOT NULL, PRIMARY KEY(fingerprint, text_hash));
"""
IN_CHUNK = 500  # hashes per IN (...) list
SCAN_BATCH = 10_000  # rows per keyset page when pruning


def _chunks(items: Sequence[str]) -> Iterator[list[str]]:
    for start in range(0, len(items), IN_CHUNK):
        yield list(items[start : start + IN_CHUNK])


def read_vectors(conn: Any, fingerprint: str, text_hashes: Sequence[str]
                 ) -> dict[str, npt.NDArray[np.float32]]:
    """The stored vectors among these hashes (1-D float32 arrays), by hash."""
    out: dict[str, npt.NDArray[np.float32]] = {}
    for chunk in _chunks(list(dict.fromkeys(text_hashes))):
        marks = ",".join("?" * len(chunk))
        rows = conn.execute(
            f"SELECT text_hash, dim, vector FROM text_vectors WHERE fingerprint=? "
            f"AND text_hash IN ({marks})", [fingerprint, *chunk])
        for h, dim, blob in rows:
            vec = np.frombuffer(bytes(blob), dtype=np.float32)
            if vec.shape[0] == int(dim):  # a damaged row is simply encoded again
                out[str(h)] = vec.copy()
    return out


def write_vectors(conn: Any, fingerprint: str,
                  vectors: Sequence[tuple[str, npt.NDArray[np.float32]]]) -> None:
    """Insert (hash, vector) rows inside the caller's transaction; existing rows stay."""
    conn.executemany(
        "INSERT INTO text_vectors(fingerprint, text_hash, dim, vector) VALUES (?, ?, ?, ?) "
        "ON CONFLICT(fingerprint, text_hash) DO NOTHING",
        [(fingerprint, h, int(v.shape[-1]),
          np.ascontiguousarray(v, dtype=np.float32).reshape(-1).tobytes())
         for h, v in vectors])


def vector_counts(conn: Any) -> dict[str, int]:
    """Stored vectors per fingerprint (``wellspring stats``)."""
    rows = conn.execute("SELECT fingerprint, COUNT(*) FROM text_vectors GROUP BY fingerprint "
                        "ORDER BY fingerprint")
    return {str(r[0]): int(r[1]) for r in rows}


def stale_rows(conn: Any, keep: Mapping[str, Collection[str]]) -> list[tuple[str, str]]:
    """(fingerprint, hash) of the rows ``keep`` (hashes in use, by fingerprint) does not name,
    read page by page in key order."""
    stale: list[tuple[str, str]] = []
    last = ("", "")
    while True:
        rows = conn.execute(
            "SELECT fingerprint, text_hash FROM text_vectors WHERE fingerprint > ? OR "
            "(fingerprint = ? AND text_hash > ?) ORDER BY fingerprint, text_hash LIMIT ?",
            (last[0], last[0], last[1], SCAN_BATCH)).fetchall()
        if not rows:
            return stale
        for fp, h in rows:
            used = keep.get(str(fp))
            if used is None or str(h) not in used:
                stale.append((str(fp), str(h)))
        last = (str(rows[-1][0]), str(rows[-1][1]))


def delete_rows(conn: Any, rows: Sequence[tuple[str, str]]) -> None:
    """Delete these (fingerprint, hash) rows inside the caller's transaction."""
    by_fp: dict[str, list[str]] = {}
    for fp, h in rows:
        by_fp.setdefault(fp, []).append(h)
    for fp, hashes in by_fp.items():
        for chunk in _chunks(hashes):
            marks = ",".join("?" * len(chunk))
            conn.execute(f"DELETE FROM text_vectors WHERE fingerprint=? AND text_hash IN "
                         f"({marks})", [fp, *chunk])
