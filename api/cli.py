"""`wellspring` command line: ingest, index, search, stats, serve, and the rest.

Each group of subcommands lives in ``api/commands/<name>.py`` with a ``register(subparsers)``
function. Heavy imports (sentence-transformers, FAISS) happen inside the commands that need them.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence

from api.commands import (
    adapt,
    core,
    feedback,
    imports,
    keys,
    knowledge_map,
    me,
    members,
    ops,
    projects,
    reference,
    teams,
)
from api.commands import eval as eval_commands

REGISTRARS = [core.register, imports.register, eval_commands.register, ops.register,
              keys.register, teams.register, knowledge_map.register, feedback.register,
              adapt.register, reference.register, members.register, me.register,
              projects.register]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="wellspring", description="Expert matching for communities of practice."
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for register in REGISTRARS:
        register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr,
    )
    for noisy in ("faiss.loader", "sentence_transformers", "httpx", "transformers",
                  "bibtexparser"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    from api.commands.common import CliError
    from indexing.errors import WellspringError

    try:
        result: int = args.func(args)
        return result
    except (CliError, WellspringError) as exc:  # a domain error is a user error here
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
