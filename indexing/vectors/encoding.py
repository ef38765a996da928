"""Texts of index items and their encoding in bounded batches.

An item's texts are its chunks: a member's profile windows, or a contribution's title above
each window of its body (``chunking.py``). ``sync`` and the index benchmark both read texts
through ``item_texts``, so a chunking change touches one place.

A text is encoded once per encoder: ``VectorSource`` takes vectors from the store
(``store/vectors.py``) by the index's ``vector_fingerprint`` and the text's hash, encodes the
rest and commits them batch by batch, so an interrupted build resumes where it stopped.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from indexing.encoders import Encoder
from indexing.schema import Contribution, ItemKey, Member
from indexing.settings import Settings
from indexing.store import Store, text_hash
from indexing.vectors.chunking import chunk_text, contribution_chunks

Vectors = npt.NDArray[np.float32]
EncodedBatch = list[tuple[ItemKey, Vectors]]


@dataclass
class SyncStats:
    added_keys: int = 0
    removed_keys: int = 0
    encoded_texts: int = 0  # texts this run encoded (and saved to the store)
    stored_texts: int = 0  # texts whose vectors it took from the store instead
    seconds: float = 0.0

    @property
    def changed(self) -> bool:
        return bool(self.added_keys or self.removed_keys)


def item_texts(store: Store, keys: list[ItemKey], settings: Settings
           ) -> Iterator[tuple[ItemKey, list[str]]]:
    """(key, chunk texts) for each key, read from the store in batches."""
    s = settings
    for start in range(0, len(keys), 500):
        batch = keys[start : start + 500]
        members = store.get_members(k.record_id for k in batch if k.is_profile)
        contribs = store.get_contributions(k.record_id for k in batch if k.is_contribution)
        for key in batch:
            rid = key.record_id
            if key.is_profile and rid in members:
                yield key, chunk_text(members[rid].profile_text(), s.encoding.chunk_words,
                                      s.encoding.chunk_overlap)
            elif key.is_contribution and rid in contribs:
                yield key, contribution_chunks(contribs[rid], s.encoding.chunk_words,
                                               s.encoding.chunk_overlap)

def record_texts(records: Iterable[object], settings: Settings) -> list[str]:
    """The chunk texts the index will embed for these records (members and contributions;
    other records embed nothing of their own): what a write can encode before its lock."""
    s = settings
    texts: list[str] = []
    for r in records:
        if isinstance(r, Member):
            texts.extend(chunk_text(r.profile_text(), s.encoding.chunk_words,
                                    s.encoding.chunk_overlap))
        elif isinstance(r, Contribution):
            texts.extend(contribution_chunks(r, s.encoding.chunk_words, s.encoding.chunk_overlap))
    return list(dict.fromkeys(texts))


class VectorSource:
    """The vectors of texts for one index: taken from ``known`` (encoded ahead by a write),
    else from the store's vectors under this index's fingerprint, else encoded now and saved
    to the store (committed) before they are handed out. Counts both in ``stats``."""

    def __init__(self, encoder: Encoder, store: Store | None, fingerprint: str,
                 stats: SyncStats | None = None, known: Mapping[str, Vectors] | None = None
                 ) -> None:
        self.encoder = encoder
        self.store = store
        self.fingerprint = fingerprint
        self.stats = stats if stats is not None else SyncStats()
        self.known = known or {}

    def vectors(self, texts: list[str]) -> Vectors:
        """One row per text, in order (repeated texts are looked up and encoded once)."""
        if not texts:
            return np.zeros((0, self.encoder.dimension), dtype=np.float32)
        have: dict[str, Vectors] = {}
        unique = list(dict.fromkeys(texts))
        need = []
        for t in unique:
            if t in self.known:
                have[t] = self.known[t]
            else:
                need.append(t)
        if need and self.store is not None:
            hashes = {t: text_hash(t) for t in need}
            stored = self.store.stored_vectors(self.fingerprint, list(hashes.values()))
            for t in need:
                vec = stored.get(hashes[t])
                if vec is not None and vec.shape == (self.encoder.dimension,):
                    have[t] = vec
            self.stats.stored_texts += sum(1 for t in need if t in have)
        missing = [t for t in unique if t not in have]
        if missing:
            fresh = self.encoder.encode_documents(missing)
            self.stats.encoded_texts += len(missing)
            if self.store is not None:  # committed before the caller moves on
                self.store.save_vectors(self.fingerprint, [
                    (text_hash(t), fresh[i]) for i, t in enumerate(missing)])
            have.update(zip(missing, fresh, strict=True))
        return np.vstack([np.asarray(have[t], np.float32).reshape(1, -1) for t in texts])


def encode_items(source: VectorSource, store: Store, keys: list[ItemKey], settings: Settings,
                 show_progress: bool) -> Iterator[EncodedBatch]:
    """The vectors of these keys' chunks in batches of about ``settings.encoding.vector_batch``
    texts, yielding (key, vectors) pairs per batch; ``source`` takes what it can from the store and
    commits each batch it encodes before the next one is read."""
    if not keys:
        return
    out: EncodedBatch = []
    pending: list[tuple[ItemKey, list[str]]] = []
    n_pending = 0
    bar = _progress(len(keys), show_progress)

    def flush() -> None:
        nonlocal pending, n_pending
        vecs = source.vectors([t for _, chunks in pending for t in chunks])
        row = 0
        for key, chunks in pending:
            out.append((key, vecs[row : row + len(chunks)]))
            row += len(chunks)
        if bar is not None:
            bar.update(len(pending))
        pending, n_pending = [], 0

    for key, chunks in item_texts(store, keys, settings):
        pending.append((key, chunks))
        n_pending += len(chunks)
        if n_pending >= settings.encoding.vector_batch:
            flush()
            yield out
            out = []
    if pending:
        flush()
        yield out
    if bar is not None:
        bar.close()


def index_fingerprint(encoder: Encoder, settings: Settings) -> dict[str, Any]:
    """Every setting that changes an index's vectors: the encoder's and the chunking (the
    manifest records it; a mismatch is refused)."""
    fp: dict[str, Any] = dict(encoder.fingerprint())
    fp["chunk_words"] = settings.encoding.chunk_words
    fp["chunk_overlap"] = settings.encoding.chunk_overlap
    return fp


def vector_fingerprint(fingerprint: Mapping[str, object]) -> str:
    """A short stable digest of an index's encoder fingerprint (encoder and chunking
    settings): the key its vectors are kept under in the store."""
    blob = json.dumps(fingerprint, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()[:16]


def text_hashes(store: Store, keys: list[ItemKey], settings: Settings) -> set[str]:
    """The hashes of every chunk text of these keys (what pruning keeps)."""
    return {text_hash(t) for _, chunks in item_texts(store, keys, settings) for t in chunks}


def _progress(total: int, enabled: bool) -> Any:
    if not enabled:
        return None
    from tqdm import tqdm

    return tqdm(total=total, unit="record", desc="encoding")


