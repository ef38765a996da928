"""Backup and restore round-trip (docs/RELIABILITY.md): counts and a search result survive."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from api.cli import main as cli_main
from indexing.backup import (
    BACKUP_MANIFEST,
    DB_FILE,
    BackupError,
    backup,
    index_disagreements,
    restore,
    try_service_lock,
)
from indexing.community import Community
from indexing.encoders.base import Encoder
from indexing.schema import Contribution, ContributionType
from matcher.experts import Matcher
from tests.conftest import make_settings

NEED = "acoustic leak detection in intermittent water supply networks"


def _contribution(cid: str, author: str, title: str) -> Contribution:
    return Contribution(id=cid, type=ContributionType.forum_post, title=title,
                        text=f"{title}. Field notes from the network team.",
                        date=dt.date(2024, 5, 1), authors=[author])


def _ranking(community: Community) -> list[tuple[str, list[str]]]:
    matches = Matcher.configured(community).find_experts(NEED, top=5)
    return [(m.member.id, [e.contribution_id for e in m.evidence]) for m in matches]


@pytest.mark.slow
def test_backup_while_writing_then_restore_round_trips(
    community_home: Path, tmp_path: Path, real_encoder: Encoder
) -> None:
    settings = make_settings(community_home)
    community, _ = Community.open(settings, encoder=real_encoder)
    author = sorted(m.id for m in community.store.members())[0]
    # written but not yet saved in any index generation: the backup must still hold it
    community.write([_contribution("c-before-backup", author, "Pressure logging before backup")])
    assert community.index.dirty
    expected_counts = community.store.counts()
    expected_ranking = _ranking(community)

    report = backup(settings, tmp_path / "bk")
    assert report.counts == expected_counts
    assert (tmp_path / "bk" / BACKUP_MANIFEST).is_file()

    community.write([_contribution("c-after-backup", author, "Written after the snapshot")])
    community.save_if_dirty()
    community.store.close()

    restore(tmp_path / "bk", settings)
    back, stats = Community.open(settings, encoder=real_encoder)
    assert back.store.counts() == expected_counts
    assert back.store.existing_ids("contributions", ["c-before-backup", "c-after-backup"]) == {
        "c-before-backup"
    }
    assert stats.added_keys == 1  # only the write the copied index generation had not saved
    assert _ranking(back) == expected_ranking
    assert index_disagreements(settings.storage.index_path, settings.storage.database_path) == []
    back.store.close()


def test_restore_into_a_new_home_without_an_index(
    community_home: Path, tmp_path: Path, fake_encoder: Encoder
) -> None:
    settings = make_settings(community_home)
    shutil.rmtree(settings.storage.index_path)
    report = backup(settings, tmp_path / "bk")
    assert report.generation is None
    fresh = make_settings(tmp_path / "elsewhere")
    restore(tmp_path / "bk", fresh)
    community, _ = Community.open(fresh, encoder=fake_encoder)
    assert community.store.counts() == report.counts
    assert index_disagreements(fresh.storage.index_path, fresh.storage.database_path) == []


def test_backup_refuses_an_existing_folder_and_leaves_no_partial(
    community_home: Path, tmp_path: Path
) -> None:
    settings = make_settings(community_home)
    (tmp_path / "bk").mkdir()
    with pytest.raises(BackupError, match="already exists"):
        backup(settings, tmp_path / "bk")
    assert not list(tmp_path.glob(".*partial"))


def test_restore_refuses_a_damaged_backup(community_home: Path, tmp_path: Path) -> None:
    settings = make_settings(community_home)
    backup(settings, tmp_path / "bk")
    db = tmp_path / "bk" / DB_FILE
    data = bytearray(db.read_bytes())
    data[-100] ^= 0xFF
    db.write_bytes(bytes(data))
    with pytest.raises(BackupError, match="checksum"):
        restore(tmp_path / "bk", make_settings(tmp_path / "target"))


def test_restore_refuses_while_a_service_owns_the_store(
    community_home: Path, tmp_path: Path
) -> None:
    settings = make_settings(community_home)
    backup(settings, tmp_path / "bk")
    lock = try_service_lock(settings)
    assert lock is not None
    try:
        with pytest.raises(BackupError, match="stop it"):
            restore(tmp_path / "bk", settings)
    finally:
        lock.close()


def test_cli_backup_and_restore(community_home: Path, tmp_path: Path,
                                monkeypatch: pytest.MonkeyPatch,
                                capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("WELLSPRING_HOME", str(community_home))
    assert cli_main(["backup", str(tmp_path / "bk")]) == 0
    assert "backed up to" in capsys.readouterr().out
    assert cli_main(["backup", str(tmp_path / "bk")]) == 2  # exists: a one-line error
    monkeypatch.setenv("WELLSPRING_HOME", str(tmp_path / "restored"))
    assert cli_main(["restore", str(tmp_path / "bk")]) == 0
    out = capsys.readouterr().out
    assert "restored" in out and "contributions" in out
    assert (tmp_path / "restored" / "wellspring.db").is_file()


def test_backup_and_restore_refuse_a_postgresql_store(tmp_path: Path) -> None:
    from indexing.backup import BackupError, backup, restore
    from indexing.settings import Settings

    settings = Settings(storage={"home": tmp_path, "database_url": "postgresql://ws@127.0.0.1:1/ws"})
    for call in (lambda: backup(settings, tmp_path / "b"), lambda: restore(tmp_path, settings)):
        with pytest.raises(BackupError, match="pg_dump"):
            call()
