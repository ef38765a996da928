"""API fixtures: the test community in a tmp home, served through TestClient with real keys."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from indexing.encoders.base import Encoder
from indexing.settings import Settings
from indexing.store import SqliteStore
from indexing.store.keys import KeyStore
from tests.conftest import make_settings


@dataclass
class Api:
    """A running app over a private copy of the test community, with one key per role."""

    client: TestClient
    settings: Settings
    admin: str
    editor: str
    reader: str  # no private spaces
    taskforce: str  # reader holding the private space 'nrw-taskforce'

    def h(self, key: str) -> dict[str, str]:
        return {"X-API-Key": key}


def make_keys(settings: Settings) -> dict[str, str]:
    store = SqliteStore(settings.storage.database_path)
    keys = KeyStore(store)
    made = {
        "admin": keys.create("admin", name="test admin")[1],
        "editor": keys.create("editor", name="test editor")[1],
        "reader": keys.create("reader", name="test reader")[1],
        "taskforce": keys.create("reader", ("nrw-taskforce",), "task force reader")[1],
    }
    store.close()
    return made


def open_api(home: Path, encoder: Encoder, keys: dict[str, str],
             multilingual_encoder: Encoder | None = None, **sections: dict[str, object]
             ) -> tuple[TestClient, Settings]:
    settings = make_settings(home, **sections)
    app = create_app(settings, encoder=encoder, multilingual_encoder=multilingual_encoder)
    return TestClient(app), settings


@pytest.fixture
def api_keys(community_home: Path) -> dict[str, str]:
    return make_keys(make_settings(community_home))


@pytest.fixture
def api(community_home: Path, real_encoder: Encoder, api_keys: dict[str, str]) -> Iterator[Api]:
    client, settings = open_api(community_home, real_encoder, api_keys)
    with client:
        yield Api(client=client, settings=settings, **api_keys)
