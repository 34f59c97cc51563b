"""The live loop: platform streams in, decisions and cases, actions out to the platform.

One pipeline reads every live source (merged onto one stream of records, a tick whenever all
are quiet), with tight wall-clock bounds (``flush_seconds``) so a post becomes a decision within
about a second. A second thread keeps the review side current every ``sync_seconds``: cases from
new decisions (and the automatic actions the policy allows), then delivery of every due outbox
row to the sinks, which is how a reviewer's click in the console (another process sharing the
store) reaches the platform. Health (per source: connected, reconnects, records, lag; and
the outbox) is written to ``<data_dir>/live/status.json`` every ``sync_seconds``.

The ``registry`` sink is detached here: it feeds actions back through a pipeline, and this
process's pipeline is busy with the stream. On a live platform the platform's own enforcement
event (Bluesky's ``#account``, Mastodon's ``account.updated``) reaches the registry instead.
"""

from __future__ import annotations

import json
import logging
import os
import queue
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from cauterize.config import Config
from cauterize.ingest.base import RawRecord
from cauterize.live.source import LiveSource

log = logging.getLogger("cauterize.live")


class MergedSource:
    """Several live sources as one: records in arrival order, a tick when none has any."""

    live = True

    def __init__(self, sources: list[LiveSource], tick_seconds: float = 0.25):
        self.sources = sources
        self.name = sources[0].name if len(sources) == 1 else "live:" + "+".join(s.name for s in sources)
        self.tick_seconds = tick_seconds
        self._inbox: queue.Queue[RawRecord | BaseException | None] = queue.Queue(10_000)

    def stop(self) -> None:
        for s in self.sources:
            s.stop()

    def records(self) -> Iterator[RawRecord]:
        if len(self.sources) == 1:
            yield from self.sources[0].records()
            return
        running = len(self.sources)

        def pump(src: LiveSource) -> None:
            try:
                for rec in src.records():
                    if not rec.tick:
                        self._inbox.put(rec)
            except BaseException as exc:  # one source's fatal error stops the run: it is named
                self._inbox.put(exc)
            self._inbox.put(None)

        for src in self.sources:
            threading.Thread(target=pump, args=(src,), name=f"cauterize-merge-{src.name}", daemon=True).start()
        while running:
            try:
                item = self._inbox.get(timeout=self.tick_seconds)
            except queue.Empty:
                yield RawRecord(self.name, 0, b"", tick=True)
                continue
            if item is None:
                running -= 1
            elif isinstance(item, BaseException):
                self.stop()
                raise item
            else:
                yield item


class LiveLoop:
    def __init__(
        self,
        cfg: Config,
        sources: list[LiveSource],
        fmt: str,
        act: list[dict[str, Any]] | None = None,
        flush_seconds: float = 0.5,
        sync_seconds: float = 1.0,
    ):
        from cauterize.app import build_pipeline, open_store
        from cauterize.review.service import ReviewService
        from cauterize.review.sinks import build_sinks

        self.cfg, self.sources, self.fmt = cfg, sources, fmt
        self.sync_seconds = sync_seconds
        self.store = open_store(cfg)
        self.pipeline = build_pipeline(cfg, self.store)
        self.pipeline.max_batch_seconds = min(self.pipeline.max_batch_seconds, flush_seconds)
        if self.pipeline.max_hold_seconds is not None:
            self.pipeline.max_hold_seconds = min(self.pipeline.max_hold_seconds, flush_seconds)
        self.review = ReviewService(cfg, self.store)
        extra = build_sinks(act or [], lambda p: (cfg.data_dir / p) if not Path(p).is_absolute() else Path(p))
        for name, sink in extra.items():
            if name in self.review.sinks:
                raise ValueError(f"--act: a sink named {name!r} is already configured in [review.sinks]")
            self.review.sinks[name] = sink
        for name in [n for n, s in self.review.sinks.items() if s.kind == "registry"]:
            log.info("live: sink %r (registry) detached; the platform's own enforcement events feed the registry", name)
            del self.review.sinks[name]
        for name, sink in self.review.sinks.items():
            prepare = getattr(sink, "prepare", None)
            if prepare is not None:
                try:
                    prepare()
                except Exception as exc:  # the platform may be down now; the first delivery retries
                    log.warning("live: sink %r could not prepare: %s", name, exc)
        # A held event is released on the next record or tick: ticks at half the flush bound keep
        # "no live event waits longer than flush_seconds" true during a quiet spell too.
        for src in sources:
            src.tick_seconds = min(src.tick_seconds, flush_seconds / 2)
        self.merged = MergedSource(sources, tick_seconds=flush_seconds / 2)
        self.status_path = cfg.data_dir / "live" / "status.json"
        self._stop = threading.Event()
        self.last_sync: dict[str, Any] = {}

    def status(self) -> dict[str, Any]:
        return {
            "time": time.time(),
            "sources": [s.health.snapshot() for s in self.sources],
            "review": self.last_sync,
            "sinks": sorted(self.review.sinks),
        }

    def _review_loop(self) -> None:
        while not self._stop.wait(self.sync_seconds):
            try:
                touched = self.review.sync()
                sent = self.review.deliver()
                self.last_sync = {"cases_touched": len(touched), **sent, "at": time.time()}
            except Exception as exc:  # the store busy, a sink's bug: said, and tried again next second
                log.warning("live review sync: %s: %s", type(exc).__name__, exc)
                self.last_sync = {"error": f"{type(exc).__name__}: {exc}"[:500], "at": time.time()}
            try:
                self.status_path.parent.mkdir(parents=True, exist_ok=True)
                tmp = self.status_path.with_suffix(".tmp")
                tmp.write_text(json.dumps(self.status(), default=str))
                os.replace(tmp, self.status_path)
            except OSError as exc:
                log.warning("live status: %s", exc)

    def stop(self) -> None:
        self._stop.set()
        self.merged.stop()

    def run(self) -> Any:
        """Run until ``stop()`` (or a source's fatal error); returns the pipeline's summary."""
        reviewer = threading.Thread(target=self._review_loop, name="cauterize-live-review", daemon=True)
        reviewer.start()
        try:
            return self.pipeline.run([self.merged], self.fmt)
        finally:
            self._stop.set()
            reviewer.join(timeout=5)
