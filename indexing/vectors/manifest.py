"""The index folder's manifest: what built it, and checksums that detect damage."""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import hashlib
import json
import os
import platform
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from indexing.errors import IndexCorrupt, IndexMismatch

MANIFEST = "manifest.json"
MANIFEST_SCHEMA = 1
LOCK_FILE = ".lock"


@contextlib.contextmanager
def folder_lock(root: Path, shared: bool = False) -> Iterator[None]:
    """An advisory lock on an index folder (flock: between threads and processes alike).

    Saving a generation takes it exclusively (a save deletes older generations); a backup takes
    it shared so the generation it copies cannot vanish halfway.
    """
    root.mkdir(parents=True, exist_ok=True)
    with (root / LOCK_FILE).open("a") as fh:
        fcntl.flock(fh.fileno(), fcntl.LOCK_SH if shared else fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def library_versions() -> dict[str, str]:
    import faiss
    import numpy

    return {"python": platform.python_version(), "faiss": faiss.__version__,
            "numpy": numpy.__version__}


def write_manifest(folder: Path, fields: dict[str, Any], files: list[str]) -> dict[str, Any]:
    """Write manifest.json last, with a checksum of every file, and fsync it."""
    manifest = {
        "schema_version": MANIFEST_SCHEMA,
        "created_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "libraries": library_versions(),
        **fields,
        "checksums": {name: sha256_file(folder / name) for name in files},
    }
    path = folder / MANIFEST
    with path.open("w", encoding="utf-8") as fh:
        json.dump(manifest, fh, indent=2, sort_keys=True)
        fh.flush()
        os.fsync(fh.fileno())
    return manifest


def read_manifest(folder: Path) -> dict[str, Any]:
    path = folder / MANIFEST
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise IndexCorrupt(f"{path} is missing; rebuild with `wellspring index --rebuild`") from exc
    except (ValueError, UnicodeDecodeError) as exc:
        raise IndexCorrupt(
            f"{path} is not valid JSON ({exc}); rebuild with `wellspring index --rebuild`"
        ) from exc
    if not isinstance(data, dict) or data.get("schema_version") != MANIFEST_SCHEMA:
        raise IndexMismatch(
            f"{path} has schema {data.get('schema_version') if isinstance(data, dict) else '?'},"
            f" this version reads {MANIFEST_SCHEMA}; rebuild with `wellspring index --rebuild`"
        )
    return data


def verify_checksums(folder: Path, manifest: dict[str, Any]) -> None:
    for name, expected in manifest.get("checksums", {}).items():
        path = folder / name
        if not path.exists():
            raise IndexCorrupt(f"{path} is missing; rebuild with `wellspring index --rebuild`")
        if sha256_file(path) != expected:
            raise IndexCorrupt(
                f"{path} does not match its checksum in the manifest (damaged file); "
                "rebuild with `wellspring index --rebuild`"
            )


def check_encoder(manifest: dict[str, Any], fingerprint: dict[str, Any], folder: Path) -> None:
    """Refuse an index built with another encoder or settings that change vectors."""
    built = manifest.get("encoder", {})
    if built != fingerprint:
        keys = set(built) | set(fingerprint)
        diffs = sorted(k for k in keys if built.get(k) != fingerprint.get(k))
        detail = ", ".join(f"{k}: index has {built.get(k)!r}, settings give {fingerprint.get(k)!r}"
                           for k in diffs)
        raise IndexMismatch(
            f"the index in {folder} was built with other encoder settings ({detail}); "
            "rebuild it with `wellspring index --rebuild`"
        )
