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
    settings = make_settings(tmp_path, encoding={"chunk_words": 20,
                                                 "chunk_overlap": 0})  # several chunks each
    store = SqliteStore(settings.storage.database_path)
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


def _truncated_public_scores(community: Community) -> dict[str, float]:
    """Members' public scores from the 8 best items only (retrieval stopped early, so each
    member's unretrieved documents are filled at the cutoff: their count matters)."""
    from indexing.settings import MatchingSettings
    from indexing.vectors.filters import Access, SearchFilters
    from matcher.aggregation import aggregate_members

    public = Access.public()
    with community.index.reader() as reader:
        vector = community.encoder.encode_queries(["leak detection in intermittent supply"])[0]
        scores, ids = reader.search(vector, 8, reader.mask(SearchFilters(), public))
        hits = reader.document_hits(scores, ids)
        authors = reader.authorship(hits, SearchFilters(), public, True)
        ranked = aggregate_members(hits, authors, MatchingSettings(aggregation="mean"),
                                   float(scores[-1]))
        return {r.member_id: round(r.score, 6) for r in ranked}


def test_public_scores_ignore_how_many_private_documents_a_member_has(tmp_path: Path) -> None:
    """#26 item 5: m-0001's task-force note (c-00007) must not change the public's scores."""
    settings = make_settings(tmp_path / "a")
    store = SqliteStore(settings.storage.database_path)
    ingest_paths(store, [TEST_DATA])
    with_private, _ = Community.open(settings, encoder=HashingEncoder(), store=store)
    before = _truncated_public_scores(with_private)
    with_private.delete("contribution", "c-00007")
    assert "m-0001" in before and _truncated_public_scores(with_private) == before


def test_a_deeper_search_answers_a_shallower_one_under_the_same_mask(tmp_path: Path) -> None:
    """IndexReader.search reuses this request's deeper search of the same vector and mask: the
    same items in the same order as a fresh search; another mask, or a deeper k, searches."""
    from indexing.vectors.filters import Access, SearchFilters

    settings = make_settings(tmp_path, encoding={"chunk_words": 20, "chunk_overlap": 0})
    store = SqliteStore(settings.storage.database_path)
    ingest_paths(store, [TEST_DATA])
    community, _ = Community.open(settings, encoder=HashingEncoder(), store=store)
    vector = community.encoder.encode_queries(["managed aquifer recharge"])[0]
    with community.index.reader() as fresh:
        public = fresh.mask(SearchFilters(), Access.public())
        want_scores, want_ids = fresh.search(vector, 7, public)
    with community.index.reader() as reader:
        public = reader.mask(SearchFilters(), Access.public())
        everyone = reader.mask(SearchFilters(), Access(all_spaces=True))
        deep = reader.search(vector, 40, public)
        scores, ids = reader.search(vector, 7, public)
        assert np.array_equal(ids, want_ids) and np.array_equal(scores, want_scores)
        assert np.array_equal(ids, deep[1][:7])
        wider = reader.search(vector, 7, everyone)  # another mask: its own search
        assert len(wider[1]) == 7
        assert len(reader.search(vector, 80, public)[1]) >= len(deep[1])
