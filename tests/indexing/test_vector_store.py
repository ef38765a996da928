"""Vectors kept in the store: a text is encoded once per encoder (fast tests, counting encoder;
the killed real build is in test_vector_resume.py)."""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from indexing.community import Community
from indexing.encoders.base import HashingEncoder, Vectors
from indexing.ingest import ingest_paths
from indexing.schema import Contribution
from indexing.store import SqliteStore, text_hash
from indexing.vectors.chunking import contribution_chunks
from tests.conftest import TEST_DATA, make_settings


class CountingEncoder(HashingEncoder):
    """Counts the texts it encodes; after ``fail_after`` calls it raises (a killed build)."""

    def __init__(self, name: str = "hashing", fail_after: int | None = None) -> None:
        super().__init__(name=name)
        self.encoded = 0
        self.calls = 0
        self.fail_after = fail_after

    def encode_documents(self, texts: Sequence[str], show_progress: bool = False) -> Vectors:
        if self.fail_after is not None and self.calls >= self.fail_after:
            raise KeyboardInterrupt("killed mid-build")
        self.calls += 1
        self.encoded += len(texts)
        return super().encode_documents(texts)


def _store(home: Path) -> SqliteStore:
    store = SqliteStore(make_settings(home).storage.database_path)
    assert not ingest_paths(store, [TEST_DATA]).errors
    return store


def _stored(store: SqliteStore) -> int:
    return int(store.connection().execute("SELECT COUNT(*) FROM text_vectors").fetchone()[0])


def test_save_and_read_vectors_round_trip(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "ws.db")
    vecs = np.random.default_rng(0).random((3, 8), dtype=np.float32)
    store.save_vectors("fp-a", [("h0", vecs[0]), ("h1", vecs[1])])
    store.save_vectors("fp-a", [("h1", vecs[2]), ("h2", vecs[2])])  # h1 kept as first saved
    got = store.stored_vectors("fp-a", ["h0", "h1", "h2", "missing"])
    assert sorted(got) == ["h0", "h1", "h2"]
    np.testing.assert_array_equal(got["h1"], vecs[1])
    assert got["h0"].dtype == np.float32 and got["h0"].shape == (8,)
    assert store.stored_vectors("fp-b", ["h0"]) == {}
    many = [f"x{i}" for i in range(1200)]  # more than one IN list of 500
    store.save_vectors("fp-a", [(h, vecs[0]) for h in many])
    assert len(store.stored_vectors("fp-a", many)) == 1200
    assert store.stats()["stored_vectors"] == {"fp-a": 1203}
    assert store.prune_vectors({"fp-a": {"h0", "h2"}}) == 1201
    assert sorted(store.stored_vectors("fp-a", ["h0", "h1", "h2"])) == ["h0", "h2"]


