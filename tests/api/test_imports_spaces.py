"""#26 item 3: an import sees only the spaces of the caller's key. A stored record in a space
the key does not hold is as if it did not exist: never merged into, overwritten, made public
or named; the answer is the one an unknown work gets. Through HTTP, on both store backends."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from indexing.encoders.base import HashingEncoder
from indexing.ingest import ingest_paths
from indexing.schema import Contribution
from indexing.store import SqliteStore, Store
from indexing.store.keys import KeyStore
from tests.conftest import TEST_DATA, make_settings

BOARD_TITLE = "Board briefing: legal review of the network's data-sharing agreements"
BOARD_ID = "c-00028"  # space "board", 2024, no DOI (tests/data)
PRIVATE_DOI = "10.5555/board.tariffs.2024"


@dataclass
class Service:
    client: TestClient
    keys: dict[str, str]
    store: Store

    def upload(self, bib: str, key: str = "editor", **form: Any) -> Any:
        return self.client.post("/imports/bibtex", files=[("file", ("refs.bib", bib.encode()))],
                                data=form, headers={"X-API-Key": self.keys[key]})


def _bib(key: str, title: str, year: int, doi: str | None = None) -> str:
    doi_line = f"  doi = {{{doi}}},\n" if doi else ""
    return (f"@techreport{{{key},\n  author = {{Wanjiru, Grace}},\n  title = {{{title}}},\n"
            f"{doi_line}  year = {{{year}}}\n}}\n")


def _open(store: Store) -> tuple[Store, dict[str, str]]:
    assert not ingest_paths(store, [TEST_DATA]).errors
    board = store.get_contributions(["c-00037"])["c-00037"]  # a private paper, given a DOI
    store.write_records(contributions=[Contribution.model_validate(
        board.model_dump() | {"id": "c-board-doi", "doi": PRIVATE_DOI})])
    keys = KeyStore(store)
    made = {"editor": keys.create("editor", name="public editor")[1],
            "board": keys.create("editor", ("board",), "board editor")[1],
            "admin": keys.create("admin", name="admin")[1]}
    return store, made


@pytest.fixture(params=["sqlite", "postgres"])
def service(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Service]:
    if request.param == "postgres":
        from indexing.store.postgres import PostgresStore

        url = request.getfixturevalue("pg_url")
        settings = make_settings(tmp_path / "home", storage={"database_url": url})
        store, keys = _open(PostgresStore(url))
    else:
        settings = make_settings(tmp_path / "home")
        store, keys = _open(SqliteStore(settings.storage.database_path))
    with TestClient(create_app(settings, encoder=HashingEncoder())) as client:
        yield Service(client, keys, store)
    store.close()


def _shape(report: dict[str, Any]) -> dict[str, Any]:
    """What an answer says, less the ids that name the uploaded work itself."""
    return {k: report[k] for k in ("state", "inserted", "updated", "unchanged", "invalid",
                                   "merged", "errors", "skipped")}


def test_a_private_title_answers_like_an_unknown_one(service: Service) -> None:
    private = service.upload(_bib("board2024", BOARD_TITLE, 2024), dry_run="true")
    unknown = service.upload(_bib("board2024", "A title nobody has written", 2024),
                             dry_run="true")
    assert private.status_code == unknown.status_code == 200, private.text
    assert _shape(private.json()) == _shape(unknown.json())
    assert private.json()["records"]["contributions"]["inserted"] == ["bibtex-board2024"]
    assert "'board'" not in private.text and '"board"' not in private.text


def test_a_private_record_is_never_merged_into_or_made_public(service: Service) -> None:
    before = service.store.get_contributions([BOARD_ID])[BOARD_ID]
    r = service.upload(_bib("board2024", BOARD_TITLE, 2024))
    assert r.status_code == 200 and r.json()["merged"] == [], r.text
    after = service.store.get_contributions([BOARD_ID])[BOARD_ID]
    assert after == before and after.space == "board"
    copy = service.store.get_contributions(["bibtex-board2024"])["bibtex-board2024"]
    assert copy.space == "public"  # the editor's own, separate record


def test_a_private_doi_answers_like_an_unknown_doi(service: Service) -> None:
    private = service.upload(_bib("tariffs", "Tariff scenarios", 2024, PRIVATE_DOI))
    unknown = service.upload(_bib("other", "Other scenarios", 2024, "10.5555/nobody.2024"))
    assert private.status_code == unknown.status_code == 200, private.text
    assert _shape(private.json()) == _shape(unknown.json())
    held = service.store.get_contributions(["c-board-doi"])["c-board-doi"]
    assert held.space == "board" and held.title.startswith("Board paper")


def test_the_key_holding_the_space_merges_as_before(service: Service) -> None:
    r = service.upload(_bib("tariffs", "Tariff scenarios", 2024, PRIVATE_DOI), key="board")
    assert r.status_code == 200, r.text
    assert r.json()["merged"] == ["refs.bib:1 (tariffs) merged into c-board-doi (same DOI, "
                                  "already stored)"]
    assert service.store.get_contributions(["c-board-doi"])["c-board-doi"].space == "board"
