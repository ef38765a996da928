"""A replica opened on a PostgreSQL store whose vectors are stored encodes nothing (issue #16):
neither vectors a first replica stored, nor vectors put in ``text_vectors`` the way
bench/replica_start.py does (by each index's fingerprint and each chunk text's hash). Fast:
counting fake encoders, the test community (tests/data), a fresh database per test."""

from __future__ import annotations

from pathlib import Path

from bench.replica_start import store_vectors
from indexing.community import Community
from indexing.ingest import ingest_paths
from indexing.store.postgres import PostgresStore
from tests.conftest import TEST_DATA, make_settings
from tests.indexing.test_vector_store import CountingEncoder


def _pg_store(url: str) -> PostgresStore:
    store = PostgresStore(url)
    assert not ingest_paths(store, [TEST_DATA]).errors
    return store


def _rows(store: PostgresStore) -> int:
    return int(store.connection().execute("SELECT COUNT(*) FROM text_vectors").fetchone()[0])


def test_a_second_replica_takes_every_vector_from_postgresql(pg_url: str, tmp_path: Path
                                                              ) -> None:
    store = _pg_store(pg_url)
    en, ml = CountingEncoder(), CountingEncoder(name="multilingual")
    first, stats = Community.open(make_settings(tmp_path / "a"), encoder=en, store=store,
                                  multilingual_encoder=ml)
    assert stats.encoded_texts == en.encoded > 0 and ml.encoded == en.encoded
    rows = _rows(store)
    assert rows == en.encoded + ml.encoded
    other = PostgresStore(pg_url)  # another process's connection, a fresh home
    en2, ml2 = CountingEncoder(), CountingEncoder(name="multilingual")
    second, stats = Community.open(make_settings(tmp_path / "b"), encoder=en2, store=other,
                                   multilingual_encoder=ml2)
    assert en2.encoded == ml2.encoded == 0
    assert stats.encoded_texts == 0 and stats.stored_texts == en.encoded
    assert second.index.count() == first.index.count()
    assert second.multilingual_index is not None and first.multilingual_index is not None
    assert second.multilingual_index.count() == first.multilingual_index.count()
    assert _rows(other) == rows  # nothing new saved
    other.close()
    store.close()


def test_vectors_put_in_the_store_by_the_bench_are_the_ones_a_replica_uses(
        pg_url: str, tmp_path: Path) -> None:
    store = _pg_store(pg_url)
    settings = make_settings(tmp_path)
    en, ml = CountingEncoder(), CountingEncoder(name="multilingual")
    seeded = store_vectors(store, settings, {"english": en, "multilingual": ml})
    assert seeded["texts"] > seeded["items"] / 2 and en.encoded == ml.encoded == 0
    rows = _rows(store)
    assert rows == 2 * seeded["texts"]
    community, stats = Community.open(settings, encoder=en, store=store, multilingual_encoder=ml)
    assert en.encoded == ml.encoded == 0  # neither index encoded a text
    assert stats.encoded_texts == 0 and stats.stored_texts == seeded["texts"]
    assert community.index.vector_fingerprint == seeded["fingerprints"]["english"]
    assert community.index.count() > 0 and _rows(store) == rows
    store.close()
