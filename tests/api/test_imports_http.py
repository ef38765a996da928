"""POST /imports/{format}: uploads, the report, auth, limits, bad files (4xx naming the field,
the previous state intact), then a search finds the imported members."""

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
from indexing.store import SqliteStore
from tests.api.conftest import Api, make_keys
from tests.conftest import TEST_DATA, make_settings

IMPORTS = TEST_DATA / "imports"


@dataclass
class Fake:
    client: TestClient
    keys: dict[str, str]

    def post(self, fmt: str, paths: list[Path], key: str | None = "editor",
             **form: Any) -> Any:
        files = [("file", (p.name, p.read_bytes())) for p in paths]
        if "users" in form:
            users = form.pop("users")
            files.append(("users", (users.name, users.read_bytes())))
        headers = {"X-API-Key": self.keys[key]} if key else {}
        return self.client.post(f"/imports/{fmt}", files=files, data=form, headers=headers)

    def counts(self) -> dict[str, int]:
        stats = self.client.get("/stats", headers={"X-API-Key": self.keys["admin"]}).json()
        return {k: stats[k] for k in ("organisations", "members", "contributions")}

    def top(self, need: str, key: str = "admin") -> list[str]:
        r = self.client.get("/experts", params={"q": need, "top": 3},
                            headers={"X-API-Key": self.keys[key]})
        assert r.status_code == 200, r.text
        return [m["member_id"] for m in r.json()["results"]]


@pytest.fixture
def fake(tmp_path: Path) -> Iterator[Fake]:
    """The test community with the hashing encoder: fast, for everything but ranking quality."""
    settings = make_settings(tmp_path / "home", http={"max_import_bytes": 8000})
    assert not ingest_paths(SqliteStore(settings.storage.database_path), [TEST_DATA]).errors
    keys = make_keys(settings)
    with TestClient(create_app(settings, encoder=HashingEncoder())) as client:
        yield Fake(client, keys)


def test_upload_bibtex_reports_and_the_index_follows(fake: Fake) -> None:
    r = fake.post("bibtex", [IMPORTS / "bibtex" / "library.bib"])
    assert r.status_code == 200, r.text
    report = r.json()
    assert (report["inserted"], report["skipped"]["count"]) == (3, 1)
    otieno = next(m for m in report["matches"] if m["member_id"] == "m-0009")
    assert (otieno["name"], otieno["score"], otieno["method"]) == ("Otieno, D.", 95.0, "name")
    assert report["unmatched"]["first"][0] == "Ndiaye, Mamadou"
    assert "m-0004" in fake.top("boues de vidange Thiès vidange mécanisée")


def test_several_files_with_a_mapping_and_a_vocabulary(fake: Fake) -> None:
    folder = IMPORTS / "csv"
    mapping = [line for line in (folder / "members.map").read_text().splitlines()
               if "=" in line and not line.startswith("#")]
    r = fake.post("csv", [folder / "organisations.csv", folder / "members.csv",
                          folder / "vocabulary.json"], map=mapping)
    assert r.status_code == 200, r.text
    assert r.json()["inserted"] == 6
    assert "organisation_kinds:international_body" in r.json()["vocabulary_added"]
    assert fake.top("cisterns rainwater harvesting semi-arid households")[0] == \
        "m-thiago-conceicao"
    stats = fake.client.get("/stats").json()
    assert "international_body" in stats["vocabulary"]["organisation_kinds"]


def test_discourse_private_posts_need_the_space(fake: Fake) -> None:
    files = sorted((IMPORTS / "discourse").glob("*.json"))
    users = IMPORTS / "discourse-users.json"
    r = fake.post("discourse", files, users=users)
    assert r.status_code == 403 and r.json()["field"] == "space"  # editor lacks nrw-taskforce
    r = fake.post("discourse", files, key="admin", users=users)
    assert r.status_code == 200 and r.json()["inserted"] == 3
    private = fake.client.get("/contributions/discourse-post-9201")
    assert private.status_code == 404  # the public does not see the private category


