"""What the format readers produce: works with the people a source names, or parsed records."""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

from indexing.errors import RecordError
from indexing.ingest import ParsedFile, RecordKind
from indexing.schema import PUBLIC_SPACE, Level, normalise_orcid
from indexing.vocabulary import EMPTY, Vocabulary

_ORCID = re.compile(r"^\d{4}-\d{4}-\d{4}-\d{3}[\dX]$")


@dataclass(frozen=True)
class ImportOptions:
    """How to import: what the CLI flags and the HTTP form fields set."""

    dry_run: bool = False
    skip_invalid: bool = False
    create_members: Level | None = None  # create unmatched people as members of this level
    create_country: str | None = None  # their country when the source gives none
    name_threshold: float = 94.0
    column_map: dict[str, str] = field(default_factory=dict)  # csv/xlsx: column -> field
    records: RecordKind | None = None  # csv/xlsx: members or organisations (else from names)
    usernames: dict[str, str] = field(default_factory=dict)  # discourse: user name -> member
    vocabulary: Vocabulary = EMPTY


@dataclass(frozen=True)
class Person:
    """Someone a source names: an author, an ORCID profile's holder, a forum user."""

    name: str
    orcid: str | None = None
    username: str | None = None
    country: str | None = None  # ISO alpha-2, when the source says (OpenAlex authorships)

    @property
    def label(self) -> str:
        return self.name or (f"@{self.username}" if self.username else self.orcid or "?")


@dataclass
class Work:
    """A contribution as one source gives it, before matching and deduplication."""

    source: str  # the format: orcid, openalex, bibtex, ris, discourse
    source_id: str  # the source's own id: put-code, W-id, cite key, post id
    where: str  # file and entry, for the report ("refs.bib:12 (wanjiru2021)")
    title: str
    date: dt.date
    type: str
    people: list[Person] = field(default_factory=list)
    text: str = ""
    doi: str | None = None
    language: str | None = None
    space: str = PUBLIC_SPACE


@dataclass
class SourceBatch:
    """Everything read from the given files: works, tabular records, and bad entries."""

    works: list[Work] = field(default_factory=list)
    files: list[ParsedFile] = field(default_factory=list)
    errors: list[RecordError] = field(default_factory=list)


def input_files(path: Path, suffixes: tuple[str, ...]) -> list[Path]:
    """The file itself, or the files of a folder with one of these suffixes (sorted)."""
    if path.is_dir():
        return sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() in suffixes)
    if path.is_file():
        return [path]
    raise FileNotFoundError(f"{path}: no such file or folder")


def read_text(path: Path, errors: list[RecordError], encoding: str = "utf-8") -> str | None:
    """A text file's content, or None with an error naming the file when it is not UTF-8."""
    try:
        return path.read_text(encoding=encoding)
    except UnicodeDecodeError as exc:
        errors.append(RecordError(str(path), None, None, "file", f"not UTF-8 text: {exc}"))
    return None


def read_json(path: Path, errors: list[RecordError]) -> object | None:
    """A JSON file's content, or None with an error naming the file and line."""
    text = read_text(path, errors)
    if text is None:
        return None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        errors.append(RecordError(str(path), exc.lineno, None, "file", f"bad JSON: {exc.msg}"))
    return None


def make_date(year: object, month: object = None, day: object = None) -> dt.date | None:
    """A date from parts that may be missing (a year alone is 1 January)."""
    try:
        y = int(str(year).strip()[:4])
        m = int(str(month).strip()) if month not in (None, "") else 1
        d = int(str(day).strip()) if day not in (None, "") else 1
        return dt.date(y, m, d)
    except (TypeError, ValueError):
        return None


def parse_iso_date(text: object) -> dt.date | None:
    """YYYY, YYYY-MM, YYYY-MM-DD or an ISO timestamp; None when it is none of them."""
    if not isinstance(text, str) or not text.strip():
        return None
    parts = re.split(r"[-/T ]", text.strip())
    return make_date(*parts[:3]) if parts and parts[0].isdigit() else None


def clean_doi(value: object) -> str | None:
    """A DOI without its resolver prefix, lower-cased (DOIs are case-insensitive)."""
    if not isinstance(value, str):
        return None
    text = value.strip()
    text = re.sub(r"^(https?://)?(dx\.)?doi\.org/", "", text, flags=re.IGNORECASE)
    text = re.sub(r"^doi:\s*", "", text, flags=re.IGNORECASE)
    return text.lower() if text.startswith("10.") else None


def clean_orcid(value: object) -> str | None:
    """An ORCID iD (0000-0002-1825-0097) from an iD or its URL, or None."""
    if not isinstance(value, str) or not value.strip():
        return None
    orcid = normalise_orcid(value)
    return orcid if _ORCID.match(orcid) else None


class _TextOnly(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._skip += 1
        elif tag in ("p", "br", "li", "div", "blockquote", "h1", "h2", "h3", "pre", "tr"):
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style") and self._skip:
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def html_to_text(html: str) -> str:
    """Rendered HTML (Discourse's ``cooked``) as plain text: tags dropped, entities decoded."""
    parser = _TextOnly()
    parser.feed(html)
    parser.close()
    text = "".join(parser.parts)
    lines = (re.sub(r"[^\S\n]+", " ", line).strip() for line in text.split("\n"))  # incl. nbsp
    return "\n".join(line for line in lines if line)


def first_text(*values: object) -> str:
    """The first non-empty string among the values, stripped."""
    for v in values:
        if isinstance(v, str) and v.strip():
            return re.sub(r"\s+", " ", v).strip()
    return ""
