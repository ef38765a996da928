"""The store: the lexical (FTS5) index follows every write in the same transaction."""

from __future__ import annotations

from pathlib import Path

import pytest

from indexing.errors import Conflict, NotFound
from indexing.ingest import ingest_paths
from indexing.schema import Contribution
from indexing.store import SqliteStore, Store
from indexing.store.lexical import lexical_problem, rebuild_lexical
from tests.conftest import TEST_DATA


@pytest.fixture
def store(tmp_path: Path) -> Store:
    s = SqliteStore(tmp_path / "ws.db")
    assert not ingest_paths(s, [TEST_DATA]).errors
    return s


def _keys(store: Store, query: str) -> list[str]:
    return [k for k, _ in store.lexical_search(query, 10)]


def test_lexical_follows_update_and_delete(store: Store) -> None:
    c = store.get_contribution("c-00001")
    assert "c:c-00001" in _keys(store, c.title)
    c.title, c.text = "Zebra mussel fouling of intakes", "Quagga and zebra mussels clog intakes."
    store.write_records(contributions=[c])
    assert _keys(store, "quagga")[0] == "c:c-00001"
    with store.transaction() as conn:
        store.delete_contribution(conn, "c-00001")
    assert "c:c-00001" not in _keys(store, "quagga zebra")
    assert lexical_problem(store.connection()) is None


def test_deleting_a_member_removes_their_profile_and_sole_work(store: Store) -> None:
    assert "m:m-0011" in _keys(store, "arsenic tube wells")
    with store.transaction() as conn:
        orphans = store.delete_member(conn, "m-0004")
    assert set(orphans) == {"c-00017", "c-00018", "c-00019"}
    assert lexical_problem(store.connection()) is None
    # a co-authored contribution stays, credited to the remaining author
    with store.transaction() as conn:
        store.delete_member(conn, "m-0009")
    assert store.get_contribution("c-00003").authors == ["m-0001"]
    with pytest.raises(NotFound), store.transaction() as conn:
        store.delete_member(conn, "m-0009")


def test_organisation_with_members_cannot_be_deleted(store: Store) -> None:
    with pytest.raises(Conflict) as exc, store.transaction() as conn:
        store.delete_organisation(conn, "org-nairobi-water")
    assert "member" in str(exc.value)


def test_rebuilt_lexical_index_uses_the_same_keys(store: Store) -> None:
    before = _keys(store, "desalination brine")
    rebuild_lexical(store.connection())
    assert _keys(store, "desalination brine") == before
    new = Contribution.model_validate({
        "id": "c-x", "type": "dataset", "title": "Brine plume survey", "text": "brine",
        "date": "2025-02-02", "authors": ["m-0003"]})
    store.write_records(contributions=[new])
    store.write_records(contributions=[new.model_copy(update={"text": "brine again"})])
    assert _keys(store, "plume").count("c:c-x") == 1
    assert lexical_problem(store.connection()) is None
