"""The ordered stage: order-sensitive detectors (ban evasion) run once, on every partition's events,
in event-time order, behind a global low-water mark.

Why a stage of its own: the ban-evasion engine is a function of the *sequence* of all events (a
child scored before or after its parent's suspension is known gives a different answer, and the
engine's clock follows the newest event it saw). Kafka orders records within a partition only, so
partitioned workers feeding each other's stored events to their own engines saw them late and out
of order, and decided differently from one process (docs/benchmarks.md, "Streaming workers").
Partitioned workers therefore leave these detectors out (``without``); one stage reads the events
the workers stored and feeds them to the detectors in the order one process would: event time,
ties by store id.

The low-water mark says how far that order is final. For each input partition: everything below
the group's committed offset is stored (offsets are committed only after the store commit), and
what is still to come on it is at most one reorder window older than the last committed record
(the assumption a single process makes of its input too). So the stage may release every stored
event up to ``min over partitions (time of last committed record) - reorder window``; a partition
read to its end holds no one back, and one with nothing committed yet holds everyone back.

Exactly-once effects: signals and decisions are keyed (``ON CONFLICT DO NOTHING``), and each run
of the stage records the position (event time, id) it reached; a restarted stage replays the
stored events up to that position into its detectors' state and continues after it.
"""

from __future__ import annotations

import heapq
import logging
import threading
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import and_, or_, select

from cauterize.detectors.base import Context, Detector, Signal
from cauterize.events import Event, decode_event
from cauterize.ingest.base import Adapter, Reject
from cauterize.ingest.registry import get_adapter
from cauterize.policy.base import Policy
from cauterize.store import schema as s
from cauterize.store.store import Store
from cauterize.stream.client import Topics, kafka
from cauterize.stream.publish import Publisher, decision_key

log = logging.getLogger("cauterize.ordered")

#: Detectors whose decisions depend on the order of every partition's events.
ORDERED_DEFAULT = ("evasion",)
#: The name the stage's runs carry in ``ingest_runs.sources``.
SOURCE = "ordered:"
#: Ids skipped in a read (PostgreSQL hands out ids before commit) are looked up this long.
_HOLE_SECONDS = 30.0


def without(detectors: dict[str, dict[str, Any]], names: Iterable[str]) -> dict[str, dict[str, Any]]:
    """A ``[detectors]`` config with ``names`` turned off (what partitioned workers run)."""
    out = {k: dict(v) for k, v in detectors.items()}
    for name in names:
        out[name] = {**out.get(name, {}), "enabled": False}
    return out


def only(detectors: dict[str, dict[str, Any]], names: Iterable[str]) -> dict[str, dict[str, Any]]:
    """A ``[detectors]`` config with only ``names`` on (what the ordered stage runs)."""
    from cauterize.detectors.registry import detector_classes

    keep = set(names)
    unknown = keep - set(detector_classes())
    if unknown:
        raise ValueError(f"unknown detector(s) for the ordered stage: {sorted(unknown)}")
    out = {k: dict(v) for k, v in detectors.items()}
    for name in detector_classes():
        out[name] = {**out.get(name, {}), "enabled": name in keep}
    return out


@dataclass
class StageStats:
    steps: int = 0
    events: int = 0
    signals: int = 0
    decisions: int = 0
    replayed: int = 0
    waits: int = 0

    def as_dict(self) -> dict[str, int]:
        return dict(self.__dict__)


