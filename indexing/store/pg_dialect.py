"""The store's SQL on PostgreSQL: one connection adapter, so both backends run the same
statements (``sql_reads.py``, ``sql_writes.py``, ``keys.py``, the migrations).

The store's SQL is written for SQLite's DB-API (``?`` placeholders, ``INTEGER PRIMARY KEY
AUTOINCREMENT``, ``BLOB``) and kept to what both engines mean alike (``ON CONFLICT ... DO``,
``excluded``). ``translate`` rewrites a statement once (cached): placeholders become ``%s``
(a literal ``%`` is doubled), and in DDL the column types become PostgreSQL's. Rows come back
as :class:`Row`, indexable by position and by column name, like ``sqlite3.Row``.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import psycopg

_TYPES = [
    (re.compile(r"\bINTEGER PRIMARY KEY AUTOINCREMENT\b", re.I), "BIGSERIAL PRIMARY KEY"),
    (re.compile(r"\bINTEGER\b", re.I), "BIGINT"),
    (re.compile(r"\bREAL\b", re.I), "DOUBLE PRECISION"),
    (re.compile(r"\bBLOB\b", re.I), "BYTEA"),
]
_DDL = re.compile(r"^\s*(CREATE|ALTER)\s+(TABLE|INDEX|UNIQUE INDEX)\b", re.I)
_TABLE_DDL = re.compile(r"^\s*(CREATE|ALTER)\s+TABLE\b", re.I)
# text compares byte by byte, as in SQLite, so ids sort (and page) alike on both backends
_TEXT = (re.compile(r"\bTEXT\b(?! COLLATE)"), 'TEXT COLLATE "C"')


@functools.lru_cache(maxsize=2048)
def translate(sql: str) -> str:
    """A statement in the store's SQL as PostgreSQL takes it through psycopg."""
    if _DDL.match(sql):
        for pattern, replacement in _TYPES:
            sql = pattern.sub(replacement, sql)
        if _TABLE_DDL.match(sql):
            sql = _TEXT[0].sub(_TEXT[1], sql)
    out: list[str] = []
    quote = ""
    for ch in sql:
        if quote:
            out.append("%%" if ch == "%" else ch)
            if ch == quote:
                quote = ""
        elif ch in ("'", '"'):
            quote = ch
            out.append(ch)
        elif ch == "?":
            out.append("%s")
        elif ch == "%":
            out.append("%%")
        else:
            out.append(ch)
    return "".join(out)


def ddl_statements(script: str) -> list[str]:
    """The statements of a DDL script (split on ``;``), translated."""
    return [translate(s.strip()) for s in script.split(";") if s.strip()]


class Row(tuple[Any, ...]):
    """A result row readable by position (``row[0]``) and by column name (``row["id"]``)."""

    _names: dict[str, int]

    def __getitem__(self, key: Any) -> Any:
        if isinstance(key, str):
            return tuple.__getitem__(self, self._names[key])
        return tuple.__getitem__(self, key)

    def keys(self) -> list[str]:
        return list(self._names)


def _row_factory(cursor: psycopg.Cursor[Any]) -> Any:
    description = cursor.description or []
    names = {d.name: i for i, d in enumerate(description)}
    cls = type("Row", (Row,), {"_names": names})

    def make(values: Sequence[Any]) -> Row:
        return cls(bytes(v) if isinstance(v, memoryview) else v for v in values)

    return make


class Cursor:
    """What ``execute`` returns: iterable, with ``fetchone``/``fetchall`` and ``rowcount``."""

    def __init__(self, cursor: psycopg.Cursor[Any]) -> None:
        self._cursor = cursor

    def fetchone(self) -> Any:
        return self._cursor.fetchone() if self._cursor.description else None

    def fetchall(self) -> list[Any]:
        return list(self._cursor.fetchall()) if self._cursor.description else []

    def __iter__(self) -> Iterator[Any]:
        return iter(self.fetchall())

    @property
    def rowcount(self) -> int:
        return self._cursor.rowcount


class PgConnection:
    """A psycopg connection (autocommit; transactions are the store's) speaking the store's
    SQL. ``raw`` is the psycopg connection, for what only PostgreSQL has (NOTIFY, LISTEN)."""

    def __init__(self, raw: psycopg.Connection[Any]) -> None:
        self.raw = raw

    def execute(self, sql: str, params: Sequence[Any] | None = None) -> Cursor:
        cursor = self.raw.cursor(row_factory=_row_factory)
        cursor.execute(translate(sql), _params(params))
        return Cursor(cursor)

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        batch = [_params(r) for r in rows]
        if batch:
            with self.raw.cursor() as cursor:
                cursor.executemany(translate(sql), batch)

    def close(self) -> None:
        self.raw.close()


def _params(params: Sequence[Any] | None) -> list[Any]:
    return [] if params is None else list(params)


def connect(url: str) -> PgConnection:
    """A new autocommit connection to ``url`` (``postgresql://user@host:port/db``)."""
    return PgConnection(psycopg.connect(url, autocommit=True))
