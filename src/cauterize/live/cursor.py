"""A stream cursor kept on disk, written behind the pipeline so that a restart loses nothing.

A cursor saved the moment a record is read could name a record the pipeline had not yet
committed when the process died. So the file is given the cursor that was current ``lag``
seconds ago (more than the pipeline's flush bound, ``max_batch_seconds``): everything up to it has
been written. A restart replays those few seconds, and the store's idempotency by event id makes
the replay a no-op. Written by rename, so a crash mid-write leaves the old cursor.
"""

from __future__ import annotations

import os
import time
from collections import deque
from pathlib import Path


class CursorFile:
    def __init__(self, path: Path | None, lag: float = 10.0):
        self.path, self.lag = path, lag
        self._recent: deque[tuple[float, str]] = deque()
        self._written: str | None = None

    def load(self) -> str | None:
        if self.path is None or not self.path.exists():
            return None
        text = self.path.read_text().strip()
        return text or None

    def advance(self, cursor: str, now: float | None = None) -> None:
        """Note the cursor of a record just handed on; save the newest one older than ``lag``."""
        now = time.monotonic() if now is None else now
        self._recent.append((now, cursor))
        due = None
        while self._recent and now - self._recent[0][0] >= self.lag:
            due = self._recent.popleft()[1]
        if due is not None:
            self._save(due)

    def _save(self, cursor: str) -> None:
        if self.path is None or cursor == self._written:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(self.path.suffix + ".tmp")
        tmp.write_text(cursor + "\n")
        os.replace(tmp, self.path)
        self._written = cursor
