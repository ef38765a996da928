"""API keys and the audit log, in the same SQLite store as the records.

A key reads ``ws_<keyid>_<secret>``: the key id finds the row, the secret is checked against a
salted PBKDF2 hash with a constant-time comparison. Only the hash is stored; the plain key is
shown once, when it is created. Secrets are 256 random bits, so a modest iteration count is
enough (the KDF guards a leaked database, not a guessable password).

The KDF costs ~6.5 ms of CPU, on every keyed request. A secret that passed it is remembered
in this process by its SHA-256 together with the stored hash it matched (at most
``VERIFIED_MEMO`` of them): the next request with it reads its row as always (a revoked or
re-created key is refused at once, on every replica) and skips the KDF while the stored hash is
unchanged. A malformed key or an unknown key id is refused without the KDF (``check``); only a
wrong secret for an existing key id pays it, and ``api/auth.py`` bounds how often a client may
make one (docs/SECURITY.md).

The audit log holds who (key id), when, and what changed (action, kind, ids, counts) — never
record contents, so no contact detail or private text ever lands in it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import re
import secrets
from dataclasses import dataclass
from typing import Any, Literal

from indexing.errors import NotFound, WellspringError
from indexing.store.protocol import SqlStore

Role = Literal["member", "reader", "editor", "admin"]
ROLES: tuple[Role, ...] = ("member", "reader", "editor", "admin")
# a member key (issue #28) is bound to one member and below every other role: it reads what the
# public reads plus that member's own contributions, and passes no role check
ROLE_RANK: dict[str, int] = {"member": 0, "reader": 1, "editor": 2, "admin": 3}
KEY_PREFIX = "ws"
PBKDF2_ITERATIONS = 20_000
VERIFIED_MEMO = 4096  # secrets that passed the KDF, remembered per process
_KEY_RE = re.compile(r"^ws_([a-z0-9]{12})_([A-Za-z0-9_\-]{43})$")
_SPACE_RE = re.compile(r"^[a-z0-9][a-z0-9_\-]{0,63}$")
_MEMBER_ID_RE = re.compile(r"^[A-Za-z0-9_.:\-]{1,128}$")  # indexing/schema.RecordId
# a key with its member (member keys only; the table is migration 8's)
_SELECT_KEYS = ("SELECT k.*, mk.member_id AS member_id FROM api_keys k "
                "LEFT JOIN member_keys mk ON mk.key_id = k.key_id")

_DDL = """
CREATE TABLE IF NOT EXISTS api_keys(
    key_id TEXT PRIMARY KEY, name TEXT NOT NULL, role TEXT NOT NULL, spaces TEXT NOT NULL,
    salt BLOB NOT NULL, hash BLOB NOT NULL, iterations INTEGER NOT NULL,
    created_at TEXT NOT NULL, revoked_at TEXT);
