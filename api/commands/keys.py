"""keys create / list / revoke / ensure-admin: API keys, stored hashed in the store."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

from api.commands.common import CliError, load_settings, print_json

ADMIN_KEY_FILE = "admin.key"


def register(sub: Any) -> None:
    keys = sub.add_parser("keys", help="API keys: create, list, revoke, ensure-admin")
    ksub = keys.add_subparsers(dest="keys_command", required=True, metavar="ACTION")

    p = ksub.add_parser("create", help="create a key; the plain key is printed once")
    p.add_argument("--role", required=True, choices=["member", "reader", "editor", "admin"])
    p.add_argument("--spaces", default="", help="private spaces granted, comma-separated")
    p.add_argument("--member", default=None, metavar="MEMBER_ID",
                   help="role member: the member the key acts as (it reads what the public "
                        "reads plus that member's own contributions)")
    p.add_argument("--name", default="", help="who or what the key is for")
    p.set_defaults(func=cmd_create)

    p = ksub.add_parser("list", help="list keys (never their secrets)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_list)

    p = ksub.add_parser("revoke", help="revoke a key by its id")
    p.add_argument("key_id")
    p.set_defaults(func=cmd_revoke)

    p = ksub.add_parser("ensure-admin",
                        help=f"create an admin key in <home>/{ADMIN_KEY_FILE} unless one exists")
    p.set_defaults(func=cmd_ensure_admin)


def _keys() -> Any:
    from indexing.store import open_store
    from indexing.store.keys import KeyStore

    settings = load_settings()
    return KeyStore(open_store(settings.storage)), settings


def cmd_create(args: argparse.Namespace) -> int:

    from indexing.errors import NotFound
    from indexing.store.keys import InvalidKeyRequest

    keys, _ = _keys()
    spaces = tuple(s.strip() for s in args.spaces.split(",") if s.strip())
    try:
        if args.member is not None:
            keys.store.get_member(args.member)  # a member key names a member that exists
        key, plain = keys.create(args.role, spaces, args.name, args.member)
    except (InvalidKeyRequest, NotFound) as exc:
        raise CliError(str(exc)) from exc
    print(plain)
    bound = f"; member: {key.member_id}" if key.member_id else ""
    print(f"created key {key.key_id} ({key.role}; spaces: {', '.join(key.spaces) or 'none'}"
          f"{bound}). Keep it: only its hash is stored.", file=sys.stderr)
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    keys, _ = _keys()
    rows = keys.all_keys()
    if args.json:
        print_json([{"key_id": k.key_id, "name": k.name, "role": k.role, "spaces": list(k.spaces),
                     "member_id": k.member_id, "created_at": k.created_at,
                     "revoked_at": k.revoked_at} for k in rows])
        return 0
    if not rows:
        print("no keys; create one with `wellspring keys create --role reader`")
    for k in rows:
        state = f"revoked {k.revoked_at}" if k.revoked_at else "active"
        print(f"{k.key_id}  {k.role:<6}  {state:<32}  spaces: {','.join(k.spaces) or '-'}  "
              f"{k.name}")
    return 0


def cmd_revoke(args: argparse.Namespace) -> int:

    keys, _ = _keys()
    key = keys.revoke(args.key_id)
    print(f"revoked key {key.key_id} ({key.role}, {key.name})")
    return 0


def cmd_ensure_admin(args: argparse.Namespace) -> int:
    """For `make run`: the local user gets an admin key once, in a file only they can read."""
    keys, settings = _keys()
    path = Path(settings.storage.home) / ADMIN_KEY_FILE
    if path.exists() and keys.verify(path.read_text().strip()) is not None:
        print(f"admin key: {path}")
        return 0
    admins = keys.active_admins()
    if admins:
        print(f"an admin key already exists ({admins[0].key_id}); {path} does not hold it. "
              "Create another with `wellspring keys create --role admin`.")
        return 0
    key, plain = keys.create("admin", (), f"local admin ({os.environ.get('USER', 'user')})")
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(plain + "\n")
    os.chmod(path, 0o600)
    print(f"created admin key {key.key_id}; stored in {path} (mode 0600). "
          f"Use it as: curl -H \"X-API-Key: $(cat {path})\" ...")
    return 0
