"""`wellspring import` end to end: every format's fixture, then a search finds the members."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from api.cli import main
from indexing.community import Community
from indexing.encoders.base import HashingEncoder
from indexing.store import SqliteStore
from matcher.experts import Matcher
from matcher.filters import Access
from tests.conftest import TEST_DATA, make_settings

IMPORTS = TEST_DATA / "imports"
EVERY_FORMAT = [
    ["csv", str(IMPORTS / "csv"), "--map-file", str(IMPORTS / "csv" / "members.map")],
    ["xlsx", str(IMPORTS / "xlsx-members.xlsx")],
    ["orcid", str(IMPORTS / "orcid")],
    ["openalex", str(IMPORTS / "openalex")],
    ["bibtex", str(IMPORTS / "bibtex" / "library.bib")],
    ["ris", str(IMPORTS / "ris" / "endnote-export.ris")],
    ["discourse", str(IMPORTS / "discourse"), "--users", str(IMPORTS / "discourse-users.json")],
]


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("WELLSPRING_HOME", str(tmp_path / "home"))
    assert main(["ingest", str(TEST_DATA)]) == 0
    return tmp_path / "home"


def _counts(home: Path) -> dict[str, int]:
    return SqliteStore(make_settings(home).storage.database_path).counts()


def test_every_format_then_search(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for args in EVERY_FORMAT:
        assert main(["import", *args]) == 0, args
        out = capsys.readouterr().out
        assert out.startswith(f"imported {args[0]}: "), out
    community, _ = Community.open(make_settings(home), encoder=HashingEncoder())
    matcher = Matcher.configured(community)
    everything = Access(spaces=frozenset({"nrw-taskforce"}), see_contacts=True)
    for need, expected in [
        ("glacier retreat meltwater runoff high-altitude reservoirs",
         "m-orcid-0000-0001-5109-3700"),
        ("falaj irrigation channels restoration", "m-zainab-al-harthy"),
        ("cisterns rainwater harvesting semi-arid households", "m-thiago-conceicao"),
    ]:
        assert matcher.find_experts(need, access=everything, top=3)[0].member.id == expected
    evidence = {e.contribution_id for m in matcher.find_experts(
        "clamp-on meters at DMA inlets during refilling", access=everything, top=5)
        for e in m.evidence}
    assert "discourse-post-9101" in evidence
    assert main(["stats", "--json"]) == 0
    stats = json.loads(capsys.readouterr().out)
    assert stats["contribution_types"]["presentation"] == 1  # the ORCID lecture
    assert "field_visit" in stats["vocabulary"]["contribution_types"]
    assert stats["organisation_kinds"]["international_body"] == 1


def test_report_lines_show_matches_and_skips(home: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["import", "openalex", str(IMPORTS / "openalex")]) == 0
    err = capsys.readouterr().err
    assert "match: 'F. Akter' -> Farhana Akter (m-0011) by name, score 95.0" in err
    assert "not linked: 'Grace Wanjiku'" in err
    assert "unmatched: 1 people with no member (first: 'Nguyễn Thị Lan')" in err


def test_dry_run_writes_nothing(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = _counts(home)
    assert main(["import", "bibtex", str(IMPORTS / "bibtex" / "library.bib"), "--dry-run",
                 "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["dry_run"] and report["inserted"] == 3
    assert report["records"]["contributions"]["inserted"][0] == "doi-10.2166_ws.2023.101"
    assert _counts(home) == before


def test_malformed_file_commits_nothing(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = _counts(home)
    assert main(["import", "ris", str(IMPORTS / "ris" / "broken.ris")]) == 1
    err = capsys.readouterr().err
    assert "broken.ris:7: field 'ER': record not closed" in err
    assert "broken.ris:18: field 'TY'" in err
    assert _counts(home) == before


def test_bad_options_are_named(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["import", "bibtex", str(IMPORTS / "bibtex"), "--create-members", "lurker"]) == 2
    assert "'create_members'" in capsys.readouterr().err
    assert main(["import", "csv", str(IMPORTS / "csv"), "--map", "Pays"]) == 2
    assert "'map'" in capsys.readouterr().err
    assert main(["import", "orcid", str(IMPORTS / "nowhere")]) == 2
    assert "no such file" in capsys.readouterr().err


@pytest.mark.slow
def test_cli_search_finds_imported_members_with_the_real_model(
        home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["import", *EVERY_FORMAT[0]]) == 0
    capsys.readouterr()
    assert main(["search", "monitoring glacier retreat and meltwater for mountain towns",
                 "--top", "3", "--json"]) == 0
    hits = json.loads(capsys.readouterr().out)
    assert hits[0]["member_id"] == "m-orcid-0000-0001-5109-3700"
    assert hits[0]["organisation"] == "Instituto Andino de Glaciares"


def test_ingest_dry_run_and_root_causes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("WELLSPRING_HOME", str(tmp_path / "home"))
    assert main(["ingest", str(TEST_DATA), "--dry-run"]) == 0
    assert capsys.readouterr().out.startswith("would ingest 3 file(s): 59 inserted")
    assert _counts(tmp_path / "home")["members"] == 0
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "organisations.jsonl").write_text(json.dumps(
        {"id": "org-x", "name": "X", "kind": "international_body"}) + "\n")
    (folder / "members.jsonl").write_text("".join(json.dumps(
        {"id": f"m-{i}", "name": f"M {i}", "organisation_id": "org-x", "country": "KE",
         "level": "active"}) + "\n" for i in range(40)))
    assert main(["ingest", str(folder)]) == 1
    err = capsys.readouterr().err
    assert "rejected: 40 members refer to organisations of a rejected file: first org-x " \
           "(line 1: kind 'international_body' is not one of" in err
    assert err.count("refer") == 1  # one line, not 40


def test_exit_status_says_written_refused_or_partial(home: Path, tmp_path: Path,
                                                      capsys: pytest.CaptureFixture[str]
                                                      ) -> None:
    bib = tmp_path / "refs.bib"
    bib.write_text("@article{good, author = {Kamau, Peter}, title = {Wells}, year = 2020}\n"
                   "@article{bad, author = {Otieno, Brian}, year = {20x1}}\n")
    before = _counts(home)
    create = ["--create-members", "peripheral", "--country", "NL"]
    assert main(["import", "bibtex", str(bib), *create]) == 1
    captured = capsys.readouterr()
    assert "refused bibtex: 1 invalid entry; nothing was written" in captured.out
    assert "refs.bib:2 (id bad): field 'title': missing" in captured.err
    assert _counts(home) == before  # not even the member it would have created
    assert main(["import", "bibtex", str(bib), *create, "--skip-invalid"]) == 3
    captured = capsys.readouterr()
    assert captured.out.startswith("imported bibtex: 3 inserted, 0 updated, 0 unchanged, "
                                   "0 skipped, 1 invalid (the 1 invalid entries were left out)")
    assert _counts(home)["members"] == before["members"] + 1
    assert main(["import", "bibtex", str(bib), "--create-members", "peripheral"]) == 2
    assert "country" in capsys.readouterr().err


def test_orcid_member_and_discourse_default_space(home: Path, tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    works = IMPORTS / "orcid" / "works-0000-0003-4444-5552.json"
    assert main(["import", "orcid", str(works), "--member", "m-0003", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["state"] == "written" and report["matches"][0]["method"] == "member"
    topic = tmp_path / "t-2001.json"
    topic.write_text((IMPORTS / "discourse" / "t-2001.json").read_text())
    users = str(IMPORTS / "discourse-users.json")
    assert main(["import", "discourse", str(topic), "--users", users]) == 1
    assert "choose a default space" in capsys.readouterr().err
    assert main(["import", "discourse", str(topic), "--users", users,
                 "--default-space", "forum-archive"]) == 0
