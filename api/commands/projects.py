"""project create | list | show | suggest | set | export: projects as records (issue #30),
through the same service as the HTTP routes (``matcher.projects.Projects``).

With ``--key`` (or WELLSPRING_API_KEY) the command acts as that key, its role and spaces as
over HTTP; without one it acts as the command line (key id ``cli``, every space), as
``wellspring feedback`` does. Writes are audited under that key id.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import TYPE_CHECKING, Any

from api.commands.common import CliError, add_key_argument, load_settings, open_answers, print_json

if TYPE_CHECKING:
    from indexing.store.keys import KeyStore
    from matcher.projects import Projects
    from matcher.requests import Asker

CLI_KEY_ID = "cli"


def register(sub: Any) -> None:
    from indexing.store.projects import PERSON_STATUSES

    pr = sub.add_parser("project", help="projects as records: create, list, show, suggest, "
                                        "set a person's status, export")
    psub = pr.add_subparsers(dest="project_command", required=True, metavar="ACTION")
    p = psub.add_parser("create", help="a project from a brief (JSON out)")
    p.add_argument("title")
    p.add_argument("--description", default="")
    p.add_argument("--needs", action="append", default=None, metavar="NEED")
    p.add_argument("--size", type=int, default=None)
    p.add_argument("--exclude-member", action="append", default=None, metavar="ID")
    p.add_argument("--exclude-organisation", action="append", default=None, metavar="ID")
    p.add_argument("--exclude-country", action="append", default=None, metavar="ISO")
    p.add_argument("--space", action="append", default=None, metavar="SPACE",
                   help="a private space whose editors may see it (repeatable)")
    add_key_argument(p)
    p.set_defaults(func=cmd_create)
    p = psub.add_parser("list", help="the projects the caller may see, newest first")
    p.add_argument("--status", choices=("open", "closed"), default=None)
    p.add_argument("--limit", type=int, default=50)
    add_key_argument(p)
    p.set_defaults(func=cmd_list)
    p = psub.add_parser("show", help="a project with its people, statuses and history")
    p.add_argument("project_id")
    add_key_argument(p)
    p.set_defaults(func=cmd_show)
    p = psub.add_parser("suggest", help="a team and invitations for the project as it stands")
    p.add_argument("project_id")
    p.add_argument("--top", type=int, default=10)
    add_key_argument(p)
    p.set_defaults(func=cmd_suggest)
    p = psub.add_parser("set", help="a person's status and note (an outcome is feedback too)")
    p.add_argument("project_id")
    p.add_argument("member_id")
    p.add_argument("status", help=", ".join(PERSON_STATUSES))
    p.add_argument("--note", default="")
    add_key_argument(p)
    p.set_defaults(func=cmd_set)
    p = psub.add_parser("export", help="the project's people as CSV (formula cells neutralised)")
    p.add_argument("project_id")
    p.add_argument("--output", default=None, help="a file (default: standard output)")
    add_key_argument(p)
    p.set_defaults(func=cmd_export)
    p = psub.add_parser("draft", help="an invitation to one of the project's people, in their "
                        "language (JSON: language, subject, body, mailto)")
    p.add_argument("project_id")
    p.add_argument("member_id")
    p.add_argument("--language", default=None, help="en, fr, es, pt or ar (default: theirs)")
    p.add_argument("--signature", default=None, help="who signs")
    add_key_argument(p)
    p.set_defaults(func=cmd_draft)


def _open(args: argparse.Namespace) -> tuple[Projects, Asker, KeyStore]:
    from indexing.store import SqlStore
    from indexing.store.keys import KeyStore
    from matcher.filters import Access
    from matcher.projects import Projects
    from matcher.requests import Asker

    answers = open_answers(load_settings())
    store = answers.community_store()
    if not isinstance(store, SqlStore):
        raise CliError("this store keeps no projects")
    keys = KeyStore(store)
    presented = getattr(args, "key", None) or os.environ.get("WELLSPRING_API_KEY")
    if presented:  # as over HTTP: an editor or admin key, its spaces
        key = keys.verify(presented)
        if key is None:
            raise CliError("--key: invalid or revoked API key")
        if not key.has_role("editor"):
            raise CliError("--key: projects need an editor or admin key")
        asker = Asker.of_key(key)
    else:
        asker = Asker(Access(see_contacts=True, all_spaces=True), CLI_KEY_ID)
    return Projects(answers, store), asker, keys


def _tuple(values: list[str] | None) -> tuple[str, ...] | None:
    return None if values is None else tuple(values)


def cmd_create(args: argparse.Namespace) -> int:
    from api.project_schemas import project_out
    from matcher.projects import ProjectForm

    projects, asker, keys = _open(args)
    project = projects.create(ProjectForm(
        args.title, args.description, _tuple(args.needs), args.size,
        _tuple(args.exclude_member), _tuple(args.exclude_organisation),
        _tuple(args.exclude_country), _tuple(args.space)), asker)
    keys.audit(asker.key_id or CLI_KEY_ID, "create", "project", [project.project_id],
               {"needs": len(project.needs), "spaces": len(project.spaces)})
    print_json(project_out(project).model_dump())
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    from api.project_schemas import project_out

    projects, asker, _ = _open(args)
    total, page = projects.page(asker, args.status, args.limit, 0)
    print_json({"total": total, "count": len(page),
                "results": [project_out(p).model_dump() for p in page]})
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    from api.project_schemas import person_out, project_out

    projects, asker, _ = _open(args)
    view = projects.show(args.project_id, asker)
    print_json({**project_out(view.project).model_dump(),
                "people": [person_out(p).model_dump() for p in view.people]})
    return 0


def cmd_suggest(args: argparse.Namespace) -> int:
    from api.project_schemas import suggestion_out

    projects, asker, keys = _open(args)
    s = projects.suggest(args.project_id, asker, args.top)
    keys.audit(asker.key_id or CLI_KEY_ID, "suggest", "project", [args.project_id],
               {"team": len(s.team), "invitations": len(s.invitations)})
    print_json(suggestion_out(args.project_id, s, asker.access).model_dump(mode="json"))
    return 0


def cmd_set(args: argparse.Namespace) -> int:
    from api.project_schemas import person_out
    from matcher.projects import PersonForm

    projects, asker, keys = _open(args)
    done = projects.set_person(args.project_id, PersonForm(args.member_id, args.status,
                                                           args.note), asker)
    keys.audit(asker.key_id or CLI_KEY_ID, "set_status", "project_person",
               [args.project_id, args.member_id],
               {"status": done.person.status, "feedback": done.feedback_id is not None})
    print_json(person_out(done.person).model_dump())
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from api.csv_export import project_csv

    projects, asker, _ = _open(args)
    text = project_csv(*projects.export(args.project_id, asker))
    if args.output:
        with open(args.output, "w", encoding="utf-8", newline="") as f:
            f.write(text)
    else:
        sys.stdout.write(text)
    return 0


def cmd_draft(args: argparse.Namespace) -> int:
    from matcher.project_drafts import DraftAsk

    projects, asker, _ = _open(args)
    draft = projects.draft(args.project_id, DraftAsk(args.member_id, args.language,
                                                     args.signature), asker)
    print_json({"language": draft.language, "subject": draft.subject, "body": draft.body,
                "mailto": draft.mailto})
    return 0
