"""The community: store + encoder + index, kept in step. Every write goes through here.

Order of a write: the store commits first (durable, the source of truth), then the index follows
in memory. A crash between the two loses nothing: at start-up the index re-syncs with the store.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Literal, TypeVar

from indexing.backup import set_aside_damaged
from indexing.encoders.base import Encoder
from indexing.encoders.batching import BatchingEncoder
from indexing.encoders.onnx_runtime import load_minilm, warm_encoder
from indexing.errors import (
    Conflict,
    IndexCorrupt,
    NotFound,
    RecordError,
    StoreCorrupt,
    ValidationFailed,
)
from indexing.feed import ChangeFollower
from indexing.schema import Contribution, Member, Organisation
from indexing.settings import Settings
from indexing.store import SpaceGuard, Store, WriteResult, open_store
from indexing.vectors.community_index import CommunityIndex, SyncStats
from indexing.vectors.encoding import Vectors
from indexing.vectors.faiss_index import choose_factory
from indexing.vectors.multilingual_index import (
    MULTILINGUAL_FOLDER,
    load_multilingual_encoder,
    open_multilingual_index,
    rebuild_multilingual_index,
)
from indexing.vectors.vector_backfill import backfill_if_missing
from indexing.vocabulary import configured_vocabulary, extend_vocabulary, load_vocabulary

if TYPE_CHECKING:
    from indexing.metrics import FeedPosition

log = logging.getLogger(__name__)

WriteMode = Literal["create", "replace", "upsert"]
R = TypeVar("R")
Record = Organisation | Member | Contribution
_TABLE = {Organisation: "organisations", Member: "members", Contribution: "contributions"}


def load_encoder(settings: Settings) -> Encoder:
    """The configured English encoder (setting ``encoder_runtime``: ONNX Runtime, or torch as
    the fallback), behind micro-batching (``encoders/batching.py``). Loads the model."""
    from indexing.metrics import pass_observer  # prometheus_client: only where encoders load

    return BatchingEncoder(load_minilm(settings), settings.encoding.encode_batch_wait_ms,
                           settings.encoding.encode_batch_max,
                           pass_observer(settings.observability.metrics))


class Community:
    """Everything that holds the community's state, opened once per process."""

    def __init__(self, settings: Settings, store: Store, encoder: Encoder,
                 index: CommunityIndex) -> None:
        self.settings = settings
        self.store = store
        self.encoder = encoder
        self.index = index
        self.multilingual_index: CommunityIndex | None = None  # setting language_routing
        self._write_lock = threading.Lock()
        self.recovered_from: str | None = None  # why the index was rebuilt at open, if it was
        self.follower: ChangeFollower | None = None  # replicas on PostgreSQL (feed.py)
        self.startup = SyncStats()  # what opening encoded and took from the store

    @property
    def index_root(self) -> Path:
        return self.settings.storage.index_path

    def feed_position(self) -> FeedPosition | None:
        """This process's place in the change feed (issue #16): the last applied sequence and
        the lag, read by ``/metrics`` (gauges ``wellspring_feed_*``). None while there is no
        feed (SQLite, one process), and then the gauges are absent."""
        if self.follower is None:
            return None
        from indexing.metrics import FeedPosition  # prometheus_client: only where it is read

        status = self.follower.status()
        return FeedPosition(status.applied_sequence, status.lag_seconds)

    def warm_encoders(self) -> None:
        """Run each encoder's first passes (queries and documents, English and multilingual),
        so the first need or write after start-up finds its runtime sessions made and run."""
        encoders = [self.encoder]
        if self.multilingual_index is not None:
            encoders.append(self.multilingual_index.encoder)
        for encoder in encoders:
            warm_encoder(encoder)

    @classmethod
    def open(cls, settings: Settings, encoder: Encoder | None = None, store: Store | None = None,
             show_progress: bool = False, multilingual_encoder: Encoder | None = None
             ) -> tuple[Community, SyncStats]:
        """Open the store, load the index (refusing a mismatched or damaged one) and bring it
        up to date with the store; a changed index is saved as a new generation."""
        try:
            store = store or open_store(settings.storage)
        except sqlite3.DatabaseError as exc:
            raise StoreCorrupt(f"cannot open the store {settings.storage.database_path} ({exc}); "
                               "restore it with `wellspring restore BACKUP_DIR`") from exc
        store.check_integrity()  # StoreCorrupt, or a damaged lexical index rebuilt
        extend_vocabulary(store, configured_vocabulary(settings.imports.vocabulary))  # in the store
        # an injected encoder (tests) gets a multilingual index only when one is injected too
        ml_encoder = multilingual_encoder or (load_multilingual_encoder(settings)
                                              if encoder is None else None)
        encoder = encoder or load_encoder(settings)
        recovered = None
        try:
            index = CommunityIndex.load(settings.storage.index_path, encoder, settings)
        except IndexCorrupt as exc:  # derived data: rebuild from the store, keep the evidence
            log.warning("index damaged, rebuilding it from the store: %s", exc)
            set_aside_damaged(settings.storage.index_path)
            index, recovered = None, str(exc)
        if index is None:  # a first build picks the index type by the documented rule
            counts = store.counts()
            index = CommunityIndex(encoder, settings, choose_factory(
                counts["members"] + counts["contributions"], settings.index.index_kind,
                settings.index.ivf_threshold))
        self = cls(settings, store, encoder, index)
        self.recovered_from = recovered
        # the multilingual index syncs beside the English one: its encoder runs one BLAS
        # thread (use_m3.py), the English one the other core's worth, so no core idles in a
        # first build; each keeps its own texts' vectors in the store
        with ThreadPoolExecutor(1, thread_name_prefix="multilingual-sync") as pool:
            multilingual = pool.submit(open_multilingual_index, settings, store, ml_encoder)
            stats = index.sync(store, show_progress=show_progress)
            self.startup = stats
            log.info("index: %d vectors (%d texts encoded, %d taken from the store) in %.1f s",
                     index.count(), stats.encoded_texts, stats.stored_texts, stats.seconds)
            if stats.changed or index.generation is None:
                index.save(settings.storage.index_path)
            backfill_if_missing(index, store)  # a store from before vectors were kept there
            self.multilingual_index = multilingual.result()
        return self, stats

    @classmethod
    def rebuild(cls, settings: Settings, encoder: Encoder | None = None,
                store: Store | None = None, show_progress: bool = False,
                multilingual_encoder: Encoder | None = None) -> tuple[Community, SyncStats]:
        """Build a fresh index from the store alone (ignores whatever is on disk)."""
        store = store or open_store(settings.storage)
        ml_encoder = multilingual_encoder or (load_multilingual_encoder(settings)
                                              if encoder is None else None)
        encoder = encoder or load_encoder(settings)
        empty = CommunityIndex(encoder, settings)
        index, stats = empty.rebuilt(store, show_progress=show_progress)
        index.save(settings.storage.index_path)
        self = cls(settings, store, encoder, index)
        self.multilingual_index, _ = rebuild_multilingual_index(
            settings, store, ml_encoder, show_progress=show_progress)
        return self, stats

    # -- writes ------------------------------------------------------------------------------
    def write(self, records: Sequence[Record], mode: WriteMode = "upsert",
              may_change: SpaceGuard | None = None) -> WriteResult:
        """Commit records in one transaction, then update the index; all or nothing.

        ``create`` refuses ids that exist (Conflict), ``replace`` ids that do not (NotFound).
        References (a member's organisation, a contribution's authors) must exist. With
        ``may_change``, every contribution's space, sent and stored, is checked in the
        transaction (``Store.write_records``).
        """
        # encode first, outside the lock: only the commit and the index swap wait for others
        # (texts a concurrent write changes meanwhile are encoded again under the lock)
        known = self._encode_ahead(records)
        with self._write_lock:
            self._check(records, mode)
            result = self.store.write_records(
                organisations=[r for r in records if isinstance(r, Organisation)],
                members=[r for r in records if isinstance(r, Member)],
                contributions=[r for r in records if isinstance(r, Contribution)],
                may_change=may_change,
            )
            for org in records:
                if isinstance(org, Organisation):  # members show their organisation's name
                    result.changed_members |= set(self.store.member_ids_of_organisation(org.id))
            self._sync_indexes(result, known)
            return result

    def _encode_ahead(self, records: Sequence[Record]) -> list[dict[str, Vectors]]:
        """Vectors of the records' texts by each index's encoder (main, then multilingual)."""
        indexes = [self.index, self.multilingual_index]
        return [index.encode_ahead(records, self.store) if index is not None else {}
                for index in indexes]

    def _check(self, records: Sequence[Record], mode: WriteMode) -> None:
        ids: dict[str, set[str]] = {"organisations": set(), "members": set(),
                                    "contributions": set()}
        for r in records:
            table = _TABLE[type(r)]
            if r.id in ids[table]:
                raise Conflict(f"id '{r.id}' appears twice in the request")
            ids[table].add(r.id)
        for table, wanted in ids.items():
            existing = self.store.existing_ids(table, wanted)
            if mode == "create" and existing:
                raise Conflict(f"{table[:-1]} '{sorted(existing)[0]}' already exists")
            if mode == "replace" and wanted - existing:
                raise NotFound(table[:-1], sorted(wanted - existing)[0])
        orgs = {r.organisation_id for r in records if isinstance(r, Member)}
        known_orgs = self.store.existing_ids("organisations", orgs) | ids["organisations"]
        for org in sorted(orgs - known_orgs):
            raise NotFound("organisation", org, field="organisation_id")
        authors = {a for r in records if isinstance(r, Contribution) for a in r.authors}
        known = self.store.existing_ids("members", authors) | ids["members"]
        for author in sorted(authors - known):
            raise NotFound("member", author, field="authors")
        vocabulary = load_vocabulary(self.store)
        terms = [(r.id, "kind", vocabulary.problem("organisation_kinds", r.kind)) for r in records
                 if isinstance(r, Organisation)]
        terms += [(r.id, "type", vocabulary.problem("contribution_types", r.type))
                  for r in records if isinstance(r, Contribution)]
        errors = [RecordError("request", None, rid, name, problem)
                  for rid, name, problem in terms if problem]
        if errors:
            raise ValidationFailed(errors)

    def apply(self, commit: Callable[[Store], R], changed: Callable[[R], WriteResult]) -> R:
        """Run a commit made by other code (an import through ``indexing.ingest``) under the
        write lock; then the indexes follow the WriteResult that ``changed`` reads from it."""
        with self._write_lock:
            outcome = commit(self.store)
            self._sync_indexes(changed(outcome))
            return outcome

    def delete(self, kind: Literal["organisation", "member", "contribution"], record_id: str,
               may_change: SpaceGuard | None = None) -> WriteResult:
        """Delete one record; a member's sole-authored contributions go with them. With
        ``may_change``, every contribution the deletion touches must be in a space the caller
        may change (checked in the transaction: ``Store.delete_member``)."""
        with self._write_lock:
            result = WriteResult(deleted=1)
            with self.store.transaction() as conn:
                if kind == "organisation":
                    self.store.delete_organisation(conn, record_id)
                elif kind == "member":
                    orphans = self.store.delete_member(conn, record_id, may_change)
                    result.deleted_members.add(record_id)
                    result.deleted_contributions |= set(orphans)
                    with self.index.reader() as reader:
                        theirs = set(reader.catalog.member_contributions.get(record_id, set()))
                    result.changed_contributions |= theirs - set(orphans)
                else:
                    self.store.delete_contribution(conn, record_id, may_change)
                    result.deleted_contributions.add(record_id)
            self._sync_indexes(result)
            return result

    def _sync_indexes(self, result: WriteResult,
                      known: Sequence[Mapping[str, Vectors]] = ({}, {})) -> None:
        """The indexes follow the committed store (under the lock); ``known``: vectors encoded
        ahead, per index."""
        self.index.sync(self.store, result, known=known[0])
        if self.multilingual_index is not None:
            self.multilingual_index.sync(self.store, result, known=known[1])

    # -- the change feed (replicas on one PostgreSQL store) ---------------------------------
    def follow(self, changes: WriteResult, sequence: int) -> None:
        """Apply changes committed by other processes, up to ``sequence`` (``feed.py``)."""
        with self._write_lock:
            self._sync_indexes(changes)
            for index in (self.index, self.multilingual_index):
                if index is not None:
                    index.feed_sequence = max(index.feed_sequence, sequence)

    def start_following(self) -> ChangeFollower:
        """Follow the store's change feed from the sequence the open sync included: LISTEN on
        PostgreSQL (plus the poll), polling only on SQLite (the workers of one ``serve``,
        issue #33: each also catches up before a request, ``follow_now``)."""
        url = self.settings.storage.database_url if self.settings.storage.uses_postgres else None
        follower = ChangeFollower(self.store, self.follow, self.index.feed_sequence, url,
                                  self.settings.index.feed_poll_seconds)
        follower.start()
        self.follower = follower
        return follower

    @property
    def following(self) -> bool:
        """Whether this process follows the change feed (replicas, serve workers)."""
        return self.follower is not None

    def feed_pending(self) -> bool:
        """Whether the feed holds changes this process has not applied (one indexed read)."""
        return self.follower is not None and self.follower.pending()

    def follow_now(self) -> int:
        """Apply every change committed so far that this process has not applied (another
        serve worker's writes, issue #33); returns how many. Called before a request, so a
        write acknowledged by any process is in this process's next answer."""
        return self.follower.catch_up() if self.follower is not None else 0

    def encoder_runtime(self) -> str:
        """How the English model runs: torch, onnx, queries and documents on each, and whether
        needs run on the int8 copy (``query_precision``), as the encoder reports it."""
        return str(getattr(self.encoder, "runtime", "unknown"))

    def feed_status(self) -> dict[str, object] | None:
        """Applied and latest sequence and lag, when this process follows the feed."""
        if self.follower is None:
            return None
        status = self.follower.status().as_dict()
        status["snapshot_sequence"] = self.index.feed_sequence
        return status

    # -- index maintenance -------------------------------------------------------------------
    def reindex(self, show_progress: bool = False) -> SyncStats:
        """Rebuild aside (reusing unchanged vectors), save, then swap in; searches go on."""
        with self._write_lock:
            fresh, stats = self.index.rebuilt(self.store, show_progress=show_progress)
            fresh.save(self.index_root)
            if self.multilingual_index is not None:
                self.multilingual_index, _ = rebuild_multilingual_index(
                    self.settings, self.store, self.multilingual_index.encoder,
                    self.multilingual_index, show_progress)
            self.index = fresh
            return stats

    def prune_vectors(self) -> int:
        """Delete the store's vectors no index of this community uses: other encoders' (a
        changed model or chunking) and texts no record has any more. Returns how many. A write
        encoding ahead meanwhile may lose its fresh vectors from the store (not from the
        index): a later rebuild encodes those texts again, nothing else is lost."""
        with self._write_lock:
            keep = {self.index.vector_fingerprint: self.index.used_text_hashes(self.store)}
            ml = self.multilingual_index
            if ml is not None:
                keep[ml.vector_fingerprint] = ml.used_text_hashes(self.store)
            return self.store.prune_vectors(keep)

    def save_if_dirty(self) -> bool:
        saved = False
        ml = self.multilingual_index
        if ml is not None and ml.dirty:
            ml.save(self.index_root / MULTILINGUAL_FOLDER)
            saved = True
        if self.index.dirty:
            self.index.save(self.index_root)
            return True
        return saved
