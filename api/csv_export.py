"""A project's people as CSV (``GET /projects/{id}/export.csv``, ``wellspring project export``).

A cell a spreadsheet would read as a formula (beginning with ``=``, ``+``, ``-``, ``@``, a tab
or a carriage return) is neutralised by a leading apostrophe (OWASP's CSV injection advice), so
a note such as ``=HYPERLINK(...)`` stays text.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

from indexing.store.projects import Project
from matcher.projects import ExportRow

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
COLUMNS = ("project_id", "project_title", "member_id", "name", "organisation", "country",
           "role", "status", "kind", "note", "covers", "contact", "updated_at")


def neutralise(cell: str) -> str:
    """The cell as text a spreadsheet will not evaluate."""
    return "'" + cell if cell.startswith(FORMULA_STARTS) else cell


def project_csv(project: Project, rows: Sequence[ExportRow]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for r in rows:
        writer.writerow([neutralise(str(c)) for c in (
            project.project_id, project.title, r.member_id, r.name, r.organisation, r.country,
            r.role, r.status, r.kind, r.note, "; ".join(r.covers), r.contact or "",
            r.updated_at)])
    return out.getvalue()
