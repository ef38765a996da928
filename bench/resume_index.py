"""`kill -9` of `wellspring index` mid-build, then a rerun: what the rerun has to encode again.

Vectors are kept in the store and committed batch by batch (``indexing/store/vectors.py``), so
the rerun should encode only the texts the killed run had not committed (at most one batch of
work lost). Steps, each a real `wellspring` process on a fresh home:

1. `wellspring ingest DATA`;
2. `wellspring index`, SIGKILLed once ``--kill-at`` of the texts' vectors are in the store;
3. `wellspring index` again, to the end: texts it encoded vs taken from the store, its time;
4. the index folder deleted, `wellspring index` once more: a build from stored vectors alone.

``--database-url postgresql://...`` runs the same steps on a PostgreSQL store (an empty
database; the processes get ``WELLSPRING_DATABASE_URL``), as ``bench/replica_start.py`` does.

Prints one JSON object (``--log`` also writes it). Rerun (docs/RELIABILITY.md):
    HF_HUB_OFFLINE=1 .venv/bin/python bench/resume_index.py --data data
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from indexing.schema import contribution_key, member_key  # noqa: E402
from indexing.settings import Settings  # noqa: E402
from indexing.store import SqliteStore, Store  # noqa: E402
from indexing.vectors.encoding import text_hashes  # noqa: E402

LINE = re.compile(r"(\d+) texts encoded, (\d+) taken from the store, in ([\d.]+)s")


def env_for(home: Path, routing: str, database_url: str | None = None) -> dict[str, str]:
    env = dict(os.environ, WELLSPRING_HOME=str(home), WELLSPRING_LANGUAGE_ROUTING=routing,
               HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1")
    if database_url:
        env["WELLSPRING_DATABASE_URL"] = database_url
    else:
        env.pop("WELLSPRING_DATABASE_URL", None)
    return env


def wellspring(home: Path, routing: str, *args: str, database_url: str | None = None
               ) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "api.cli", *args], cwd=ROOT,
                            env=env_for(home, routing, database_url), stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, text=True, start_new_session=True)


def stored(db: Path, database_url: str | None = None) -> int:
    """Rows in ``text_vectors`` (0 before the table exists), read without the store classes
    so polling never runs migrations."""
    if database_url:
        import psycopg

        try:
            with psycopg.connect(database_url, autocommit=True) as pg:
                row = pg.execute("SELECT COUNT(*) FROM text_vectors").fetchone()
                return int(row[0]) if row else 0
        except psycopg.errors.UndefinedTable:
            return 0
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=10)
    try:
        return int(conn.execute("SELECT COUNT(*) FROM text_vectors").fetchone()[0])
    except sqlite3.OperationalError:
        return 0
    finally:
        conn.close()


def total_texts(db: Path, database_url: str | None = None) -> int:
    """Distinct chunk texts of the store's records: what a full build encodes."""
    store: Store
    if database_url:
        from indexing.store.postgres import PostgresStore

        store = PostgresStore(database_url)
    else:
        store = SqliteStore(db)
    try:
        keys = [member_key(m) for m in store.member_hashes()]
        keys += [contribution_key(c.id) for c in store.contribution_meta()]
        return len(text_hashes(store, keys, Settings()))
    finally:
        store.close()


def finished(proc: subprocess.Popen[str], started: float) -> dict[str, Any]:
    out, _ = proc.communicate()
    wall = time.perf_counter() - started
    found = LINE.search(out)
    if proc.returncode != 0 or found is None:
        raise RuntimeError(f"wellspring index failed ({proc.returncode}): {out[-800:]}")
    return {"encoded": int(found[1]), "taken_from_store": int(found[2]),
            "wall_s": round(wall, 1), "line": out.strip().splitlines()[-1]}


def run(data: Path, kill_at: float, routing: str, work: Path, database_url: str | None = None
        ) -> dict[str, Any]:
    """The four steps above on a fresh home (and, with ``database_url``, an empty PostgreSQL
    database); the figures as one dict."""
    home = work / "home"
    db = home / "wellspring.db"
    url = database_url

    def index() -> subprocess.Popen[str]:
        return wellspring(home, routing, "index", database_url=url)

    ingest = wellspring(home, routing, "ingest", str(data), database_url=url)
    if ingest.wait() != 0:
        raise RuntimeError("ingest failed")
    total = total_texts(db, url) * (2 if routing == "route" else 1)  # vectors, both indexes
    started = time.perf_counter()
    proc = index()
    while stored(db, url) < kill_at * total:
        if proc.poll() is not None:
            raise RuntimeError("the build ended before the kill point")
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    killed_after = time.perf_counter() - started
    at_kill = stored(db, url)
    generation_saved = (home / "index" / "CURRENT").exists()
    started = time.perf_counter()
    rerun = finished(index(), started)
    shutil.rmtree(home / "index")
    started = time.perf_counter()
    from_store = finished(index(), started)
    return {
        "texts": total, "killed_after_s": round(killed_after, 1),
        "stored_at_kill": at_kill, "generation_saved_before_kill": generation_saved,
        "rerun": rerun, "rerun_encoded_share": round(rerun["encoded"] / total, 3),
        "killed_build_texts_per_s": round(at_kill / killed_after, 1),
        "build_from_stored_vectors": from_store, "stored_after": stored(db, url),
        "backend": "postgresql" if url else "sqlite",
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=ROOT / "data")
    parser.add_argument("--kill-at", type=float, default=0.5,
                        help="share of the texts stored when the build is killed")
    parser.add_argument("--routing", default="off", choices=["off", "route"],
                        help="off: the English index only (default); route: both indexes")
    parser.add_argument("--database-url", help="an empty PostgreSQL database (default: SQLite)")
    parser.add_argument("--log", type=Path)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="ws-resume-") as tmp:
        load_before = Path("/proc/loadavg").read_text().split()[:3]
        result = run(args.data.resolve(), args.kill_at, args.routing, Path(tmp),
                     args.database_url)
    result.update({
        "command": f"bench/resume_index.py --data {args.data} --kill-at {args.kill_at} "
                   f"--routing {args.routing}",
        "date": time.strftime("%Y-%m-%dT%H:%MZ", time.gmtime()),
        "machine": f"{os.cpu_count()} cores, CPU", "load_before": " ".join(load_before),
        "load_after": " ".join(Path("/proc/loadavg").read_text().split()[:3]),
    })
    print(json.dumps(result, indent=2))
    if args.log:
        args.log.write_text(json.dumps(result, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
