"""Snapshots of a community (store + index generation), their restore, and the integrity checks
that start-up, backups and the crash test share.

Why a snapshot is consistent by construction: the SQLite store is the source of truth and the
vector index is derived from it. ``Community.open`` re-syncs whatever index generation it loads
with the store by content hash (encoding what differs, dropping what the store lacks). So a
transactionally consistent copy of the store (SQLite's online backup API, one read transaction)
plus *any* valid index generation is a consistent snapshot; the generation only spares
re-encoding. The index is copied first and the store second, so the copied index is never newer
than the copied store and the sync after a restore only adds what was written in between.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import logging
import os
import shutil
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from indexing.errors import IndexCorrupt, WellspringError
from indexing.schema import contribution_key, member_key
from indexing.settings import Settings
from indexing.store.integrity import check_store
from indexing.vectors.durable import fsync_dir, fsync_file, write_json
from indexing.vectors.manifest import folder_lock, read_manifest, sha256_file, verify_checksums

log = logging.getLogger(__name__)

BACKUP_MANIFEST = "backup.json"
DB_FILE = "wellspring.db"
INDEX_DIR = "index"
CURRENT = "CURRENT"
ITEMS_FILE = "items.json"
INDEX_FILE = "index.faiss"
_TABLES = ("organisations", "members", "contributions")


class BackupError(WellspringError):
    """A backup or restore that cannot go ahead (bad folder, damaged snapshot, running service)."""


@dataclass
class SnapshotReport:
    path: Path
    counts: dict[str, int]
    generation: str | None
    db_bytes: int
    seconds: float


# -- the one-writer rule -----------------------------------------------------------------------
def service_lock_path(settings: Settings) -> Path:
    db = settings.storage.database_path
    return db.with_name(db.name + ".service-lock")


def try_service_lock(settings: Settings) -> IO[str] | None:
    """Take the store's service lock (non-blocking flock); None if another process holds it.

    One service process owns a store and its in-memory index; keep the handle open for the
    process's lifetime (closing it releases the lock)."""
    path = service_lock_path(settings)
    path.parent.mkdir(parents=True, exist_ok=True)
    fh = path.open("a+")
    try:
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        fh.close()
        return None
    fh.seek(0)
    fh.truncate()
    fh.write(str(os.getpid()))
    fh.flush()
    return fh


# -- does the saved index agree with the store? ------------------------------------------------
def store_keys(db_path: Path) -> dict[str, str]:
    """Item key -> content hash of every record the index must hold (read-only)."""
    conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        keys: dict[str, str] = {
            member_key(i): h for i, h in conn.execute("SELECT id, text_hash FROM members")}
        keys |= {contribution_key(i): h
                 for i, h in conn.execute("SELECT id, text_hash FROM contributions")}
    finally:
        conn.close()
    return keys


def index_disagreements(index_root: Path, db_path: Path) -> list[str]:
    """Every way the saved index generation differs from the store: checksums, counts, ids
    missing or extra, stale content. Empty when they agree. Reads files only (no model)."""
    import faiss

    current = index_root / CURRENT
    if not current.exists():
        return ["no saved index generation"]
    folder = index_root / current.read_text(encoding="utf-8").strip()
    try:
        manifest = read_manifest(folder)
        verify_checksums(folder, manifest)
    except WellspringError as exc:
        return [str(exc)]
    items = json.loads((folder / ITEMS_FILE).read_text(encoding="utf-8"))
    ntotal = int(faiss.read_index(str(folder / INDEX_FILE)).ntotal)
    problems: list[str] = []
    if not ntotal == len(items["ids"]) == manifest.get("vectors"):
        problems.append(f"{ntotal} vectors, {len(items['ids'])} items, "
                        f"manifest {manifest.get('vectors')}")
    if set(items["keys"]) != set(items["hashes"]):
        problems.append("items without a hash or hashes without vectors")
    want, have = store_keys(db_path), items["hashes"]
    missing = sorted(set(want) - set(have))
    extra = sorted(set(have) - set(want))
    stale = sorted(k for k in set(want) & set(have) if want[k] != have[k])
    for label, keys in (("missing from the index", missing), ("not in the store", extra),
                        ("stale in the index", stale)):
        if keys:
            problems.append(f"{len(keys)} record(s) {label}, e.g. {keys[:3]}")
    return problems


def set_aside_damaged(index_root: Path) -> str | None:
    """Rename the current (damaged) generation to damaged-<name> for inspection; keep one."""
    current = index_root / CURRENT
    if not current.exists():
        return None
    name = current.read_text(encoding="utf-8").strip()
    with folder_lock(index_root):
        for old in index_root.glob("damaged-*"):
            shutil.rmtree(old, ignore_errors=True)
        if name and (index_root / name).is_dir():
            os.rename(index_root / name, index_root / f"damaged-{name}")
        current.unlink(missing_ok=True)
        fsync_dir(index_root)
    return name


