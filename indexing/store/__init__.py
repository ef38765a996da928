"""The source of truth: the store protocol, its SQLite backend, the lexical index beside the
records, and API keys with the audit log (``keys.py``)."""

from __future__ import annotations

from pathlib import Path

from indexing.store.protocol import Store
from indexing.store.records import ContributionMeta, WriteResult, text_hash
from indexing.store.sqlite import SqliteStore

__all__ = ["ContributionMeta", "SqliteStore", "Store", "WriteResult", "open_store", "text_hash"]


def open_store(path: Path | str) -> SqliteStore:
    """The store at this database path (created on first use)."""
    return SqliteStore(path)
