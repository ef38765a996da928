"""Integrity of the SQLite store: SQLite's own check, and the FTS5 lexical index repaired from
the records it is derived from."""

from __future__ import annotations

import logging
import sqlite3

from indexing.errors import StoreCorrupt
from indexing.store.lexical import lexical_problem, rebuild_lexical

log = logging.getLogger(__name__)


def check_store(conn: sqlite3.Connection) -> bool:
    """Raise StoreCorrupt if SQLite's quick_check fails; repair a damaged FTS5 lexical index
    from the records (it is derived). Returns True when the lexical index was rebuilt."""
    try:
        problems = [r[0] for r in conn.execute("PRAGMA quick_check")]
    except sqlite3.DatabaseError as exc:
        raise StoreCorrupt(f"the store cannot be read ({exc}); restore it with "
                           "`wellspring restore BACKUP_DIR`") from exc
    if problems != ["ok"]:
        raise StoreCorrupt(f"the store fails its integrity check ({'; '.join(problems[:3])}); "
                           "restore it with `wellspring restore BACKUP_DIR`")
    reason = lexical_problem(conn)
    if reason is None:
        return False
    log.warning("lexical index damaged (%s); rebuilding it from the records", reason)
    rebuild_lexical(conn)
    return True
