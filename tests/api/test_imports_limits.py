"""#26 item 6 over HTTP: a workbook that inflates past the cap is a 413 naming the file, decided
while another write holds the community's lock (uploads are parsed before it is taken), and
nothing changes."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.state import ServiceState
from indexing.encoders.base import HashingEncoder
from indexing.ingest import ingest_paths
from indexing.store import SqliteStore
from tests.api.conftest import make_keys
from tests.api.test_imports_http import Fake
from tests.conftest import TEST_DATA, make_settings
from tests.indexing.imports.test_limits import bomb


@pytest.fixture
def capped(tmp_path: Path) -> Iterator[Fake]:
    settings = make_settings(tmp_path / "home", http={"max_import_bytes": 1_000_000},
                             imports={"import_max_uncompressed_bytes": 1_000_000})
    assert not ingest_paths(SqliteStore(settings.storage.database_path), [TEST_DATA]).errors
    keys = make_keys(settings)
    with TestClient(create_app(settings, encoder=HashingEncoder())) as client:
        yield Fake(client, keys)


def test_a_zip_bomb_is_413_naming_the_file(capped: Fake, tmp_path: Path) -> None:
    path = bomb(tmp_path / "crm-export.xlsx", rows=20_000)  # ~120 KB inflating to ~5.6 MB
    before = capped.counts()
    r = capped.post("xlsx", [path])
    assert r.status_code == 413, r.text
    assert r.json()["field"] == "file" and "crm-export.xlsx" in r.json()["detail"]
    assert capped.counts() == before


def test_uploads_are_parsed_before_the_write_lock(capped: Fake, tmp_path: Path) -> None:
    path = bomb(tmp_path / "crm-export.xlsx", rows=20_000)
    state = capped.client.app.state.wellspring  # type: ignore[attr-defined]
    assert isinstance(state, ServiceState) and state.community is not None
    answers: list[int] = []
    with state.community._write_lock:  # another write in progress
        worker = threading.Thread(target=lambda: answers.append(
            capped.post("xlsx", [path]).status_code))
        worker.start()
        worker.join(timeout=30)
        assert answers == [413]  # answered while the lock was held: it never waited for it
