"""members sign-in-link: a one-time link that signs a member in to the page (issue #28), so a
small community on the embedded default needs no identity provider."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from typing import Any

from api.commands.common import CliError, load_settings
from api.commands.feedback import CLI_KEY_ID


def register(sub: Any) -> None:
    members = sub.add_parser("members", help="members: sign-in links")
    msub = members.add_subparsers(dest="members_command", required=True, metavar="ACTION")
    p = msub.add_parser("sign-in-link", help="print a one-time sign-in link for a member "
                        "(expires after WELLSPRING_SIGN_IN_LINK_TTL_S; audited)")
    p.add_argument("member_id")
    p.add_argument("--base-url", default=None, help="the page's address (default: setting "
                   "WELLSPRING_PUBLIC_URL, else http://127.0.0.1:8000)")
    p.set_defaults(func=cmd_sign_in_link)


def cmd_sign_in_link(args: argparse.Namespace) -> int:
    from pydantic import ValidationError

    from api.sessions import issue_link
    from api.settings import SignInSettings
    from indexing.errors import NotFound
    from indexing.store import open_store
    from indexing.store.keys import KeyStore
    from indexing.store.sessions import SessionStore

    try:
        signin = SignInSettings()
    except ValidationError as exc:
        raise CliError(f"sign-in settings: {exc.errors()[0]['msg']}") from exc
    store = open_store(load_settings().storage)
    base = args.base_url or signin.public_url or "http://127.0.0.1:8000"
    try:
        url, expires_at = issue_link(KeyStore(store), SessionStore(store), args.member_id,
                                     CLI_KEY_ID, base, signin.sign_in_link_ttl_s)
    except NotFound as exc:
        raise CliError(str(exc)) from exc
    finally:
        store.close()
    until = dt.datetime.fromtimestamp(expires_at, dt.UTC).isoformat(timespec="seconds")
    print(url)
    print(f"one-time sign-in link for {args.member_id}, valid until {until}: give it to them "
          "only", file=sys.stderr)
    return 0
