"""The worker loop: consume a batch -> pipeline (store commit) -> publish -> commit offsets.

Every effect is idempotent by event id: the pipeline skips events the store holds before any
detector sees them, and decisions are unique by (platform, event id, account, policy). So the
only rule for exactly-once *effects* over at-least-once *delivery* is the order above: an
offset is committed only after the store has committed, and the run's messages are
acknowledged by the broker. A worker killed anywhere in between leaves offsets behind the
store; the partition's next owner reads those records again, finds their events stored and
does nothing but publish what the dead worker may not have (see ``publish``).

A restarted worker rebuilds its detectors' state from the database (``SharedState.warm_up``),
never from the topic's start, and from then on reads what other workers store
(``SharedState.catch_up``) before each batch.
"""

from __future__ import annotations

import json
import logging
import signal
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cauterize.ingest.base import Adapter, RawRecord
from cauterize.pipeline import Pipeline
from cauterize.store.store import Store
from cauterize.stream.client import Topics, kafka
from cauterize.stream.publish import Publisher
from cauterize.stream.shared_state import SharedState

log = logging.getLogger("cauterize.worker")


class PartitionSource:
    """One partition's records of one batch, as a pipeline source (named by the partition, so
    a redelivered bad record is recognised as the dead letter already stored)."""

    live = False

    def __init__(self, topic: str, partition: int) -> None:
        self.name = f"kafka:{topic}/{partition}"
        self.items: list[RawRecord] = []

    def records(self) -> Iterator[RawRecord]:
        yield from self.items


@dataclass
class WorkerStats:
    batches: int = 0
    records: int = 0
    events_new: int = 0
    duplicates: int = 0
    dead_letters: int = 0
    decisions: int = 0
    shared_fed: int = 0
    warm_up_events: int = 0
    commit_failures: int = 0
    republished_runs: int = 0
    #: Seconds from a record's broker timestamp (produce time) to its batch's decisions sent.
    latencies: list[float] = field(default_factory=list)
    started: float = field(default_factory=time.time)
    #: When the first batch arrived: with ``last_commit``, the span the worker was busy.
    first_record: float | None = None
    last_commit: float | None = None

    def as_dict(self) -> dict[str, Any]:
        lat = sorted(self.latencies)

        def pct(q: float) -> float | None:
            return round(lat[min(int(q * len(lat)), len(lat) - 1)], 4) if lat else None

        busy = (self.last_commit - self.first_record) if self.first_record and self.last_commit else None
        return {
            "batches": self.batches,
            "records": self.records,
            "events_new": self.events_new,
            "duplicates": self.duplicates,
            "dead_letters": self.dead_letters,
            "decisions": self.decisions,
            "shared_fed": self.shared_fed,
            "warm_up_events": self.warm_up_events,
            "commit_failures": self.commit_failures,
            "republished_runs": self.republished_runs,
            "latency_p50_s": pct(0.5),
            "latency_p99_s": pct(0.99),
            "latency_samples": len(lat),
            "busy_seconds": round(busy, 3) if busy else None,
            "records_per_busy_second": round(self.records / busy) if busy else None,
        }


