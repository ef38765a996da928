"""KeyStore: salted hashes, constant-time verification, revocation, audit entries."""

from __future__ import annotations

from pathlib import Path

import pytest

from indexing.errors import NotFound
from indexing.store import SqliteStore
from indexing.store.keys import InvalidKeyRequest, KeyStore


@pytest.fixture
def keys(tmp_path: Path) -> KeyStore:
    return KeyStore(SqliteStore(tmp_path / "ws.db"))


def test_verify_accepts_only_the_exact_key(keys: KeyStore) -> None:
    key, plain = keys.create("editor", ("board",), "x")
    assert plain.startswith(f"ws_{key.key_id}_")
    assert keys.verify(plain) == key
    assert keys.verify(plain[:-1] + ("A" if plain[-1] != "A" else "B")) is None
    assert keys.verify("ws_" + "0" * 12 + "_" + "a" * 43) is None
    assert keys.verify("garbage") is None


def test_same_secret_hashes_differently_per_key(keys: KeyStore) -> None:
    keys.create("reader")
    keys.create("reader")
    rows = keys.store.connection().execute("SELECT salt, hash FROM api_keys").fetchall()
    assert rows[0]["salt"] != rows[1]["salt"] and rows[0]["hash"] != rows[1]["hash"]


def test_revoke_and_roles(keys: KeyStore) -> None:
    key, plain = keys.create("admin")
    assert key.has_role("editor") and not keys.create("reader")[0].has_role("editor")
    keys.revoke(key.key_id)
    assert keys.verify(plain) is None
    assert keys.active_admins() == []
    with pytest.raises(NotFound):
        keys.revoke("missing")
    with pytest.raises(InvalidKeyRequest):
        keys.create("root")  # type: ignore[arg-type]


def test_audit_entries_newest_first_and_filtered(keys: KeyStore) -> None:
    keys.audit("k1", "create", "member", ["m-1"], {"inserted": 1})
    keys.audit("k2", "delete", "member", ["m-1"])
    total, entries = keys.audit_entries()
    assert total == 2 and [e.action for e in entries] == ["delete", "create"]
    total, entries = keys.audit_entries(key_id="k1")
    assert total == 1 and entries[0].detail == {"inserted": 1}


def test_a_verified_secret_skips_the_kdf_until_revoked_or_its_hash_changes(
        keys: KeyStore, monkeypatch: pytest.MonkeyPatch) -> None:
    import indexing.store.keys as keys_module

    key, plain = keys.create("editor")
    calls: list[int] = []
    real = keys_module._hash
    monkeypatch.setattr(keys_module, "_hash", lambda *a: calls.append(1) or real(*a))
    assert keys.verify(plain) == key and len(calls) == 1
    assert keys.verify(plain) == key and len(calls) == 1  # remembered: no second KDF
    wrong = plain[:-1] + ("A" if plain[-1] != "A" else "B")
    assert keys.verify(wrong) is None and len(calls) == 2  # a wrong secret pays it
    with keys.store.transaction() as conn:  # the stored hash changes (a re-keyed row)
        conn.execute("UPDATE api_keys SET hash=? WHERE key_id=?", (b"\0" * 32, key.key_id))
    assert keys.verify(plain) is None and len(calls) == 3  # checked again, refused
    other, plain2 = keys.create("reader")
    assert keys.verify(plain2) == other
    keys.revoke(other.key_id)
    assert keys.verify(plain2) is None  # revocation is read from the row every time
