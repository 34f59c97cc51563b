"""Accounts that appeared or changed a name-like field recently, by the keys a fingerprint has.

When a suspension arrives after its replacement was already seen (a compliance feed ingested
late, a takedown the platform reports hours after the fact), the replacement was scored against
a registry that did not hold its parent yet. This index finds the accounts worth scoring again
against the new fingerprint without scanning every profile: one dict lookup per key of the
fingerprint (handle skeletons and consonant frames, display-name key, avatar).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from datetime import datetime, timedelta

from cauterize.evasion.handles import consonants, name_key, skeleton

#: A key shared by more recent accounts than this (a generic name, a default avatar) only
#: proposes its newest ones: re-scoring hundreds of namesakes costs more than it can find.
PER_KEY = 50


def profile_keys(handles: Iterable[str | None], display_name: str | None, avatar_hash: str | None) -> tuple[str, ...]:
    keys: dict[str, None] = {}
    for h in handles:
        if h:
            if s := skeleton(h):
                keys["s:" + s] = None
            if c := consonants(h):
                keys["c:" + c] = None
    if display_name and (n := name_key(display_name)):
        keys["n:" + n] = None
    if avatar_hash:
        keys["a:" + avatar_hash] = None
    return tuple(keys)


class RecentAccounts:
    def __init__(self, window: timedelta, limit: int = 1_000_000):
        self.window = window
        self.limit = limit
        self._order: deque[tuple[datetime, str, tuple[str, ...]]] = deque()
        #: key -> {account: time seen under it}, insertion (time) ordered.
        self._by_key: dict[str, dict[str, datetime]] = {}
        self.seen_at: dict[str, datetime] = {}

    def __len__(self) -> int:
        return len(self.seen_at)

    def add(self, acct: str, at: datetime, keys: tuple[str, ...]) -> None:
        for k in keys:
            bucket = self._by_key.setdefault(k, {})
            bucket.pop(acct, None)
            bucket[acct] = at
        self.seen_at[acct] = at
        self._order.append((at, acct, keys))
        while len(self._order) > self.limit:
            self._drop(*self._order.popleft())

    def expire(self, now: datetime) -> None:
        try:
            horizon = now - self.window
        except OverflowError:
            return
        order = self._order
        while order and order[0][0] < horizon:
            self._drop(*order.popleft())

    def _drop(self, at: datetime, acct: str, keys: tuple[str, ...]) -> None:
        for k in keys:
            bucket = self._by_key.get(k)
            if bucket is not None and bucket.get(acct) == at:
                del bucket[acct]
                if not bucket:
                    del self._by_key[k]
        if self.seen_at.get(acct) == at:
            del self.seen_at[acct]

    def matching(self, keys: Iterable[str]) -> list[str]:
        """Accounts seen under any of ``keys``, oldest first (deterministic)."""
        found: dict[str, datetime] = {}
        for k in keys:
            bucket = self._by_key.get(k)
            if bucket:
                items = list(bucket.items())
                for acct, at in items[-PER_KEY:]:
                    found[acct] = at
        return sorted(found, key=lambda a: (found[a], a))
