"""A store holding the test community, and the import fixtures' folder."""

from __future__ import annotations

from pathlib import Path

import pytest

from indexing.ingest import ingest_paths
from indexing.store import SqliteStore, Store
from tests.conftest import TEST_DATA

IMPORTS = TEST_DATA / "imports"


@pytest.fixture
def store(tmp_path: Path) -> Store:
    s = SqliteStore(tmp_path / "ws.db")
    assert not ingest_paths(s, [TEST_DATA]).errors
    return s
