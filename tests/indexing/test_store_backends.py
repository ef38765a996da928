"""The store protocol on both backends: SQLite and a real PostgreSQL (tests/pg_support.py)."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from indexing.errors import Conflict, NotFound, SpaceDenied
from indexing.ingest import ingest_paths
from indexing.store import SqliteStore, SqlStore
from indexing.store.keys import KeyStore
from indexing.store.migrations import LATEST, schema_version
from indexing.store.pg_dialect import translate
from indexing.store.postgres import PostgresStore
from indexing.store.topics import StoredTopics
from tests.conftest import TEST_DATA


@pytest.fixture(params=["sqlite", "postgres"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> SqlStore:
    if request.param == "sqlite":
        s: SqlStore = SqliteStore(tmp_path / "ws.db")
    else:
        s = PostgresStore(request.getfixturevalue("pg_url"))
    assert not ingest_paths(s, [TEST_DATA]).errors
    return s


def test_translate_placeholders_types_and_percent() -> None:
    assert translate("SELECT a FROM t WHERE b=? AND c LIKE '%?%'") == \
        "SELECT a FROM t WHERE b=%s AND c LIKE '%%?%%'"
    ddl = translate("CREATE TABLE x(seq INTEGER PRIMARY KEY AUTOINCREMENT, v BLOB, r REAL, "
                    "t TEXT NOT NULL)")
    assert "BIGSERIAL PRIMARY KEY" in ddl and "BYTEA" in ddl and "DOUBLE PRECISION" in ddl
    assert 'TEXT COLLATE "C" NOT NULL' in ddl


def test_reads_are_the_same_on_both_backends(store: SqlStore, tmp_path: Path) -> None:
    reference = SqliteStore(tmp_path / "ref.db")
    ingest_paths(reference, [TEST_DATA])
    assert store.counts() == reference.counts() == {
        "organisations": 6, "members": 12, "contributions": 41}
    assert store.stats() == reference.stats()
    assert [m.id for m in store.members()] == [m.id for m in reference.members()]
    assert store.contribution_meta() == reference.contribution_meta()
    assert store.member_hashes() == reference.member_hashes()
    assert [c.id for c in store.iter_contributions(batch=7)] == \
        [c.id for c in reference.iter_contributions(batch=7)]
    assert store.get_contribution("c-00003") == reference.get_contribution("c-00003")
    assert schema_version(store.connection()) == LATEST


def test_writes_are_transactional_and_fed(store: SqlStore) -> None:
    seq = store.change_sequence()
    assert seq > 0  # the ingest's own changes
    c = store.get_contribution("c-00001")
    c.title = "Zebra mussel fouling of intakes"
    store.write_records(contributions=[c])
    changes = store.changes_since(seq)
    assert [(x.kind, x.record_id, x.op) for x in changes] == [
        ("contribution", "c-00001", "upsert")]
    store.write_records(contributions=[c])  # unchanged: no change row
    assert store.change_sequence() == changes[-1].seq
    with pytest.raises(RuntimeError), store.transaction() as conn:
        store.delete_contribution(conn, "c-00002")
        raise RuntimeError("abort")  # rolled back: the contribution and the feed stay
    assert store.get_contribution("c-00002").id == "c-00002"
    assert store.change_sequence() == changes[-1].seq
    with store.transaction() as conn:
        orphans = store.delete_member(conn, "m-0004")
    kinds = {(x.kind, x.op) for x in store.changes_since(changes[-1].seq)}
    assert ("member", "delete") in kinds and ("contribution", "delete") in kinds
    assert set(orphans) == {"c-00017", "c-00018", "c-00019"}
    with pytest.raises(NotFound), store.transaction() as conn:
        store.delete_member(conn, "m-0004")
    with pytest.raises(Conflict), store.transaction() as conn:
        store.delete_organisation(conn, "org-nairobi-water")


def test_lexical_search_follows_writes(store: SqlStore) -> None:
    top = [k for k, _ in store.lexical_search("arsenic tube wells", 5)]
    assert top[0] == "m:m-0011"
    c = store.get_contribution("c-00001")
    c.title, c.text = "Quagga mussels", "Quagga and zebra mussels clog intakes."
    store.write_records(contributions=[c])
    assert store.lexical_search("quagga", 3)[0][0] == "c:c-00001"
    with store.transaction() as conn:
        store.delete_contribution(conn, "c-00001")
    assert store.lexical_search("quagga", 3) == []
    assert store.lexical_search("?!", 3) == []
    assert store.check_integrity() is False


def test_keys_vocabulary_topics_and_meta(store: SqlStore) -> None:
    keys = KeyStore(store)
    record, plain = keys.create("editor", ("board",), "an editor")
    assert keys.verify(plain) == record
    keys.revoke(record.key_id)
    assert keys.verify(plain) is None
    keys.audit(record.key_id, "create", "member", ["m-1"], {"n": 1})
    total, entries = keys.audit_entries()
    assert total == 1 and entries[0].ids == ("m-1",)
    keys.record_failure("10.0.0.1", record.key_id, 100.0, keep_s=60)
    keys.record_failure("10.0.0.1", record.key_id, 130.0, keep_s=60)
    keys.record_failure("10.0.0.1", "other", 131.0, keep_s=60)
    assert keys.failures_since("10.0.0.1", record.key_id, 90.0) == (2, 100.0)
    assert keys.failures_since("10.0.0.2", record.key_id, 90.0) == (0, None)
    store.add_vocabulary_terms([("contribution_types", "podcast"), ("organisation_kinds", "b")])
    store.add_vocabulary_terms([("contribution_types", "podcast")])
    assert store.vocabulary_terms() == [("contribution_types", "podcast"),
                                        ("organisation_kinds", "b")]
    import numpy as np

    model = StoredTopics("fp", 7, "2026-12-01T00:00:00Z",
                         centroids={"t3": np.arange(4, dtype=np.float32)}, sizes={"t3": 2},
                         assignments={"c-00001": "t3", "c-00002": "t3"})
    store.save_topic_model(model)
    back = store.topic_model()
    assert back is not None and back.next_id == 7 and back.assignments == model.assignments
    assert np.array_equal(back.centroids["t3"], model.centroids["t3"])
    store.set_meta("x", {"a": 1})


def test_concurrent_writers_do_not_lose_changes(store: SqlStore) -> None:
    base = store.get_contribution("c-00005")
    start = store.change_sequence()
    errors: list[BaseException] = []

    def writer(n: int) -> None:
        try:
            for i in range(5):
                c = base.model_copy(update={"title": f"writer {n} round {i}"})
                store.write_records(contributions=[c])
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    seqs = [c.seq for c in store.changes_since(start)]
    assert len(seqs) == 15 and seqs == sorted(seqs)


def test_vectors_kept_in_the_store(store: SqlStore) -> None:
    import numpy as np

    v = np.arange(6, dtype=np.float32).reshape(2, 3)
    store.save_vectors("fp1", [("h1", v[0]), ("h2", v[1])])
    store.save_vectors("fp1", [("h1", v[1])])  # present: kept as first written
    got = store.stored_vectors("fp1", ["h1", "h2", "h3"])
    assert set(got) == {"h1", "h2"} and np.array_equal(got["h1"], v[0])
    assert store.stored_vectors("fp2", ["h1"]) == {}
    assert store.stats()["stored_vectors"] == {"fp1": 2}
    assert store.prune_vectors({"fp1": {"h2"}}) == 1
    assert set(store.stored_vectors("fp1", ["h1", "h2"])) == {"h2"}


def test_postgres_notifies_the_sequence_of_a_write_only(pg_url: str) -> None:
    import psycopg

    from indexing.store.changes import CHANNEL

    store = PostgresStore(pg_url)
    assert not ingest_paths(store, [TEST_DATA]).errors
    with psycopg.connect(pg_url, autocommit=True) as listener:
        listener.execute(f"LISTEN {CHANNEL}")
        KeyStore(store).create("reader")  # a transaction without record changes: silent
        assert list(listener.notifies(timeout=0.5, stop_after=1)) == []
        c = store.get_contribution("c-00001")
        c.title = "notified"
        store.write_records(contributions=[c])
        got = list(listener.notifies(timeout=5, stop_after=1))
    assert [n.payload for n in got] == [str(store.change_sequence())]


def test_space_guard_covers_stored_records(store: SqlStore) -> None:
    """#26 item 2: a write or delete checks every space it touches, stored as well as sent, in
    its transaction; a refused one changes nothing."""
    public_only = {"public"}.__contains__
    before = store.counts()
    with pytest.raises(SpaceDenied) as refused, store.transaction() as conn:
        store.delete_member(conn, "m-0001", public_only)  # c-00007 is in nrw-taskforce
    assert "nrw-taskforce" not in str(refused.value)  # never names the space
    assert store.counts() == before and store.get_contribution("c-00007").authors == ["m-0001"]
    with pytest.raises(NotFound), store.transaction() as conn:
        store.delete_contribution(conn, "c-00007", public_only)  # as if it did not exist
    private = store.get_contribution("c-00007")
    private.space = "public"
    with pytest.raises(NotFound):
        store.write_records(contributions=[private], may_change=public_only)
    moved = store.get_contribution("c-00001")
    moved.space = "nrw-taskforce"
    with pytest.raises(SpaceDenied):
        store.write_records(contributions=[moved], may_change=public_only)
    assert store.get_contribution("c-00001").space == "public"
    assert store.get_contribution("c-00007").space == "nrw-taskforce"
    with store.transaction() as conn:  # a caller holding the space may
        deleted = store.delete_member(conn, "m-0001", {"public", "nrw-taskforce"}.__contains__)
    assert "c-00007" in deleted
