"""Fixtures shared by the matcher's tests with the real models."""

from __future__ import annotations

from pathlib import Path

import pytest

from indexing.community import Community
from indexing.encoders.base import Encoder
from indexing.ingest import ingest_paths
from indexing.settings import Settings
from indexing.store import SqliteStore
from matcher.experts import Matcher
from tests.conftest import TEST_DATA


@pytest.fixture(scope="session")
def ml_matcher(tmp_path_factory: pytest.TempPathFactory, real_encoder: Encoder,
               real_multilingual_encoder: Encoder) -> Matcher:
    home: Path = tmp_path_factory.mktemp("crosslingual")
    settings = Settings(storage={"home": home}, language={"language_routing": "route"})
    store = SqliteStore(settings.storage.database_path)
    assert not ingest_paths(store, [TEST_DATA]).errors
    community, _ = Community.open(settings, encoder=real_encoder, store=store,
                                  multilingual_encoder=real_multilingual_encoder)
    return Matcher.configured(community)
