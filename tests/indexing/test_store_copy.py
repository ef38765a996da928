"""`wellspring migrate`: a SQLite store copied into an empty PostgreSQL one, whole."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from api.cli import main
from indexing.errors import Conflict
from indexing.ingest import ingest_paths
from indexing.store import SqliteStore
from indexing.store.copy import copy_sqlite_to_postgres
from indexing.store.keys import KeyStore
from indexing.store.postgres import PostgresStore
from tests.conftest import TEST_DATA


def test_copy_keeps_records_keys_vectors_and_the_feed(pg_url: str, tmp_path: Path) -> None:
    source = SqliteStore(tmp_path / "ws.db")
    assert not ingest_paths(source, [TEST_DATA]).errors
    key, plain = KeyStore(source).create("editor", name="kept")
    source.add_vocabulary_terms([("contribution_types", "podcast")])
    source.save_vectors("fp", [("h1", np.ones(3, dtype=np.float32))])
    seq = source.change_sequence()
    source.close()
    target = PostgresStore(pg_url)
    copied = copy_sqlite_to_postgres(tmp_path / "ws.db", target)
    assert copied["contributions"] == 41 and copied["lexical (rebuilt)"] == 53
    reference = SqliteStore(tmp_path / "ws.db")
    assert target.stats() == reference.stats()
    assert target.contribution_meta() == reference.contribution_meta()
    assert KeyStore(target).verify(plain) == key
    assert target.vocabulary_terms() == [("contribution_types", "podcast")]
    assert set(target.stored_vectors("fp", ["h1"])) == {"h1"}
    assert target.change_sequence() == seq
    c = target.get_contribution("c-00001")
    c.title = "after the copy"
    target.write_records(contributions=[c])  # sequences continue after the copied ones
    assert target.change_sequence() == seq + 1
    assert target.lexical_search("arsenic tube wells", 3)[0][0] == "m:m-0011"
    with pytest.raises(Conflict):  # a second copy into a database with records is refused
        copy_sqlite_to_postgres(tmp_path / "ws.db", target)


def test_migrate_command(pg_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                         capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("WELLSPRING_HOME", str(tmp_path))
    assert not ingest_paths(SqliteStore(tmp_path / "wellspring.db"), [TEST_DATA]).errors
    assert main(["migrate", "--to", pg_url]) == 0
    assert "members: 12" in capsys.readouterr().out
    assert main(["migrate", "--to", "mysql://x"]) == 2
    assert "--to" in capsys.readouterr().err
