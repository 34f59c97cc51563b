"""Reconnect back-off schedules (pure).

X documents three separate schedules for its filtered stream, and the other platforms get the
gentlest of them: a dropped TCP connection is usually over in a second, an HTTP error is the
server saying "not now", and a 429 is an explicit order to wait.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Backoff:
    """``next()`` is the wait before the next try; ``reset()`` after a connection that worked."""

    first: float
    cap: float
    linear: bool = False
    _tries: int = 0

    def next(self) -> float:
        self._tries += 1
        if self.linear:
            return min(self.first * self._tries, self.cap)
        return min(self.first * 2 ** (self._tries - 1), self.cap)

    def reset(self) -> None:
        self._tries = 0


def network_backoff() -> Backoff:
    """TCP/IP level errors: back off linearly, 250 ms more each try, up to 16 s (X's rule)."""
    return Backoff(0.25, 16.0, linear=True)


def http_backoff() -> Backoff:
    """HTTP errors: start at 5 s and double each try, up to 320 s (X's rule)."""
    return Backoff(5.0, 320.0)


def rate_limit_backoff() -> Backoff:
    """HTTP 429: start at 1 minute and double each try (X's rule); capped at 15 minutes, X's window."""
    return Backoff(60.0, 900.0)
