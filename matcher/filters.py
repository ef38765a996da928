"""Who may see what, and the filters of a search: built by the matcher from a request,
evaluated by the index (``indexing/vectors/filters.py``, where they are defined)."""

from __future__ import annotations

from indexing.vectors.filters import Access, SearchFilters

__all__ = ["Access", "SearchFilters"]
