"""The streaming pipeline: sources -> adapter -> reorder window -> dedup -> detectors -> policy -> store.

Processing is idempotent by ``(platform, event_id)``: an event the store already holds is
skipped before any detector sees it, so replaying an input changes nothing. Events may arrive
out of order by up to ``reorder_window``: they are held and released in event-time order once
the newest event seen is more than the window past them (and, on a live source, once they have
waited ``max_hold_seconds`` of wall-clock time). An event older than what
was already released is still processed (and counted as late); the store's time guards keep it
from rolling an account's state back.

Bad input never stops a run: every record that cannot be used goes to the dead-letter table
with its source, position and the reason, and the run goes on.
"""

from __future__ import annotations

import gc
import hashlib
import heapq
import itertools
import logging
import queue
import threading
import time
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol, runtime_checkable

import msgspec

from cauterize.detectors.base import Detector, Signal
from cauterize.events import Event, decode_event, encode_event
from cauterize.ingest.auto import AutoDetect, RunMemory
from cauterize.ingest.base import Adapter, NotYetKnown, RawRecord, RecordError, Reject
from cauterize.ingest.registry import get_adapter, sniff
from cauterize.ingest.sources import Source
from cauterize.policy.base import Policy
from cauterize.store.project import PAYLOAD, Batch
from cauterize.store.store import Store

_DEAD_LETTER_RAW_BYTES = 64 * 1024
log = logging.getLogger(__name__)

#: A new snapshot of a detector's state is saved once the events it took in since the last one
#: reach this share of all it was built from: saving costs the whole state, replaying costs
#: only the events since, so a long history is not re-saved after every small ingest.
SNAPSHOT_SHARE = 0.1


@runtime_checkable
class Snapshotting(Protocol):
    """A stateful detector whose state can be saved and loaded (instead of replayed)."""

    name: str

    def state_key(self) -> str:
        """Which code, model and options built the state: a saved state under another key is not used."""
        ...

    def dump_state(self) -> bytes: ...

    def load_state(self, data: bytes) -> None:
        """Replace the state; raise (leaving the state as it was) if ``data`` cannot be used."""
        ...


def _now() -> datetime:
    return datetime.now(UTC)


#: Event times accepted. Outside them a time is a typo, a zero value or an attack: year 1 cannot
#: even have the reorder window subtracted from it, and year 9999 would outdate every later
#: change of the account. Such an event is dead-lettered; the rest of its record is kept.
EARLIEST = datetime(1970, 1, 1, tzinfo=UTC)
LATEST = datetime(2100, 1, 1, tzinfo=UTC)


def unusable(event: Event) -> str | None:
    """Why an adapter's event cannot be stored or ordered, or None if it can."""
    if not EARLIEST <= event.time < LATEST:
        return f"event time {event.time.isoformat()} outside {EARLIEST.year}..{LATEST.year - 1}"
    # PostgreSQL refuses NUL in text, and the keys go into every lookup of the run.
    if "\x00" in event.event_id or "\x00" in event.actor or "\x00" in event.platform:
        return "NUL character in the event's platform, event id or actor"
    return None


#: A live source's heartbeat, passed from a source's events to the run loop.
_TICK = object()


def _event_time(item: Any) -> datetime:
    return item.time


@dataclass(slots=True)
class _Retry:
    """A record to parse again once the run has read every input up to ``time`` (see NotYetKnown)."""

    time: datetime
    record: RawRecord
    adapter: Adapter
    stats: dict[str, Any]


