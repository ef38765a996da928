"""`wellspring keys`: create, list, revoke, ensure-admin (file mode 0600, created once)."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from api.cli import main
from indexing.store import SqliteStore
from indexing.store.keys import KeyStore


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("WELLSPRING_HOME", str(tmp_path))
    return tmp_path


def test_create_list_revoke(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["keys", "create", "--role", "reader", "--spaces", "board, nrw-taskforce",
                 "--name", "platform"]) == 0
    plain = capsys.readouterr().out.strip()
    keys = KeyStore(SqliteStore(home / "wellspring.db"))
    key = keys.verify(plain)
    assert key is not None and key.role == "reader"
    assert key.spaces == ("board", "nrw-taskforce")
    assert main(["keys", "list"]) == 0
    listed = capsys.readouterr().out
    assert key.key_id in listed and plain not in listed
    assert main(["keys", "revoke", key.key_id]) == 0
    assert keys.verify(plain) is None
    assert main(["keys", "revoke", "nope"]) == 2
    assert main(["keys", "create", "--role", "reader", "--spaces", "Bad Space"]) == 2


def test_ensure_admin_creates_once(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["keys", "ensure-admin"]) == 0
    path = home / "admin.key"
    assert str(path) in capsys.readouterr().out
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    first = path.read_text().strip()
    keys = KeyStore(SqliteStore(home / "wellspring.db"))
    assert keys.verify(first) is not None and keys.verify(first).role == "admin"  # type: ignore[union-attr]
    assert main(["keys", "ensure-admin"]) == 0
    assert path.read_text().strip() == first
    assert len(keys.active_admins()) == 1