class OrderedStage:
    def __init__(
        self,
        store: Store,
        detectors: Sequence[Detector],
        policy: Policy,
        ctx: Context,
        brokers_conf: dict[str, Any],
        group: str,
        topics: Topics,
        fmt: str | Adapter = "jsonl",
        *,
        reorder_window: timedelta = timedelta(minutes=5),
        producer: Any | None = None,
        poll_seconds: float = 0.5,
    ) -> None:
        ck = kafka()
        self.ck = ck
        self.store = store
        self.detectors = list(detectors)
        self.kinds = (
            frozenset().union(*(d.kinds | d.history_kinds for d in self.detectors)) if detectors else frozenset()
        )
        self.policy = policy
        self.ctx = ctx
        self.topics = topics
        self.adapter = fmt if isinstance(fmt, Adapter) else (None if fmt == "auto" else get_adapter(fmt))
        self.window = reorder_window
        self.poll_seconds = poll_seconds
        # Never subscribes: it only asks for the workers' group's committed offsets.
        self.offsets = ck.Consumer({**brokers_conf, "group.id": group, "enable.auto.commit": False})
        # Reads the input by assignment (no group) for the event time of each record.
        self.reader = ck.Consumer({**brokers_conf, "group.id": f"{group}.ordered-reader", "enable.auto.commit": False})
        self.producer = producer or ck.Producer(brokers_conf)
        self.publisher = Publisher(store, self.producer, topics)
        self.stats = StageStats()
        self.stop = threading.Event()
        self.position: tuple[datetime, int] | None = None
        self._heap: list[tuple[datetime, int, bytes]] = []
        self._read_upto = 0
        self._holes: dict[int, float] = {}
        #: Per partition: event time of each record read and not yet below the workers' commit.
        self._times: dict[int, dict[int, datetime | None]] = {}
        self._last: dict[int, datetime | None] = {}

    # -- the low-water mark ---------------------------------------------------------------------

    def low_water(self) -> tuple[bool, datetime | None]:
        """(bounded, mark): events up to ``mark`` are final; ``bounded`` False means none is
        pending anywhere (every partition is stored to its end) and everything stored is final."""
        topic = self.topics.input
        if not self._follow():
            return True, None
        tps = [self.ck.TopicPartition(topic, p) for p in sorted(self._times)]
        committed = {tp.partition: tp.offset for tp in self.offsets.committed(tps, timeout=10)}
        marks: list[datetime] = []
        for tp in tps:
            # The end as the last fetch saw it (a broker's ListOffsets answer is not used: Tansu's
            # is wrong, and the reader fetches anyway).
            _, high = self.reader.get_watermark_offsets(tp, cached=True)
            done = committed.get(tp.partition, -1)
            times = self._times[tp.partition]
            for old in [o for o in times if o < done - 1]:
                del times[old]  # stored, and not the last committed record: its time is no longer needed
            if high < 0:
                return True, None  # not fetched yet
            if high == 0 or done >= high:
                continue  # empty, or stored to its end: holds no one back
            at = times.get(done - 1) if done > 0 else None
            if at is None:
                return True, None  # nothing of it stored yet, or the reader is behind the workers
            marks.append(at)
        if not marks:
            return False, None
        return True, min(marks) - self.window

    def _follow(self) -> bool:
        """Read the input topic's new records for their event times; False until it exists."""
        topic = self.topics.input
        if not self._times:
            meta = self.offsets.list_topics(topic, timeout=10).topics.get(topic)
            if meta is None or meta.error is not None or not meta.partitions:
                return False
            tps = [self.ck.TopicPartition(topic, p) for p in sorted(meta.partitions)]
            # From the workers' last commit on: what is below it is stored and needs no time.
            start = {tp.partition: tp.offset for tp in self.offsets.committed(tps, timeout=10)}
            self._times = {tp.partition: {} for tp in tps}
            self._last = {}
            self.reader.assign(
                [self.ck.TopicPartition(topic, p, max(start.get(p, 0) - 1, 0)) for p in sorted(self._times)]
            )
        deadline = time.monotonic() + 0.5
        while time.monotonic() < deadline:
            msgs = self.reader.consume(5000, 0.05)
            if not msgs:
                break
            for m in msgs:
                if m.error() is not None:
                    continue
                p = m.partition()
                at = self._time_of(m.value() or b"")
                # A record without a time (dead-lettered by its worker) takes its predecessor's.
                at = at or self._last.get(p)
                self._last[p] = at
                self._times.setdefault(p, {})[m.offset()] = at
        return True

    def _time_of(self, data: bytes) -> datetime | None:
        try:
            if self.adapter is None or self.adapter.name == "jsonl":
                return decode_event(data).time
            times = [item.time for item in self.adapter.parse(data) if not isinstance(item, Reject)]
            return max(times, default=None)
        except Exception:
            return None

    # -- reading the store ----------------------------------------------------------------------

    def _read(self) -> None:
        """Take the events stored since the last read (and late-committing ids) into the heap."""
        e = s.events
        now = time.monotonic()
        for i in [i for i, t in self._holes.items() if now - t > _HOLE_SECONDS]:
            del self._holes[i]
        cond = e.c.id > self._read_upto
        if self._holes:
            cond = or_(cond, e.c.id.between(min(self._holes), max(self._holes)))
        q = select(e.c.id, e.c.kind, e.c.event_time, e.c.payload).where(cond).order_by(e.c.id)
        seen: list[int] = []
        with self.store.engine.connect() as conn:
            for row_id, kind, at, payload in conn.execution_options(yield_per=5000).execute(q):
                if row_id <= self._read_upto and self._holes.pop(row_id, None) is None:
                    continue
                seen.append(row_id)
                if kind in self.kinds and not self._done(at, row_id):
                    heapq.heappush(self._heap, (at, row_id, bytes(payload)))
        newest = max(seen, default=self._read_upto)
        if newest > self._read_upto:
            visible = set(seen)
            self._holes.update((i, now) for i in range(self._read_upto + 1, newest) if i not in visible)
            self._read_upto = newest

    def _done(self, at: datetime, row_id: int) -> bool:
        return self.position is not None and (at, row_id) <= self.position

    # -- one step -------------------------------------------------------------------------------

    def step(self) -> tuple[int, bool]:
        """Release what the low-water mark allows; returns (events released, anything pending)."""
        bounded, mark = self.low_water()  # first: what is final must be read after it is known
        self._read()
        out: list[Event] = []
        while self._heap and (not bounded or (mark is not None and self._heap[0][0] <= mark)):
            at, row_id, payload = heapq.heappop(self._heap)
            out.append(decode_event(payload))
            self.position = (at, row_id)
        if not out:
            self.stats.waits += 1
            return 0, bounded
        self._decide(out)
        return len(out), bounded

    def _decide(self, events: list[Event]) -> None:
        now = datetime.now(tz=UTC)
        run_id = self.store.start_run([f"{SOURCE}{self.topics.input}"], now)
        batch = self.store.new_batch(now, run_id)
        keys: set[bytes] = set()
        decided: set[str] = set()
        for event in events:
            signals: list[Signal] = []
            for d in self.detectors:
                # As the pipeline does live: a detector sees the kinds it takes, nothing else.
                if event.kind in d.kinds and d.takes(event):
                    signals.extend(d.detect(event, self.ctx))
            if not signals:
                continue
            for sig in signals:
                batch.add_signal(sig, event.time)
            self.stats.signals += len(signals)
            for decision in self.policy.decide(event, signals):
                batch.add_decision(decision, now)
                keys.add(f"{decision.platform}:{decision.event_id}:{decision.account_id}:{decision.policy}".encode())
                decided.add(decision.event_id)
        self.store.write(batch)
        self._publish(keys, decided)
        self.stats.steps += 1
        self.stats.events += len(events)
        self.stats.decisions += len(keys)
        assert self.position is not None
        at, row_id = self.position
        self.store.finish_run(
            run_id,
            datetime.now(tz=UTC),
            {"ordered_position": [at.isoformat(), row_id], "events": len(events), "decisions": len(keys)},
        )

    def _publish(self, keys: set[bytes], event_ids: set[str]) -> None:
        if not keys:
            return
        d = s.decisions
        rows: list[dict[str, Any]] = []
        ids = sorted(event_ids)
        with self.store.engine.connect() as conn:
            for i in range(0, len(ids), 500):
                q = select(d).where(d.c.event_id.in_(ids[i : i + 500])).order_by(d.c.id)
                rows.extend(dict(r._mapping) for r in conn.execute(q))
        self.publisher.send_rows([r for r in rows if decision_key(r) in keys])

    # -- restart --------------------------------------------------------------------------------

    def resume(self) -> int:
        """Continue after the position the last finished run of the stage recorded: its events
        (and all before) are replayed into the detectors' state without deciding again."""
        r, e = s.ingest_runs, s.events
        name = f"{SOURCE}{self.topics.input}"
        with self.store.engine.connect() as conn:
            rows = conn.execute(select(r.c.sources, r.c.counts).where(r.c.finished_at.is_not(None))).all()
        positions = [
            (datetime.fromisoformat(c["ordered_position"][0]), int(c["ordered_position"][1]))
            for src, c in rows
            if name in (src or ()) and c and "ordered_position" in c
        ]
        if not positions:
            return 0
        at, row_id = max(positions)
        q = (
            select(e.c.kind, e.c.payload)
            .where(or_(e.c.event_time < at, and_(e.c.event_time == at, e.c.id <= row_id)))
            .order_by(e.c.event_time, e.c.id)
        )
        n = 0
        with self.store.engine.connect() as conn:
            for kind, payload in conn.execution_options(yield_per=5000).execute(q):
                if kind in self.kinds:
                    event = decode_event(payload)
                    for d in self.detectors:
                        if event.kind in d.history_kinds:
                            d.warm_up(event, self.ctx)
                    n += 1
        self.position = (at, row_id)
        self.stats.replayed = n
        return n

    # -- the loop -------------------------------------------------------------------------------

    def run(self, idle_exit: float | None = None) -> StageStats:
        """Step until stopped, or ``idle_exit`` seconds with every partition stored to its end and
        nothing left to release."""
        self.resume()
        idle_since = time.monotonic()
        try:
            while not self.stop.is_set():
                released, bounded = self.step()
                if released:
                    idle_since = time.monotonic()
                    continue
                if bounded or self._heap:
                    idle_since = time.monotonic()  # waiting on a partition is not idleness
                elif idle_exit is not None and time.monotonic() - idle_since > idle_exit:
                    break
                self.stop.wait(self.poll_seconds)
        finally:
            self.offsets.close()
            self.reader.close()
            self.producer.flush(30)
        return self.stats
