"""Texts of index items and their encoding in bounded batches.

An item's texts are its chunks: a member's profile windows, or a contribution's title above
each window of its body (``chunking.py``). ``sync`` and the index benchmark both read texts
through ``item_texts``, so a chunking change touches one place.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from indexing.encoders import Encoder
from indexing.schema import ItemKey
from indexing.settings import Settings
from indexing.store import Store
from indexing.vectors.chunking import chunk_text, contribution_chunks

ENCODE_BATCH = 256
Vectors = npt.NDArray[np.float32]
EncodedBatch = list[tuple[ItemKey, Vectors]]


@dataclass
class SyncStats:
    added_keys: int = 0
    removed_keys: int = 0
    encoded_texts: int = 0
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
                yield key, chunk_text(members[rid].profile_text(), s.chunk_words,
                                      s.chunk_overlap)
            elif key.is_contribution and rid in contribs:
                yield key, contribution_chunks(contribs[rid], s.chunk_words,
                                               s.chunk_overlap)

def encode_items(encoder: Encoder, store: Store, keys: list[ItemKey], settings: Settings,
             show_progress: bool, stats: SyncStats) -> Iterator[EncodedBatch]:
    """Encode the chunks of these keys in batches, yielding (key, vectors) pairs per batch."""
    if not keys:
        return
    out: EncodedBatch = []
    pending: list[tuple[ItemKey, list[str]]] = []
    n_pending = 0
    bar = _progress(len(keys), show_progress)

    def flush() -> None:
        nonlocal pending, n_pending
        texts = [t for _, chunks in pending for t in chunks]
        vecs = encoder.encode_documents(texts)
        stats.encoded_texts += len(texts)
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
        if n_pending >= ENCODE_BATCH:
            flush()
            yield out
            out = []
    if pending:
        flush()
        yield out
    if bar is not None:
        bar.close()


def _progress(total: int, enabled: bool) -> Any:
    if not enabled:
        return None
    from tqdm import tqdm

    return tqdm(total=total, unit="record", desc="encoding")


