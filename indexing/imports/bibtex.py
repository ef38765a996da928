"""BibTeX as Zotero, BibDesk, JabRef, Mendeley and Google Scholar write it, parsed with
bibtexparser v2: field names in any case, LaTeX reduced to text (``\\href``, ``\\url``,
``\\emph`` to their text; accents decoded), authors split here (``people.py``). An entry whose
key repeats another's is kept as its own entry when its content differs (Crossref generates
``Muro_2015`` for several papers) and merged, reported, when it is the same. A block the parser
cannot read is an error at its line."""

from __future__ import annotations

import re
from pathlib import Path

import bibtexparser
from bibtexparser.model import DuplicateBlockKeyBlock, Entry
from pylatexenc.latex2text import LatexNodes2Text

from indexing.countries import normalise_name
from indexing.errors import RecordError
from indexing.imports.model import (
    ImportOptions,
    Person,
    SourceBatch,
    Work,
    clean_doi,
    first_text,
    input_files,
    make_date,
    parse_iso_date,
    read_text,
)
from indexing.imports.people import author_list, split_bibtex_names
from indexing.imports.types import contribution_type

MONTHS = {m: i for i, m in enumerate(("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug",
                                      "sep", "oct", "nov", "dec"), start=1)}
# commands whose text is one of their arguments: (name, which argument is the text)
TEXT_ARGUMENT = {"href": 1, "url": 0, "emph": 0, "textit": 0, "textbf": 0, "textsc": 0,
                 "textrm": 0, "texttt": 0, "mbox": 0, "textup": 0, "textsl": 0, "uline": 0,
                 "underline": 0, "enquote": 0, "textnormal": 0, "mathrm": 0}
_COMMAND = re.compile(r"\\([A-Za-z]+)\s*(?=\{)")
_LATEX = LatexNodes2Text()


def _month(value: str) -> int | None:
    text = value.strip().lower()[:3]
    return MONTHS.get(text) or (int(text) if text.isdigit() and 1 <= int(text) <= 12 else None)


def _argument(text: str, start: int) -> tuple[str, int] | None:
    """The braced argument opening at ``start`` and the index after it (None if unclosed)."""
    depth = 0
    for i in range(start, len(text)):
        if text[i] == "{" and (i == 0 or text[i - 1] != "\\"):
            depth += 1
        elif text[i] == "}" and text[i - 1] != "\\":
            depth -= 1
            if depth == 0:
                return text[start + 1:i], i + 1
    return None


def strip_commands(text: str) -> str:
    """``\\href{url}{text}`` -> text, ``\\url{u}`` -> u, ``\\emph{x}`` -> x (nested too)."""
    out: list[str] = []
    pos = 0
    for match in _COMMAND.finditer(text):
        if match.start() < pos or match.group(1) not in TEXT_ARGUMENT:
            continue
        args: list[str] = []
        end = match.end()
        for _ in range(TEXT_ARGUMENT[match.group(1)] + 1):
            while end < len(text) and text[end].isspace():
                end += 1
            found = _argument(text, end) if end < len(text) and text[end] == "{" else None
            if found is None:
                break
            args.append(found[0])
            end = found[1]
        if len(args) != TEXT_ARGUMENT[match.group(1)] + 1:
            continue
        out.append(text[pos:match.start()])
        out.append("{" + strip_commands(args[-1]) + "}")
        pos = end
    out.append(text[pos:])
    return "".join(out)


def latex_text(value: str) -> str:
    """A field's LaTeX as plain text; markup the decoder cannot read loses its braces and
    commands instead of failing the entry."""
    text = strip_commands(value)
    try:
        decoded = _LATEX.latex_to_text(text)
    except Exception:  # pylatexenc raises assorted errors on unusual markup
        decoded = re.sub(r"\\[A-Za-z]+\*?|[{}]", "", text)
    return first_text(decoded.replace("\\&", "&"))


def _plain(value: str) -> str:
    """An identifier field as typed: braces and escapes dropped, nothing else decoded
    (a DOI may hold "%" and "_", which LaTeX would read as markup)."""
    return re.sub(r"\\([_&%#$])", r"\1", value).replace("{", "").replace("}", "").strip()


