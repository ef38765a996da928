"""Read a reviewer-expertise folder (Stelmakh et al.'s gold-standard format) as community records.

The folder holds ``ratings.tsv`` (one row per researcher: ``ParticipantID``, ``Paper1..10``,
``Expertise1..10``), ``papers.json`` (the rated papers) and ``archives/<ParticipantID>.jsonl``
(each researcher's own papers). The mapping to our records:

* each researcher -> a member ``r-<ParticipantID>`` with no bio, country ``US`` (a placeholder:
  the format says nothing about place), level ``active``, in a placeholder organisation
  ``org-<ParticipantID>`` (kind university) of their own;
* each archive paper -> a publication ``p-<paper id>`` (title + abstract, dated 1 January of its
  year, 2000 when the year is missing) authored by every researcher whose archive holds it;
* each rated paper -> a need: its title and abstract as one text.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
from dataclasses import dataclass
from pathlib import Path

from indexing.schema import Contribution, Member, Organisation

PLACEHOLDER_COUNTRY = "US"
_SAFE = re.compile(r"[^A-Za-z0-9_.:\-]")


class BenchmarkFormatError(ValueError):
    """The folder is not in the reviewer-expertise format; the message says what is wrong."""


@dataclass(frozen=True)
class Paper:
    id: str
    title: str
    abstract: str
    year: int | None = None

    def text(self) -> str:
        """Title and abstract as one text (the need, or the contribution's title + body)."""
        return f"{self.title}\n{self.abstract}".strip()


@dataclass(frozen=True)
class ReviewerBenchmark:
    """The whole folder: ratings per researcher, the rated papers and every archive."""

    ratings: dict[str, dict[str, float]]  # researcher -> {paper id: expertise}
    papers: dict[str, Paper]  # rated papers (the needs)
    archives: dict[str, list[Paper]]  # researcher -> their papers

    def member_id(self, researcher: str) -> str:
        return f"r-{_SAFE.sub('_', researcher)}"

    def researcher_of(self, member_id: str) -> str:
        by_member = {self.member_id(r): r for r in self.archives}
        return by_member[member_id]

    def records(self) -> list[Organisation | Member | Contribution]:
        """Organisations, members and contributions for ``Community.write`` (in that order)."""
        orgs: list[Organisation | Member | Contribution] = []
        members: list[Organisation | Member | Contribution] = []
        authors: dict[str, list[str]] = {}
        papers: dict[str, Paper] = {}
        for researcher in sorted(self.archives):
            mid = self.member_id(researcher)
            org_id = f"org-{_SAFE.sub('_', researcher)}"
            orgs.append(Organisation(id=org_id, name=f"Organisation of researcher {researcher}",
                                     kind="university", country=PLACEHOLDER_COUNTRY))
            members.append(Member(id=mid, name=f"Researcher {researcher}",
                                  organisation_id=org_id, country=PLACEHOLDER_COUNTRY,
                                  level="active"))
            for paper in self.archives[researcher]:
                papers.setdefault(paper.id, paper)
                if mid not in authors.setdefault(paper.id, []):
                    authors[paper.id].append(mid)
        contributions: list[Organisation | Member | Contribution] = [
            Contribution(
                id=f"p-{_SAFE.sub('_', pid)}"[:128], type="publication",
                title=(papers[pid].title or "(untitled)")[:500], text=papers[pid].abstract,
                date=dt.date(papers[pid].year or 2000, 1, 1), language="en",
                authors=authors[pid][:50],
            )
            for pid in sorted(papers)
        ]
        return orgs + members + contributions

    def own_archive_pairs(self) -> int:
        """How many rated (researcher, paper) pairs have the paper in that researcher's archive."""
        return sum(1 for r, rated in self.ratings.items()
                   for pid in rated if pid in {p.id for p in self.archives.get(r, [])})


def _paper(obj: object, where: str) -> Paper:
    if not isinstance(obj, dict) or not isinstance(obj.get("id"), str):
        raise BenchmarkFormatError(f"{where}: expected an object with a string 'id'")
    content = obj.get("content") or {}
    if not isinstance(content, dict):
        raise BenchmarkFormatError(f"{where}: 'content' must be an object")
    year = content.get("year")
    return Paper(
        id=obj["id"], title=str(content.get("title") or "").strip(),
        abstract=str(content.get("abstract") or "").strip(),
        year=int(year) if isinstance(year, int) and 1000 <= year <= 9999 else None,
    )


def load_reviewer_benchmark(folder: Path) -> ReviewerBenchmark:
    """Parse a reviewer-expertise folder; raise BenchmarkFormatError naming the bad file."""
    ratings_path, papers_path, archive_dir = (folder / "ratings.tsv", folder / "papers.json",
                                              folder / "archives")
    for p in (ratings_path, papers_path, archive_dir):
        if not p.exists():
            raise BenchmarkFormatError(f"{p}: missing (expected ratings.tsv, papers.json and "
                                       "archives/ in the folder)")
    try:
        raw_papers = json.loads(papers_path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise BenchmarkFormatError(f"{papers_path}: bad JSON: {exc}") from exc
    if not isinstance(raw_papers, dict):
        raise BenchmarkFormatError(f"{papers_path}: expected an object of papers by id")
    papers = {pid: _paper(obj, f"{papers_path}[{pid}]") for pid, obj in raw_papers.items()}
    archives: dict[str, list[Paper]] = {}
    for path in sorted(archive_dir.glob("*.jsonl")):
        entries: list[Paper] = []
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if line.strip():
                try:
                    entries.append(_paper(json.loads(line), f"{path}:{n}"))
                except json.JSONDecodeError as exc:
                    raise BenchmarkFormatError(f"{path}:{n}: bad JSON: {exc}") from exc
        if entries:
            archives[path.stem] = entries
    ratings: dict[str, dict[str, float]] = {}
    with ratings_path.open(encoding="utf-8", newline="") as fh:
        for n, row in enumerate(csv.DictReader(fh, delimiter="\t"), start=2):
            researcher = (row.get("ParticipantID") or "").strip()
            if not researcher:
                raise BenchmarkFormatError(f"{ratings_path}:{n}: no ParticipantID")
            rated: dict[str, float] = {}
            for i in range(1, 11):
                pid = (row.get(f"Paper{i}") or "").strip()
                grade = (row.get(f"Expertise{i}") or "").strip()
                if not pid or not grade:
                    continue
                if pid not in papers:
                    raise BenchmarkFormatError(f"{ratings_path}:{n}: Paper{i} '{pid}' is not in "
                                               "papers.json")
                try:
                    rated[pid] = float(grade)
                except ValueError as exc:
                    raise BenchmarkFormatError(f"{ratings_path}:{n}: Expertise{i} '{grade}' is "
                                               "not a number") from exc
            if researcher not in archives:
                raise BenchmarkFormatError(f"{ratings_path}:{n}: researcher {researcher} has no "
                                           f"archive in {archive_dir}")
            ratings[researcher] = rated
    if not ratings:
        raise BenchmarkFormatError(f"{ratings_path}: no researcher rated any paper")
    return ReviewerBenchmark(ratings=ratings, papers=papers, archives=archives)
