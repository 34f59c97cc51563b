"""What the stateful detectors may read during a backfill: account state as the archive has it so far.

In the stream, ``ctx.account`` reads the store. A backfill into Parquet has no store, and one
into a store must not see the archive's future, so the ordered pass keeps the same view from
the events it has already applied, in event-time order: the latest handle and the status the
last enforcement left (the same table ``store/project.py`` applies).
"""

from __future__ import annotations

from types import SimpleNamespace

from cauterize.events import AccountCreated, EnforcementApplied, Event, ProfileChanged
from cauterize.store.project import STATUS_AFTER


class ArchiveContext:
    def __init__(self) -> None:
        self._handle: dict[tuple[str, str], str] = {}
        self._status: dict[tuple[str, str], str] = {}
        self._seen: set[tuple[str, str]] = set()

    def apply(self, event: Event) -> None:
        key = (event.platform, event.actor)
        self._seen.add(key)
        if isinstance(event, AccountCreated | ProfileChanged) and event.handle:
            self._handle[key] = event.handle
        elif isinstance(event, EnforcementApplied) and not (
            event.post_id and event.action in ("withhold", "unwithhold")
        ):
            status = STATUS_AFTER.get(event.action)
            if status is not None:
                self._status[key] = status

    def account(self, platform: str, account_id: str) -> SimpleNamespace | None:
        key = (platform, account_id)
        if key not in self._seen:
            return None
        return SimpleNamespace(
            platform=platform,
            account_id=account_id,
            handle=self._handle.get(key),
            status=self._status.get(key, "active"),
        )
