"""The community's vector index: items (profiles and contribution chunks), their vectors in FAISS,
their filter attributes, and the folder they persist to.

The store is the source of truth. ``sync`` brings the index to the store's state by comparing
content hashes: only new or changed texts need vectors, so re-indexing an unchanged store encodes
nothing and an HTTP write encodes just its own texts. Vectors are kept in the store too
(``store/vectors.py``): a text is encoded once per encoder, so a rebuild, a lost index folder or
a killed build takes what was encoded from the store and encodes only the rest.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import logging
import os
import shutil
import time
import uuid
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from indexing.encoders.base import Encoder
from indexing.errors import IndexCorrupt, IndexMismatch
from indexing.schema import ItemKey, contribution_key, member_key
from indexing.settings import Settings
from indexing.store import Store, WriteResult
from indexing.vectors.catalog import Catalog
from indexing.vectors.durable import fsync_dir, write_atomic, write_json
from indexing.vectors.encoding import (
    EncodedBatch,
    SyncStats,
    Vectors,
    VectorSource,
    encode_items,
    index_fingerprint,
    record_texts,
    text_hashes,
    vector_fingerprint,
)
from indexing.vectors.faiss_index import (
    INDEX_FILE,
    FaissVectorIndex,
    choose_factory,
    choose_nprobe,
    configure_faiss,
)
from indexing.vectors.item_table import ItemTable
from indexing.vectors.manifest import (
    check_encoder,
    folder_lock,
    read_manifest,
    verify_checksums,
    write_manifest,
)
from indexing.vectors.reader import IndexParts, IndexReader, MaskCache
from indexing.vectors.rwlock import RWLock
from indexing.vectors.vector_index import VectorIndex

log = logging.getLogger(__name__)

ITEMS_FILE = "items.json"
CURRENT = "CURRENT"
STREAM_KEYS = 2048  # a sync of more keys adds batch by batch (bounded memory)
REUSE_BATCH = 50_000  # vectors reconstructed per call when a rebuild reuses them


class CommunityIndex:
    """Vectors + item table + catalog, guarded by one readers-writer lock."""

    def __init__(self, encoder: Encoder, settings: Settings, factory: str = "Flat") -> None:
        self.encoder = encoder
        self.settings = settings
        configure_faiss(settings.index.faiss_threads)
        self._vectors: VectorIndex = FaissVectorIndex(encoder.dimension, factory,
                                        choose_nprobe(factory, settings.index.ivf_nprobe))
        self._items = ItemTable()
        self._catalog = Catalog(settings.matching.consent)
        self._lock = RWLock()
        self._version = 0  # bumped by every change of items under the write lock
        self._masks: MaskCache = {}  # per version (reader.py)
        self._texts_from: Store | None = None  # the store the index last synced with
        self.generation: str | None = None
        self.dirty = False
        self.feed_sequence = 0  # the change feed's sequence this index includes (store/changes)
        self.vector_fingerprint = vector_fingerprint(self.fingerprint())  # its store vectors

    # -- the query interface -----------------------------------------------------------------
    @contextlib.contextmanager
    def reader(self) -> Iterator[IndexReader]:
        """A consistent view for one request, under the read lock for as long as it is held:
        item ids from its searches always mean the same items. Not re-entrant: a request
        opens one reader per index and passes it along."""
        with self._lock.read():
            yield IndexReader(IndexParts(self._items, self._vectors, self._catalog,
                                         self._version),
                              self._masks, self._texts_from, self.settings)

    @property
    def factory(self) -> str:
        """The FAISS factory string of the vector index (``Flat``, ``IVF1024,Flat``, ...)."""
        return self._vectors.factory

    def changed(self) -> None:
        """Mark items changed (caller holds the write lock): cached masks are stale."""
        self._version += 1
        self._masks.clear()

    # -- persistence -------------------------------------------------------------------------
    def fingerprint(self) -> dict[str, Any]:
        return index_fingerprint(self.encoder, self.settings)

    @classmethod
    def load(cls, root: Path, encoder: Encoder, settings: Settings) -> CommunityIndex | None:
        """Load the current generation under ``root``; None if there is none yet.

        Raises IndexMismatch for other encoder settings and IndexCorrupt for a damaged folder.
        """
        if not (root / CURRENT).exists():
            return None
        with folder_lock(root, shared=True):  # a concurrent save may not delete it meanwhile
            return cls._load_locked(root, encoder, settings)

    @classmethod
    def _load_locked(cls, root: Path, encoder: Encoder, settings: Settings
                     ) -> CommunityIndex | None:
        current = root / CURRENT
        name = current.read_text(encoding="utf-8").strip()
        folder = root / name
        if not name or not folder.is_dir():
            raise IndexCorrupt(f"{current} names '{name}', which is missing; "
                               "rebuild with `wellspring index --rebuild`")
        manifest = read_manifest(folder)
        self = cls(encoder, settings, manifest.get("factory", "Flat"))
        check_encoder(manifest, self.fingerprint(), folder)
        if manifest.get("dimension") != encoder.dimension:
            raise IndexMismatch(f"index dimension {manifest.get('dimension')} != encoder "
                                f"{encoder.dimension}; rebuild with `wellspring index --rebuild`")
        verify_checksums(folder, manifest)
        try:
            self._vectors = FaissVectorIndex.load(
                folder, manifest["factory"], encoder.dimension,
                choose_nprobe(manifest["factory"], settings.index.ivf_nprobe),
            )
            self._items = ItemTable.from_json(
                json.loads((folder / ITEMS_FILE).read_text(encoding="utf-8"))
            )
        except (RuntimeError, ValueError, KeyError) as exc:
            raise IndexCorrupt(f"cannot read the index in {folder}: {exc}; "
                               "rebuild with `wellspring index --rebuild`") from exc
        n_items = sum(len(v) for v in self._items.key_ids.values())
        if not self._vectors.count() == n_items == manifest.get("vectors"):
            raise IndexCorrupt(
                f"index in {folder} is inconsistent: {self._vectors.count()} vectors, {n_items} "
                f"items, manifest says {manifest.get('vectors')}; "
                "rebuild with `wellspring index --rebuild`"
            )
        self.generation = name
        self.feed_sequence = int(manifest.get("feed_sequence", 0))
        return self

    def save(self, root: Path) -> Path:
        """Write a new generation aside, then switch CURRENT to it atomically.

        Serialised by an exclusive folder lock: concurrent saves (the periodic saver, a reindex,
        a CLI run) would otherwise delete each other's folders when cleaning up."""
        with folder_lock(root):
            return self._save_locked(root)

    def _save_locked(self, root: Path) -> Path:
        name = f"gen-{dt.datetime.now(dt.UTC).strftime('%Y%m%dT%H%M%S')}-{uuid.uuid4().hex[:6]}"
        tmp = root / f".tmp-{name}"
        tmp.mkdir()
        with self._lock.read():
            self._vectors.save(tmp)
            items = self._items.to_json()
            n_vectors = self._vectors.count()
            factory = self._vectors.factory
            dirty_before = self.dirty
            self.dirty = False
            n_members = sum(1 for k in self._items.key_hash if k.is_profile)
            n_contributions = len(self._items.key_hash) - n_members
            feed_sequence = self.feed_sequence
        # written after the lock: ``items`` is a copy (ItemTable.to_json), never the live table
        write_json(tmp / ITEMS_FILE, items)
        write_manifest(tmp, {
            "encoder": self.fingerprint(),
            "model": self.encoder.name,
            "dimension": self.encoder.dimension,
            "metric": "inner_product",
            "factory": factory,
            "nprobe": self._vectors.nprobe,
            "vectors": n_vectors,
            "keys": len(items["hashes"]),
            "members": n_members,
            "contributions": n_contributions,
            "feed_sequence": feed_sequence,
        }, [INDEX_FILE, ITEMS_FILE])
        fsync_dir(tmp)  # the files' directory entries are durable before the rename
        final = root / name
        os.rename(tmp, final)
        fsync_dir(root)
        write_atomic(root / CURRENT, name)
        old = self.generation
        self.generation = name
        for entry in root.iterdir():
            if entry.is_dir() and entry.name != name and (
                entry.name == old or entry.name.startswith(("gen-", ".tmp-"))
            ):
                shutil.rmtree(entry, ignore_errors=True)
        log.info("saved index generation %s (%d vectors%s)", name, n_vectors,
                 ", had unsaved writes" if dirty_before else "")
        return final

    # -- keeping up with the store -----------------------------------------------------------
    def encode_ahead(self, records: Iterable[object], store: Store | None = None
                     ) -> dict[str, Vectors]:
        """The vectors of the texts these records will be embedded as, by text: a write
        encodes them before it takes the community's lock and hands them to ``sync``. With a
        store, vectors it holds are taken and the ones encoded are saved to it."""
        texts = record_texts(records, self.settings)
        if not texts:
            return {}
        vecs = self.source(store).vectors(texts)
        return dict(zip(texts, vecs, strict=True))

    def source(self, store: Store | None, stats: SyncStats | None = None,
               known: Mapping[str, Vectors] | None = None) -> VectorSource:
        """Where this index's vectors come from: ``known``, the store, else the encoder."""
        return VectorSource(self.encoder, store, self.vector_fingerprint, stats, known)

    def used_text_hashes(self, store: Store) -> set[str]:
        """The hashes of the texts this index's items are embedded as (what pruning keeps)."""
        with self._lock.read():
            keys = sorted(self._items.key_hash)
        return text_hashes(store, keys, self.settings)

    def sync(self, store: Store, changes: WriteResult | None = None, show_progress: bool = False,
             known: Mapping[str, Vectors] | None = None) -> SyncStats:
        """Bring vectors and attributes to the store's state (all of it, or just ``changes``).

        Encoding happens outside the lock; the swap of vectors and attributes happens under the
        write lock, so searches never see half an update. Texts in ``known`` (``encode_ahead``)
        are not encoded again, nor are texts whose vectors the store holds; what is encoded is
        saved to the store batch by batch.
        """
        started = time.perf_counter()
        if changes is None:
            sequence = store.change_sequence()  # read first: the sync includes at least this
            catalog = Catalog.from_store(store, self.settings.matching.consent)
            desired = {member_key(m): h for m, h in store.member_hashes().items()}
            desired |= {contribution_key(c.id): c.text_hash
                        for c in catalog.contributions.values()}
            candidates = set(desired) | set(self._items.key_hash)
        else:
            catalog = self._catalog
            mids = changes.changed_members | changes.deleted_members
            cids = changes.changed_contributions | changes.deleted_contributions
            fresh = store.get_members(mids)
            metas = {m.id: m for m in store.contribution_meta(cids)}
            desired = {member_key(m): store_hash for m, store_hash in
                       ((m, _profile_hash(fresh[m])) for m in mids if m in fresh)}
            desired |= {contribution_key(c): metas[c].text_hash for c in cids if c in metas}
            candidates = {member_key(m) for m in mids} | {contribution_key(c) for c in cids}
        stale = [k for k in candidates
                 if k in self._items.key_hash and desired.get(k) != self._items.key_hash[k]]
        stale += [k for k in candidates
                  if k in self._items.key_ids and k not in self._items.key_hash]
        fresh_keys = sorted(k for k in candidates
                            if k in desired and self._items.key_hash.get(k) != desired[k])
        stats = SyncStats(added_keys=len(fresh_keys), removed_keys=len(set(stale)))
        batches = encode_items(self.source(store, stats, known), store, fresh_keys,
                               self.settings, show_progress)
        gone = set(stale)
        if len(fresh_keys) > STREAM_KEYS:  # big build: add batch by batch, memory stays bounded
            with self._lock.write():
                self._remove_keys(gone)
            gone = set()
            self._add_batches(batches, desired, catalog)
            encoded: EncodedBatch = []
        else:  # small sync (an HTTP write): one swap, searches never see half of it
            encoded = [pair for batch in batches for pair in batch]
        with self._lock.write():
            self._remove_keys(gone)
            self._add_encoded(encoded, desired)
            if changes is None:
                self._catalog = catalog
                self._items.set_attributes(catalog, list(self._items.key_ids))
                self.feed_sequence = max(self.feed_sequence, sequence)
            else:
                catalog.refresh(store, mids, cids)
                touched = {member_key(m) for m in mids} | {contribution_key(c) for c in cids}
                self._items.set_attributes(catalog, touched)
            self._texts_from = store
            self.changed()
            if stats.changed:
                self.dirty = True
        stats.seconds = time.perf_counter() - started
        return stats

    def _remove_keys(self, keys: Iterable[ItemKey]) -> None:
        for key in keys:
            self._vectors.remove(np.asarray(self._items.release(key), dtype=np.int64))

    def _add_batches(self, batches: Iterable[EncodedBatch], desired: dict[ItemKey, str],
                     catalog: Catalog | None = None) -> None:
        """Add batches one write-lock at a time; an untrained IVF index is first trained on
        the first ``TRAIN_PER_LIST * nlist`` vectors (held back until then, then added)."""
        held: EncodedBatch = []
        need = self._vectors.training_size()
        for batch in batches:
            if not self._vectors.is_trained:
                held.extend(batch)
                if sum(len(v) for _, v in held) < need:
                    continue
                batch, held = held, []
            with self._lock.write():
                self._add_encoded(batch, desired)
                if catalog is not None:  # complete items only: attributes with the vectors
                    self._items.set_attributes(catalog, [k for k, _ in batch])
        if held:
            with self._lock.write():
                self._add_encoded(held, desired)
                if catalog is not None:
                    self._items.set_attributes(catalog, [k for k, _ in held])

    def add_vectors(self, batches: Iterable[tuple[list[ItemKey], list[str], Vectors]]) -> int:
        """Add precomputed vectors: batches of (keys, store text hashes, one vector per key).

        The hook for vectors computed elsewhere (bench/synthetic.py at 1M contributions): a
        following ``sync(store)`` sees equal hashes, encodes nothing and sets the attributes.
        """
        desired: dict[ItemKey, str] = {}
        added = 0

        def pairs() -> Iterator[EncodedBatch]:
            nonlocal added
            for keys, hashes, vecs in batches:
                desired.update(zip(keys, hashes, strict=True))
                added += len(keys)
                yield [(k, vecs[i : i + 1]) for i, k in enumerate(keys)]

        self._add_batches(pairs(), desired)
        self.dirty = True
        return added

    def _add_encoded(self, encoded: EncodedBatch, desired: dict[ItemKey, str]) -> None:
        if not encoded:
            return
        if not self._vectors.is_trained:
            self._vectors.train(np.vstack([v for _, v in encoded]))
        all_ids: list[int] = []
        all_vecs: list[npt.NDArray[np.float32]] = []
        for key, vecs in encoded:
            all_ids.extend(self._items.allocate(key, len(vecs)))
            all_vecs.append(vecs)
            self._items.key_hash[key] = desired[key]
        self._vectors.add(np.asarray(all_ids, np.int64), np.vstack(all_vecs))

    # -- queries -----------------------------------------------------------------------------
    def count(self) -> int:
        return self._vectors.count()

    def size(self) -> tuple[int, int]:
        """(items, vectors): member profiles and contributions held, and their chunk vectors
        (for monitoring; one consistent reading under the read lock)."""
        with self._lock.read():
            return len(self._items.key_ids), self._vectors.count()

    def rebuilt(self, store: Store, factory: str | None = None, show_progress: bool = False
                ) -> tuple[CommunityIndex, SyncStats]:
        """A new index built aside from the store, reusing this one's vectors where the text is
        unchanged (so a rebuild to another index type encodes nothing)."""
        n_keys = len(self._items.key_hash) or store.counts()["contributions"]
        chosen = factory or choose_factory(max(self.count(), n_keys),
                                           self.settings.index.index_kind,
                                           self.settings.index.ivf_threshold)
        fresh = CommunityIndex(self.encoder, self.settings, chosen)
        with self._lock.read():
            reuse = [k for k in self._items.key_ids if k in self._items.key_hash]
            hashes = dict(self._items.key_hash)
        fresh._add_batches(self._reconstructed(reuse), hashes)
        stats = fresh.sync(store, show_progress=show_progress)
        return fresh, stats


    def item_vectors(self, keys: list[ItemKey]) -> Iterator[EncodedBatch]:
        """(key, its vectors as indexed) for these keys, in batches (``vector_backfill.py``)."""
        return self._reconstructed(keys)

    def item_keys(self) -> list[ItemKey]:
        """Every key the index holds, sorted."""
        with self._lock.read():
            return sorted(self._items.key_hash)

    def _reconstructed(self, keys: list[ItemKey]) -> Iterator[EncodedBatch]:
        """(key, stored vectors) in batches of ~REUSE_BATCH vectors, one FAISS call each."""
        for start in range(0, len(keys), REUSE_BATCH):
            with self._lock.read():
                chunk = [k for k in keys[start : start + REUSE_BATCH] if k in self._items.key_ids]
                ids = [self._items.key_ids[k] for k in chunk]
                flat = self._vectors.reconstruct(np.asarray([i for g in ids for i in g], np.int64))
            ends = np.cumsum([len(g) for g in ids])
            yield list(zip(chunk, np.split(flat, ends[:-1]), strict=True))


def _profile_hash(member: Any) -> str:
    from indexing.store import text_hash

    return text_hash(member.profile_text())
