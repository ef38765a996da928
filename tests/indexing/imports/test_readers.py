"""Each format's reader: its fixture to works (or records), and its bad entries named."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
from pathlib import Path

import pytest

from indexing.errors import ValidationFailed
from indexing.imports import bibtex, discourse, openalex, orcid, ris, tabular
from indexing.imports.model import ImportOptions, html_to_text
from indexing.imports.tabular import parse_column_map
from indexing.schema import Member, Organisation
from indexing.store import Store
from tests.indexing.imports.conftest import IMPORTS

OPTIONS = ImportOptions()


def test_orcid_record_and_works_response(store: Store) -> None:
    batch = orcid.read(IMPORTS / "orcid", OPTIONS)
    assert not batch.errors
    by_code = {w.source_id: w for w in batch.works}
    paper = by_code["0000-0002-1825-0097/148702611"]
    assert paper.doi == "10.2166/ws.2023.101" and paper.type == "publication"
    assert paper.date == dt.date(2023, 6, 12)
    assert paper.people[0].orcid == "0000-0002-1825-0097"
    assert paper.people[0].name == "Grace Wanjiru"
    talk = by_code["0000-0002-1825-0097/110233905"]
    assert talk.type == "presentation" and talk.doi is None and talk.date == dt.date(2022, 1, 1)
    unknown = by_code["0000-0003-4444-5552/99110022"]  # a /works response: iD from its path
    assert unknown.people[0].orcid == "0000-0003-4444-5552" and unknown.people[0].name == ""


def test_openalex_page_with_inverted_abstracts(store: Store) -> None:
    batch = openalex.read(IMPORTS / "openalex", OPTIONS)
    assert not batch.errors
    first, second, third = batch.works
    assert first.source_id == "W4385012345" and first.doi == "10.2166/ws.2023.101"
    assert first.text.startswith("Transient pressure loggers sampling at 100 Hz")
    assert [p.orcid for p in first.people] == ["0000-0002-1825-0097", None]
    assert first.people[1].country == "AU"
    assert second.doi is None and "dams and improved water quality" in second.text
    assert third.people[0].name == "Nguyễn Thị Lan" and third.text == ""


def test_bibtex_decodes_latex_and_splits_authors(store: Store) -> None:
    batch = bibtex.read(IMPORTS / "bibtex" / "library.bib", OPTIONS)
    assert not batch.errors
    works = {w.source_id: w for w in batch.works}
    report = works["diallo2021boues"]
    assert report.title.startswith("Gestion des boues de vidange à Thiès")
    assert report.type == "project_report" and report.language == "fr"
    assert [p.name for p in works["quispe2022alerta"].people] == [
        "Quispe, Carlos", "Muñoz Quispe, Inés"]
    assert works["wanjiru2023pressure"].date == dt.date(2023, 6, 1)


def test_bibtex_malformed_entries_name_line_entry_and_field(store: Store) -> None:
    batch = bibtex.read(IMPORTS / "bibtex" / "broken.bib", OPTIONS)
    errors = {(e.line, e.record_id, e.field) for e in batch.errors}
    assert errors == {(8, "broken2021", "entry"), (13, "noyear", "year")}
    assert all(e.source.endswith("broken.bib") for e in batch.errors)
    assert [w.source_id for w in batch.works] == ["ok2020"]


def test_ris_records_and_their_problems(store: Store) -> None:
    batch = ris.read(IMPORTS / "ris" / "endnote-export.ris", OPTIONS)
    assert not batch.errors
    conf, article, report = batch.works
    assert conf.type == "publication" and conf.date == dt.date(2022, 9, 21)
    assert [p.name for p in conf.people] == ["Quispe, C.", "Pereira, João"]
    assert article.source_id == "1742" and article.doi == "10.5004/dwt.2021.27100"
    assert report.type == "project_report" and report.source_id.startswith("t-")
    broken = ris.read(IMPORTS / "ris" / "broken.ris", OPTIONS)
    assert {(e.line, e.field) for e in broken.errors} == {(7, "ER"), (18, "TY")}


def test_discourse_topics_posts_and_private_categories(store: Store) -> None:
    batch = discourse.read(IMPORTS / "discourse", OPTIONS)
    assert not batch.errors
    posts = {w.source_id: w for w in batch.works}
    assert set(posts) == {"post-9101", "post-9102", "post-9103", "post-9201"}  # no system post
    assert posts["post-9101"].space == "public" and posts["post-9101"].type == "forum_post"
    assert posts["post-9201"].space == "nrw-taskforce"  # read_restricted category
    assert posts["post-9102"].title.startswith("Re: Clamp-on meters")
    assert "alert" not in posts["post-9102"].text and "<" not in posts["post-9102"].text
    assert "8 % high" in posts["post-9101"].text
    assert posts["post-9101"].people[0].username == "gwanjiru"


def test_discourse_topic_without_its_category_is_refused(store: Store, tmp_path: Path) -> None:
    (tmp_path / "t-1.json").write_text((IMPORTS / "discourse" / "t-2002.json").read_text())
    batch = discourse.read(tmp_path / "t-1.json", OPTIONS)
    assert [e.field for e in batch.errors] == ["category_id"] and not batch.works


def test_username_map_as_json_or_csv() -> None:
    assert discourse.read_username_map('{"a": "m-1"}') == {"a": "m-1"}
    assert discourse.read_username_map("username,member_id\na,m-1\n") == {"a": "m-1"}
    with pytest.raises(ValidationFailed):
        discourse.read_username_map("a\n")


def test_html_is_reduced_to_text() -> None:
    assert html_to_text("<p>A &amp; B</p><script>x()</script><ul><li>c</li></ul>") == "A & B\nc"


def test_csv_members_with_mapping_names_and_codes(store: Store) -> None:
    mapping = parse_column_map((IMPORTS / "csv" / "members.map").read_text().splitlines())
    options = ImportOptions(column_map=mapping)
    batch = tabular.read_csv(IMPORTS / "csv", options)
    orgs_file, members_file = tabular.table_files(store, batch.tables, options)
    assert orgs_file.kind == "organisations" and not orgs_file.errors
    orgs = {o.name: o for o in orgs_file.records if isinstance(o, Organisation)}
    assert orgs["Instituto Andino de Glaciares"].kind == "research_institute"
    assert orgs["Nile Basin Dialogue"].country == "EG"  # from مصر
    assert not members_file.errors
    members = [m for m in members_file.records if isinstance(m, Member)]
    ines, nour, thiago = members
    assert ines.id == "m-orcid-0000-0001-5109-3700" and ines.orcid == "0000-0001-5109-3700"
    assert (ines.country, ines.level, ines.languages) == ("PE", "core", ["es", "en"])
    assert ines.organisation_id == orgs["Instituto Andino de Glaciares"].id
    assert (nour.country, nour.level, nour.languages) == ("EG", "active", ["ar", "en"])
    assert (thiago.id, thiago.country, thiago.level) == ("m-thiago-conceicao", "BR",
                                                         "occasional")
    assert members_file.lines == [2, 3, 4]


def test_csv_bad_rows_name_line_field_and_column(store: Store) -> None:
    batch = tabular.read_csv(IMPORTS / "csv-broken", OPTIONS)
    files = tabular.table_files(store, batch.tables, OPTIONS)
    errors = {(e.line, e.field): e.message for e in files[0].errors}
    assert set(errors) == {(2, "country"), (3, "level")}
    assert "'Atlantis' is not a country name or code" in errors[(2, "country")]
    assert "(column 'Country')" in errors[(2, "country")]


def test_xlsx_members(store: Store) -> None:
    batch = tabular.read_xlsx(IMPORTS / "xlsx-members.xlsx", OPTIONS)
    (members_file,) = tabular.table_files(store, batch.tables, OPTIONS)
    assert not members_file.errors
    zainab, kwame = members_file.records
    assert isinstance(zainab, Member) and isinstance(kwame, Member)
    assert (zainab.country, zainab.organisation_id, zainab.topics) == (
        "JO", "org-jordan-water-ministry", ["falaj", "aflaj"])
    assert (kwame.country, kwame.level) == ("GH", "transactional")


def test_column_map_errors_name_the_option(store: Store) -> None:
    with pytest.raises(ValidationFailed) as exc:
        parse_column_map(["no equals sign"])
    assert exc.value.errors[0].field == "map"
    with pytest.raises(ValidationFailed) as exc:
        options = ImportOptions(column_map={"Level": "rank"})
        tabular.table_files(store, tabular.read_csv(IMPORTS / "csv-broken", options).tables,
                            options)
    assert "'rank'" in exc.value.errors[0].message


def test_bad_json_names_the_file_and_line(store: Store, tmp_path: Path) -> None:
    (tmp_path / "works.json").write_text('{"results": [\n{"id": 1,,}]}')
    batch = openalex.read(tmp_path / "works.json", OPTIONS)
    (error,) = batch.errors
    assert error.source.endswith("works.json") and error.line == 2 and error.field == "file"
    (tmp_path / "works.json").write_text(json.dumps({"results": [{"id": "W1"}]}))
    fields = {e.field for e in openalex.read(tmp_path / "works.json", OPTIONS).errors}
    assert fields == {"title", "publication_date"}


@pytest.mark.parametrize("fmt", ["bibtex", "ris", "orcid", "openalex", "discourse", "csv"])
def test_any_text_is_read_or_named_never_raises(store: Store, tmp_path: Path, fmt: str) -> None:
    from hypothesis import given, settings
    from hypothesis import strategies as st

    readers = {"bibtex": (bibtex.read, ".bib"), "ris": (ris.read, ".ris"),
               "orcid": (orcid.read, ".json"), "openalex": (openalex.read, ".json"),
               "discourse": (discourse.read, ".json"), "csv": (tabular.read_csv, ".csv")}
    read, suffix = readers[fmt]
    pieces = st.sampled_from(["@article{k,", "title = {", "}", "TY  - JOUR", "ER  - ", "\n",
                              '{"results": [', '{"post_stream": {"posts": [{}]}}', "]", ",",
                              "Full name,Country\n", "Ana,Kenya\n", "é", '"', "{", "0"])

    @settings(max_examples=40, deadline=None)
    @given(st.lists(pieces, max_size=12).map("".join))
    def check(text: str) -> None:
        path = tmp_path / f"input{suffix}"
        path.write_text(text, encoding="utf-8")
        with contextlib.suppress(ValidationFailed):  # a refusal naming the field is fine
            read(path, OPTIONS)

    check()


def test_csv_duplicate_ids_name_the_first_line(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "members.csv"
    path.write_text("Full name,Organisation,Country,Level\nAna Silva,org-nairobi-water,KE,core\n"
                    "Ana Silva,org-nairobi-water,KE,core\n")
    (members_file,) = tabular.table_files(store, tabular.read_csv(path, OPTIONS).tables,
                                          OPTIONS)
    (error,) = members_file.errors
    assert (error.line, error.field, error.message) == (3, "id",
                                                        "duplicate id (first seen on line 2)")