def test_dry_run_over_http_writes_nothing(fake: Fake) -> None:
    before = fake.counts()
    r = fake.post("ris", [IMPORTS / "ris" / "endnote-export.ris"], dry_run="true")
    assert r.status_code == 200 and r.json()["dry_run"] and r.json()["inserted"] == 3
    assert fake.counts() == before


def test_bad_file_is_422_naming_it_and_changes_nothing(fake: Fake) -> None:
    before = fake.counts()
    r = fake.post("bibtex", [IMPORTS / "bibtex" / "broken.bib"])
    assert r.status_code == 422
    body = r.json()
    assert body["field"] == "entry"
    assert {(e["field"], e["id"]) for e in body["errors"]} == {("entry", "broken2021"),
                                                               ("year", "noyear")}
    assert all(e["record"].endswith("broken.bib") for e in body["errors"])
    assert fake.counts() == before
    r = fake.post("bibtex", [IMPORTS / "bibtex" / "broken.bib"], skip_invalid="true")
    assert r.status_code == 200 and r.json()["inserted"] == 1


def test_a_records_problem_carries_a_code_a_client_can_translate(fake: Fake) -> None:
    """A field that fails validation says what is wrong as pydantic's code and figures too
    (with the spreadsheet's column), beside the English message the CLI prints."""
    r = fake.post("csv", [IMPORTS / "csv-broken" / "members.csv"], kind="members")
    assert r.status_code == 422, r.text
    level = next(e for e in r.json()["errors"] if e["field"] == "level")
    assert level["code"] == "enum" and level["line"] == 3 and level["record"] == "members.csv"
    assert "'lurker'" not in str(level["params"]) and "'peripheral'" in level["params"]["expected"]
    assert level["params"]["column"] == "Level"
    assert level["message"].endswith("(column 'Level')")
    country = next(e for e in r.json()["errors"] if e["field"] == "country")
    assert country["code"] == "not_country_name" and country["params"] == {
        "value": "Atlantis", "column": "Country"}
    assert "'Atlantis' is not a country" in country["message"]


@pytest.mark.parametrize(("fmt", "content", "field", "code"), [
    ("xlsx", b"not a workbook", "file", "unreadable_workbook"),
    ("orcid", b"\xff\xfe\x00garbage", "file", "bad_json"),
    ("openalex", b'{"results": 3}', "results", "unexpected_shape"),
    ("csv", b"", "file", "empty_table"),
])
def test_garbage_is_a_4xx_never_a_500(fake: Fake, tmp_path: Path, fmt: str, content: bytes,
                                      field: str, code: str) -> None:
    """Refused whole, naming the field, with a code the page says in its language."""
    path = tmp_path / f"upload.{'json' if fmt in ('orcid', 'openalex') else fmt}"
    path.write_bytes(content)
    before = fake.counts()
    r = fake.post(fmt, [path])
    assert r.status_code == 422, r.text
    assert r.json()["field"] == field
    assert r.json()["errors"][0]["code"] == code, r.json()
    assert fake.counts() == before


def test_requests_are_checked(fake: Fake) -> None:
    bib = IMPORTS / "bibtex" / "library.bib"
    assert fake.post("bibtex", [bib], key=None).status_code == 401
    assert fake.post("bibtex", [bib], key="reader").status_code == 403
    r = fake.post("endnote", [bib])
    assert r.status_code == 422 and r.json()["field"] == "format"
    r = fake.post("bibtex", [bib], create_members="lurker")
    assert r.status_code == 422 and r.json()["field"] == "create_members"
    r = fake.post("bibtex", [bib], name_threshold="12")
    assert r.status_code == 422 and r.json()["field"] == "name_threshold"
    r = fake.client.post("/imports/bibtex", headers={"X-API-Key": fake.keys["editor"]})
    assert r.status_code == 422 and r.json()["field"] == "file"
    page = IMPORTS / "openalex" / "works-page-1.json"
    assert fake.post("openalex", [page, page]).status_code == 422  # two files, one name
    r = fake.post("orcid", [IMPORTS / "orcid" / "record-0000-0002-1825-0097.json"])
    assert r.status_code == 200