class Worker:
    def __init__(
        self,
        pipeline: Pipeline,
        store: Store,
        consumer_conf: dict[str, Any],
        producer_conf: dict[str, Any],
        topics: Topics,
        fmt: str | Adapter = "auto",
        *,
        max_batch: int = 5000,
        poll_seconds: float = 0.5,
        shared_kinds: list[str] | None = None,
    ) -> None:
        ck = kafka()
        self.ck = ck
        self.pipeline = pipeline
        self.store = store
        self.topics = topics
        self.fmt = fmt
        self.max_batch = max_batch
        self.poll_seconds = poll_seconds
        self.consumer = ck.Consumer(consumer_conf)
        self.producer = ck.Producer(producer_conf)
        self.publisher = Publisher(store, self.producer, topics)
        self.shared = SharedState(store, pipeline.detectors, pipeline.ctx, shared_kinds)
        self.stats = WorkerStats()
        self.stop = threading.Event()
        self._assigned: set[tuple[str, int]] = set()
        self._newly_assigned: set[tuple[str, int]] = set()
        #: Per partition: broker timestamp (ms) of the last record taken, and the next offset.
        self._last_ts: dict[tuple[str, int], int] = {}
        self._next: dict[tuple[str, int], int] = {}
        self._paused: set[tuple[str, int]] = set()

    # -- group membership -------------------------------------------------------------------

    def _on_assign(self, consumer: Any, partitions: list[Any]) -> None:
        got = {(p.topic, p.partition) for p in partitions}
        self._assigned |= got
        self._newly_assigned |= got
        log.info("assigned %s", sorted(got))

    def _on_revoke(self, consumer: Any, partitions: list[Any]) -> None:
        # Nothing to hand over: every batch was committed (store, messages, offsets) before
        # the poll that delivered this callback.
        gone = {(p.topic, p.partition) for p in partitions}
        self._assigned -= gone
        self._paused -= gone
        for tp in gone:
            self._last_ts.pop(tp, None)
            self._next.pop(tp, None)
        log.info("revoked %s", sorted((p.topic, p.partition) for p in partitions))

    # -- the loop -----------------------------------------------------------------------------

    def run(self, idle_exit: float | None = None, stats_path: Path | None = None) -> WorkerStats:
        """Consume until stopped (SIGTERM/SIGINT, ``stop``), or ``idle_exit`` seconds without input."""
        if threading.current_thread() is threading.main_thread():
            for sig in (signal.SIGTERM, signal.SIGINT):
                signal.signal(sig, lambda *_: self.stop.set())
        # The pipeline's own replay would read everything again; ours also sets where the
        # catch-up starts.
        self.pipeline._warmed = True
        self.stats.warm_up_events = self.shared.warm_up()
        self.consumer.subscribe([self.topics.input], on_assign=self._on_assign, on_revoke=self._on_revoke)
        idle_since = time.monotonic()
        try:
            while not self.stop.is_set():
                messages = self.consumer.consume(self.max_batch, self.poll_seconds)
                if self._newly_assigned:
                    self.stats.republished_runs += self.publisher.publish_pending(self._newly_assigned)
                    self._newly_assigned.clear()
                if not messages:
                    self.producer.poll(0)
                    self._align()  # a paused partition may be the one left to read
                    if not self._assigned or self._paused:
                        idle_since = time.monotonic()  # joining the group, or held partitions, is not idleness
                    elif idle_exit is not None and time.monotonic() - idle_since > idle_exit:
                        break
                    continue
                idle_since = time.monotonic()
                self._batch(messages)
                self._align()
                if stats_path is not None:
                    self._write_stats(stats_path)
        finally:
            self.consumer.close()
            self.producer.flush(30)
            if stats_path is not None:
                self._write_stats(stats_path)
        return self.stats

    def _batch(self, messages: list[Any]) -> None:
        sources: dict[tuple[str, int], PartitionSource] = {}
        offsets: dict[tuple[str, int], int] = {}
        stamps: list[float] = []
        for m in messages:
            err = m.error()
            if err is not None:
                if err.fatal():
                    raise self.ck.KafkaException(err)
                log.warning("consumer: %s", err)
                continue
            tp = (m.topic(), m.partition())
            src = sources.get(tp)
            if src is None:
                src = sources[tp] = PartitionSource(*tp)
            src.items.append(RawRecord(src.name, m.offset(), m.value() or b""))
            offsets[tp] = m.offset() + 1
            kind, ts = m.timestamp()
            if kind != self.ck.TIMESTAMP_NOT_AVAILABLE:
                stamps.append(ts / 1000)
                self._last_ts[tp] = ts
        if not sources:
            return
        now = time.time()
        if self.stats.first_record is None:
            self.stats.first_record = now
        self.stats.shared_fed += self.shared.catch_up()
        summary = self.pipeline.run_unlocked(list(sources.values()), self.fmt)
        if summary.run_id is not None:
            self.shared.own_runs.add(summary.run_id)
            decisions = self.publisher.publish_run(summary.run_id)
        else:  # pragma: no cover - the pipeline always starts a run
            decisions = []
        done = time.time()
        self._commit(offsets)
        self._next.update(offsets)
        self.stats.batches += 1
        self.stats.records += summary.records
        self.stats.events_new += summary.events_new
        self.stats.duplicates += summary.duplicates
        self.stats.dead_letters += summary.dead_letters
        self.stats.decisions += len(decisions)
        self.stats.last_commit = done
        self.stats.latencies.extend(done - t for t in stamps)

    def _align(self) -> None:
        """Pause the partitions that ran ahead of the slowest one still behind, by broker time.

        Kafka orders records within a partition only, and a worker's fetches fill batches
        unevenly: one partition could be thousands of records ahead of another. The stateful
        detectors' clocks follow the newest event they see, so accounts on a lagging partition
        would then look old (docs/benchmarks.md, "Streaming workers": on one partition a worker
        decides exactly as one process; on four, without this, it found far fewer ban-evasion
        links). Records are produced
        roughly in event-time order, so keeping the partitions level by their broker timestamp
        keeps them level in event time. A partition with nothing more to read holds no one back.
        """
        behind: list[int] = []
        tps = [self.ck.TopicPartition(*tp) for tp in self._assigned]
        positions = {(p.topic, p.partition): p.offset for p in self.consumer.position(tps)} if tps else {}
        for tp in self._assigned:
            ts = self._last_ts.get(tp)
            _, high = self.consumer.get_watermark_offsets(self.ck.TopicPartition(*tp), cached=True)
            # The consumer's own position: a partition taken over from a dead worker starts at
            # that worker's last commit, which may already be its end.
            position = max(positions.get(tp, -1), self._next.get(tp, -1))
            if high < 0 or position < 0 or position >= high:
                continue  # caught up, or not known yet: nothing to wait for
            behind.append(ts if ts is not None else -1)
        frontier = min(behind, default=None)
        ahead = {tp for tp in self._assigned if frontier is not None and self._last_ts.get(tp, -1) > frontier}
        if ahead - self._paused:
            self.consumer.pause([self.ck.TopicPartition(*tp) for tp in ahead - self._paused])
        if self._paused - ahead:
            self.consumer.resume([self.ck.TopicPartition(*tp) for tp in self._paused - ahead])
        self._paused = ahead

    def _commit(self, offsets: dict[tuple[str, int], int]) -> None:
        tps = [self.ck.TopicPartition(t, p, o) for (t, p), o in offsets.items()]
        try:
            self.consumer.commit(offsets=tps, asynchronous=False)
        except self.ck.KafkaException as exc:
            # The partitions moved to another worker while this batch ran: it reads them again
            # from the last committed offset, finds the events stored and changes nothing.
            self.stats.commit_failures += 1
            log.warning("offset commit refused (%s); the partition's next owner re-reads it", exc)

    def _write_stats(self, path: Path) -> None:
        data = {**self.stats.as_dict(), "shared": self.shared.stats(), "sent": self.publisher.sent}
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(data))
        tmp.replace(path)