class _QuietCollector:
    """While any run is going: the objects from before it frozen, and young collections rarer.

    A run allocates a few tuples per event, and with the default thresholds the cycle collector
    started every 700 of them and now and then rescanned everything alive, models and modules
    included: 5% of ingest time (bench/ingest_throughput.py). Counted, because the HTTP
    endpoint may run several pipelines at once; the last to finish restores the settings.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._runs = 0
        self._saved: tuple[int, int, int] = gc.get_threshold()

    def __enter__(self) -> None:
        with self._lock:
            if self._runs == 0:
                self._saved = gc.get_threshold()
                gc.freeze()
                gc.set_threshold(max(self._saved[0], 20_000), self._saved[1], self._saved[2])
            self._runs += 1

    def __exit__(self, *exc: object) -> None:
        with self._lock:
            self._runs -= 1
            if self._runs == 0:
                gc.set_threshold(*self._saved)
                gc.unfreeze()


_quiet_collector = _QuietCollector()


def describe_decode_failure(data: bytes) -> str | None:
    """A precise reason for bytes that are not valid UTF-8, or None if they are."""
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return f"invalid UTF-8 at byte {exc.start}: {data[exc.start : exc.start + 4]!r}"
    return None


@dataclass
class RunSummary:
    run_id: int | None = None
    records: int = 0
    events_parsed: int = 0
    events_new: int = 0
    duplicates: int = 0
    #: Duplicates whose content differs from the event kept: (kept, refused), dead-lettered.
    conflicts: list[tuple[Event, Event]] = field(default_factory=list)
    late: int = 0
    dead_letters: int = 0
    signals: int = 0
    decisions: Counter[str] = field(default_factory=Counter)
    dead_letter_reasons: Counter[str] = field(default_factory=Counter)
    detector_errors: int = 0
    #: Dead letters of this run already stored by an earlier run of the same input (not stored again).
    dead_letters_known: int = 0
    #: Stored events replayed into stateful detectors before this run's input (0 when a saved
    #: state covered everything stored).
    replayed: int = 0
    #: Things an operator should know about the run (a saved state that could not be used, ...).
    warnings: list[str] = field(default_factory=list)
    per_source: dict[str, dict[str, Any]] = field(default_factory=dict)
    #: Keys of the dead letters stored per source, loaded at a source's first bad record.
    dead_letters_stored: dict[str, set[tuple[int, str, str, bytes]]] = field(default_factory=dict, repr=False)
    started_at: datetime = field(default_factory=_now)
    finished_at: datetime | None = None

    @property
    def seconds(self) -> float:
        end = self.finished_at or _now()
        return max((end - self.started_at).total_seconds(), 1e-9)

    def as_dict(self) -> dict[str, Any]:
        return {
            "run_id": self.run_id,
            "records": self.records,
            "events_parsed": self.events_parsed,
            "events_new": self.events_new,
            "duplicates": self.duplicates,
            "late": self.late,
            "dead_letters": self.dead_letters,
            "dead_letter_reasons": dict(self.dead_letter_reasons),
            "dead_letters_known": self.dead_letters_known,
            "replayed": self.replayed,
            "warnings": self.warnings,
            "signals": self.signals,
            "decisions": dict(self.decisions),
            "detector_errors": self.detector_errors,
            "per_source": self.per_source,
            "seconds": round(self.seconds, 3),
        }


def same_content(a: Event, b: Event) -> bool:
    """Two events under one id that say the same thing. The time is left out: a platform's
    profile snapshot keeps its id (a hash of the profile) wherever it is seen again, with the
    time of that sighting; a real conflict is other words, other fields."""
    return a == (b if a.time == b.time else msgspec.structs.replace(b, time=a.time))


class ReorderBuffer:
    """Releases events in event-time order once they are ``window`` older than the newest seen.

    Most streams arrive nearly in order, so an event no older than the last one queued goes to
    the tail of a queue (already sorted) and only the stragglers pay for the heap; release
    merges the two. Ties release in arrival order.

    ``max_hold`` bounds the wait in wall-clock seconds, for live sources: there event time
    moves at wall-clock pace, so a 5-minute window alone would hold every new account 5 minutes
    before any detector saw it. An event held longer than ``max_hold`` is released, with
    everything older than it, whatever the window says; later stragglers are still applied (the
    store's time guards keep them from rolling state back).
    """

    def __init__(self, window: timedelta, max_hold: float | None = None):
        self.window = window
        self.max_hold = max_hold
        #: (wall-clock arrival, event time) in arrival order, for the max_hold bound.
        self._arrivals: deque[tuple[float, datetime]] = deque()
        self._queue: deque[tuple[datetime, int, Event]] = deque()
        self._heap: list[tuple[datetime, int, Event]] = []
        self._pending: dict[tuple[str, str], Event] = {}
        #: (kept, refused) pairs: a second event under a pending event's id with other content.
        self.conflicts: list[tuple[Event, Event]] = []
        self._seq = itertools.count()
        self._newest: datetime | None = None
        self.released_upto: datetime | None = None

    def __len__(self) -> int:
        return len(self._queue) + len(self._heap)

    def push(self, event: Event) -> tuple[bool, list[Event]]:
        """Add an event; returns (was it a duplicate of one still pending, events now released)."""
        key = (event.platform, event.event_id)
        prior = self._pending.get(key)
        if prior is not None:
            if prior != event and not same_content(prior, event):
                self.conflicts.append((prior, event))
            return True, []
        self._pending[key] = event
        t = event.time
        item = (t, next(self._seq), event)
        if not self._queue or t >= self._queue[-1][0]:
            self._queue.append(item)
        else:
            heapq.heappush(self._heap, item)
        if self._newest is None or t > self._newest:
            self._newest = t
        upto: datetime = self._newest - self.window  # type: ignore[operator]
        if self.max_hold is not None:
            now = time.monotonic()
            self._arrivals.append((now, t))
            upto = self._overdue(now, upto)
        return False, self._release(upto)

    def _overdue(self, now: float, upto: datetime) -> datetime:
        """``upto`` raised to the newest event time among events held past ``max_hold``."""
        arrivals, overdue = self._arrivals, now - self.max_hold  # type: ignore[operator]
        while arrivals and arrivals[0][0] <= overdue:
            held = arrivals.popleft()[1]
            if held > upto:
                upto = held
        return upto

    def tick(self) -> list[Event]:
        """Events held past ``max_hold`` while no new event came (a live source's quiet spell)."""
        if self.max_hold is None or self._newest is None:
            return []
        return self._release(self._overdue(time.monotonic(), self._newest - self.window))

    def _pop(self) -> tuple[datetime, int, Event]:
        q, heap = self._queue, self._heap
        if heap and (not q or heap[0][:2] < q[0][:2]):
            return heapq.heappop(heap)
        return q.popleft()

    def _release(self, upto: datetime) -> list[Event]:
        out = []
        q, heap = self._queue, self._heap
        while (q and q[0][0] <= upto) or (heap and heap[0][0] <= upto):
            event = self._pop()[2]
            self._pending.pop((event.platform, event.event_id), None)
            out.append(event)
        if out and (self.released_upto is None or out[-1].time > self.released_upto):
            self.released_upto = out[-1].time
        return out

    def drain(self) -> list[Event]:
        out = [self._pop()[2] for _ in range(len(self))]
        self._pending.clear()
        self._arrivals.clear()
        if out and (self.released_upto is None or out[-1].time > self.released_upto):
            self.released_upto = out[-1].time
        return out


class _Writer:
    """Writes batches on a second thread while the caller parses and scores the next one.

    SQLite releases the GIL while it steps through an insert, so the store's work overlaps
    with parsing and detection. Keys of batches handed over but not yet committed stay in
    ``inflight`` until the commit, so deduplication never misses an event caught between the two.
    A batch the store refuses comes back through ``failed`` for the caller to retry event by event.

    At most one batch is being written while the next is built: a handover waits for the
    previous write to finish. A queue would let more batches pile up in memory without
    writing any faster, and batches are large (bigger transactions are the cheaper ones).
    """

    def __init__(self, store: Store):
        self.store = store
        #: One key set per batch handed over and not yet committed, oldest first.
        self._inflight: deque[set[tuple[str, str]]] = deque()
        self.failed: list[Batch] = []
        self._idle = threading.Semaphore(1)
        self._queue: queue.SimpleQueue[Batch | None] = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._loop, name="cauterize-writer", daemon=True)
        self._thread.start()

    def inflight(self, keys: set[tuple[str, str]]) -> set[tuple[str, str]]:
        """Which of these keys belong to batches not yet committed."""
        # list() copies the deque in one step under the GIL: no mutation mid-iteration.
        return set().union(*(keys & batch for batch in list(self._inflight)))

    def submit(self, keys: set[tuple[str, str]], batch: Batch) -> None:
        """Hand over a batch; ``keys`` (the batch's event keys) must not change afterwards."""
        self._idle.acquire()
        self._inflight.append(keys)
        self._queue.put(batch)

    def _loop(self) -> None:
        while (batch := self._queue.get()) is not None:
            try:
                self.store.write(batch)
            except Exception:
                self.failed.append(batch)
            finally:
                # Only after the commit: a reader who misses the keys here finds them in the store.
                self._inflight.popleft()
                batch = None  # free the rows now, not when the next batch arrives
                self._idle.release()

    def close(self) -> None:
        self._queue.put(None)
        self._thread.join()


class _StoreContext:
    """What detectors may read: account state, through the store."""

    def __init__(self, store: Store):
        self._store = store

    def account(self, platform: str, account_id: str) -> Any:
        row = self._store.account(platform, account_id)
        if row is None:
            return None
        from types import SimpleNamespace

        return SimpleNamespace(**row)


class Pipeline:
    def __init__(
        self,
        store: Store,
        detectors: Sequence[Detector],
        policy: Policy,
        *,
        reorder_window: timedelta = timedelta(minutes=5),
        max_hold_seconds: float | None = 2.0,
        batch_size: int = 50_000,
        max_batch_seconds: float = 5.0,
    ):
        self.store = store
        self.detectors = list(detectors)
        self.policy = policy
        self.reorder_window = reorder_window
        self.max_hold_seconds = max_hold_seconds
        self.batch_size = batch_size
        self.max_batch_seconds = max_batch_seconds
        self.ctx = _StoreContext(store)
        self._warmed = False
        #: The highest stored event position the stateful detectors have taken in (None until
        #: this pipeline warmed them up itself).
        self._position: int | None = None
        #: Per snapshotting detector: the position its last saved (or loaded) state covers.
        self._saved_at: dict[str, int] = {}
        # Detectors indexed by the event kinds they take, so the hot path skips the rest.
        self._by_kind: dict[str, list[Detector]] = {}
        for d in self.detectors:
            for kind in d.kinds:
                self._by_kind.setdefault(kind, []).append(d)

    # -- the run ----------------------------------------------------------------------------

    def run(
        self,
        sources: Iterable[Source],
        fmt: str | Adapter = "auto",
        progress: Callable[[Source, RawRecord], None] | None = None,
    ) -> RunSummary:
        # One writer per store: a second process waits here, then replays what the first wrote.
        with self.store.writer():
            try:
                return self._run(list(sources), fmt, progress)
            except BaseException:
                # Part of the run may be stored, part not: the detectors' state matches no stored
                # position any more, so this pipeline neither catches up nor saves it again.
                if self._position is not None:
                    self._position = None
                    self._saved_at.clear()
                raise

    def run_unlocked(self, sources: Iterable[Source], fmt: str | Adapter = "auto") -> RunSummary:
        """``run`` without the store's one-writer lock, for a caller that coordinates writers itself.

        The stream worker (``cauterize.stream``): each worker owns disjoint partitions keyed by
        account and every effect is keyed by event id, so workers may write at once; the lock
        would serialise them. The store has committed everything when this returns.
        """
        return self._run(list(sources), fmt, None)

    def _run(
        self,
        sources: list[Source],
        fmt: str | Adapter,
        progress: Callable[[Source, RawRecord], None] | None,
    ) -> RunSummary:
        summary = RunSummary()
        self._warm_up(summary)
        summary.run_id = self.store.start_run([s.name for s in sources], summary.started_at)
        buffer = ReorderBuffer(self.reorder_window)
        pending: list[Event] = []
        dead: list[dict[str, Any]] = []
        writer = _Writer(self.store)

        flushed_at = time.monotonic()
        # Wall-clock bounds (max_hold_seconds, max_batch_seconds) apply to live sources only: a
        # file's run must not depend on how fast the machine reads it.
        live = False

        def release(events: list[Event]) -> None:
            nonlocal flushed_at
            pending.extend(events)
            if len(pending) >= self.batch_size or (live and time.monotonic() - flushed_at >= self.max_batch_seconds):
                batch_events = pending[:]
                pending.clear()
                self._flush(batch_events, summary, dead, writer)
                flushed_at = time.monotonic()

        memory = RunMemory(lookup=self.store)  # what --format auto resolves compliance ids with

        def adapter_for(source: Source) -> Adapter:
            if isinstance(fmt, Adapter):
                return fmt
            return AutoDetect(memory) if fmt == "auto" else get_adapter(fmt)

        with _quiet_collector:
            try:
                if len(sources) > 1 and not any(getattr(s, "live", False) for s in sources):
                    # Files of one run are merged by event time (each is read in its own order):
                    # a compliance file and the stream it is about then interleave as they
                    # happened, instead of one arriving after the other beyond the reorder window.
                    streams = [self._items(src, adapter_for(src), summary, dead, progress, buffer) for src in sources]
                    for item in heapq.merge(*streams, key=_event_time):
                        if type(item) is _Retry:
                            self._retry(item, buffer, release, summary, dead)  # type: ignore[arg-type]
                        else:
                            self._push(item, buffer, release, summary)  # type: ignore[arg-type]
                for source in sources if len(sources) == 1 or any(getattr(s, "live", False) for s in sources) else ():
                    live = bool(getattr(source, "live", False))
                    buffer.max_hold = self.max_hold_seconds if live else None
                    for item in self._items(source, adapter_for(source), summary, dead, progress, buffer):
                        if item is _TICK:
                            release(buffer.tick())  # may also flush a batch that has waited long enough
                        elif type(item) is _Retry:
                            self._retry(item, buffer, release, summary, dead)  # type: ignore[arg-type]
                        else:
                            self._push(item, buffer, release, summary)  # type: ignore[arg-type]
                release(buffer.drain())
                self._flush(pending[:], summary, dead, writer)
            finally:
                writer.close()
        for batch in writer.failed:
            # The batch's own event rows are the events it was built from (the payload column).
            self._write_one_by_one([decode_event(row[PAYLOAD]) for row in batch.events], summary, dead)
        self._write_dead(dead, summary)
        self._save_states(summary, clean=not writer.failed)
        summary.finished_at = _now()
        self.store.finish_run(summary.run_id, summary.finished_at, summary.as_dict())
        return summary

    # -- stateful detectors: saved state, replay ----------------------------------------------------

    def _warm_up(self, summary: RunSummary) -> None:
        """Bring stateful detectors up to the store (see Detector.history_kinds), once per pipeline.

        A detector with a saved state (``Snapshotting``) loads it and takes in only the stored
        events after the position it covers; the others replay everything. A state saved by
        other code, model or options, or one that cannot be read, is ignored with a warning and
        rebuilt by a full replay. A pipeline already warmed up takes in what other writers
        stored since its last run.
        """
        stateful = [d for d in self.detectors if d.history_kinds]
        if self._warmed:
            if self._position is not None and stateful:
                summary.replayed += self._replay(stateful, dict.fromkeys(stateful, self._position))
            return
        self._warmed = True
        if not stateful:
            return
        after: dict[Detector, int] = {}
        for d in stateful:
            after[d] = 0
            if isinstance(d, Snapshotting):
                after[d] = self._load_state(d, summary)
        summary.replayed += self._replay(stateful, after)

    def _load_state(self, d: Snapshotting, summary: RunSummary) -> int:
        """Load ``d``'s saved state; the position it covers (0: none usable, replay everything)."""
        self._saved_at[d.name] = 0
        try:
            row = self.store.detector_state(d.name)
        except Exception as exc:  # an unreadable row must not stop the run: replay instead
            row, problem = None, f"could not be read ({exc!s:.200})"
        else:
            problem = ""
        if row is not None:
            if row["state_key"] != d.state_key():
                problem = f"was built by other code, model or options ({row['state_key']})"
            else:
                try:
                    d.load_state(bytes(row["payload"]))
                except Exception as exc:
                    problem = f"could not be loaded ({exc!s:.200})"
                else:
                    self._saved_at[d.name] = int(row["position"])
                    return int(row["position"])
        if problem:
            note = f"saved state of detector {d.name!r} {problem}: replaying every stored event instead"
            log.warning(note)
            summary.warnings.append(note)
        return 0

    def _replay(self, stateful: list[Detector], after: dict[Detector, int]) -> int:
        """Stored events above each detector's position, oldest first, into it; how many were read."""
        top = self.store.last_event_position()  # the writer lock is held: nothing is added meanwhile
        start = min(after.values())
        replayed = 0
        if top > start:
            kinds = frozenset().union(*(d.history_kinds for d in stateful))
            for position, event in self.store.iter_events_after(kinds, start):
                replayed += 1
                for d in stateful:
                    if position > after[d] and event.kind in d.history_kinds:
                        d.warm_up(event, self.ctx)
        self._position = top
        return replayed

    def _save_states(self, summary: RunSummary, clean: bool) -> None:
        """Save the snapshotting detectors' state when enough was stored since the last save
        (``SNAPSHOT_SHARE``), with the last event position it covers.

        Not after a run whose batch the store refused: its events went through the detectors
        twice (the batch, then one by one), which a replay would not repeat.
        """
        if self._position is None:
            return  # warmed up by someone else (the stream worker), who keeps its own position
        position = self._position = self.store.last_event_position()
        if not clean:
            self._saved_at.clear()  # the state in memory no longer matches a replay: never save it
            return
        for d in self.detectors:
            saved = self._saved_at.get(d.name)
            if saved is None or not isinstance(d, Snapshotting) or position <= saved:
                continue
            if position - saved < SNAPSHOT_SHARE * position:
                continue
            try:
                self.store.save_detector_state(d.name, d.state_key(), position, d.dump_state())
            except Exception as exc:  # the run's data is stored; the next start replays instead
                note = f"could not save the state of detector {d.name!r} ({exc!s:.200}); the next start replays"
                log.warning(note)
                summary.warnings.append(note)
            else:
                self._saved_at[d.name] = position

    def _push(
        self, item: Event, buffer: ReorderBuffer, release: Callable[[list[Event]], None], summary: RunSummary
    ) -> None:
        summary.events_parsed += 1
        if buffer.released_upto is not None and item.time < buffer.released_upto:
            summary.late += 1
        duplicate, released = buffer.push(item)
        if duplicate:
            summary.duplicates += 1
            if buffer.conflicts:
                summary.conflicts.extend(buffer.conflicts)
                buffer.conflicts.clear()
        if released:
            release(released)

    def _retry(
        self,
        item: _Retry,
        buffer: ReorderBuffer,
        release: Callable[[list[Event]], None],
        summary: RunSummary,
        dead: list[dict[str, Any]],
    ) -> None:
        """A record that needed what other records state, tried again now that they are read."""
        try:
            items = list(item.adapter.parse(item.record.data))
        except Exception as exc:  # still unusable: dead-lettered as the first try would have been
            self._dead(dead, summary, item.stats, item.record, str(exc))
            return
        for event in items:
            if isinstance(event, Reject):
                self._dead(dead, summary, item.stats, item.record, event.reason, event.where, event.raw)
            elif (refusal := unusable(event)) is not None:
                self._dead(dead, summary, item.stats, item.record, refusal, f"{event.kind} {event.event_id!r}"[:256])
            else:
                item.stats["events"] += 1
                self._push(event, buffer, release, summary)

    def _items(
        self,
        source: Source,
        adapter: Adapter | None,
        summary: RunSummary,
        dead: list[dict[str, Any]],
        progress: Callable[[Source, RawRecord], None] | None,
        buffer: ReorderBuffer,
    ) -> Iterator[Event | object]:
        """The events of one source, in its order (``_TICK`` for a live source's heartbeat)."""
        stats = summary.per_source.setdefault(source.name, {"records": 0, "events": 0, "dead_letters": 0})
        for record in source.records():
            if record.tick:
                yield _TICK
                continue
            summary.records += 1
            stats["records"] += 1
            if progress is not None:
                progress(source, record)
            if record.error is not None:
                self._dead(dead, summary, stats, record, record.error)
                continue
            if adapter is None:
                try:
                    adapter = sniff(record.data)
                    stats["format"] = adapter.name
                except RecordError as exc:
                    self._dead(dead, summary, stats, record, str(exc))
                    continue
            try:
                # Materialise first: a record that fails half-way contributes nothing.
                items = list(adapter.parse(record.data))
            except NotYetKnown as exc:
                yield _Retry(exc.time, record, adapter, stats)
                continue
            except RecordError as exc:
                self._dead(dead, summary, stats, record, describe_decode_failure(record.data) or str(exc))
                continue
            except Exception as exc:  # an adapter bug must not end the run or lose other records
                reason = describe_decode_failure(record.data) or f"adapter {adapter.name} failed: {exc!r}"
                self._dead(dead, summary, stats, record, reason)
                continue
            for item in items:
                if isinstance(item, Reject):
                    self._dead(dead, summary, stats, record, item.reason, item.where, item.raw)
                    continue
                refusal = unusable(item)
                if refusal is not None:
                    self._dead(dead, summary, stats, record, refusal, f"{item.kind} {item.event_id!r}"[:256])
                    continue
                stats["events"] += 1
                yield item
            if len(dead) >= 1000:
                self._write_dead(dead, summary)
        if isinstance(adapter, AutoDetect) and adapter.formats:
            stats["formats"] = dict(adapter.formats)
            stats["format"] = adapter.formats.most_common(1)[0][0]

    # -- dead letters ---------------------------------------------------------------------------

    def _dead(
        self,
        dead: list[dict[str, Any]],
        summary: RunSummary,
        stats: dict[str, Any],
        record: RawRecord,
        reason: str,
        where: str = "",
        raw: bytes | None = None,
    ) -> None:
        data = record.data if raw is None else raw
        kept = data[:_DEAD_LETTER_RAW_BYTES]
        known = summary.dead_letters_stored.get(record.source)
        if known is None:
            known = summary.dead_letters_stored[record.source] = self.store.dead_letter_keys(record.source)
        key = (record.position, where, reason, hashlib.sha256(kept).digest())
        summary.dead_letters += 1
        stats["dead_letters"] += 1
        summary.dead_letter_reasons[_reason_class(reason)] += 1
        if key in known:  # a replay of the same input: the row is there already
            summary.dead_letters_known += 1
            return
        known.add(key)
        dead.append(
            {
                "run_id": summary.run_id,
                "source": record.source,
                "position": record.position,
                "location": where,
                "reason": reason,
                "raw": kept,
                "raw_size": len(data) if record.error is None else 0,
                "received_at": _now(),
            }
        )

    def _write_dead(self, dead: list[dict[str, Any]], summary: RunSummary) -> None:
        self.store.dead_letter(dead)
        dead.clear()

    # -- processing a batch -------------------------------------------------------------------------

    def _flush(self, events: list[Event], summary: RunSummary, dead: list[dict[str, Any]], writer: _Writer) -> None:
        if summary.conflicts:
            self._dead_conflicts(summary, dead)
        if not events:
            return
        keys = [(e.platform, e.event_id) for e in events]
        # In flight first, then the store: see _Writer for why the order matters.
        inflight = writer.inflight(set(keys))
        stored = self.store.known_event_ids(keys)
        known = stored | inflight
        fresh: list[Event] = []
        seen: set[tuple[str, str]] = set()
        replayed: list[Event] = []
        for e, k in zip(events, keys, strict=True):
            if k in known or k in seen:
                summary.duplicates += 1
                if k in stored:
                    replayed.append(e)
                continue
            seen.add(k)
            fresh.append(e)
        if replayed:
            # A replay must be the same event. Another event under a stored id is either a
            # platform's edit or a forgery: the first version stays, the other is dead-lettered
            # with both, never dropped without a trace.
            payloads = self.store.event_payloads([(e.platform, e.event_id) for e in replayed])
            for e in replayed:
                old = payloads.get((e.platform, e.event_id))
                if old is not None and bytes(old) != encode_event(e):
                    kept = decode_event(old)
                    if not same_content(kept, e):
                        summary.conflicts.append((kept, e))
        self._dead_conflicts(summary, dead)
        if not fresh:
            return
        now = _now()
        batch = self.store.new_batch(now, summary.run_id)
        for event in fresh:
            self._process(event, batch, summary, dead, now)
        # The events are in the batch's rows now; let them go before waiting on the writer.
        events.clear()
        fresh.clear()
        writer.submit(seen, batch)

    def _dead_conflicts(self, summary: RunSummary, dead: list[dict[str, Any]]) -> None:
        for kept, refused in summary.conflicts:
            record = RawRecord(f"event {refused.platform}:{refused.event_id}", 0, encode_event(refused))
            self._dead(
                dead,
                summary,
                {"dead_letters": 0},
                record,
                "duplicate event id with different content: the first version is kept "
                f"(kept: {encode_event(kept)[:300].decode(errors='replace')})",
                where=refused.event_id,
            )
        summary.conflicts.clear()

    def _write_one_by_one(self, events: list[Event], summary: RunSummary, dead: list[dict[str, Any]]) -> None:
        """One poisoned event must not cost its batch: write each alone, dead-letter the culprit."""
        now = _now()
        for event in events:
            single = self.store.new_batch(now, summary.run_id)
            self._process(event, single, RunSummary(), [], now)
            try:
                self.store.write(single)
            except Exception as exc:
                summary.events_new -= 1
                record = RawRecord(f"event {event.platform}:{event.event_id}", 0, single.events[0][PAYLOAD])
                self._dead(dead, summary, {"dead_letters": 0}, record, f"store rejected the event: {exc!s:.500}")

    def _process(
        self, event: Event, batch: Batch, summary: RunSummary, dead: list[dict[str, Any]], now: datetime
    ) -> None:
        batch.add(event)
        summary.events_new += 1
        signals: list[Signal] = []
        for detector in self._by_kind.get(event.kind, ()):
            if not detector.takes(event):
                continue
            try:
                signals.extend(detector.detect(event, self.ctx))
            except Exception as exc:  # a detector bug is reported, the event is still stored
                summary.detector_errors += 1
                record = RawRecord(f"detector {detector.name}", 0, event.event_id.encode())
                self._dead(dead, summary, {"dead_letters": 0}, record, f"detector {detector.name} failed: {exc!r}")
        if not signals:
            return
        for sig in signals:
            batch.add_signal(sig, event.time)
        summary.signals += len(signals)
        for decision in self.policy.decide(event, signals):
            batch.add_decision(decision, now)
            summary.decisions[decision.action] += 1


def _reason_class(reason: str) -> str:
    """A short bucket for the end-of-run table: the reason up to its first colon."""
    head = reason.split(":", 1)[0]
    return head[:60]
