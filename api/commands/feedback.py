"""feedback add / list and learn: coordinators' outcomes on suggestions, and refitting the
learned ranking on them (matcher/reranker.py). Neither loads the model or the index."""

from __future__ import annotations

import argparse
from typing import Any

from api.commands.common import load_settings, print_json
from indexing.store.feedback import OUTCOMES

CLI_KEY_ID = "cli"  # the audit log's key id for writes made on the command line


def register(sub: Any) -> None:
    fb = sub.add_parser("feedback", help="coordinators' outcomes on suggestions: add, list")
    fsub = fb.add_subparsers(dest="feedback_command", required=True, metavar="ACTION")
    p = fsub.add_parser("add", help="record one outcome for a suggested member (audited)")
    p.add_argument("--member", required=True, help="member id")
    p.add_argument("--outcome", required=True, help=", ".join(OUTCOMES))
    p.add_argument("--suggestion", default=None, help="suggestion_id of an answer")
    p.add_argument("--project", default=None, help="project id (required without --suggestion)")
    p.set_defaults(func=cmd_add)
    p = fsub.add_parser("list", help="the feedback kept, newest first (JSON)")
    p.add_argument("--member", default=None)
    p.add_argument("--project", default=None)
    p.add_argument("--limit", type=int, default=100)
    p.set_defaults(func=cmd_list)

    p = sub.add_parser("learn", help="refit the learned re-ranking of who knows X on the "
                                     "outcomes so far (refused below learn_min_outcomes)")
    p.add_argument("--min-outcomes", type=int, default=None,
                   help="override the learn_min_outcomes setting")
    p.set_defaults(func=cmd_learn)


def _stores() -> tuple[Any, Any]:
    from indexing.store import SqliteStore
    from indexing.store.keys import KeyStore

    store = SqliteStore(load_settings().storage.database_path)
    return store.feedback(), KeyStore(store)


def cmd_add(args: argparse.Namespace) -> int:
    feedback, keys = _stores()
    entry = feedback.add_feedback(CLI_KEY_ID, args.member, args.outcome, args.suggestion,
                                  args.project)
    keys.audit(CLI_KEY_ID, "create", "feedback", [entry.feedback_id],
               {"outcome": entry.outcome, "suggestion": entry.suggestion_id is not None})
    print_json(entry.__dict__)
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    feedback, _ = _stores()
    total, entries = feedback.feedback_entries(args.limit, 0, args.member, args.project)
    print_json({"total": total, "count": len(entries), "results": [e.__dict__ for e in entries]})
    return 0


def cmd_learn(args: argparse.Namespace) -> int:
    from matcher.reranker import PAST_OUTCOMES, learn

    settings = load_settings()
    feedback, keys = _stores()
    s = settings.feedback
    report = learn(feedback, s.learn_min_outcomes if args.min_outcomes is None
                   else args.min_outcomes, () if s.learn_past_outcomes else PAST_OUTCOMES)
    keys.audit(CLI_KEY_ID, "learn", "ranking_model", [report.version], {"pairs": report.pairs})
    print_json(report.__dict__)
    return 0
