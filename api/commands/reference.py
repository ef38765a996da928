"""reference: the reference pages generated from the code (docs/CONFIGURATION.md)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any


def register(sub: Any) -> None:
    p = sub.add_parser("reference", help="print a reference page generated from the code")
    p.add_argument("page", choices=["configuration"])
    p.add_argument("--check", type=Path, metavar="FILE",
                   help="exit 1 when FILE differs from what would be printed (stale docs)")
    p.set_defaults(func=cmd_reference)


def cmd_reference(args: argparse.Namespace) -> int:
    from api.reference import configuration

    text = configuration()
    if args.check is not None:
        if args.check.read_text(encoding="utf-8") != text:
            print(f"{args.check} is stale: run `wellspring reference {args.page} > "
                  f"{args.check}`", file=sys.stderr)
            return 1
        return 0
    sys.stdout.write(text)
    return 0