def read(path: Path, options: ImportOptions) -> SourceBatch:
    """Works of the BibTeX entries in a .bib file or folder of them."""
    batch = SourceBatch()
    for file in input_files(path, (".bib", ".bibtex")):
        text = read_text(file, batch.errors, batch.notes)
        if text is None:
            continue
        library = bibtexparser.parse_string(text)
        entries: list[Entry] = list(library.entries)
        for block in library.failed_blocks:
            if isinstance(block, DuplicateBlockKeyBlock) and \
                    isinstance(block.ignore_error_block, Entry):
                entries.append(block.ignore_error_block)
                continue
            key = re.match(r"\s*@\w+\s*[{(]\s*([^,\s]+)\s*,", str(block.raw or ""))
            error = getattr(block, "error", None)
            why = str(getattr(error, "abort_reason", "") or error or "").strip()
            batch.errors.append(RecordError(
                str(file), (block.start_line or 0) + 1, key.group(1) if key else None, "entry",
                f"entry cannot be parsed: {why}" if why else "entry cannot be parsed",
                "unreadable_entry"))
        seen: dict[str, list[Work]] = {}
        for entry in sorted(entries, key=lambda e: e.start_line or 0):
            work = _work(batch, file, entry)
            if work is not None:
                _keep(batch, seen, work)
    return batch


def _keep(batch: SourceBatch, seen: dict[str, list[Work]], work: Work) -> None:
    """One work per key, unless two entries of one key are different works."""
    same_key = seen.setdefault(work.source_id, [])
    for earlier in same_key:
        if _same_work(earlier, work):
            batch.merged.append(f"{work.where} repeats {earlier.where}: merged")
            return
    if same_key:
        work.source_id = f"{work.source_id}#{len(same_key) + 1}"
        work.where = f"{work.where} (key repeated, another work)"
    same_key.append(work)
    batch.works.append(work)


def _same_work(a: Work, b: Work) -> bool:
    if a.doi or b.doi:
        return a.doi == b.doi
    return (normalise_name(a.title), a.date.year) == (normalise_name(b.title), b.date.year)


def _work(batch: SourceBatch, file: Path, entry: Entry) -> Work | None:
    fields = {k.lower(): str(v.value) for k, v in entry.fields_dict.items()}
    line = (entry.start_line or 0) + 1
    title = latex_text(fields.get("title", ""))
    year = _plain(fields.get("year", ""))
    month = _month(latex_text(fields["month"])) if fields.get("month") else None
    date = make_date(year, month) if re.match(r"^\d{4}", year) else None
    if date is None and not year:  # BibLaTeX (JabRef, Zotero): date = {2019-05-02}
        date = parse_iso_date(_plain(fields.get("date", "")))
    for name, missing in (("title", not title), ("year", date is None)):
        if missing:
            batch.errors.append(RecordError(str(file), line, entry.key, name,
                                            "missing (no year or date)" if name == "year"
                                            and not year else "missing" if name == "title"
                                            else f"'{year}' is not a year"))
    if not title or date is None:
        return None
    names = split_bibtex_names(fields.get("author") or fields.get("editor") or "")
    authors = author_list([(latex_text(n), braced) for n, braced in names])
    return Work(
        source="bibtex", source_id=entry.key, file=str(file),
        where=f"{file.name}:{line} ({entry.key})",
        title=title, date=date, type=contribution_type(entry.entry_type.lower()),
        people=[Person(name=n) for n in authors.people], corporate=authors.corporate,
        author_count=authors.author_count, text=latex_text(fields.get("abstract", "")),
        doi=clean_doi(_plain(fields.get("doi", ""))), line=line,
        language=_language(latex_text(fields.get("langid") or fields.get("language") or "")))


def _language(value: str) -> str | None:
    codes = {"english": "en", "french": "fr", "spanish": "es", "portuguese": "pt",
             "arabic": "ar", "german": "de", "dutch": "nl", "italian": "it"}
    text = value.strip().lower()
    if not text:
        return None
    return text if len(text) == 2 and text.isalpha() else codes.get(text)
