"""What reference managers, OpenAlex, ORCID and forums really write, each case of #34 as a
small snippet of our own: one transaction per import, parsers that take it, people matched
with care, a report that counts entries."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from indexing.errors import ValidationFailed
from indexing.imports.model import ImportOptions
from indexing.imports.options import ImportForm, make_options
from indexing.imports.pipeline import run_import
from indexing.schema import Level
from indexing.settings import Settings
from indexing.store import Store
from tests.indexing.imports.conftest import IMPORTS

CREATE = {"create_members": Level.peripheral, "create_country": "NL"}


def _bib(tmp_path: Path, text: str, name: str = "refs.bib") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _run(store: Store, fmt: str, path: Path, **options: object):  # type: ignore[no-untyped-def]
    return run_import(store, fmt, path, ImportOptions(**options))  # type: ignore[arg-type]


GOOD = """@article{good2020,
  author = {Kamau, Peter and Wanjiru, Grace},
  title = {Sand dams and shallow wells},
  year = {2020}
}
"""
BAD = """@article{notitle2021,
  author = {Otieno, Brian},
  year = {20x1}
}
"""


def test_a_refused_import_writes_nothing_not_even_members(store: Store, tmp_path: Path) -> None:
    before = store.counts()
    report = _run(store, "bibtex", _bib(tmp_path, GOOD + BAD), **CREATE)
    assert report.refused and not report.committed and store.counts() == before
    assert report.outcome("inserted") == []
    assert report.to_dict()["state"] == "refused" and report.to_dict()["inserted"] == 0
    assert "nothing was written" in report.lines()[-1]
    assert any(line.startswith("would create member: 'Kamau, Peter'")
               for line in report.lines())


def test_skipping_says_what_was_written_and_what_was_not(store: Store, tmp_path: Path) -> None:
    before = store.counts()
    report = _run(store, "bibtex", _bib(tmp_path, GOOD + BAD), skip_invalid=True, **CREATE)
    assert report.partial and report.state() == "partial"
    assert report.outcome("inserted") == ["org-imported", "m-peter-kamau", "bibtex-good2020"]
    assert store.counts()["members"] == before["members"] + 1  # not Otieno: his entry is out
    (entry,) = report.invalid_entries()
    assert entry[0].endswith("refs.bib") and entry[1:] == (6, "notitle2021")
    fields = {(e.line, e.field) for e in report.ingest.errors}
    assert fields == {(6, "title"), (6, "year")}  # one entry, two fields
    assert report.to_dict()["invalid"] == 1
    assert "the 1 invalid entries were left out" in report.lines()[-1]


def test_real_bibtex_styles(store: Store, tmp_path: Path) -> None:
    text = r"""@article{langevin2020hydraulic,
	Author = {Langevin, Christian D and Panday, Sorab and {SciPy 1.0 Contributors} and others},
	Title = {Hydraulic-Head Formulation, see \href{http://x.org/a_b}{the {USGS} page} and \url{http://y.org}},
	Doi = {https://doi.org/10.1111%2Fgwat.12967},
	Abstract = {Fe \&amp;lt;i\&amp;gt;stress\&amp;lt;/i\&amp;gt; in \emph{situ}},
	Year = {2020}}
@article{Muro_2015, author = {Muro, A.}, title = {First paper}, year = {2015}}
@article{Muro_2015, author = {Muro, A.}, title = {Second paper}, year = {2015}}
@article{Muro_2015, author = {Muro, A.}, title = {Second paper}, year = {2015}}
"""
    report = _run(store, "bibtex", _bib(tmp_path, text), **CREATE)
    assert report.committed, report.lines()
    paper = store.get_contribution("doi-10.1111_gwat.12967")
    assert paper.title == "Hydraulic-Head Formulation, see the USGS page and http://y.org"
    assert paper.text == "Fe stress in situ"
    (part,) = paper.sources
    assert [a.name for a in part.authors] == ["Langevin, Christian D", "Panday, Sorab"]
    assert part.author_count == 3  # the list was cut ("others"): those shown, all counted
    assert report.corporate == ["SciPy 1.0 Contributors"]
    assert {store.get_member(m).name for m in paper.authors} == {
        "Langevin, Christian D", "Panday, Sorab"}
    assert store.get_contribution("bibtex-Muro_2015").title == "First paper"
    assert store.get_contribution("bibtex-Muro_2015_2").title == "Second paper"
    assert any("repeats" in m and "merged" in m for m in report.merged)


def test_biblatex_dates_stand_for_the_year(store: Store, tmp_path: Path) -> None:
    text = ("@InProceedings{Kopp2018, author = {Kopp, Oliver}, date = {2018-03-01},\n"
            "  title = {Markdown Architectural Decision Records}}\n")
    report = _run(store, "bibtex", _bib(tmp_path, text), **CREATE)
    assert report.committed
    assert str(store.get_contribution("bibtex-Kopp2018").date) == "2018-03-01"


def test_more_than_fifty_authors_are_kept_not_refused(store: Store, tmp_path: Path) -> None:
    names = " and ".join(f"Author{chr(65 + i // 26)}{chr(65 + i % 26)}, Pat" for i in range(80))
    text = f"@article{{big2019, author = {{{names}}}, title = {{A big team}}, year = 2019}}\n"
    report = _run(store, "bibtex", _bib(tmp_path, text), **CREATE)
    assert report.committed
    (part,) = store.get_contribution("bibtex-big2019").sources
    assert len(part.authors) == 50 and part.author_count == 80


def test_google_scholar_ris_duplicates_merge_without_a_traceback(store: Store,
                                                                  tmp_path: Path) -> None:
    text = ("TY  - JOUR\nAU  - Baffigo, FG Pinillos\nAU  - Elliot, T; Almenar, JB; Rugani, B\n"
            "TI  - Urban water reuse\nPY  - 2019\nER  - \n\n"
            "TY  - JOUR\nAU  - Baffigo, FGP\nTI  - Urban water reuse\nPY  - 2019\nER  - \n")
    report = _run(store, "ris", _bib(tmp_path, text, "scholar.ris"), **CREATE)
    assert report.committed
    (cid,) = [i for i in report.outcome("inserted") if i.startswith("ris-")]
    people = {store.get_member(m).name for m in store.get_contribution(cid).authors}
    assert people == {"Baffigo, FG Pinillos", "Elliot, T", "Almenar, JB", "Rugani, B"}
    assert any("repeats an entry of this import" in m for m in report.merged)


def test_encodings_are_detected_and_bad_bytes_named_by_line(store: Store,
                                                            tmp_path: Path) -> None:
    text = ("TY  - JOUR\nAU  - Müller, Jürgen\nTI  - Évaluation des eaux souterraines à "
            "Genève\nPY  - 2018\nER  - \n")
    path = tmp_path / "embase.ris"
    path.write_bytes(text.encode("mac_roman"))
    report = _run(store, "ris", path, **CREATE)
    assert report.committed and any("not UTF-8, read as mac" in n for n in report.notes)
    (cid,) = [i for i in report.outcome("inserted") if i.startswith("ris-")]
    assert store.get_contribution(cid).title.startswith("Évaluation des eaux")
    path.write_bytes(b"TY  - JOUR\nTI  - ok\n" + bytes(range(128, 256)) * 40 + b"\x00\x81")
    bad = _run(store, "ris", path)
    (error,) = bad.ingest.errors
    assert error.field == "file" and error.line == 3 and "line 3" in error.message


def test_orcid_works_response_for_a_named_member(store: Store) -> None:
    path = IMPORTS / "orcid" / "works-0000-0003-4444-5552.json"  # no name, an unknown iD
    nobody = _run(store, "orcid", path, **CREATE)
    assert nobody.created_members == [] and nobody.ingest.result.inserted == 0
    assert {s.reason for s in nobody.skipped} == {"no author is a member"}
    named = _run(store, "orcid", path, member="m-0003")
    assert named.committed and named.ingest.result.inserted >= 1
    (decision,) = named.matches
    assert (decision.member_id, decision.method) == ("m-0003", "member")
    with pytest.raises(ValidationFailed) as exc:
        _run(store, "orcid", path, member="m-nobody")
    assert exc.value.errors[0].field == "member"


def test_discourse_without_categories_needs_a_default_space(store: Store,
                                                             tmp_path: Path) -> None:
    topic = tmp_path / "t-2001.json"
    topic.write_text((IMPORTS / "discourse" / "t-2001.json").read_text())
    users = json.loads((IMPORTS / "discourse-users.json").read_text())
    refused = _run(store, "discourse", topic, usernames=users)
    assert refused.refused and refused.ingest.errors[0].field == "category_id"
    report = _run(store, "discourse", topic, usernames=users, default_space="forum-archive")
    assert report.committed and report.ingest.result.inserted >= 1
    spaces = {store.get_contribution(i).space for i in report.outcome("inserted")}
    assert spaces == {"forum-archive"}


def test_create_members_without_a_country_is_refused_by_name() -> None:
    with pytest.raises(ValidationFailed) as exc:
        make_options(Settings(), ImportForm(create_members="peripheral"))
    assert exc.value.errors[0].field == "country"
    assert make_options(Settings(), ImportForm(create_members="peripheral", country="Kenya")
                        ).create_country == "KE"


def test_near_misses_are_created_when_asked_and_reported_as_candidates(
        store: Store, tmp_path: Path) -> None:
    text = "@article{z2022, author = {Wanjiku, Grace}, title = {Meters}, year = 2022}\n"
    report = _run(store, "bibtex", _bib(tmp_path, text), **CREATE)
    (decision,) = report.matches
    assert decision.outcome == "created" and decision.candidate_id == "m-0001"
    assert decision.member_id == "m-grace-wanjiku"
    assert "nearest member Grace Wanjiru (m-0001)" in decision.describe()


def test_openalex_entities_and_encoded_dois(store: Store, tmp_path: Path) -> None:
    page = {"results": [{"id": "https://openalex.org/W1", "doi":
                         "https://doi.org/10.2166%2FWS.2099.001", "title": "Pipes &amp; pumps",
                         "publication_date": "2099-01-02", "type": "article",
                         "abstract_inverted_index": {"Leaks&#13;": [0], "fall.": [1]},
                         "authorships": [{"author": {"display_name": "Grace Wanjiru"}}]}]}
    path = tmp_path / "works.json"
    path.write_text(json.dumps(page))
    report = _run(store, "openalex", path)
    assert report.committed
    paper = store.get_contribution("doi-10.2166_ws.2099.001")
    assert (paper.title, paper.text, paper.doi) == ("Pipes & pumps", "Leaks fall.",
                                                    "10.2166/ws.2099.001")
