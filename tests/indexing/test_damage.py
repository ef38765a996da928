"""Damaged files are detected at load and recovered from the store (docs/RELIABILITY.md)."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from indexing.backup import index_disagreements
from indexing.community import Community
from indexing.encoders.base import Encoder
from indexing.errors import IndexCorrupt, StoreCorrupt
from indexing.ingest import ingest_paths
from indexing.settings import Settings
from indexing.store import SqliteStore
from indexing.store.lexical import lexical_problem
from indexing.vectors.community_index import CURRENT, ITEMS_FILE, CommunityIndex
from indexing.vectors.faiss_index import INDEX_FILE
from indexing.vectors.manifest import MANIFEST
from tests.conftest import TEST_DATA, make_settings


@pytest.fixture
def settings(tmp_path: Path, fake_encoder: Encoder) -> Settings:
    """A test community with a saved index generation (fake encoder: fast)."""
    settings = make_settings(tmp_path / "home")
    store = SqliteStore(settings.storage.database_path)
    assert not ingest_paths(store, [TEST_DATA]).errors
    community, _ = Community.open(settings, encoder=fake_encoder, store=store)
    assert community.index.generation is not None
    store.close()
    return settings


def _generation(settings: Settings) -> Path:
    root = settings.storage.index_path
    return root / (root / CURRENT).read_text(encoding="utf-8").strip()


def _truncate(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def _flip_byte(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))


def _drop_an_item(path: Path) -> None:
    items = json.loads(path.read_text(encoding="utf-8"))
    for field in ("ids", "keys", "chunks"):
        items[field].pop()
    path.write_text(json.dumps(items), encoding="utf-8")


def _forge_manifest_count(path: Path) -> None:
    manifest = json.loads(path.read_text(encoding="utf-8"))
    manifest["vectors"] += 1
    path.write_text(json.dumps(manifest), encoding="utf-8")


DAMAGE: dict[str, tuple[str, Callable[[Path], None]]] = {
    "faiss truncated": (INDEX_FILE, _truncate),
    "faiss altered": (INDEX_FILE, _flip_byte),
    "faiss deleted": (INDEX_FILE, Path.unlink),
    "items altered": (ITEMS_FILE, _drop_an_item),
    "items truncated": (ITEMS_FILE, _truncate),
    "manifest truncated": (MANIFEST, _truncate),
    "manifest deleted": (MANIFEST, Path.unlink),
    "manifest count forged": (MANIFEST, _forge_manifest_count),
}


@pytest.mark.parametrize("damage", sorted(DAMAGE))
def test_damaged_index_file_is_detected_then_rebuilt_from_the_store(
    settings: Settings, fake_encoder: Encoder, damage: str
) -> None:
    file_name, spoil = DAMAGE[damage]
    folder = _generation(settings)
    n_vectors = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))["vectors"]
    spoil(folder / file_name)

    with pytest.raises(IndexCorrupt, match="rebuild"):
        CommunityIndex.load(settings.storage.index_path, fake_encoder, settings)

    community, _ = Community.open(settings, encoder=fake_encoder)
    assert community.recovered_from is not None
    assert community.index.count() == n_vectors
    assert (settings.storage.index_path / f"damaged-{folder.name}").is_dir()  # kept for inspection
    assert index_disagreements(settings.storage.index_path, settings.storage.database_path) == []


def test_current_naming_a_missing_generation_is_recovered(
    settings: Settings, fake_encoder: Encoder
) -> None:
    (settings.storage.index_path / CURRENT).write_text("gen-gone", encoding="utf-8")
    with pytest.raises(IndexCorrupt, match="missing"):
        CommunityIndex.load(settings.storage.index_path, fake_encoder, settings)
    community, _ = Community.open(settings, encoder=fake_encoder)
    assert community.recovered_from is not None
    assert index_disagreements(settings.storage.index_path, settings.storage.database_path) == []


def test_damaged_lexical_index_is_detected_and_rebuilt(
    settings: Settings, fake_encoder: Encoder
) -> None:
    conn = sqlite3.connect(settings.storage.database_path, isolation_level=None)
    before = conn.execute("SELECT COUNT(*) FROM lexical WHERE lexical MATCH 'groundwater'"
                          ).fetchone()[0]
    assert before > 0
    conn.execute("UPDATE lexical_data SET block = zeroblob(length(block)) WHERE id > 1")
    assert lexical_problem(conn) is not None
    conn.close()

    community, _ = Community.open(settings, encoder=fake_encoder)
    assert lexical_problem(community.store.connection()) is None
    hits = community.store.lexical_search("groundwater", 100)
    assert len(hits) == before


def test_lexical_rows_missing_for_records_are_rebuilt(
    settings: Settings, fake_encoder: Encoder
) -> None:
    conn = sqlite3.connect(settings.storage.database_path, isolation_level=None)
    conn.execute("DELETE FROM lexical WHERE item_key LIKE 'c:%'")
    assert "lexical rows" in (lexical_problem(conn) or "")
    conn.close()
    community, _ = Community.open(settings, encoder=fake_encoder)
    assert lexical_problem(community.store.connection()) is None


def test_damaged_store_is_refused_with_the_way_out(
    settings: Settings, fake_encoder: Encoder
) -> None:
    conn = sqlite3.connect(settings.storage.database_path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    db = settings.storage.database_path
    data = bytearray(db.read_bytes())
    page = 4096
    for start in range(2 * page, len(data), page):  # spoil every page after the first two
        data[start + 8 : start + 200] = b"\xa5" * 192
    db.write_bytes(bytes(data))
    with pytest.raises(StoreCorrupt, match="wellspring restore"):
        Community.open(settings, encoder=fake_encoder)
