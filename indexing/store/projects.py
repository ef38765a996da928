"""Projects as records (issue #30): a coordinator's brief, its needs, who may see it, and for
each person considered a status, a note and its history.

**One vocabulary with the feedback outcomes** (``feedback.py``): a person's status is one of
``PERSON_STATUSES``. The outcome statuses (``OUTCOMES``: contacted, accepted,
declined_not_my_field, declined_busy, not_relevant) are stored as feedback too, so
``wellspring learn`` fits on them and the rules on feedback hold (a decline is never suggested
again for the project, a busy decline caps the member for the cool-down); ``status_kind`` says
which are positive, negative or neutral. ``suggested``, ``shortlisted`` and ``withdrawn`` are
workflow only: they teach nothing.

A project is seen by its owner (the key id, or the signed-in person's subject, that created it),
by admins, and by editors whose spaces meet the project's; a project without spaces is its
owner's and the admins' only; never the public's (``may_see``).

The tables are migration 10's (``migrations.py``, ``to_v10``), which also turns the free-string
project ids already stored on suggestions and feedback into project records.
"""

from __future__ import annotations

import json
import secrets
import time
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from indexing.store.choices import now
from indexing.store.feedback import NEGATIVE, OUTCOMES, POSITIVE
from indexing.store.protocol import SqlStore

PersonStatus = Literal["suggested", "shortlisted", "contacted", "accepted",
                       "declined_not_my_field", "declined_busy", "not_relevant", "withdrawn"]
PERSON_STATUSES: tuple[PersonStatus, ...] = (
    "suggested", "shortlisted", "contacted", "accepted", "declined_not_my_field",
    "declined_busy", "not_relevant", "withdrawn")
WORKFLOW_STATUSES: tuple[PersonStatus, ...] = ("suggested", "shortlisted", "withdrawn")
NEUTRAL: tuple[PersonStatus, ...] = ("declined_busy",)  # an outcome that says nothing of fit
StatusKind = Literal["positive", "negative", "neutral", "workflow"]
ProjectStatus = Literal["open", "closed"]
PROJECT_STATUSES: tuple[ProjectStatus, ...] = ("open", "closed")
PersonRole = Literal["team", "invitation", "expert", "added"]

assert set(PERSON_STATUSES) == set(OUTCOMES) | set(WORKFLOW_STATUSES)


def status_kind(status: str) -> StatusKind:
    """Whether a status is a positive, negative or neutral outcome, or workflow only."""
    if status in POSITIVE:
        return "positive"
    if status in NEGATIVE:
        return "negative"
    if status in NEUTRAL:
        return "neutral"
    return "workflow"


def is_outcome(status: str) -> bool:
    return status in OUTCOMES


PROJECTS_DDL = """
CREATE TABLE IF NOT EXISTS projects(
    project_id TEXT PRIMARY KEY, title TEXT NOT NULL, description TEXT NOT NULL,
    needs TEXT NOT NULL, size INTEGER, exclusions TEXT NOT NULL, owner TEXT,
    spaces TEXT NOT NULL, status TEXT NOT NULL, created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS projects_status ON projects(status, created_at);
CREATE TABLE IF NOT EXISTS project_people(
    project_id TEXT NOT NULL, member_id TEXT NOT NULL, status TEXT NOT NULL,
    note TEXT NOT NULL, role TEXT NOT NULL, covers TEXT NOT NULL, suggestion_id TEXT,
    updated_at TEXT NOT NULL, PRIMARY KEY(project_id, member_id));
CREATE INDEX IF NOT EXISTS project_people_member ON project_people(member_id);
CREATE TABLE IF NOT EXISTS project_history(
    history_id TEXT PRIMARY KEY, project_id TEXT NOT NULL, member_id TEXT NOT NULL,
    status TEXT NOT NULL, note TEXT NOT NULL, by_key TEXT NOT NULL, at TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS project_history_member ON project_history(member_id);
CREATE INDEX IF NOT EXISTS project_history_project ON project_history(project_id, at)
"""


@dataclass(frozen=True)
class ProjectNeed:
    """One need of a project, with its language (ISO 639-1, None when unknown)."""

    text: str
    language: str | None
    derived: bool = False
    source: str | None = None
    part_of: str | None = None  # a usual part of the work its source names (not read there)


@dataclass(frozen=True)
class Exclusions:
    members: tuple[str, ...] = ()
    organisations: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()


@dataclass(frozen=True)
class Project:
    project_id: str
    title: str
    description: str
    needs: tuple[ProjectNeed, ...]
    size: int | None
    exclusions: Exclusions
    owner: str | None
    spaces: tuple[str, ...]
    status: ProjectStatus
    created_at: str
    updated_at: str


@dataclass(frozen=True)
class StatusChange:
    status: str
    note: str
    by: str
    at: str