def test_file_over_the_limit_is_413(fake: Fake, tmp_path: Path) -> None:
    path = tmp_path / "big.bib"
    path.write_text("% padding\n" * 1000)
    r = fake.post("bibtex", [path])
    assert r.status_code == 413 and r.json()["field"] == "file"


EVERY_FORMAT: list[tuple[str, list[Path], dict[str, Any], str, str]] = [
    ("csv", [IMPORTS / "csv" / n for n in ("organisations.csv", "members.csv", "vocabulary.json")],
     {"map": ["Nom complet=name", "Expertise=bio", "Langues=languages"]},
     "glacier retreat meltwater runoff high-altitude reservoirs", "m-orcid-0000-0001-5109-3700"),
    ("xlsx", [IMPORTS / "xlsx-members.xlsx"], {}, "falaj irrigation channels restoration",
     "m-zainab-al-harthy"),
    ("orcid", [IMPORTS / "orcid" / "record-0000-0002-1825-0097.json"], {},
     "night-flow analysis field guide intermittent supply", "m-0001"),
    ("openalex", [IMPORTS / "openalex" / "works-page-1.json"], {},
     "sand dams ephemeral rivers Kitui storage", "m-0011"),
    ("bibtex", [IMPORTS / "bibtex" / "library.bib"], {},
     "boues de vidange Thiès vidange mécanisée", "m-0004"),
    ("ris", [IMPORTS / "ris" / "endnote-export.ris"], {},
     "brine discharge seagrass monitoring protocol Aqaba", "m-0003"),
    ("discourse", sorted((IMPORTS / "discourse").glob("*.json")),
     {"users": IMPORTS / "discourse-users.json"},
     "ultrasonic clamp-on meters DMA inlets refilling", "m-0001"),
]


@pytest.mark.parametrize(("fmt", "paths", "form", "need", "member"), EVERY_FORMAT,
                         ids=[f[0] for f in EVERY_FORMAT])
def test_every_format_over_http_then_search(fake: Fake, fmt: str, paths: list[Path],
                                            form: dict[str, Any], need: str,
                                            member: str) -> None:
    r = fake.post(fmt, paths, key="admin", **form)
    assert r.status_code == 200, r.text
    assert r.json()["inserted"] >= 1
    assert member in fake.top(need)


def test_upload_then_search_with_the_real_model(api: Api) -> None:
    folder = IMPORTS / "csv"
    files = [("file", (p.name, p.read_bytes())) for p in
             (folder / "organisations.csv", folder / "members.csv", folder / "vocabulary.json")]
    data = {"map": ["Nom complet=name", "Expertise=bio", "Langues=languages"]}
    r = api.client.post("/imports/csv", files=files, data=data, headers=api.h(api.editor))
    assert r.status_code == 200, r.text
    r = api.client.get("/experts", params={"q": "meltwater from retreating Andean glaciers",
                                           "top": 3})
    assert r.json()["results"][0]["member_id"] == "m-orcid-0000-0001-5109-3700"
    audit = api.client.get("/admin/audit", headers=api.h(api.admin)).json()["results"][0]
    assert audit["action"] == "import" and audit["detail"]["inserted"] == 6


def test_a_refused_upload_creates_no_member(fake: Fake, tmp_path: Path) -> None:
    bib = tmp_path / "refs.bib"
    bib.write_text("@article{good, author = {Kamau, Peter}, title = {Wells}, year = 2020}\n"
                   "@article{bad, author = {Otieno, Brian}, year = {20x1}}\n")
    before = fake.counts()
    r = fake.post("bibtex", [bib], create_members="peripheral", country="NL")
    assert r.status_code == 422 and {e["field"] for e in r.json()["errors"]} == {"title",
                                                                                  "year"}
    assert all(e["record"] == "refs.bib" and e["line"] == 2 for e in r.json()["errors"])
    assert fake.counts() == before
    r = fake.post("bibtex", [bib], create_members="peripheral", country="NL",
                  skip_invalid="true")
    assert r.status_code == 200 and r.json()["state"] == "partial" and r.json()["invalid"] == 1
    assert r.json()["created_members"] == ["m-peter-kamau"]
    r = fake.post("bibtex", [bib], create_members="peripheral")
    assert r.status_code == 422 and r.json()["field"] == "country"