def test_rebuild_of_an_unchanged_store_encodes_nothing_without_the_index(tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    store = _store(tmp_path)
    first = CountingEncoder()
    built, stats = Community.open(settings, encoder=first, store=store)
    total = first.encoded
    assert stats.encoded_texts == total and stats.stored_texts == 0
    assert _stored(store) == total
    shutil.rmtree(settings.storage.index_path)  # the index folder is gone: only the store remains
    again = CountingEncoder()
    reopened, stats = Community.open(settings, encoder=again, store=store)
    assert again.encoded == 0 and stats.encoded_texts == 0 and stats.stored_texts == total
    assert reopened.index.count() == built.index.count()
    q = again.encode_queries(["acoustic leak detection"])
    with built.index.reader() as a, reopened.index.reader() as b:
        (sa, ia), (sb, ib) = a.search(q[0], 5, None), b.search(q[0], 5, None)
    assert list(ia) == list(ib) and list(sa) == list(sb)
    rebuilt, stats = Community.rebuild(settings, encoder=again, store=store)
    assert again.encoded == 0 and rebuilt.index.count() == built.index.count()


def test_another_fingerprint_does_not_reuse_vectors(tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    store = _store(tmp_path)
    main = CountingEncoder()
    Community.open(settings, encoder=main, store=store)
    shutil.rmtree(settings.storage.index_path)
    other = CountingEncoder(name="another-model")
    _, stats = Community.open(settings, encoder=other, store=store)
    assert other.encoded == main.encoded and stats.stored_texts == 0
    chunked = CountingEncoder()  # same encoder, other chunking: other texts, other key
    shutil.rmtree(settings.storage.index_path)
    Community.open(make_settings(tmp_path, encoding={"chunk_words": 64}), encoder=chunked,
                   store=store)
    assert chunked.encoded > 0
    assert len(store.stats()["stored_vectors"]) == 3  # type: ignore[arg-type]


def test_multilingual_index_keeps_its_own_vectors(tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    store = _store(tmp_path)
    en, ml = CountingEncoder(), CountingEncoder(name="multilingual")
    c, _ = Community.open(settings, encoder=en, store=store, multilingual_encoder=ml)
    assert c.multilingual_index is not None
    assert c.multilingual_index.vector_fingerprint != c.index.vector_fingerprint
    assert en.encoded == ml.encoded > 0
    shutil.rmtree(settings.storage.index_path)  # both indexes' folders
    en2, ml2 = CountingEncoder(), CountingEncoder(name="multilingual")
    c2, _ = Community.open(settings, encoder=en2, store=store, multilingual_encoder=ml2)
    assert en2.encoded == ml2.encoded == 0
    assert c2.multilingual_index is not None and c2.multilingual_index.count() > 0


def test_interrupted_build_resumes_with_what_it_stored(tmp_path: Path) -> None:
    settings = make_settings(tmp_path, encoding={"vector_batch": 8})
    store = _store(tmp_path)
    dying = CountingEncoder(fail_after=3)  # three batches encoded and committed, then killed
    with pytest.raises(KeyboardInterrupt):
        Community.open(settings, encoder=dying, store=store)
    assert _stored(store) == dying.encoded > 0
    rerun = CountingEncoder()
    _, stats = Community.open(settings, encoder=rerun, store=store)
    assert stats.stored_texts == dying.encoded
    assert rerun.encoded == stats.encoded_texts == _stored(store) - dying.encoded
    assert max(8, rerun.encoded) < _stored(store)


def test_a_write_stores_its_vectors(tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    store = _store(tmp_path)
    enc = CountingEncoder()
    c, _ = Community.open(settings, encoder=enc, store=store)
    before = enc.encoded
    new = Contribution.model_validate({
        "id": "c-new", "type": "forum_post", "title": "Chlorine decay in tanks",
        "text": "How fast does residual chlorine decay in rooftop tanks?", "date": "2025-01-01",
        "authors": ["m-0011"]})
    c.write([new])
    assert enc.encoded == before + 1
    text = f"{new.title}\n{new.text}"
    assert store.stored_vectors(c.index.vector_fingerprint, [text_hash(text)])
    shutil.rmtree(settings.storage.index_path)
    again = CountingEncoder()
    Community.open(settings, encoder=again, store=store)
    assert again.encoded == 0


def test_prune_keeps_what_the_indexes_use(tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    store = _store(tmp_path)
    Community.open(settings, encoder=CountingEncoder(name="old-model"), store=store)
    shutil.rmtree(settings.storage.index_path)
    c, _ = Community.open(settings, encoder=CountingEncoder(), store=store)
    used = _stored(store) // 2
    gone = contribution_chunks(store.get_contribution("c-00001"), settings.encoding.chunk_words,
                               settings.encoding.chunk_overlap)
    c.delete("contribution", "c-00001")  # its vectors stay in the store until pruned
    assert c.prune_vectors() == used + len(gone)  # the old model's vectors and c-00001's
    shutil.rmtree(settings.storage.index_path)
    again = CountingEncoder()
    Community.open(settings, encoder=again, store=store)
    assert again.encoded == 0


def test_the_vector_table_is_a_migration_step(tmp_path: Path) -> None:
    import sqlite3

    path = tmp_path / "ws.db"
    SqliteStore(path).close()
    conn = sqlite3.connect(path)
    conn.execute("DROP TABLE text_vectors")
    conn.execute("UPDATE meta SET value=? WHERE key='schema_version'", ("5",))  # before step 6
    conn.commit()
    conn.close()
    store = SqliteStore(path)
    store.save_vectors("fp", [("h", np.ones(4, np.float32))])
    assert list(store.stored_vectors("fp", ["h"])) == ["h"]


def test_an_index_from_before_the_vector_table_is_copied_into_the_store(tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    store = _store(tmp_path)
    en, ml = CountingEncoder(), CountingEncoder(name="multilingual")
    Community.open(settings, encoder=en, store=store, multilingual_encoder=ml)
    total = _stored(store)
    with store.transaction() as conn:  # a store migrated from before: the table is empty
        conn.execute("DELETE FROM text_vectors")
    en2, ml2 = CountingEncoder(), CountingEncoder(name="multilingual")
    Community.open(settings, encoder=en2, store=store, multilingual_encoder=ml2)
    assert en2.encoded == ml2.encoded == 0 and _stored(store) == total  # both indexes copied
    shutil.rmtree(settings.storage.index_path)
    en3, ml3 = CountingEncoder(), CountingEncoder(name="multilingual")
    _, stats = Community.open(settings, encoder=en3, store=store, multilingual_encoder=ml3)
    assert en3.encoded == ml3.encoded == 0 and stats.stored_texts == total // 2