@dataclass(frozen=True)
class ProjectPerson:
    """A person considered for a project: their status now, how they came (team, invitation,
    expert, added by hand), the needs they were suggested for, and the history."""

    member_id: str
    status: PersonStatus
    note: str
    role: str
    covers: tuple[str, ...]
    suggestion_id: str | None
    updated_at: str
    history: tuple[StatusChange, ...] = field(default=())


def visible_to(project: Project, key_id: str | None, spaces: Collection[str],
               all_spaces: bool) -> bool:
    """Whether a caller sees a project: its owner, admins (``all_spaces``) and keys holding
    one of its spaces; never the public (no key id)."""
    if key_id is None:
        return False
    return all_spaces or project.owner == key_id or bool(set(spaces) & set(project.spaces))


def new_project_id() -> str:
    return "p-" + secrets.token_hex(6)


def _project(r: Any) -> Project:
    ex = json.loads(r["exclusions"])
    return Project(
        str(r["project_id"]), str(r["title"]), str(r["description"]),
        tuple(ProjectNeed(n["text"], n.get("language"), bool(n.get("derived")), n.get("source"),
                          n.get("part_of")) for n in json.loads(r["needs"])),
        None if r["size"] is None else int(r["size"]),
        Exclusions(tuple(ex.get("members", ())), tuple(ex.get("organisations", ())),
                   tuple(ex.get("countries", ()))),
        r["owner"], tuple(json.loads(r["spaces"])), r["status"], str(r["created_at"]),
        str(r["updated_at"]))


def _row(p: Project) -> tuple[object, ...]:
    needs = [{"text": n.text, "language": n.language, "derived": n.derived, "source": n.source,
              "part_of": n.part_of} for n in p.needs]
    ex = {"members": list(p.exclusions.members), "organisations": list(p.exclusions.organisations),
          "countries": list(p.exclusions.countries)}
    return (p.project_id, p.title, p.description, json.dumps(needs), p.size, json.dumps(ex),
            p.owner, json.dumps(list(p.spaces)), p.status, p.created_at, p.updated_at)


_COLUMNS = ("project_id, title, description, needs, size, exclusions, owner, spaces, status, "
            "created_at, updated_at")


