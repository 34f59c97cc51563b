"""Request rate limits per client address and per credential, as token buckets in memory.

A console on a platform's network is still reachable by every script with a token and every
browser with a session: one runaway client must not starve the reviewers. Each request takes a
token from its client's bucket and from its credential's bucket (the API token or session
cookie it presents, hashed); an empty bucket answers 429 with ``Retry-After``. Health checks
are never limited. Buckets live in this process: behind several server processes each enforces
its own share.
"""

from __future__ import annotations

import hashlib
import threading
import time
from dataclasses import dataclass


@dataclass(slots=True)
class _Bucket:
    tokens: float
    at: float


class RateLimiter:
    def __init__(self, per_minute: float, burst: float | None = None, max_keys: int = 50_000):
        self.rate = per_minute / 60.0
        self.burst = burst if burst is not None else max(per_minute / 6.0, 1.0)
        self.max_keys = max_keys
        self._buckets: dict[str, _Bucket] = {}
        self._lock = threading.Lock()

    def take(self, key: str, now: float | None = None) -> float:
        """0.0 when allowed; else the seconds until a token is free."""
        now = time.monotonic() if now is None else now
        with self._lock:
            b = self._buckets.get(key)
            if b is None:
                if len(self._buckets) >= self.max_keys:
                    self._buckets.clear()  # crude but bounded: forgetting is the safe direction
                b = self._buckets[key] = _Bucket(self.burst, now)
            b.tokens = min(self.burst, b.tokens + (now - b.at) * self.rate)
            b.at = now
            if b.tokens >= 1.0:
                b.tokens -= 1.0
                return 0.0
            return (1.0 - b.tokens) / self.rate if self.rate > 0 else 60.0


def credential_key(authorization: str, session_cookie: str | None) -> str | None:
    raw = authorization or session_cookie
    if not raw:
        return None
    return hashlib.sha256(raw.encode()).hexdigest()[:32]
