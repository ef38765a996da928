"""What the store hands out besides the records themselves: write results, contribution
attributes and the content hash that decides whether a text must be re-encoded."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field

SpaceGuard = Callable[[str], bool]
"""Whether the caller of a write may change a record in this space (checked in the write's
transaction, against the stored record, so no concurrent write slips between check and change)."""


def text_hash(text: str) -> str:
    """Content hash of an indexed text: equal hashes mean no re-encoding is needed."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


@dataclass
class WriteResult:
    """What a write changed, so the index can follow it exactly."""

    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    deleted: int = 0
    changed_members: set[str] = field(default_factory=set)
    changed_contributions: set[str] = field(default_factory=set)
    deleted_members: set[str] = field(default_factory=set)
    deleted_contributions: set[str] = field(default_factory=set)

    def merge(self, other: WriteResult) -> None:
        self.inserted += other.inserted
        self.updated += other.updated
        self.unchanged += other.unchanged
        self.deleted += other.deleted
        self.changed_members |= other.changed_members
        self.changed_contributions |= other.changed_contributions
        self.deleted_members |= other.deleted_members
        self.deleted_contributions |= other.deleted_contributions


@dataclass(frozen=True)
class ContributionMeta:
    """The attributes of a contribution that filters and ranking need (no text)."""

    id: str
    type: str
    date: str
    language: str | None
    space: str
    authors: tuple[str, ...]
    text_hash: str
