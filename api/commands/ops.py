"""backup, restore: consistent snapshots of a community (see docs/RELIABILITY.md)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from api.commands.common import load_settings


def register(sub: Any) -> None:
    p = sub.add_parser("backup", help="snapshot the store and the index (safe while serving)")
    p.add_argument("dir", type=Path, help="a new folder to write the snapshot into")
    p.set_defaults(func=cmd_backup)

    p = sub.add_parser("restore", help="bring a snapshot back (stop the service first)")
    p.add_argument("dir", type=Path, help="a folder written by `wellspring backup`")
    p.set_defaults(func=cmd_restore)


def _counts(counts: dict[str, int]) -> str:
    return ", ".join(f"{v} {k}" for k, v in counts.items())


def cmd_backup(args: argparse.Namespace) -> int:
    from indexing.backup import backup

    settings = load_settings()
    report = backup(settings, args.dir)
    print(f"backed up to {report.path}: {_counts(report.counts)}; index generation "
          f"{report.generation or 'none (rebuilt at restore)'}; {report.db_bytes} bytes of store "
          f"in {report.seconds:.1f}s")
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    from indexing.backup import restore

    settings = load_settings()
    report = restore(args.dir, settings)
    print(f"restored {report.path}: {_counts(report.counts)}; index generation "
          f"{report.generation or 'none'} (the next start syncs it with the store) "
          f"in {report.seconds:.1f}s")
    return 0