# -- backup and restore ------------------------------------------------------------------------
def backup(settings: Settings, dest: Path) -> SnapshotReport:
    """Snapshot the store (online backup API) and the current index generation into ``dest``,
    which must not exist. Safe while the service runs; the folder appears only when complete."""
    started = time.perf_counter()
    _sqlite_only(settings, "backup")
    if dest.exists():
        raise BackupError(f"{dest} already exists; give a new folder")
    if not settings.storage.database_path.exists():
        raise BackupError(f"no store at {settings.storage.database_path}")
    partial = dest.with_name(f".{dest.name}.partial")
    shutil.rmtree(partial, ignore_errors=True)
    (partial / INDEX_DIR).mkdir(parents=True)
    generation = _copy_generation(settings.storage.index_path, partial / INDEX_DIR)
    src = sqlite3.connect(settings.storage.database_path, timeout=30)
    dst = sqlite3.connect(partial / DB_FILE, isolation_level=None)
    try:
        src.backup(dst)  # pages=-1: one step, one read transaction: a consistent copy
        dst.execute("PRAGMA journal_mode=DELETE")  # a self-contained file, no -wal beside it
        check_store(dst)
        counts = _counts(dst)
    finally:
        dst.close()
        src.close()
    fsync_file(partial / DB_FILE)
    report = SnapshotReport(dest, counts, generation, (partial / DB_FILE).stat().st_size,
                            time.perf_counter() - started)
    write_json(partial / BACKUP_MANIFEST, indent=2, data={
        "created_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "counts": counts, "generation": generation, "db_sha256": sha256_file(partial / DB_FILE),
    })
    fsync_dir(partial)
    os.rename(partial, dest)
    fsync_dir(dest.parent)
    return report


def _sqlite_only(settings: Settings, action: str) -> None:
    if settings.storage.uses_postgres:
        raise BackupError(f"`wellspring {action}` snapshots a SQLite home; this store is "
                          "PostgreSQL: use pg_dump / pg_restore (replicas rebuild their indexes "
                          "from the store's vectors, docs/DEPLOYMENT.md)")


def restore(src: Path, settings: Settings) -> SnapshotReport:
    """Bring a backup back: verify it, then replace the store and install its index generation.

    Refused while a service holds the store. Rerunnable: a crash halfway is finished by running
    it again. The next start re-syncs the index with the restored store."""
    started = time.perf_counter()
    _sqlite_only(settings, "restore")
    try:
        info = json.loads((src / BACKUP_MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise BackupError(f"{src} is not a Wellspring backup ({exc})") from exc
    if not (src / DB_FILE).is_file() or sha256_file(src / DB_FILE) != info.get("db_sha256"):
        raise BackupError(f"{src / DB_FILE} is missing or does not match its checksum; "
                          "the backup is damaged")
    generation = info.get("generation")
    if generation:
        verify_checksums(src / INDEX_DIR / generation, read_manifest(src / INDEX_DIR / generation))
    lock = try_service_lock(settings)
    if lock is None:
        raise BackupError("a Wellspring service is running on this store; stop it, then restore")
    try:
        db = settings.storage.database_path
        db.parent.mkdir(parents=True, exist_ok=True)
        tmp = db.with_name(f".{db.name}.restore")
        shutil.copyfile(src / DB_FILE, tmp)
        fsync_file(tmp)
        for suffix in ("-wal", "-shm"):  # an old WAL must never be replayed onto the new file
            db.with_name(db.name + suffix).unlink(missing_ok=True)
        os.replace(tmp, db)
        fsync_dir(db.parent)
        if generation:
            _install_generation(src / INDEX_DIR / generation, settings.storage.index_path)
    finally:
        lock.close()
    return SnapshotReport(src, dict(info.get("counts", {})), generation,
                          (src / DB_FILE).stat().st_size, time.perf_counter() - started)


def _copy_generation(index_root: Path, dest_root: Path) -> str | None:
    if not (index_root / CURRENT).exists():
        return None
    with folder_lock(index_root, shared=True):
        name = (index_root / CURRENT).read_text(encoding="utf-8").strip()
        try:
            verify_checksums(index_root / name, read_manifest(index_root / name))
        except IndexCorrupt as exc:
            log.warning("not copying a damaged index generation (%s); restore will rebuild", exc)
            return None
        shutil.copytree(index_root / name, dest_root / name)
    (dest_root / CURRENT).write_text(name, encoding="utf-8")
    return name


def _install_generation(folder: Path, index_root: Path) -> None:
    with folder_lock(index_root):
        target = index_root / folder.name
        if not target.exists():
            tmp = index_root / f".tmp-restore-{folder.name}"
            shutil.rmtree(tmp, ignore_errors=True)
            shutil.copytree(folder, tmp)
            for f in tmp.iterdir():
                fsync_file(f)
            os.rename(tmp, target)
        cur_tmp = index_root / f"{CURRENT}.tmp"
        cur_tmp.write_text(folder.name, encoding="utf-8")
        fsync_file(cur_tmp)
        os.replace(cur_tmp, index_root / CURRENT)
        fsync_dir(index_root)


def _counts(conn: sqlite3.Connection) -> dict[str, int]:
    return {t: int(conn.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0]) for t in _TABLES}


