"""Import each real export of tests/data/imports/real into a fresh copy of the sample community
and report what became of its entries (issue #34; table in docs/QUALITY.md).

    PYTHONPATH=. python bench/import_real.py [--json] [FILE ...]

Per file: entries with a title (labels.json, counted before any import), entries that became
(part of) a written contribution, members created and any of them that is not a person, and
whether the same file with one broken entry appended writes nothing at all.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from indexing.imports.model import ImportOptions  # noqa: E402
from indexing.imports.people import is_corporate  # noqa: E402
from indexing.imports.pipeline import run_import  # noqa: E402
from indexing.ingest import ingest_paths  # noqa: E402
from indexing.schema import Level, Member  # noqa: E402
from indexing.store import SqliteStore, Store  # noqa: E402

REAL = ROOT / "tests" / "data" / "imports" / "real"
FORMATS = {".bib": "bibtex", ".ris": "ris"}
BROKEN_TEXT = {"bibtex": "\n@article{broken-entry,\n  author = {Nobody, A.},\n  year = {2020}\n}\n",
               "ris": "\nTY  - JOUR\nAU  - Nobody, A.\nPY  - 2020\nER  - \n"}


def with_broken_entry(path: Path, fmt: str) -> str:
    """The file's text with one entry that has no title added at its end."""
    text = path.read_text(encoding="utf-8-sig")
    if fmt in BROKEN_TEXT:
        return text + BROKEN_TEXT[fmt]
    data = json.loads(text)
    if fmt == "openalex":
        data["results"].append({"id": "https://openalex.org/W1", "publication_year": 2020})
    else:
        data["activities-summary"]["works"]["group"].append(
            {"work-summary": [{"put-code": 1, "publication-date": {"year": {"value": "2020"}}}]})
    return json.dumps(data)


@dataclass
class Row:
    file: str
    format: str
    entries: int
    with_title: int
    became: int
    became_skipping: int  # with --skip-invalid
    contributions: int
    created: int
    fake_people: list[str]
    refused_writes_nothing: bool
    seconds: float

    @property
    def percent(self) -> float:
        return 100.0 * self.became / self.with_title if self.with_title else 100.0


def count_titled(path: Path) -> dict[str, int]:
    """Entries and entries with a title, by plain text patterns (no importer code): how
    labels.json was counted before the importer ever ran on these files."""
    text = path.read_text(encoding="utf-8-sig")
    if path.suffix == ".bib":
        blocks = re.split(r"(?m)^@", text)[1:]
        entries = [b for b in blocks if not re.match(r"(?i)(comment|string|preamble)\b", b)]
        titled = [b for b in entries if re.search(r"(?im)^\s*title\s*=\s*[{\"]\s*\S", b)]
        return {"entries": len(entries), "with_title": len(titled)}
    if path.suffix == ".ris":
        records = [r for r in re.split(r"(?m)^(?=TY  -)", text) if r.startswith("TY")]
        titled = [r for r in records if re.search(r"(?m)^(TI|T1)  - \S", r)]
        return {"entries": len(records), "with_title": len(titled)}
    data = json.loads(text)
    if "results" in data:
        works = data["results"]
        return {"entries": len(works),
                "with_title": sum(bool((w.get("title") or "").strip()) for w in works)}
    groups = data["activities-summary"]["works"]["group"]
    return {"entries": len(groups), "with_title": sum(bool(
        ((g["work-summary"][0].get("title") or {}).get("title") or {}).get("value"))
        for g in groups)}


def fmt_of(path: Path) -> str:
    if path.suffix in FORMATS:
        return FORMATS[path.suffix]
    return "openalex" if path.name.startswith("openalex") else "orcid"


def sample_store(folder: Path) -> Store:
    store = SqliteStore(folder / "ws.db")
    report = ingest_paths(store, [ROOT / "data"])
    assert not report.errors, report.errors[:3]
    return store