CREATE TABLE IF NOT EXISTS audit_log(
    seq INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT NOT NULL, key_id TEXT NOT NULL,
    action TEXT NOT NULL, kind TEXT NOT NULL, ids TEXT NOT NULL, detail TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS audit_at ON audit_log(at);
"""


class InvalidKeyRequest(WellspringError):
    """A key could not be created as asked (bad role or space name)."""

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        super().__init__(f"{field}: {message}")


@dataclass(frozen=True)
class ApiKey:
    """A stored key, without its secret."""

    key_id: str
    name: str
    role: Role
    spaces: tuple[str, ...]
    created_at: str
    revoked_at: str | None
    member_id: str | None = None  # role member: the member this key (or session) acts as

    @property
    def active(self) -> bool:
        return self.revoked_at is None

    def has_role(self, role: Role) -> bool:
        return ROLE_RANK[self.role] >= ROLE_RANK[role]


@dataclass(frozen=True)
class AuditEntry:
    seq: int
    at: str
    key_id: str
    action: str
    kind: str
    ids: tuple[str, ...]
    detail: dict[str, object]


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def _hash(secret: str, salt: bytes, iterations: int) -> bytes:
    return hashlib.pbkdf2_hmac("sha256", secret.encode("ascii"), salt, iterations)


class KeyStore:
    """API keys and audit entries over a :class:`Store`'s database."""

    def __init__(self, store: SqlStore) -> None:
        self.store = store
        self._verified: dict[tuple[str, bytes], bytes] = {}  # (id, sha256) -> stored hash
        with store.transaction() as conn:
            for statement in _DDL.split(";"):
                if statement.strip():
                    conn.execute(statement)

    # -- keys --------------------------------------------------------------------------------
    def create(self, role: Role, spaces: tuple[str, ...] = (), name: str = "",
               member_id: str | None = None) -> tuple[ApiKey, str]:
        """A new key; returns it and the plain key (shown once, never stored). A ``member``
        key names its member (whose existence the caller checks) and holds no spaces."""
        if role not in ROLES:
            raise InvalidKeyRequest("role", f"must be one of {', '.join(ROLES)}")
        if (role == "member") != bool(member_id):
            raise InvalidKeyRequest("member_id", "a member key names its member (member_id), "
                                    "and only a member key does")
        if role == "member" and spaces:
            raise InvalidKeyRequest("spaces", "a member key holds no spaces: it sees the "
                                    "public's and its member's own contributions")
        if member_id is not None and not _MEMBER_ID_RE.match(member_id):
            raise InvalidKeyRequest("member_id", f"'{member_id[:80]}' is not a member id")
        for space in spaces:
            if not _SPACE_RE.match(space):
                raise InvalidKeyRequest("spaces", f"'{space}' is not a valid space name")
        if len(name) > 200:
            raise InvalidKeyRequest("name", "at most 200 characters")
        key_id = secrets.token_hex(6)
        secret = secrets.token_urlsafe(32)
        salt = secrets.token_bytes(16)
        record = ApiKey(key_id, name or (f"member {member_id}" if member_id else f"{role} key"),
                        role, tuple(sorted(set(spaces))), _now(), None, member_id)
        with self.store.transaction() as conn:
            conn.execute(
                "INSERT INTO api_keys(key_id, name, role, spaces, salt, hash, iterations, "
                "created_at) VALUES (?,?,?,?,?,?,?,?)",
                (key_id, record.name, role, json.dumps(record.spaces), salt,
                 _hash(secret, salt, PBKDF2_ITERATIONS), PBKDF2_ITERATIONS, record.created_at),
            )
            if member_id is not None:
                conn.execute("INSERT INTO member_keys(key_id, member_id) VALUES (?, ?)",
                             (key_id, member_id))
        return record, f"{KEY_PREFIX}_{key_id}_{secret}"

    def verify(self, presented: str) -> ApiKey | None:
        """The active key matching this plain key, or None (constant-time comparison)."""
        check = self.check(presented)
        return check.verify() if check is not None else None

    def check(self, presented: str) -> KeyCheck | None:
        """The pending check of a presented key, or None for a malformed key or an unknown
        key id (refused without the KDF: key ids are 48 random bits, not worth guessing)."""
        found = _KEY_RE.match(presented.strip())
        if found is None:
            return None
        key_id, secret = found.groups()
        row = self.store.connection().execute(
            f"{_SELECT_KEYS} WHERE k.key_id=?", (key_id,)).fetchone()
        return None if row is None else KeyCheck(self, key_id, secret, row)

    def remembered(self, key_id: str, secret: str, expected: bytes) -> bool:
        """Whether this secret passed the KDF in this process against this stored hash."""
        known = self._verified.get((key_id, hashlib.sha256(secret.encode("ascii")).digest()))
        return known is not None and hmac.compare_digest(known, expected)

    def remember(self, key_id: str, secret: str, expected: bytes) -> None:
        """Remember a secret that passed the KDF (by its SHA-256, never in clear)."""
        if len(self._verified) >= VERIFIED_MEMO:
            self._verified.clear()
        self._verified[(key_id, hashlib.sha256(secret.encode("ascii")).digest())] = expected

    def all_keys(self, include_revoked: bool = True) -> list[ApiKey]:
        rows = self.store.connection().execute(
            f"{_SELECT_KEYS} ORDER BY k.created_at, k.key_id")
        keys = [_key(r) for r in rows]
        return keys if include_revoked else [k for k in keys if k.active]

    def get(self, key_id: str) -> ApiKey:
        row = self.store.connection().execute(
            f"{_SELECT_KEYS} WHERE k.key_id=?", (key_id,)).fetchone()
        if row is None:
            raise NotFound("key", key_id)
        return _key(row)

    def revoke(self, key_id: str) -> ApiKey:
        """Revoke a key (kept for the audit trail); revoking twice is harmless."""
        with self.store.transaction() as conn:
            found = conn.execute("SELECT 1 FROM api_keys WHERE key_id=?", (key_id,)).fetchone()
            if found is None:
                raise NotFound("key", key_id)
            conn.execute("UPDATE api_keys SET revoked_at=? WHERE key_id=? AND revoked_at IS NULL",
                         (_now(), key_id))
        return self.get(key_id)

    def active_admins(self) -> list[ApiKey]:
        return [k for k in self.all_keys(include_revoked=False) if k.role == "admin"]

    # -- failed key checks (api/auth.py's limiter; shared by replicas) ------------------------
    def record_failure(self, client: str, key_id: str, at: float, keep_s: float) -> None:
        """One failed key check by ``client`` with ``key_id`` at ``at`` (epoch seconds); rows
        older than ``keep_s`` are pruned."""
        with self.store.transaction() as conn:
            conn.execute("INSERT INTO auth_failures(client, key_id, at) VALUES (?, ?, ?)",
                         (client, key_id, at))
            conn.execute("DELETE FROM auth_failures WHERE at < ?", (at - keep_s,))

    def failures_since(self, client: str, key_id: str, since: float
                       ) -> tuple[int, float | None]:
        """(count, oldest time) of this client's failed checks of this key id after ``since``."""
        row = self.store.connection().execute(
            "SELECT COUNT(*), MIN(at) FROM auth_failures WHERE client=? AND key_id=? AND at > ?",
            (client, key_id, since)).fetchone()
        return int(row[0]), (float(row[1]) if row[1] is not None else None)

    # -- audit -------------------------------------------------------------------------------
    def audit(self, key_id: str, action: str, kind: str, ids: list[str] | tuple[str, ...],
              detail: dict[str, object] | None = None) -> None:
        """Record a write: who, when, what (ids and counts only, never contents)."""
        with self.store.transaction() as conn:
            conn.execute(
                "INSERT INTO audit_log(at, key_id, action, kind, ids, detail) VALUES (?,?,?,?,?,?)",
                (_now(), key_id, action, kind, json.dumps(list(ids)[:1000]),
                 json.dumps(detail or {})),
            )

    def audit_entries(self, limit: int = 100, offset: int = 0, key_id: str | None = None,
                      since: str | None = None) -> tuple[int, list[AuditEntry]]:
        """(total, page) of audit entries, newest first."""
        where, args = [], []
        if key_id:
            where.append("key_id=?")
            args.append(key_id)
        if since:
            where.append("at>=?")
            args.append(since)
        clause = f"WHERE {' AND '.join(where)}" if where else ""
        conn = self.store.connection()
        total = int(conn.execute(f"SELECT COUNT(*) FROM audit_log {clause}", args).fetchone()[0])
        rows = conn.execute(f"SELECT * FROM audit_log {clause} ORDER BY seq DESC LIMIT ? OFFSET ?",
                            [*args, limit, offset])
        return total, [AuditEntry(int(r["seq"]), r["at"], r["key_id"], r["action"], r["kind"],
                                  tuple(json.loads(r["ids"])), json.loads(r["detail"]))
                       for r in rows]


class KeyCheck:
    """A presented key whose id exists: ``remembered`` is the cheap part (no KDF), ``verify``
    the full check."""

    def __init__(self, keys: KeyStore, key_id: str, secret: str, row: Any) -> None:
        self.keys = keys
        self.key_id = key_id
        self._secret = secret
        self._row = row

    def _active(self) -> ApiKey | None:
        return None if self._row["revoked_at"] is not None else _key(self._row)

    def remembered(self) -> ApiKey | None:
        """The key, when this secret passed the KDF before against the same stored hash."""
        if self.keys.remembered(self.key_id, self._secret, bytes(self._row["hash"])):
            return self._active()
        return None

    def verify(self) -> ApiKey | None:
        """The active key when the secret is right (the KDF, unless remembered), else None."""
        expected = bytes(self._row["hash"])
        if not self.keys.remembered(self.key_id, self._secret, expected):
            actual = _hash(self._secret, bytes(self._row["salt"]), int(self._row["iterations"]))
            if not hmac.compare_digest(expected, actual):
                return None
            self.keys.remember(self.key_id, self._secret, expected)
        return self._active()


def _key(row: object) -> ApiKey:
    r = row
    return ApiKey(
        key_id=r["key_id"], name=r["name"], role=r["role"],  # type: ignore[index]
        spaces=tuple(json.loads(r["spaces"])), created_at=r["created_at"],  # type: ignore[index]
        revoked_at=r["revoked_at"], member_id=r["member_id"],  # type: ignore[index]
    )
