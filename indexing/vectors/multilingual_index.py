"""The second, multilingual CommunityIndex: same items as the main index, other encoder, its own
folder (``<index_dir>/multilingual``) and its own manifest (a mismatch is refused the same way).

Community opens, syncs, saves and rebuilds it wherever it does the main one (setting
``language_routing`` other than ``off``).
"""

from __future__ import annotations

import logging
from pathlib import Path

from indexing.encoders.base import Encoder
from indexing.settings import Settings
from indexing.store import Store
from indexing.vectors.community_index import CommunityIndex, SyncStats
from indexing.vectors.vector_backfill import backfill_if_missing

log = logging.getLogger(__name__)

MULTILINGUAL_FOLDER = "multilingual"


def multilingual_root(settings: Settings) -> Path:
    return settings.storage.index_path / MULTILINGUAL_FOLDER


def load_multilingual_encoder(settings: Settings) -> Encoder | None:
    """The multilingual encoder when the settings ask for one (construction is cheap; weights
    load on first use)."""
    if settings.language.language_routing == "off":
        return None
    from indexing.encoders.batching import BatchingEncoder
    from indexing.encoders.use_m3 import UniversalSentenceEncoder
    from indexing.metrics import pass_observer

    return BatchingEncoder(UniversalSentenceEncoder(threads=1),
                           settings.encoding.encode_batch_wait_ms,
                           settings.encoding.encode_batch_max,
                           pass_observer(settings.observability.metrics))


def open_multilingual_index(settings: Settings, store: Store, encoder: Encoder | None,
                            show_progress: bool = False) -> CommunityIndex | None:
    """Load the multilingual index (IndexMismatch for another encoder), bring it up to date with
    the store, and save it when it changed. None when there is no multilingual encoder."""
    if encoder is None:
        return None
    root = multilingual_root(settings)
    index = CommunityIndex.load(root, encoder, settings) or CommunityIndex(encoder, settings)
    stats = index.sync(store, show_progress=show_progress)
    if stats.changed or index.generation is None:
        index.save(root)
    backfill_if_missing(index, store)  # a store from before vectors were kept there
    log.info("multilingual index: %d vectors (%d texts encoded, %d taken from the store)",
             index.count(), stats.encoded_texts, stats.stored_texts)
    return index


def rebuild_multilingual_index(settings: Settings, store: Store, encoder: Encoder | None,
                               current: CommunityIndex | None = None, show_progress: bool = False
                               ) -> tuple[CommunityIndex | None, SyncStats | None]:
    """A fresh multilingual index built aside (reusing ``current``'s vectors) and saved."""
    if encoder is None:
        return None, None
    base = current if current is not None else CommunityIndex(encoder, settings)
    fresh, stats = base.rebuilt(store, show_progress=show_progress)
    fresh.save(multilingual_root(settings))
    return fresh, stats
