"""me: a member's own view and say from the command line (issue #29), through the same service
as ``GET/PATCH/DELETE /me`` (``matcher.me.MemberSay``), asked with the member's key (--key or
WELLSPRING_API_KEY): what Wellspring knows about them, topics confirmed or rejected, topics of
their own, contributions kept out of matching, availability and consent, export, erasure."""

from __future__ import annotations

import argparse
import os
from typing import TYPE_CHECKING, Any

from api.commands.common import CliError, add_key_argument, load_settings, open_matcher, print_json

if TYPE_CHECKING:
    from matcher.me import Me, MemberSay

NONE = ("none", "default", "")


def register(sub: Any) -> None:
    me = sub.add_parser("me", help="a member's own view and say (asked with their member key)")
    msub = me.add_subparsers(dest="me_command", required=True, metavar="ACTION")
    p = msub.add_parser("show", help="what Wellspring knows about you (JSON, as GET /me)")
    p.set_defaults(func=cmd_show)
    p = msub.add_parser("set", help="your availability and consent (as PATCH /me); 'none' "
                        "clears a value")
    p.add_argument("--consent", choices=["in", "out", "default"])
    p.add_argument("--open-to-invitations", choices=["yes", "no", "default"])
    p.add_argument("--busy-until", metavar="YYYY-MM-DD|none")
    p.add_argument("--languages", metavar="en,fr|none")
    p.add_argument("--max-invitations-per-month", metavar="N|none")
    p.set_defaults(func=cmd_set)
    p = msub.add_parser("topic", help="confirm or reject one of your inferred topics")
    p.add_argument("topic_id")
    p.add_argument("status", choices=["confirmed", "rejected"])
    p.set_defaults(func=cmd_topic)
    p = msub.add_parser("add-topic", help="a topic in your own words (pending until your "
                        "work supports it)")
    p.add_argument("label")
    p.set_defaults(func=cmd_add_topic)
    p = msub.add_parser("matching", help="count one of your contributions for matching, or not")
    p.add_argument("contribution_id")
    p.add_argument("use", choices=["on", "off"])
    p.set_defaults(func=cmd_matching)
    p = msub.add_parser("export", help="everything stored about you (JSON, as GET /me/export)")
    p.set_defaults(func=cmd_export)
    p = msub.add_parser("erase", help="erase yourself (as DELETE /me); needs --yes")
    p.add_argument("--yes", action="store_true", help="yes, erase me")
    p.set_defaults(func=cmd_erase)
    for parser in msub.choices.values():
        add_key_argument(parser)


def _open(args: argparse.Namespace) -> tuple[MemberSay, Me]:
    """The service over the community, and the member the key belongs to (a key that is not a
    member's is refused, as over HTTP)."""
    from indexing.store import SqlStore
    from indexing.store.keys import KeyStore
    from matcher.knowledge_map import KnowledgeMapper
    from matcher.me import Me, MemberSay

    presented = args.key or os.environ.get("WELLSPRING_API_KEY", "")
    if not presented:
        raise CliError("--key: these commands are a member's own: give your member key")
    matcher = open_matcher(load_settings())
    store = matcher.community.store
    if not isinstance(store, SqlStore):
        raise CliError("--key: this store keeps no keys")
    key = KeyStore(store).verify(presented)
    if key is None:
        raise CliError("--key: invalid or revoked API key")
    if key.member_id is None:
        raise CliError("--key: this key is not a member's")
    return MemberSay(matcher, KnowledgeMapper.configured(matcher), store), Me(key.member_id,
                                                                             key.key_id)


def cmd_show(args: argparse.Namespace) -> int:
    from api.me_schemas import me_out

    say, me = _open(args)
    print_json(me_out(say.profile(me.member_id)).model_dump(mode="json"))
    return 0


def _choices(args: argparse.Namespace) -> dict[str, Any]:
    """The options given, as PATCH /me's body (validated by the same model)."""
    from pydantic import ValidationError

    from api.me_schemas import MePatch

    body: dict[str, Any] = {}
    if args.consent is not None:
        body["consent"] = None if args.consent == "default" else args.consent
    if args.open_to_invitations is not None:
        body["open_to_invitations"] = {"yes": True, "no": False}.get(args.open_to_invitations)
    if args.busy_until is not None:
        body["busy_until"] = None if args.busy_until.lower() in NONE else args.busy_until
    if args.languages is not None:
        body["languages"] = (None if args.languages.lower() in NONE
                             else [x.strip() for x in args.languages.split(",")])
    if args.max_invitations_per_month is not None:
        raw = args.max_invitations_per_month
        body["max_invitations_per_month"] = None if raw.lower() in NONE else raw
    if not body:
        raise CliError("set: give at least one option (see --help)")
    try:
        return MePatch.model_validate(body, strict=False).changes()
    except ValidationError as exc:
        first = exc.errors()[0]
        raise CliError(f"--{str(first['loc'][0]).replace('_', '-')}: {first['msg']}") from exc


def cmd_set(args: argparse.Namespace) -> int:
    from api.me_schemas import me_out

    changes = _choices(args)
    say, me = _open(args)
    out = me_out(say.choose(me, changes))
    print_json({"availability": out.availability.model_dump(),
                "consent": out.consent.model_dump()})
    return 0


def cmd_topic(args: argparse.Namespace) -> int:
    from api.me_schemas import topic_out

    say, me = _open(args)
    print_json(topic_out(say.mark_topic(me, args.topic_id, args.status)).model_dump())
    return 0


def cmd_add_topic(args: argparse.Namespace) -> int:
    from api.me_schemas import topic_out

    say, me = _open(args)
    print_json(topic_out(say.add_topic(me, args.label)).model_dump())
    return 0


def cmd_matching(args: argparse.Namespace) -> int:
    say, me = _open(args)
    used = args.use == "on"
    changed = say.use_for_matching(me, args.contribution_id, used)
    print_json({"contribution_id": args.contribution_id, "used": used, "changed": changed})
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    say, me = _open(args)
    print_json(say.export(me))
    return 0


def cmd_erase(args: argparse.Namespace) -> int:
    if not args.yes:
        raise CliError("erase: this cannot be undone; add --yes")
    say, me = _open(args)
    removed = say.erase(me)
    say.matcher.community.save_if_dirty()
    print_json({"erased": True, "removed": removed})
    return 0
