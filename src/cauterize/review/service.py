"""One object the console, the HTTP API and the CLI share: store, settings, users, sinks."""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from typing import Any

from cauterize.config import Config
from cauterize.events import Event, encode_event
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
        self._pipeline: Any = None
        self._pipeline_lock = threading.Lock()
        self._policy: Any = None
        for sink in self.sinks.values():
            attach = getattr(sink, "attach", None)
            if attach is not None:
                attach(self.ingest)

    def is_trusted(self, platform: str, account_id: str) -> bool:
        """On the policy's trusted list (journalists, researchers, police, counter-messaging):
        the console marks these accounts wherever a reviewer can act on them."""
        if self._policy is None:
            from cauterize.policy.registry import build_policy

            self._policy = build_policy(self.cfg.policy)
        check = getattr(self._policy, "is_trusted", None)
        return bool(check and check(platform, account_id))

    def attach_pipeline(self, pipeline: Any, lock: threading.Lock) -> None:
        """Share the server's pipeline (and the lock its ingest endpoint runs it under)."""
        self._pipeline, self._pipeline_lock = pipeline, lock

    def ingest(self, events: list[Event]) -> None:
        """Run canonical events through the pipeline: how cauterize's own actions reach its detectors."""
        from cauterize.ingest.sources import BytesSource

        body = b"\n".join(encode_event(e) for e in events)
        with self._pipeline_lock:
            if self._pipeline is None:  # the CLI: no server pipeline to share, build one
                from cauterize.app import build_pipeline

                self._pipeline = build_pipeline(self.cfg, self.store)
            self._pipeline.run([BytesSource(body, "cauterize-actions")], "jsonl")

    def sync(self, now: datetime | None = None, min_interval: float = 0.0) -> list[int]:
        """Bring cases up to date with new decisions, then run the automatic actions they call for."""
        import time

        if min_interval and time.monotonic() - self._last_sync < min_interval:
            return []
        from sqlalchemy.exc import IntegrityError, OperationalError

        remote = getattr(self._pipeline, "remote_sync", None)
        if remote is not None:  # the console's ingest process does every write (web/ingest_worker.py)
            with self._lock:
                self._last_sync = time.monotonic()
                return remote()  # type: ignore[no-any-return]
        with self._lock:
            self._last_sync = time.monotonic()
            try:
                touched = cases.sync(self.engine, self.settings, now)
            except (IntegrityError, OperationalError) as exc:
                # Another process (the console's ingest worker, a CLI run) synced the same
                # decisions at the same moment: its transaction won, ours rolled back whole.
                # (A store that is really down says so on the next sync, and in the log here.)
                import logging

                logging.getLogger("cauterize.review").warning("case sync skipped: %s", exc)
                return []
            if touched:
                actions.auto_execute(
                    self.engine, touched, self.sinks, self.settings.daily_caps, self.settings.shadow, now
                )
            return touched

    def sync_soon(self, min_interval: float = 2.0) -> None:
        """Start a sync in the background if none is running and the last is older than
        ``min_interval``; never wait for one. A page a reviewer opens reads the cases as they are:
        making it wait for a sync (a large ingest's decisions can take a minute to case up)
        froze the queue for everyone."""
        import time

        if time.monotonic() - self._last_sync < min_interval or self._lock.locked():
            return

        def run() -> None:
            try:
                self.sync(min_interval=min_interval)
            except Exception:  # the background loop and the next page retry; the log has it
                import logging

                logging.getLogger("cauterize.review").exception("background sync")

        threading.Thread(target=run, name="review-sync", daemon=True).start()

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
