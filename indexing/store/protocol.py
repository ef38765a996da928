"""The store protocol: what the rest of Wellspring asks of the source of truth.

Two backends implement it: ``sqlite.py`` (the embedded default) and ``postgres.py`` (replicas);
both run the same SQL for records (``sql_reads.py``, ``sql_writes.py``).
Writes happen inside ``transaction()``, whose handle is opaque to callers: they pass it back to
the store's own write methods and never run statements on it.
"""

from __future__ import annotations

import contextlib
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from typing import Any, Protocol, runtime_checkable

import numpy as np
import numpy.typing as npt

from indexing.schema import Contribution, Member, Organisation
from indexing.store.changes import Change
from indexing.store.choices import MemberChoices
from indexing.store.feedback import FeedbackStore
from indexing.store.records import ContributionMeta, SpaceGuard, WriteResult
from indexing.store.topics import StoredTopics


class Store(Protocol):
    """Records, their attributes and content hashes, lexical search, transactional writes."""

    # -- reads -------------------------------------------------------------------------------
    def counts(self) -> dict[str, int]: ...

    def stats(self, spaces: Collection[str] | None = None) -> dict[str, object]: ...

    def existing_ids(self, table: str, ids: Iterable[str]) -> set[str]: ...

    def get_organisation(self, org_id: str) -> Organisation: ...

    def organisations(self) -> list[Organisation]: ...

    def get_member(self, member_id: str) -> Member: ...

    def members(self) -> list[Member]: ...

    def get_members(self, ids: Iterable[str]) -> dict[str, Member]: ...

    def get_contribution(self, contribution_id: str) -> Contribution: ...

    def get_contributions(self, ids: Iterable[str]) -> dict[str, Contribution]: ...

    def iter_contributions(self, batch: int = 1000) -> Iterator[Contribution]: ...

    def member_ids_of_organisation(self, org_id: str) -> list[str]: ...

    def contribution_meta(self, ids: Iterable[str] | None = None) -> list[ContributionMeta]:
        """Contributions' filter attributes; ``authors`` are those credited for matching."""
        ...

    def member_choices(self, ids: Iterable[str] | None = None) -> dict[str, MemberChoices]:
        """What members said about themselves (``choices.py``), for the catalog."""
        ...

    def member_hashes(self) -> dict[str, str]: ...

    def contributions_of(self, member_id: str) -> list[str]: ...

    def lexical_search(self, query: str, limit: int) -> list[tuple[str, float]]:
        """(item key, BM25 score) best first, for members' profiles and contributions."""
        ...

    def vocabulary_terms(self) -> list[tuple[str, str]]:
        """(kind, term) pairs the community added to the default vocabularies."""
        ...

    def topic_model(self) -> StoredTopics | None:
        """The knowledge map's topic model as last saved (ids, centroids, assignments)."""
        ...

    def change_sequence(self) -> int:
        """The sequence of the newest committed record change (the change feed, changes.py)."""
        ...

    def changes_since(self, seq: int, limit: int = 10_000) -> list[Change]: ...

    def feedback(self) -> FeedbackStore:
        """Suggestions, coordinators' feedback, exposure and the learned ranking model."""
    def stored_vectors(self, fingerprint: str, text_hashes: Sequence[str]
                       ) -> dict[str, npt.NDArray[np.float32]]:
        """The vectors stored for these text hashes under this encoder fingerprint, by hash
        (those present; 1-D float32). See ``vectors.py``."""
        ...

    # -- writes ------------------------------------------------------------------------------
    def add_vocabulary_terms(self, terms: Sequence[tuple[str, str]]) -> None: ...

    def save_topic_model(self, model: StoredTopics) -> None: ...

    def save_vectors(self, fingerprint: str,
                     vectors: Sequence[tuple[str, npt.NDArray[np.float32]]]) -> None:
        """Store (text hash, vector) pairs in a transaction of their own; a pair already
        stored is left as it is (ON CONFLICT DO NOTHING)."""
        ...

    def prune_vectors(self, keep: Mapping[str, Collection[str]]) -> int:
        """Delete stored vectors whose fingerprint is not in ``keep`` or whose text hash is
        not in its set; returns how many were deleted."""
        ...

    def transaction(self) -> contextlib.AbstractContextManager[Any]: ...

    def write_records(self, organisations: Sequence[Organisation] = (),
                      members: Sequence[Member] = (),
                      contributions: Sequence[Contribution] = (),
                      may_change: SpaceGuard | None = None) -> WriteResult: ...

    def delete_organisation(self, conn: Any, org_id: str) -> None: ...

    def delete_member(self, conn: Any, member_id: str,
                      may_change: SpaceGuard | None = None) -> list[str]: ...

    def delete_contribution(self, conn: Any, contribution_id: str,
                            may_change: SpaceGuard | None = None) -> None: ...

    def set_meta(self, key: str, value: object) -> None: ...

    def check_integrity(self) -> bool:
        """StoreCorrupt when the store is damaged; True when a derived part was repaired."""
        ...

    def close(self) -> None: ...


@runtime_checkable
class SqlStore(Store, Protocol):
    """A store whose database other parts of the store package also write (keys and the audit
    log, ``keys.py``): both backends, through a connection taking the store's SQL."""

    def connection(self) -> Any: ...
