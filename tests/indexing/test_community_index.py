"""The index follows the store: round trip, no re-encoding, mismatch and damage refused."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from indexing.community import Community
from indexing.encoders.base import Encoder, HashingEncoder
from indexing.errors import IndexCorrupt, IndexMismatch
from indexing.ingest import ingest_paths
from indexing.schema import Contribution
from indexing.store import SqliteStore
from indexing.vectors.community_index import CURRENT, CommunityIndex
from indexing.vectors.faiss_index import FaissVectorIndex, choose_factory
from indexing.vectors.vector_index import NumpyVectorIndex
from tests.conftest import TEST_DATA, make_settings


class CountingEncoder(HashingEncoder):
    def __init__(self) -> None:
        super().__init__()
        self.encoded = 0

    def encode_documents(self, texts, show_progress=False):  # type: ignore[no-untyped-def]
        self.encoded += len(texts)
        return super().encode_documents(texts)


def _open(home: Path, encoder: Encoder) -> Community:
    settings = make_settings(home)
    store = SqliteStore(settings.storage.database_path)
    ingest_paths(store, [TEST_DATA])
    community, _ = Community.open(settings, encoder=encoder, store=store)
    return community


def test_build_round_trip_and_no_reencoding(tmp_path: Path) -> None:
    enc = CountingEncoder()
    c = _open(tmp_path, enc)
    first = enc.encoded
    assert first >= 12 + 41  # every profile and contribution (chunks may add more)
    assert len(c.index._items.key_hash) == 53
    gen = c.index.generation
    # reopening an unchanged store encodes nothing and keeps the generation
    again, stats = Community.open(make_settings(tmp_path), encoder=enc)
    assert enc.encoded == first
    assert not stats.changed
    assert again.index.generation == gen
    assert again.index.count() == c.index.count()
    q = enc.encode_queries(["acoustic leak detection"])[0]
    with c.index._lock.read(), again.index._lock.read():
        a = c.index._vectors.search(q, 5, None)
        b = again.index._vectors.search(q, 5, None)
    assert list(a[1]) == list(b[1])


def test_write_encodes_only_the_new_text(tmp_path: Path) -> None:
    enc = CountingEncoder()
    c = _open(tmp_path, enc)
    before = enc.encoded
    c.write([Contribution.model_validate({
        "id": "c-new", "type": "forum_post", "title": "Chlorine decay in tanks",
        "text": "How fast does residual chlorine decay in rooftop tanks?", "date": "2025-01-01",
        "authors": ["m-0011"],
    })])
    assert enc.encoded == before + 1
    assert "c:c-new" in c.index._items.key_ids
    c.delete("contribution", "c-new")
    assert "c:c-new" not in c.index._items.key_ids
    assert c.index.count() == sum(len(v) for v in c.index._items.key_ids.values())


def test_mismatched_encoder_is_refused(tmp_path: Path) -> None:
    _open(tmp_path, HashingEncoder(dimension=256))
    with pytest.raises(IndexMismatch) as exc:
        Community.open(make_settings(tmp_path), encoder=HashingEncoder(dimension=128))
    assert "wellspring index --rebuild" in str(exc.value)
    with pytest.raises(IndexMismatch):
        Community.open(make_settings(tmp_path), encoder=HashingEncoder(name="other"))


def test_chunking_setting_change_is_refused(tmp_path: Path) -> None:
    _open(tmp_path, HashingEncoder())
    with pytest.raises(IndexMismatch) as exc:
        Community.open(make_settings(tmp_path, encoding={"chunk_words": 64}),
                       encoder=HashingEncoder())
    assert "chunk_words" in str(exc.value)


def test_damaged_files_are_detected(tmp_path: Path) -> None:
    c = _open(tmp_path, HashingEncoder())
    root = make_settings(tmp_path).storage.index_path
    folder = root / (root / CURRENT).read_text().strip()
    items = folder / "items.json"
    data = json.loads(items.read_text())
    data["keys"][0] = "c:tampered"
    items.write_text(json.dumps(data))
    with pytest.raises(IndexCorrupt) as exc:
        CommunityIndex.load(root, c.encoder, c.settings)
    assert "checksum" in str(exc.value)
    # the rebuild recovers from the store alone
    rebuilt, _ = Community.rebuild(make_settings(tmp_path), encoder=HashingEncoder())
    assert len(rebuilt.index._items.key_hash) == 53
    assert CommunityIndex.load(root, c.encoder, c.settings) is not None


def test_faiss_and_numpy_agree_with_a_mask() -> None:
    rng = np.random.default_rng(0)
    vecs = rng.normal(size=(200, 16)).astype(np.float32)
    vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
    ids = np.arange(200, dtype=np.int64)
    f, n = FaissVectorIndex(16), NumpyVectorIndex(16)
    f.add(ids, vecs)
    n.add(ids, vecs)
    allowed = np.zeros(200, bool)
    allowed[::3] = True
    q = vecs[7]
    fs, fi = f.search(q, 10, allowed)
    ns, ni = n.search(q, 10, allowed)
    assert list(fi) == list(ni)
    assert all(i % 3 == 0 for i in fi)
    np.testing.assert_allclose(fs, ns, rtol=1e-5)
    assert f.remove(np.array([0, 3], np.int64)) == 2
    assert 0 not in f.search(vecs[0], 5, None)[1]


def test_index_type_rule() -> None:
    assert choose_factory(10_000) == "Flat"
    assert choose_factory(1_000_000) == "IVF1024,Flat"
    assert choose_factory(10, kind="ivf").startswith("IVF")
    assert choose_factory(10_000_000, kind="flat") == "Flat"
