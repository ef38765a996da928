"""The importer on real exports (tests/data/imports/real, sources in its README): at least 95 %
of the entries that carry a title become contributions, no traceback, nobody created who is
not a person, and the same file with one broken entry writes nothing at all."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from indexing.imports.model import ImportOptions
from indexing.imports.people import is_corporate
from indexing.imports.pipeline import run_import
from indexing.schema import Level
from indexing.store import Store
from tests.indexing.imports.conftest import IMPORTS

REAL = IMPORTS / "real"
LABELS: dict[str, dict[str, int]] = json.loads((REAL / "labels.json").read_text())
FORMAT = {".bib": "bibtex", ".ris": "ris"}
# entries refused for a fault of their own (an ORCID work with no publication date): they
# need --skip-invalid, and count against the file's share
NEEDS_SKIPPING = {"orcid-record-sandbox.json": 1}


def _format(path: Path) -> str:
    return FORMAT.get(path.suffix) or ("openalex" if path.name.startswith("openalex")
                                       else "orcid")


def _options(**extra: object) -> ImportOptions:
    return ImportOptions(create_members=Level.peripheral, create_country="NL",
                         **extra)  # type: ignore[arg-type]


@pytest.mark.parametrize("name", sorted(LABELS))
def test_real_export_becomes_contributions(store: Store, name: str) -> None:
    path = REAL / name
    fmt = _format(path)
    skipping = name in NEEDS_SKIPPING
    report = run_import(store, fmt, path, _options(skip_invalid=skipping))
    assert report.committed, report.lines()[-5:]
    assert len(report.invalid_entries()) == NEEDS_SKIPPING.get(name, 0)
    written = [*report.outcome("inserted"), *report.outcome("updated"),
               *report.outcome("unchanged")]
    contributions = store.get_contributions(written).values()
    parts = {(s.source, s.source_id) for c in contributions for s in c.sources
             if s.source == fmt}
    became = len(parts) + sum("repeats" in m for m in report.merged)
    label = LABELS[name]
    assert became >= 0.95 * label["with_title"] - NEEDS_SKIPPING.get(name, 0), \
        (became, label, [s.reason for s in report.skipped])
    created = store.get_members(report.created_members).values()
    fake = [m.name for m in created if is_corporate(m.name) or " and " in m.name.lower()
            or m.name.lower() in ("others", "et al.") or any(c in m.name for c in "{}\\;")]
    assert fake == []


@pytest.mark.parametrize("name", sorted(LABELS))
def test_a_broken_entry_refuses_the_whole_file(store: Store, tmp_path: Path,
                                               name: str) -> None:
    path = REAL / name
    fmt = _format(path)
    text = path.read_text(encoding="utf-8-sig")
    if fmt == "bibtex":
        text += "\n@article{broken, author = {Nobody, A.}, year = {2020}}\n"
    elif fmt == "ris":
        text += "\nTY  - JOUR\nAU  - Nobody, A.\nPY  - 2020\nER  - \n"
    elif fmt == "openalex":
        data = json.loads(text)
        data["results"].append({"id": "https://openalex.org/W1", "publication_year": 2020})
        text = json.dumps(data)
    else:
        data = json.loads(text)
        data["activities-summary"]["works"]["group"].append({"work-summary": [
            {"put-code": 1, "publication-date": {"year": {"value": "2020"}}}]})
        text = json.dumps(data)
    broken = tmp_path / name
    broken.write_text(text, encoding="utf-8")
    before = store.counts()
    report = run_import(store, fmt, broken, _options())
    assert report.refused and store.counts() == before
