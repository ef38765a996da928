"""What the format readers produce: works with the people a source names, or parsed records."""

from __future__ import annotations

import codecs
import datetime as dt
import hashlib
import html
import json
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote

import charset_normalizer
from anyascii import anyascii

from indexing.errors import RecordError
from indexing.ingest import RecordKind
from indexing.schema import PUBLIC_SPACE, Level, normalise_orcid
from indexing.vocabulary import EMPTY, Vocabulary

_ORCID = re.compile(r"^\d{4}-\d{4}-\d{4}-\d{3}[\dX]$")
# inline markup that exports carry in titles and abstracts (JATS, Crossref, Zotero's HTML)
_INLINE_TAG = re.compile(r"</?(?:i|b|em|strong|sub|sup|u|tt|scp|span|p|br|jats:[a-z]{1,20})"
                         r"(?:\s[^<>]{0,200})?/?>", re.IGNORECASE)
AUTHORS_KEPT = 50  # a work's first authors taken as people; the count of all is recorded


@dataclass(frozen=True)
class ImportOptions:
    """How to import: what the CLI flags and the HTTP form fields set."""

    dry_run: bool = False
    skip_invalid: bool = False
    member: str | None = None  # orcid: the member whose profile the works response is
    default_space: str | None = None  # discourse: the space of topics with no known category
    max_uncompressed_bytes: int = 50_000_000  # xlsx: what a workbook may inflate to
    max_rows: int = 100_000  # csv/xlsx: rows read from one sheet
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
    member_id: str | None = None  # the member the caller said this person is (orcid --member)

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
    author_count: int | None = None  # every author the source lists, when more than people
    corporate: list[str] = field(default_factory=list)  # authors that are organisations
    line: int | None = None  # the entry's first line in its file, when the format has lines
    file: str = ""  # the file it was read from


@dataclass(frozen=True)
class Table:
    """A spreadsheet's rows as read (line number, cells), converted to records under the
    store's view of organisations (``rows.py``)."""

    path: Path
    rows: list[tuple[int, list[str]]]


@dataclass
class SourceBatch:
    """Everything read from the given files: works, tables, and bad entries; read without
    the store, so an upload is parsed before any write lock is taken."""

    works: list[Work] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    errors: list[RecordError] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # e.g. the encoding a file was read in
    merged: list[str] = field(default_factory=list)  # entries merged while reading


def input_files(path: Path, suffixes: tuple[str, ...]) -> list[Path]:
    """The file itself, or the files of a folder with one of these suffixes (sorted)."""
    if path.is_dir():
        return sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() in suffixes)
    if path.is_file():
        return [path]
    raise FileNotFoundError(f"{path}: no such file or folder")


def decode_text(raw: bytes, source: str, errors: list[RecordError],
                notes: list[str] | None = None) -> str | None:
    """Bytes as text: UTF-8 (with or without BOM), else the encoding charset-normalizer
    finds (Latin-1, Windows-1252, MacRoman...), noted; None with an error naming the line of
    the first byte that is not UTF-8 when no encoding fits."""
    try:
        text = raw.decode("utf-8-sig" if raw.startswith(codecs.BOM_UTF8) else "utf-8")
    except UnicodeDecodeError as exc:
        best = charset_normalizer.from_bytes(raw).best()
        if best is not None and best.encoding not in ("utf_8", "ascii"):
            if notes is not None:
                notes.append(f"{Path(source).name}: not UTF-8, read as {best.encoding}")
            return str(best).replace("\r\n", "\n")
        line = raw.count(b"\n", 0, exc.start) + 1
        byte = f"0x{raw[exc.start]:02x}"
        errors.append(RecordError(source, line, None, "file", f"byte {byte} at line {line} is "
                                  "not UTF-8 and no other encoding fits", "not_utf8",
                                  {"byte": byte}))
        return None
    return text.replace("\r\n", "\n")


def read_text(path: Path, errors: list[RecordError], notes: list[str] | None = None
              ) -> str | None:
    """A text file's content in its detected encoding (``decode_text``), or None."""
    return decode_text(path.read_bytes(), str(path), errors, notes)


def read_json(path: Path, errors: list[RecordError]) -> object | None:
    """A JSON file's content, or None with an error naming the file and line."""
    text = read_text(path, errors)
    if text is None:
        return None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        errors.append(RecordError(str(path), exc.lineno, None, "file", f"bad JSON: {exc.msg}",
                                  "bad_json"))
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
    """A DOI without its resolver prefix, percent-decoded and lower-cased (DOIs are
    case-insensitive; resolvers' URLs encode "/" as %2F)."""
    if not isinstance(value, str):
        return None
    text = unquote(value.strip()).strip()
    text = re.sub(r"^(https?://)?(dx\.)?doi\.org/", "", text, flags=re.IGNORECASE)
    text = re.sub(r"^doi:\s*", "", text, flags=re.IGNORECASE).strip().rstrip(".")
    return text.lower() if text.startswith("10.") and "/" in text else None


def readable_id(prefix: str, name: str, limit: int = 60) -> str:
    """An id for a name in any script: transliterated to ASCII words ("Лев Толстой" ->
    m-lev-tolstoy), else a stable hash of the name when nothing readable is left."""
    words = re.sub(r"[^a-z0-9]+", "-", anyascii(name).lower()).strip("-")
    if not words:
        words = "h" + hashlib.sha256(name.encode()).hexdigest()[:10]
    if len(words) > limit:
        words = f"{words[:limit - 11].rstrip('-')}-{hashlib.sha256(name.encode()).hexdigest()[:10]}"
    return f"{prefix}-{words}"


def clean_text(value: str) -> str:
    """Text as an export gives it, readable: HTML entities decoded (twice escaped too, as
    Zotero writes "&amp;lt;i&amp;gt;"), inline tags dropped, whitespace collapsed."""
    text = value
    for _ in range(3):
        decoded = html.unescape(text)
        if decoded == text:
            break
        text = decoded
    text = _INLINE_TAG.sub("", text)
    return re.sub(r"\s+", " ", text).strip()


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
    """The first non-empty string among the values, cleaned (``clean_text``)."""
    for v in values:
        if isinstance(v, str) and v.strip():
            text = clean_text(v)
            if text:
                return text
    return ""
