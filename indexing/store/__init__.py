"""The source of truth: the store protocol, its SQLite and PostgreSQL backends, the lexical
index beside the records, the change feed, and API keys with the audit log (``keys.py``)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from indexing.store.protocol import SqlStore, Store
from indexing.store.records import ContributionMeta, SpaceGuard, WriteResult, text_hash
from indexing.store.sqlite import SqliteStore

__all__ = ["ContributionMeta", "SpaceGuard", "SqlStore", "SqliteStore", "Store", "WriteResult",
           "open_store", "text_hash"]


if TYPE_CHECKING:
    from indexing.settings import StorageSettings


def open_store(where: StorageSettings | Path | str) -> SqlStore:
    """The configured store: PostgreSQL when ``database_url`` names one (``postgres.py``),
    else the SQLite file (created on first use)."""
    if isinstance(where, (Path, str)):
        return SqliteStore(where)
    if where.uses_postgres:
        from indexing.store.postgres import PostgresStore

        return PostgresStore(where.database_url)
    return SqliteStore(where.database_path)