def not_a_person(name: str) -> bool:
    """A created member whose name is no person's: an organisation, "others", a list."""
    lowered = name.lower()
    return (is_corporate(name) or lowered in ("others", "et al", "et al.") or " and " in lowered
            or ";" in name or any(ch.isdigit() for ch in name) or len(name.split()) > 6)


def measure(path: Path, labels: dict[str, dict[str, int]], template: Path) -> Row:
    fmt = fmt_of(path)
    options = ImportOptions(create_members=Level.peripheral, create_country="NL")
    became_skipping, _, _, _ = _import(path, fmt, template, ImportOptions(
        create_members=Level.peripheral, create_country="NL", skip_invalid=True))
    became, contributions, created, seconds = _import(path, fmt, template, options)
    fake = sorted(m.name for m in created if not_a_person(m.name))
    with tempfile.TemporaryDirectory() as tmp:
        shutil.copy(template, Path(tmp) / "ws.db")
        store = SqliteStore(Path(tmp) / "ws.db")
        broken = Path(tmp) / path.name
        broken.write_text(with_broken_entry(path, fmt), encoding="utf-8")
        before = store.counts()
        refused = run_import(store, fmt, broken, options)
        refused_ok = refused.refused and store.counts() == before
    label = labels[path.name]
    return Row(path.name, fmt, label["entries"], label["with_title"], became, became_skipping,
               contributions, len(created), fake, refused_ok, round(seconds, 2))


def _import(path: Path, fmt: str, template: Path, options: ImportOptions
            ) -> tuple[int, int, list[Member], float]:
    """Entries that became (part of) written contributions, contributions written, members
    created, seconds."""
    with tempfile.TemporaryDirectory() as tmp:
        shutil.copy(template, Path(tmp) / "ws.db")
        store = SqliteStore(Path(tmp) / "ws.db")
        started = time.perf_counter()
        report = run_import(store, fmt, path, options)
        seconds = time.perf_counter() - started
        written = set(report.outcome("inserted")) | set(report.outcome("updated")) | \
            set(report.outcome("unchanged"))
        contributions = [c for cid, c in store.get_contributions(sorted(written)).items()]
        parts = {(s.source, s.source_id) for c in contributions for s in c.sources
                 if s.source == fmt}
        became = len(parts) + sum(1 for m in report.merged if "repeats" in m)
        created = list(store.get_members(report.created_members).values())
        return became, len(contributions), created, seconds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("files", nargs="*", type=Path,
                        help="other exports to measure (e.g. the untrimmed originals named in "
                             "the real files' README); default: tests/data/imports/real")
    args = parser.parse_args()
    if args.files:
        paths = list(args.files)
        labels = {p.name: count_titled(p) for p in paths}
    else:
        paths = [p for p in sorted(REAL.iterdir())
                 if p.suffix in (".bib", ".ris", ".json") and p.name != "labels.json"]
        labels = json.loads((REAL / "labels.json").read_text())
    with tempfile.TemporaryDirectory() as tmp:
        sample_store(Path(tmp))
        template = Path(tmp) / "ws.db"
        rows = [measure(p, labels, template) for p in paths]
    if args.json:
        print(json.dumps([asdict(r) | {"percent": round(r.percent, 1)} for r in rows], indent=2))
        return 0
    print("| File | Format | Entries | With title | Became contributions | % | With "
          "--skip-invalid | Contributions | Created members | Fake people | Refused import "
          "wrote nothing |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r.file} | {r.format} | {r.entries} | {r.with_title} | {r.became} | "
              f"{r.percent:.1f} | {r.became_skipping} | {r.contributions} | {r.created} | "
              f"{len(r.fake_people)}{' ' + str(r.fake_people) if r.fake_people else ''} | "
              f"{'yes' if r.refused_writes_nothing else 'NO'} |")
    total_t = sum(r.with_title for r in rows)
    total_b = sum(r.became for r in rows)
    total_s = sum(r.became_skipping for r in rows)
    print(f"\nall: {total_b} of {total_t} titled entries became contributions "
          f"({100.0 * total_b / total_t:.1f} %); with --skip-invalid {total_s} "
          f"({100.0 * total_s / total_t:.1f} %)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
