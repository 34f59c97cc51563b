"""Follower counts over time, rebuilt from an event stream, for accounts whose truth lacks them.

Only the accounts asked about are tracked, so a ten-million-event file is read in one pass with
memory proportional to those accounts' follower changes.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from pathlib import Path

import msgspec

from cauterize.events import AccountCreated, Follow, ProfileChanged, Unfollow, decode_event

_KINDS = (b'"follow"', b'"unfollow"', b'"account_created"', b'"profile_changed"')


class FollowerTimeline:
    """Change points ``(time, count)`` in stream order."""

    __slots__ = ("points",)

    def __init__(self) -> None:
        self.points: list[tuple[datetime, int]] = []

    def set(self, when: datetime, count: int) -> None:
        self.points.append((when, count))

    def add(self, when: datetime, delta: int) -> None:
        current = self.points[-1][1] if self.points else 0
        self.points.append((when, max(0, current + delta)))

    def at(self, when: datetime) -> int:
        count = 0
        for t, n in self.points:
            if t > when:
                break
            count = n
        return count


def follower_timelines(
    events_path: str | Path, accounts: Iterable[tuple[str, str]]
) -> dict[tuple[str, str], FollowerTimeline]:
    """Scan canonical JSONL once; creation and profile snapshots set the count, follows move it."""
    wanted = set(accounts)
    out: dict[tuple[str, str], FollowerTimeline] = {k: FollowerTimeline() for k in wanted}
    # Cheap byte pre-filters, so most lines of a large stream are never decoded.
    needles = [k[1].encode() for k in wanted] if len(wanted) <= 64 else None
    with Path(events_path).open("rb") as fp:
        for line in fp:
            if not any(k in line for k in _KINDS):
                continue
            if needles is not None and not any(n in line for n in needles):
                continue
            try:
                ev = decode_event(line)
            except (msgspec.ValidationError, msgspec.DecodeError):
                continue
            if isinstance(ev, Follow | Unfollow):
                tl = out.get((ev.platform, ev.target))
                if tl is not None:
                    tl.add(ev.time, 1 if isinstance(ev, Follow) else -1)
            elif isinstance(ev, AccountCreated | ProfileChanged) and ev.followers_count is not None:
                tl = out.get((ev.platform, ev.actor))
                if tl is not None:
                    tl.set(ev.time, ev.followers_count)
    return out
