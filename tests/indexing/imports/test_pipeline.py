"""Whole imports into a store: matching, deduplication across sources, re-imports, created
members, dry runs, and bad files that commit nothing."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from indexing.imports.model import ImportOptions
from indexing.imports.pipeline import run_import
from indexing.imports.tabular import parse_column_map
from indexing.schema import Level
from indexing.store import Store
from tests.indexing.imports.conftest import IMPORTS

SHARED_DOI = "doi-10.2166_ws.2023.101"


def _import(store: Store, fmt: str, path: Path, **options: object):  # type: ignore[no-untyped-def]
    return run_import(store, fmt, path, ImportOptions(**options))  # type: ignore[arg-type]


def test_one_doi_from_three_sources_is_one_contribution(store: Store) -> None:
    first = _import(store, "orcid", IMPORTS / "orcid")
    assert first.ingest.result.inserted == 2 and first.committed
    assert [(m.person.name, m.member_id, m.method) for m in first.by_outcome("linked")] == [
        ("Grace Wanjiru", "m-0001", "name")]
    _import(store, "openalex", IMPORTS / "openalex")
    third = _import(store, "bibtex", IMPORTS / "bibtex" / "library.bib")
    shared = store.get_contribution(SHARED_DOI)
    assert shared.authors == ["m-0001", "m-0007", "m-0009"]
    assert [(s.source, [a.member_id for a in s.authors]) for s in shared.sources] == [
        ("orcid", ["m-0001"]), ("openalex", ["m-0001", "m-0007"]),
        ("bibtex", ["m-0001", "m-0009"])]
    assert shared.text.startswith("We deployed 100 Hz")  # the longest text any source gave
    assert any(f"merged into {SHARED_DOI} (same DOI, already stored)" in m
               for m in third.merged)
    assert third.outcome("updated") == [SHARED_DOI]


def test_reimport_replaces_only_its_own_part(store: Store, tmp_path: Path) -> None:
    _import(store, "openalex", IMPORTS / "openalex")
    bib = tmp_path / "library.bib"
    shutil.copy(IMPORTS / "bibtex" / "library.bib", bib)
    _import(store, "bibtex", bib)
    assert store.get_contribution(SHARED_DOI).authors == ["m-0001", "m-0007", "m-0009"]
    again = _import(store, "bibtex", bib)
    assert again.ingest.result.inserted == again.ingest.result.updated == 0
    bib.write_text(bib.read_text().replace("Wanjiru, Grace and Otieno, D.", "Wanjiru, Grace"))
    _import(store, "bibtex", bib)
    shared = store.get_contribution(SHARED_DOI)
    assert shared.authors == ["m-0001", "m-0007"]  # Otieno went with BibTeX's part only


def test_same_title_and_year_without_doi_merge_across_sources(store: Store) -> None:
    _import(store, "bibtex", IMPORTS / "bibtex" / "library.bib")
    report = _import(store, "ris", IMPORTS / "ris" / "endnote-export.ris")
    merged = store.get_contribution("bibtex-quispe2022alerta")
    assert merged.authors == ["m-0005", "m-0012"]
    assert {s.source for s in merged.sources} == {"bibtex", "ris"}
    assert report.outcome("updated") == ["bibtex-quispe2022alerta"]


def test_unknown_people_are_reported_and_their_works_skipped(store: Store) -> None:
    before = store.counts()
    report = _import(store, "openalex", IMPORTS / "openalex")
    assert [s.reason for s in report.skipped] == ["no author is a member"]
    assert [s.code for s in report.skipped] == ["no_member_author"]  # the page says it
    assert report.skipped[0].title == "Groundwater governance in the Mekong delta"
    (near,) = report.by_outcome("candidate")
    assert near.person.name == "Grace Wanjiku" and near.candidate_id == "m-0001"
    assert [m.person.name for m in report.by_outcome("unmatched")] == ["Nguyễn Thị Lan"]
    assert store.counts()["members"] == before["members"]  # nobody created silently
    lines = "\n".join(report.lines())
    assert "not linked: 'Grace Wanjiku': candidate Grace Wanjiru (m-0001), score 92.3" in lines
    assert "unmatched: 1 people" in lines
    assert "'Groundwater governance in the Mekong delta' (no author is a member)" in lines
    sand_dams = store.get_contribution("openalex-W4390098765")
    assert sand_dams.authors == ["m-0011"]  # F. Akter linked, Grace Wanjiku not


def test_create_members_flags_them_as_imported(store: Store) -> None:
    report = _import(store, "openalex", IMPORTS / "openalex", create_members=Level.peripheral)
    created = store.get_members(report.created_members)
    lan = next(m for m in created.values() if m.name == "Nguyễn Thị Lan")
    assert lan.country == "VN" and lan.level == "peripheral"  # country from the authorship
    assert lan.imported_from == "openalex" and lan.organisation_id == "org-imported"
    assert store.get_contribution("doi-10.3390_w15050911").authors == [lan.id]
    bib = _import(store, "bibtex", IMPORTS / "bibtex" / "library.bib",
                  create_members=Level.transactional, create_country="GB")
    assert "m-john-smith" in bib.created_members
    assert store.get_member("m-john-smith").country == "GB"


def test_dry_run_writes_nothing(store: Store) -> None:
    before = store.counts()
    report = _import(store, "bibtex", IMPORTS / "bibtex" / "library.bib", dry_run=True,
                     create_members=Level.peripheral, create_country="KE")
    assert report.dry_run and report.ingest.result.inserted > 0
    assert "m-mamadou-ndiaye" in report.outcome("inserted")
    assert store.counts() == before
    assert "would import bibtex" in report.lines()[-1]


def test_malformed_file_commits_nothing_and_names_it(store: Store) -> None:
    before = store.counts()
    report = _import(store, "bibtex", IMPORTS / "bibtex" / "broken.bib")
    assert not report.committed and store.counts() == before
    assert {(e.line, e.record_id, e.field) for e in report.ingest.errors} == {
        (8, "broken2021", "entry"), (13, "noyear", "year")}
    kept = _import(store, "bibtex", IMPORTS / "bibtex" / "broken.bib", skip_invalid=True)
    assert kept.outcome("inserted") == ["doi-10.1111_gwat.13001"]


def test_csv_rejected_organisations_are_one_root_cause(store: Store, tmp_path: Path) -> None:
    folder = tmp_path / "csv"
    shutil.copytree(IMPORTS / "csv", folder)
    (folder / "vocabulary.json").unlink()  # 'International body' is then not a kind
    mapping = parse_column_map((folder / "members.map").read_text().splitlines())
    before = store.counts()
    report = _import(store, "csv", folder, column_map=mapping)
    assert [(e.line, e.field) for e in report.ingest.errors] == [(3, "kind")]
    (cause,) = report.ingest.root_causes
    assert str(cause).startswith("3 members refer to organisations of a rejected file: first "
                                 "org-nile-basin-dialogue (line 3: kind 'international_body'")
    assert store.counts() == before


def test_csv_with_its_vocabulary_imports_everything(store: Store) -> None:
    mapping = parse_column_map((IMPORTS / "csv" / "members.map").read_text().splitlines())
    report = _import(store, "csv", IMPORTS / "csv", column_map=mapping)
    assert report.committed and report.ingest.result.inserted == 6
    assert "organisation_kinds:international_body" in report.ingest.vocabulary_added
    assert store.get_member("m-nour-el-sayed").organisation_id == "org-nile-basin-dialogue"


def test_discourse_posts_keep_private_spaces(store: Store) -> None:
    users = json.loads((IMPORTS / "discourse-users.json").read_text())
    report = _import(store, "discourse", IMPORTS / "discourse", usernames=users)
    assert report.ingest.result.inserted == 3
    # a private space's records have ids of their own: never the id a public record would get
    assert store.get_contribution("discourse-post-9201--nrw-taskforce").space == "nrw-taskforce"
    assert store.get_contribution("discourse-post-9102").authors == ["m-0007"]
    assert [m.person.username for m in report.by_outcome("unmatched")] == ["wanderer42"]


def test_private_records_imported_before_qualified_ids_are_updated_not_copied(
        store: Store) -> None:
    users = json.loads((IMPORTS / "discourse-users.json").read_text())
    _import(store, "discourse", IMPORTS / "discourse", usernames=users)
    qualified = store.get_contribution("discourse-post-9201--nrw-taskforce")
    legacy = qualified.model_copy(update={"id": "discourse-post-9201"})
    with store.transaction() as conn:
        store.delete_contribution(conn, qualified.id)
    store.write_records(contributions=[legacy])  # as an import before this change wrote it
    again = _import(store, "discourse", IMPORTS / "discourse", usernames=users)
    assert "discourse-post-9201" in again.outcome("unchanged") + again.outcome("updated")
    assert "discourse-post-9201--nrw-taskforce" not in again.outcome("inserted")


def test_a_csv_column_sets_the_sign_in_email(store: Store, tmp_path: Path) -> None:
    """#28: imports set a member's sign-in e-mail (a 'Sign-in email' column, lower-cased)."""
    folder = tmp_path / "csv"
    shutil.copytree(IMPORTS / "csv", folder)
    members = folder / "members.csv"
    lines = members.read_text(encoding="utf-8").splitlines()
    lines[0] += ",Sign-in email"
    lines[1:] = [line + f",Person{i}@Example.org" for i, line in enumerate(lines[1:])]
    members.write_text("\n".join(lines) + "\n", encoding="utf-8")
    mapping = parse_column_map((folder / "members.map").read_text().splitlines())
    report = _import(store, "csv", folder, column_map=mapping)
    assert report.committed, report.ingest.errors
    assert store.get_member("m-nour-el-sayed").sign_in_email == "person1@example.org"
