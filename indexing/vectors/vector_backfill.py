"""Copy an index's vectors into the store, for a store from before vectors were kept there.

A store migrated to the ``text_vectors`` table starts with none, while its index folder holds a
vector for every text. ``backfill_if_missing`` (run by ``Community.open`` after the sync, for each
index) samples the stored vectors of the index's first texts; if none is stored, it copies every
item's vectors into the store, chunk by chunk, keyed by the hash of the text the store gives the
item now (after the sync the index's content hashes are the store's, so it is the text that was
encoded). An item whose chunk count differs is skipped (it will be encoded when it changes).
"""

from __future__ import annotations

import logging

from indexing.schema import ItemKey
from indexing.store import Store, text_hash
from indexing.vectors.community_index import STREAM_KEYS, CommunityIndex
from indexing.vectors.encoding import Vectors, item_texts

log = logging.getLogger(__name__)

SAMPLE_KEYS = 200


def backfill_if_missing(index: CommunityIndex, store: Store) -> int:
    """Backfill when none of a sample of the index's texts has a stored vector; how many."""
    keys = index.item_keys()
    if not keys:
        return 0
    sample = [text_hash(t) for _, chunks in item_texts(store, keys[:SAMPLE_KEYS], index.settings)
              for t in chunks]
    if not sample or store.stored_vectors(index.vector_fingerprint, sample):
        return 0
    saved = backfill(index, store, keys)
    log.info("copied %d vectors of the index into the store (a store from before vectors were "
             "kept there)", saved)
    return saved


def backfill(index: CommunityIndex, store: Store, keys: list[ItemKey] | None = None) -> int:
    """Save every item's indexed vectors to the store (existing rows stay); how many."""
    keys = index.item_keys() if keys is None else keys
    saved = 0
    for start in range(0, len(keys), STREAM_KEYS):
        group = keys[start : start + STREAM_KEYS]
        texts = dict(item_texts(store, group, index.settings))
        pairs: list[tuple[str, Vectors]] = []
        for batch in index.item_vectors(group):
            for key, vecs in batch:
                chunks = texts.get(key)
                if chunks is not None and len(chunks) == len(vecs):
                    pairs.extend((text_hash(t), vecs[i]) for i, t in enumerate(chunks))
        store.save_vectors(index.vector_fingerprint, pairs)
        saved += len(pairs)
    return saved