class ProjectStore:
    """Project records and the people considered for them, over a store's database."""

    def __init__(self, store: SqlStore) -> None:
        self.store = store

    # -- projects ----------------------------------------------------------------------------
    def create(self, project: Project) -> Project:
        with self.store.transaction() as conn:
            conn.execute(f"INSERT INTO projects({_COLUMNS}) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                         _row(project))
        return project

    def save(self, project: Project) -> Project:
        """Store a changed project (its id unchanged)."""
        with self.store.transaction() as conn:
            conn.execute("UPDATE projects SET title=?, description=?, needs=?, size=?, "
                         "exclusions=?, owner=?, spaces=?, status=?, created_at=?, updated_at=? "
                         "WHERE project_id=?", (*_row(project)[1:], project.project_id))
        return project

    def get(self, project_id: str) -> Project | None:
        row = self.store.connection().execute(
            f"SELECT {_COLUMNS} FROM projects WHERE project_id=?", (project_id,)).fetchone()
        return None if row is None else _project(row)

    def visible(self, owner: str | None, spaces: Collection[str] | None,
                status: str | None, limit: int, offset: int) -> tuple[int, list[Project]]:
        """(total, page) of the projects owned by ``owner`` or sharing a space with
        ``spaces`` (None: every project, an admin's view), newest first. SQL narrows (the
        spaces' JSON matched with LIKE), the decoded spaces decide."""
        where, args = [], []
        if status:
            where.append("status=?")
            args.append(status)
        if spaces is not None:
            either = ["owner=?"] + ["spaces LIKE ?"] * len(spaces)
            where.append(f"({' OR '.join(either)})")
            args.extend([owner or "", *(f'%"{s}"%' for s in sorted(spaces))])
        rows = [_project(r) for r in self.store.connection().execute(
            f"SELECT {_COLUMNS} FROM projects{' WHERE ' + ' AND '.join(where) if where else ''} "
            "ORDER BY created_at DESC, project_id", args)]
        if spaces is not None:
            mine = set(spaces)
            rows = [p for p in rows if (owner is not None and p.owner == owner)
                    or mine.intersection(p.spaces)]
        return len(rows), rows[offset:offset + limit]

    # -- people ------------------------------------------------------------------------------
    def people(self, project_id: str, history: bool = True) -> list[ProjectPerson]:
        conn = self.store.connection()
        changes: dict[str, list[StatusChange]] = {}
        if history:
            for h in conn.execute("SELECT member_id, status, note, by_key, at FROM "
                                  "project_history WHERE project_id=? ORDER BY history_id",
                                  (project_id,)):
                changes.setdefault(str(h[0]), []).append(
                    StatusChange(str(h[1]), str(h[2]), str(h[3]), str(h[4])))
        return [ProjectPerson(str(r["member_id"]), r["status"], str(r["note"]), str(r["role"]),
                              tuple(json.loads(r["covers"])), r["suggestion_id"],
                              str(r["updated_at"]), tuple(changes.get(str(r["member_id"]), ())))
                for r in conn.execute(
                    "SELECT member_id, status, note, role, covers, suggestion_id, updated_at "
                    "FROM project_people WHERE project_id=? ORDER BY updated_at, member_id",
                    (project_id,))]

    def person(self, project_id: str, member_id: str) -> ProjectPerson | None:
        return next((p for p in self.people(project_id) if p.member_id == member_id), None)

    def add_suggested(self, project_id: str, by: str,
                      people: Sequence[tuple[str, str, tuple[str, ...], str | None]]) -> int:
        """Record (member id, role, covers, suggestion id) as ``suggested`` where the person has
        no status yet (a status given stays); returns how many were new."""
        at = now()
        new = 0
        with self.store.transaction() as conn:
            for member_id, role, covers, suggestion_id in people:
                cursor = conn.execute(
                    "INSERT INTO project_people(project_id, member_id, status, note, role, "
                    "covers, suggestion_id, updated_at) VALUES (?,?,'suggested','',?,?,?,?) "
                    "ON CONFLICT(project_id, member_id) DO NOTHING",
                    (project_id, member_id, role, json.dumps(list(covers)), suggestion_id, at))
                if cursor.rowcount:
                    new += 1
                    _history(conn, project_id, member_id, StatusChange("suggested", "", by, at))
            conn.execute("UPDATE projects SET updated_at=? WHERE project_id=?", (at, project_id))
        return new

    def set_status(self, project_id: str, member_id: str, status: str, note: str, by: str
                   ) -> ProjectPerson:
        """Set a person's status and note, with a history line."""
        at = now()
        with self.store.transaction() as conn:
            conn.execute(
                "INSERT INTO project_people(project_id, member_id, status, note, role, covers, "
                "suggestion_id, updated_at) VALUES (?,?,?,?,'added','[]',NULL,?) "
                "ON CONFLICT(project_id, member_id) DO UPDATE SET status=excluded.status, "
                "note=excluded.note, updated_at=excluded.updated_at",
                (project_id, member_id, status, note, at))
            _history(conn, project_id, member_id, StatusChange(status, note, by, at))
            conn.execute("UPDATE projects SET updated_at=? WHERE project_id=?", (at, project_id))
        found = self.person(project_id, member_id)
        assert found is not None
        return found


def _history(conn: Any, project_id: str, member_id: str, change: StatusChange) -> None:
    conn.execute("INSERT INTO project_history(history_id, project_id, member_id, status, note, "
                 "by_key, at) VALUES (?,?,?,?,?,?,?)",
                 (f"h-{time.time_ns():020d}-{secrets.token_hex(4)}", project_id, member_id,
                  change.status, change.note, change.by, change.at))


def projects_from_free_ids(conn: Any) -> None:
    """Migration 10: every project id already named by a suggestion or feedback becomes an open
    project record (titled by its id, owned by the key that first gave feedback on it, no
    spaces: its owner's and the admins'), and each member's latest outcome in it a status."""
    at = now()
    ids = sorted({str(r[0]) for r in conn.execute(
        "SELECT project_id FROM suggestions WHERE project_id IS NOT NULL UNION "
        "SELECT project_id FROM feedback WHERE project_id IS NOT NULL")})
    for pid in ids:
        first = conn.execute("SELECT key_id, at FROM feedback WHERE project_id=? "
                             "ORDER BY at, feedback_id LIMIT 1", (pid,)).fetchone()
        owner = None if first is None else str(first[0])
        created = at if first is None else str(first[1])
        conn.execute(f"INSERT INTO projects({_COLUMNS}) VALUES (?,?,?,?,?,?,?,?,?,?,?) "
                     "ON CONFLICT(project_id) DO NOTHING",
                     (pid, pid, "", "[]", None, json.dumps({}), owner, "[]", "open", created,
                      at))
        for r in conn.execute("SELECT member_id, outcome, key_id, at, suggestion_id FROM "
                              "feedback WHERE project_id=? ORDER BY at, feedback_id",
                              (pid,)).fetchall():
            conn.execute(
                "INSERT INTO project_people(project_id, member_id, status, note, role, covers, "
                "suggestion_id, updated_at) VALUES (?,?,?,'','added','[]',?,?) "
                "ON CONFLICT(project_id, member_id) DO UPDATE SET status=excluded.status, "
                "updated_at=excluded.updated_at", (pid, r[0], r[1], r[4], r[3]))
            _history(conn, pid, str(r[0]), StatusChange(str(r[1]), "", str(r[2]), str(r[3])))
