"""Health and lag of one live connection, shared between its reader thread and whoever reports it."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any


@dataclass
class Health:
    """Counters a live source keeps. ``lag_seconds`` is now minus the newest event time seen."""

    name: str
    connected: bool = False
    connects: int = 0
    disconnects: int = 0
    records: int = 0
    errors: int = 0
    last_error: str | None = None
    last_record_at: float | None = None  # monotonic
    newest_event_time: datetime | None = None
    cursor: str | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def saw(self, event_time: datetime | None = None, cursor: str | None = None) -> None:
        with self._lock:
            self.records += 1
            self.last_record_at = time.monotonic()
            if event_time is not None and (self.newest_event_time is None or event_time > self.newest_event_time):
                self.newest_event_time = event_time
            if cursor is not None:
                self.cursor = cursor

    def up(self) -> None:
        with self._lock:
            self.connected = True
            self.connects += 1

    def down(self, error: str | None) -> None:
        with self._lock:
            if self.connected:
                self.disconnects += 1
            self.connected = False
            if error:
                self.errors += 1
                self.last_error = error[:500]

    def snapshot(self) -> dict[str, Any]:
        with self._lock:
            now = datetime.now(UTC)
            return {
                "source": self.name,
                "connected": self.connected,
                "connects": self.connects,
                "disconnects": self.disconnects,
                "records": self.records,
                "errors": self.errors,
                "last_error": self.last_error,
                "idle_seconds": None
                if self.last_record_at is None
                else round(time.monotonic() - self.last_record_at, 3),
                "lag_seconds": None
                if self.newest_event_time is None
                else round((now - self.newest_event_time).total_seconds(), 3),
                "cursor": self.cursor,
            }
