"""IndexReader.document_vectors: one normalised vector per document, the mean of its chunks."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from indexing.community import Community
from indexing.encoders.base import HashingEncoder
from indexing.ingest import ingest_paths
from indexing.schema import contribution_key
from indexing.store import SqliteStore
from tests.conftest import TEST_DATA, make_settings


def test_document_vectors_average_the_chunks(tmp_path: Path) -> None:
    settings = make_settings(tmp_path, chunk_words=20, chunk_overlap=0)  # several chunks each
    store = SqliteStore(settings.database_path)
    ingest_paths(store, [TEST_DATA])
    community, _ = Community.open(settings, encoder=HashingEncoder(), store=store)
    keys = [contribution_key("c-00001"), contribution_key("c-99999"), contribution_key("c-00002")]
    with community.index.reader() as reader:
        found, vectors = reader.document_vectors(keys)
        chunks = reader.vectors([keys[0]])
    assert found == [keys[0], keys[2]]  # an unknown document is left out, order kept
    assert vectors.shape == (2, community.encoder.dimension)
    assert len(chunks) > 1
    mean = chunks.mean(axis=0)
    np.testing.assert_allclose(vectors[0], mean / np.linalg.norm(mean), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, rtol=1e-5)
    with community.index.reader() as reader:
        none, empty = reader.document_vectors([])
    assert none == [] and empty.shape == (0, community.encoder.dimension)
