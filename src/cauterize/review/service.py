"""One object the console, the HTTP API and the CLI share: store, settings, users, sinks."""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from typing import Any

from cauterize.config import Config
from cauterize.review import actions, cases
from cauterize.review.auth import Users
from cauterize.review.settings import ReviewSettings
from cauterize.review.sinks import build_sinks
from cauterize.store.store import Store


class ReviewService:
    def __init__(self, cfg: Config, store: Store, settings: ReviewSettings | None = None):
        self.cfg = cfg
        self.store = store
        self.engine = store.engine
        self.settings = settings or ReviewSettings.from_config(cfg)
        self.users = Users(self.engine, self.settings.argon2)
        self.sinks = build_sinks(
            self.settings.sinks, self.settings.path, self.settings.max_attempts, self.settings.retry_base_seconds
        )
        self._last_sync = 0.0
        self._lock = threading.Lock()

    def sync(self, now: datetime | None = None, min_interval: float = 0.0) -> list[int]:
        """Bring cases up to date with new decisions, then run the automatic actions they call for."""
        import time

        if min_interval and time.monotonic() - self._last_sync < min_interval:
            return []
        with self._lock:
            self._last_sync = time.monotonic()
            touched = cases.sync(self.engine, self.settings, now)
            if touched:
                actions.auto_execute(
                    self.engine, touched, self.sinks, self.settings.daily_caps, self.settings.shadow, now
                )
            return touched

    def deliver(self, now: datetime | None = None) -> dict[str, int]:
        from cauterize.review.outbox import deliver_due

        return deliver_due(
            self.engine,
            self.sinks,
            self.settings.max_attempts,
            self.settings.retry_base_seconds,
            now or datetime.now(UTC),
        )

    def signing_key(self) -> Any:
        from cauterize.review.escalation import load_or_create_key

        return load_or_create_key(self.settings.signing_key or self.settings.data_dir / "evidence-ed25519.pem")
