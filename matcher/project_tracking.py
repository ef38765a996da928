"""What an answer or a piece of feedback carrying a ``project_id`` owes the project record
(issue #30), for the answers service (``feedback.py``):

* ``check_project``: the id names a project record the asker may see; NotFound (404, naming
  ``project_id``) otherwise, the same for a project that does not exist as for one hidden from
  the asker, so a project's existence never leaks;
* ``note_considered``: the people an answer suggested become the project's people, with the
  status ``suggested`` where they have none (a status given stays) and the suggestion they came
  from, so an outcome set on them later is a training row.
"""

from __future__ import annotations

from collections.abc import Sequence

from indexing.errors import NotFound
from indexing.store import SqlStore, Store
from indexing.store.projects import ProjectStore, visible_to
from matcher.requests import Asker


def check_project(store: Store, project_id: str | None, asker: Asker) -> None:
    if project_id is None:
        return
    project = ProjectStore(store).get(project_id) if isinstance(store, SqlStore) else None
    access = asker.access
    if project is None or not visible_to(project, asker.key_id, access.spaces,
                                         access.all_spaces):
        raise NotFound("project", project_id, field="project_id")


def note_considered(store: Store, project_id: str | None, asker: Asker, role: str,
                    suggestion_id: str | None,
                    people: Sequence[tuple[str, tuple[str, ...]]]) -> None:
    """(member id, needs covered) of an answer's people, as the project's (role: expert, team,
    invitation)."""
    if project_id is None or not people or not isinstance(store, SqlStore):
        return
    ProjectStore(store).add_suggested(
        project_id, asker.key_id or "public",
        [(member_id, role, covers, suggestion_id) for member_id, covers in people])
