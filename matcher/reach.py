"""How far one ranking reaches: what it may read (filters, the caller's access) and how deep.

A ``Reach`` travels with a need through the pipeline (``experts.py``, ``retrieval.py``,
``relevance.py``) in place of four loose arguments, so every stage of one answer reads the same
filters and access, and a stage that goes deeper says so by deriving a new reach.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from indexing.vectors.filters import Access, SearchFilters


@dataclass(frozen=True)
class Reach:
    """Filters and access act before truncation; ``top`` members are wanted; ``exhaustive``
    scores every allowed vector."""

    filters: SearchFilters
    access: Access
    top: int
    exhaustive: bool = False

    @classmethod
    def of(cls, filters: SearchFilters | None, access: Access | None, top: int,
           exhaustive: bool = False) -> Reach:
        """No filters and the public's access unless given."""
        return cls(filters or SearchFilters(), access or Access.public(), top, exhaustive)

    def to(self, top: int | None = None, exhaustive: bool | None = None) -> Reach:
        """The same filters and access, another depth."""
        return replace(self, top=self.top if top is None else top,
                       exhaustive=self.exhaustive if exhaustive is None else exhaustive)
