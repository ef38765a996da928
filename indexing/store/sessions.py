"""Sign-in sessions and one-time sign-in links, in the store beside the keys (issue #28).

A session is a person signed in to the page: who (a subject such as ``oidc:<issuer>|<sub>`` or
``link:m-0042``), their name, the role and spaces they act with, the member they are (if any),
and when it expires. Its token lives in the browser's cookie; the store keeps only its SHA-256,
so every replica honours a session and ending it (sign-out) is seen by all of them at once.

A sign-in link is a one-time token a coordinator issues for one member: stored hashed, with its
expiry; using it marks it used in the same statement that checks it, so it works once, on any
replica. Tokens are 256 random bits, so a plain hash (no KDF) is enough.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import time
from dataclasses import dataclass

from indexing.errors import WellspringError
from indexing.store.protocol import SqlStore

SESSIONS_DDL = """
CREATE TABLE IF NOT EXISTS sessions(
    id_hash TEXT PRIMARY KEY, subject TEXT NOT NULL, name TEXT NOT NULL, role TEXT NOT NULL,
    member_id TEXT, spaces TEXT NOT NULL, via TEXT NOT NULL,
    created_at REAL NOT NULL, expires_at REAL NOT NULL);
CREATE INDEX IF NOT EXISTS sessions_expiry ON sessions(expires_at);
CREATE TABLE IF NOT EXISTS sign_in_links(
    token_hash TEXT PRIMARY KEY, member_id TEXT NOT NULL, issued_by TEXT NOT NULL,
    created_at REAL NOT NULL, expires_at REAL NOT NULL, used_at REAL);
CREATE INDEX IF NOT EXISTS sign_in_links_expiry ON sign_in_links(expires_at);
CREATE TABLE IF NOT EXISTS member_keys(key_id TEXT PRIMARY KEY, member_id TEXT NOT NULL)
"""
LINK_KEEP_S = 7 * 86_400  # used or expired links are kept this long (the audit log has them)


class LinkRefused(WellspringError):
    """A sign-in link that is unknown, already used or expired (one answer for all three)."""

    field = "token"


@dataclass(frozen=True)
class Identity:
    """Who signs in, as the sign-in decided: what a new session is opened for."""

    subject: str
    name: str
    role: str
    member_id: str | None = None
    spaces: tuple[str, ...] = ()
    via: str = "oidc"


@dataclass(frozen=True)
class Session:
    """A live session (its token is never kept; ``session_id`` is a prefix of its hash, for
    the audit log)."""

    session_id: str
    identity: Identity
    created_at: float
    expires_at: float


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class SessionStore:
    """Sessions and sign-in links over a store's database."""

    def __init__(self, store: SqlStore) -> None:
        self.store = store

    # -- sessions -----------------------------------------------------------------------------
    def open(self, identity: Identity, ttl_s: float, now: float | None = None
             ) -> tuple[Session, str]:
        """A new session for ``identity``; returns it and its token (for the cookie only).
        Expired sessions are pruned on the way."""
        now = time.time() if now is None else now
        token = secrets.token_urlsafe(32)
        digest = token_hash(token)
        with self.store.transaction() as conn:
            conn.execute("DELETE FROM sessions WHERE expires_at < ?", (now,))
            conn.execute(
                "INSERT INTO sessions(id_hash, subject, name, role, member_id, spaces, via, "
                "created_at, expires_at) VALUES (?,?,?,?,?,?,?,?,?)",
                (digest, identity.subject, identity.name, identity.role, identity.member_id,
                 json.dumps(list(identity.spaces)), identity.via, now, now + ttl_s))
        return Session(digest[:12], identity, now, now + ttl_s), token

    def find(self, token: str, now: float | None = None) -> Session | None:
        """The live session of this token, or None (unknown, ended or expired)."""
        if not token or len(token) > 128:
            return None
        now = time.time() if now is None else now
        digest = token_hash(token)
        row = self.store.connection().execute(
            "SELECT * FROM sessions WHERE id_hash=? AND expires_at > ?", (digest, now)).fetchone()
        if row is None:
            return None
        identity = Identity(subject=row["subject"], name=row["name"], role=row["role"],
                            member_id=row["member_id"], spaces=tuple(json.loads(row["spaces"])),
                            via=row["via"])
        return Session(digest[:12], identity, float(row["created_at"]),
                       float(row["expires_at"]))

    def end(self, token: str) -> bool:
        """End the session of this token (sign-out); whether there was one."""
        with self.store.transaction() as conn:
            cursor = conn.execute("DELETE FROM sessions WHERE id_hash=?", (token_hash(token),))
            return bool(cursor.rowcount)

    # -- sign-in links ------------------------------------------------------------------------
    def issue_link(self, member_id: str, issued_by: str, ttl_s: float,
                   now: float | None = None) -> tuple[str, float]:
        """A one-time sign-in token for ``member_id``; returns it and its expiry (epoch s)."""
        now = time.time() if now is None else now
        token = secrets.token_urlsafe(32)
        with self.store.transaction() as conn:
            conn.execute("DELETE FROM sign_in_links WHERE expires_at < ?", (now - LINK_KEEP_S,))
            conn.execute(
                "INSERT INTO sign_in_links(token_hash, member_id, issued_by, created_at, "
                "expires_at) VALUES (?,?,?,?,?)",
                (token_hash(token), member_id, issued_by, now, now + ttl_s))
        return token, now + ttl_s

    def use_link(self, token: str, now: float | None = None) -> str:
        """The member a link signs in, marking it used in the same statement that checks it is
        unused and unexpired (so it works once, whichever replica sees it first).

        Raises :class:`LinkRefused` for an unknown, used or expired token."""
        now = time.time() if now is None else now
        if not token or len(token) > 128:
            raise LinkRefused("this sign-in link is unknown, used or expired")
        digest = token_hash(token)
        with self.store.transaction() as conn:
            cursor = conn.execute(
                "UPDATE sign_in_links SET used_at=? WHERE token_hash=? AND used_at IS NULL "
                "AND expires_at > ?", (now, digest, now))
            if cursor.rowcount != 1:
                raise LinkRefused("this sign-in link is unknown, used or expired")
            row = conn.execute("SELECT member_id FROM sign_in_links WHERE token_hash=?",
                               (digest,)).fetchone()
        return str(row[0])
