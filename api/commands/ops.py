"""backup, restore: consistent snapshots of a community (see docs/RELIABILITY.md); export-onnx:
the ONNX Runtime export of the English model (docs/BENCHMARKS.md)."""

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

    p = sub.add_parser("export-onnx", help="export the English model to ONNX once and verify it "
                       "against torch (run by scripts/setup.sh)")
    p.add_argument("--force", action="store_true", help="export again even if one is there")
    p.set_defaults(func=cmd_export_onnx)

    p = sub.add_parser("nginx-config", help="print an nginx configuration for replicas on one "
                       "PostgreSQL store (docs/DEPLOYMENT.md)")
    p.add_argument("--replica", action="append", required=True, metavar="HOST:PORT",
                   help="a `wellspring serve` replica (repeat for each)")
    p.add_argument("--listen", default="8080", help="nginx's listen address (default 8080)")
    p.set_defaults(func=cmd_nginx_config)


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


def cmd_export_onnx(args: argparse.Namespace) -> int:
    import logging

    from indexing.encoders.onnx_export import export_onnx
    from indexing.encoders.onnx_files import onnx_folder, read_int8_report

    for noisy in ("onnxscript", "onnx_ir", "torch.onnx", "torch._dynamo", "torch.export"):
        logging.getLogger(noisy).setLevel(logging.ERROR)
    settings = load_settings()
    folder = onnx_folder(settings)
    report = export_onnx(settings.encoding.resolved_model_path(), folder, force=args.force,
                         threads=settings.encoding.torch_threads)
    if not report.passed:
        print(f"ONNX export refused, the service will use torch: {report.reason}")
        return 1
    print(f"ONNX export in {folder}: {report.reason} ({report.seconds:.1f}s)")
    int8 = read_int8_report(folder)
    if int8 is not None:  # used for needs only with WELLSPRING_QUERY_PRECISION=int8
        print(f"int8 copy for needs: {int8.reason}")
    return 0


def cmd_nginx_config(args: argparse.Namespace) -> int:
    from api.deploy.nginx import nginx_config

    print(nginx_config(args.replica, args.listen), end="")
    return 0
