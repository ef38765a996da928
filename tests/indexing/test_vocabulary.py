"""Vocabularies: defaults extended by vocabulary.json, kept in the store, enforced on writes."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from indexing.community import Community
from indexing.encoders.base import HashingEncoder
from indexing.errors import ValidationFailed
from indexing.ingest import ingest_paths
from indexing.schema import Contribution, Organisation
from indexing.store import SqliteStore
from indexing.vocabulary import (
    DEFAULT_VOCABULARY,
    Vocabulary,
    extend_vocabulary,
    load_vocabulary,
    read_vocabulary_file,
)
from tests.conftest import TEST_DATA, make_settings


def test_defaults_include_the_new_terms() -> None:
    assert {"presentation", "training_material", "policy_brief", "other"} <= set(
        DEFAULT_VOCABULARY.contribution_types)
    assert {"research_institute", "association", "funder", "other"} <= set(
        DEFAULT_VOCABULARY.organisation_kinds)


def test_the_vocabulary_lives_in_the_store(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "ws.db")
    assert extend_vocabulary(store, Vocabulary(("field_visit",), ())) == [
        "contribution_types:field_visit"]
    assert extend_vocabulary(store, Vocabulary(("field_visit",), ())) == []
    other_process = SqliteStore(tmp_path / "ws.db")  # another connection sees it
    assert "field_visit" in load_vocabulary(other_process).contribution_types


def test_bad_vocabulary_file_names_the_field(tmp_path: Path) -> None:
    path = tmp_path / "vocabulary.json"
    path.write_text(json.dumps({"contribution_types": ["Field Visit"], "colours": []}))
    with pytest.raises(ValidationFailed) as exc:
        read_vocabulary_file(path)
    fields = {e.field for e in exc.value.errors}
    assert fields == {"contribution_types.0", "colours"}


def _with_presentation_and_body(tmp_path: Path) -> Path:
    folder = tmp_path / "in"
    shutil.copytree(TEST_DATA, folder)
    with (folder / "organisations.jsonl").open("a") as fh:
        fh.write(json.dumps({"id": "org-nbd", "name": "Nile Basin Dialogue",
                             "kind": "international_body", "country": "EG"}) + "\n")
    with (folder / "contributions.jsonl").open("a") as fh:
        fh.write(json.dumps({"id": "c-field", "type": "field_visit", "title": "Visit to Aswan",
                             "date": "2024-01-10", "authors": ["m-0003"]}) + "\n")
    return folder


def test_unknown_kind_is_refused_with_a_hint(tmp_path: Path) -> None:
    folder = _with_presentation_and_body(tmp_path)
    report = ingest_paths(SqliteStore(tmp_path / "ws.db"), [folder])
    by_field = {e.field: e for e in report.errors}
    assert "international_body" in by_field["kind"].message
    assert "vocabulary.json" in by_field["kind"].message
    assert "field_visit" in by_field["type"].message


def test_vocabulary_json_in_the_data_folder_extends_it(tmp_path: Path) -> None:
    folder = _with_presentation_and_body(tmp_path)
    (folder / "vocabulary.json").write_text(json.dumps({
        "organisation_kinds": ["international_body"], "contribution_types": ["field_visit"]}))
    store = SqliteStore(tmp_path / "ws.db")
    report = ingest_paths(store, [folder])
    assert not report.errors and not report.root_causes
    assert report.vocabulary_added == ["contribution_types:field_visit",
                                       "organisation_kinds:international_body"]
    assert store.get_contribution("c-field").type == "field_visit"
    stats = store.stats()
    assert stats["organisation_kinds"]["international_body"] == 1  # type: ignore[index]


def test_community_writes_follow_the_store_vocabulary(tmp_path: Path) -> None:
    settings = make_settings(tmp_path / "home")
    store = SqliteStore(settings.storage.database_path)
    ingest_paths(store, [TEST_DATA])
    community, _ = Community.open(settings, encoder=HashingEncoder(), store=store)
    talk = Contribution(id="c-talk", type="presentation", title="Talk", date="2024-02-01",
                        authors=["m-0001"])
    assert community.write([talk]).inserted == 1
    with pytest.raises(ValidationFailed) as exc:
        community.write([Organisation(id="org-w", name="W", kind="water_board")])
    assert exc.value.errors[0].field == "kind"
    extend_vocabulary(store, Vocabulary((), ("water_board",)))
    assert community.write([Organisation(id="org-w", name="W", kind="water_board")]).inserted


def test_setting_names_a_vocabulary_file(tmp_path: Path) -> None:
    path = tmp_path / "vocab.json"
    path.write_text(json.dumps({"contribution_types": ["podcast"]}))
    settings = make_settings(tmp_path / "home", imports={"vocabulary": str(path)})
    store = SqliteStore(settings.storage.database_path)
    ingest_paths(store, [TEST_DATA])
    Community.open(settings, encoder=HashingEncoder(), store=store)
    assert "podcast" in load_vocabulary(store).contribution_types
