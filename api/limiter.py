"""Failed key checks, counted per key id and client in the store (every replica counts the
same), and the 429 that follows (docs/SECURITY.md)."""

from __future__ import annotations

import time

from indexing.errors import WellspringError
from indexing.store.keys import KeyStore

FAILURE_LIMIT = 10  # wrong secrets for one key id from one client ...
FAILURE_WINDOW_S = 60.0  # ... within this window, then 429 until the window slides past


class TooManyAttempts(WellspringError):
    """Too many failed key checks from one client."""

    field = "X-API-Key"

    code = "too_many_attempts"  # with params seconds, for a client to translate

    def __init__(self, retry_after: int) -> None:
        self.headers = {"Retry-After": str(retry_after)}
        super().__init__(f"too many failed key checks; retry in {retry_after} s",
                         params={"seconds": retry_after})


class FailureLimiter:
    """Failed checks of one key id from one client in a sliding window, kept in the store
    (``auth_failures``) so that every replica on one database counts the same failures.

    Only a wrong secret for an existing key id counts (the one failure that costs a KDF); a
    client over the limit for a key id is refused that key id's unremembered secrets without
    the KDF. Its other keys, and the same key from other clients, are never refused.
    """

    def __init__(self, keys: KeyStore, limit: int = FAILURE_LIMIT,
                 window_s: float = FAILURE_WINDOW_S) -> None:
        self.keys = keys
        self.limit = limit
        self.window_s = window_s

    def check(self, client: str, key_id: str) -> None:
        """Raise TooManyAttempts while this client is over the limit for this key id."""
        now = time.time()
        count, oldest = self.keys.failures_since(client, key_id, now - self.window_s)
        if count >= self.limit and oldest is not None:
            raise TooManyAttempts(max(1, int(oldest + self.window_s - now) + 1))

    def failed(self, client: str, key_id: str) -> None:
        self.keys.record_failure(client, key_id, time.time(),
                                 keep_s=max(self.window_s, 3600.0))
