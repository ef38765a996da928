"""The CLI contract: ingest, index, search --json, stats --json."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from api.cli import main
from tests.conftest import TEST_DATA


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("WELLSPRING_HOME", str(tmp_path / "home"))
    return tmp_path / "home"


def test_ingest_stats_json(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ingest", str(TEST_DATA)]) == 0
    assert "59 inserted" in capsys.readouterr().out
    assert main(["ingest", str(TEST_DATA)]) == 0
    assert "0 inserted, 0 updated, 59 unchanged" in capsys.readouterr().out
    assert main(["stats", "--json"]) == 0
    stats = json.loads(capsys.readouterr().out)
    assert stats["members"] == 12 and stats["organisations"] == 6
    assert stats["contributions"] == 41 and stats["private_contributions"] == 4
    assert stats["levels"] == {"active": 4, "core": 2, "occasional": 2, "peripheral": 2,
                               "transactional": 2}
    assert sum(stats["contribution_types"].values()) == 41
    assert stats["countries"] == 10


def test_ingest_bad_file_exits_non_zero(home: Path, tmp_path: Path,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "organisations.jsonl"
    bad.write_text('{"id": "o1", "name": "X", "kind": "cartel"}\n')
    assert main(["ingest", str(bad)]) == 1
    err = capsys.readouterr().err
    assert "organisations.jsonl:1" in err and "'kind'" in err
    assert main(["ingest", str(tmp_path / "missing.jsonl")]) == 2


@pytest.mark.slow
def test_index_and_search_json(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ingest", str(TEST_DATA)]) == 0
    assert main(["index"]) == 0
    assert "+53 -0" in capsys.readouterr().out
    assert main(["index"]) == 0
    out = capsys.readouterr().out
    assert "already up to date" in out and " 0 texts encoded" in out
    assert main(["search", "faecal sludge treatment", "--top", "2", "--json"]) == 0
    hits = json.loads(capsys.readouterr().out)
    assert len(hits) == 2
    first = hits[0]
    assert first["member_id"] == "m-0004"
    assert set(first) >= {"member_id", "name", "organisation", "country", "level", "score",
                          "evidence"}
    assert set(first["evidence"][0]) >= {"contribution_id", "title", "score"}
    assert main(["search", "boues de vidange et latrines", "--top", "1"]) == 0
    out = capsys.readouterr().out
    assert "need language: fr, answered by the multilingual index" in out
    assert "read with the glossary as: faecal sludge" in out  # data/glossary.jsonl
    assert "m-0004" in out
    assert main(["search", "water", "--country", "PE", "--json"]) == 0
    assert {h["country"] for h in json.loads(capsys.readouterr().out)} == {"PE"}
    assert main(["search", "water", "--top", "0"]) == 2
    assert "top" in capsys.readouterr().err
    assert main(["search", "faecal sludge treatment in West Africa", "--top", "1"]) == 0
    out = capsys.readouterr().out
    assert "places: West Africa (BJ, BF" in out and "m-0004" in out
    assert main(["search", "faecal sludge treatment in West Africa", "--places", "off"]) == 0
    assert "places:" not in capsys.readouterr().out


@pytest.mark.slow
@pytest.mark.slow
def test_a_bad_glossary_is_named_and_none_turns_it_off(
        home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ingest", str(TEST_DATA)]) == 0
    assert main(["index"]) == 0
    bad = tmp_path / "glossary.jsonl"
    bad.write_text('{"en": ["leak"], "fr": ["fuite"]}\n{"en": ["pipe"], "fr": "conduite"}\n',
                   encoding="utf-8")
    monkeypatch.setenv("WELLSPRING_GLOSSARY", str(bad))
    capsys.readouterr()
    assert main(["search", "fuites sur les conduites"]) == 2
    err = capsys.readouterr().err
    assert f"{bad}, line 2: field 'fr' must be a non-empty list" in err
    assert "Traceback" not in err
    monkeypatch.setenv("WELLSPRING_GLOSSARY", str(tmp_path / "missing.jsonl"))
    assert main(["search", "fuites sur les conduites"]) == 2
    assert "missing.jsonl: cannot be read" in capsys.readouterr().err
    monkeypatch.setenv("WELLSPRING_GLOSSARY", "none")
    assert main(["search", "boues de vidange et latrines", "--top", "1"]) == 0
    out = capsys.readouterr().out
    assert "answered by the multilingual index" in out and "glossary" not in out


def test_changed_encoder_settings_refused_by_search_rebuilt_by_index(
        home: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ingest", str(TEST_DATA)]) == 0
    assert main(["index"]) == 0
    capsys.readouterr()
    monkeypatch.setenv("WELLSPRING_CHUNK_WORDS", "64")  # changes the vectors of long texts
    assert main(["search", "leak detection"]) == 2
    err = capsys.readouterr().err
    assert "chunk_words" in err and "wellspring index --rebuild" in err
    assert main(["index"]) == 0
    captured = capsys.readouterr()
    assert "rebuilding the index from the store" in captured.err
    assert captured.out.startswith("index rebuilt:")
    assert main(["search", "leak detection", "--top", "1", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)[0]["member_id"] == "m-0001"
