"""The task each worker runs on one partition: parse it and score it with the stateless detectors.

Parsing is the ingest path's: the same adapters (one ``AutoDetect`` per partition under
``--format auto``), the same refusal of unusable events (:func:`cauterize.pipeline.unusable`), the
same dead-letter reasons. Scoring calls the same ``Detector.detect`` objects the pipeline builds
from the same config; only detectors that keep no state across events (``history_kinds`` empty)
run here, since a worker sees a slice of the archive, not its history.

Everything a task returns is plain data (bytes, tuples, ``Signal``), cheap to pickle back.
"""

from __future__ import annotations

import hashlib
from array import array
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import msgspec

from cauterize.backfill.archive import Partition, records
from cauterize.detectors.base import Detector, Signal
from cauterize.events import EVENT_KINDS, Event, encode_event
from cauterize.ingest.auto import AutoDetect, RunMemory
from cauterize.ingest.base import Adapter, NotYetKnown, RawRecord, RecordError, Reject
from cauterize.ingest.registry import get_adapter
from cauterize.pipeline import describe_decode_failure, unusable

_DEAD_RAW_BYTES = 64 * 1024
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class ScoringSpec:
    """What every task needs, small enough to send with each: the detectors' config, not the detectors."""

    #: ``[detectors]`` as ``build_detectors`` takes it (after ``--only`` and ``--bank``).
    detectors: dict[str, dict[str, Any]]
    fmt: str = "auto"
    adapter_options: tuple[tuple[str, Any], ...] = ()
    #: Events before this (epoch seconds) only warm the stateful detectors up; ``None``: all scored.
    since: float | None = None
    max_record_bytes: int = 4 * 1024 * 1024
    #: Ship every event back (the stateful pass or the store needs them), or only those with signals.
    ship_all: bool = True
    #: Event kinds the stateful detectors take: needed before ``since`` too.
    stateful_kinds: frozenset[str] = frozenset()

    def key(self) -> str:
        return hashlib.sha256(
            repr((sorted(self.detectors.items(), key=repr), self.adapter_options)).encode()
        ).hexdigest()


#: Event kinds as one-byte codes in a partition's result.
KIND_CODES: tuple[str, ...] = tuple(sorted(EVENT_KINDS))
_KIND_CODE = {k: i for i, k in enumerate(KIND_CODES)}


def key_digest(platform: str, event_id: str) -> bytes:
    """16 bytes naming an event's ``(platform, event_id)``: what the driver deduplicates on."""
    return hashlib.blake2b(f"{platform}\x00{event_id}".encode(), digest_size=16).digest()


@dataclass
class PartitionResult:
    """A partition's events in columns of fixed-width bytes (the driver holds millions of them).

    Event ``i`` of the partition: key ``keys[16i:16i+16]``, time ``times`` (float64), kind code
    ``kinds[i]``, content digest ``digests[8i:8i+8]``, and its encoded event
    ``blob[offsets[i]:offsets[i+1]]`` (empty when the driver will not need it).
    """

    index: int
    records: int = 0
    per_source: dict[str, dict[str, Any]] = field(default_factory=dict)
    n: int = 0
    keys: bytearray = field(default_factory=bytearray)
    times: array = field(default_factory=lambda: array("d"))
    kinds: bytearray = field(default_factory=bytearray)
    digests: bytearray = field(default_factory=bytearray)
    blob: bytearray = field(default_factory=bytearray)
    offsets: array = field(default_factory=lambda: array("q", [0]))
    #: Position in the partition -> (detector's rank in the pipeline's order, signal).
    signals: dict[int, list[tuple[int, Signal]]] = field(default_factory=dict)
    dead: list[dict[str, Any]] = field(default_factory=list)
    dead_reasons: Counter[str] = field(default_factory=Counter)
    detector_errors: int = 0
    cpu_seconds: float = 0.0


_BUILT: dict[str, list[Detector]] = {}


def detectors_for(spec: ScoringSpec) -> list[Detector]:
    """The pipeline's detectors for this config, in the pipeline's order; built once per worker process."""
    key = spec.key()
    built = _BUILT.get(key)
    if built is None:
        from cauterize.detectors.registry import build_detectors

        built = _BUILT[key] = build_detectors(spec.detectors)
    return built


def stateless(detectors: list[Detector]) -> list[tuple[int, Detector]]:
    return [(i, d) for i, d in enumerate(detectors) if not d.history_kinds]


class _NoContext:
    """Stateless detectors get no store: a worker has none, and they must not need one."""

    def account(self, platform: str, account_id: str) -> None:
        return None


def score_partition(part: Partition, spec: ScoringSpec) -> PartitionResult:
    import time

    cpu0 = time.process_time()
    dets = stateless(detectors_for(spec))
    by_kind: dict[str, list[tuple[int, Detector]]] = {}
    for rank, d in dets:
        for kind in d.kinds:
            by_kind.setdefault(kind, []).append((rank, d))
    out = PartitionResult(part.index)
    stats = out.per_source.setdefault(part.name, {"records": 0, "events": 0, "dead_letters": 0})
    adapter = _adapter(spec)
    retries: list[RawRecord] = []
    ctx = _NoContext()
    since = spec.since
    for record in records(part, spec.max_record_bytes):
        out.records += 1
        stats["records"] += 1
        if record.error is not None:
            _dead(out, stats, record, record.error)
            continue
        try:
            items = list(adapter.parse(record.data))
        except NotYetKnown:
            retries.append(record)  # tried again once the whole partition has been read
            continue
        except RecordError as exc:
            _dead(out, stats, record, describe_decode_failure(record.data) or str(exc))
            continue
        except Exception as exc:
            _dead(out, stats, record, describe_decode_failure(record.data) or f"adapter {adapter.name} failed: {exc!r}")
            continue
        _take(out, stats, record, items, by_kind, ctx, spec, since)
    for record in retries:
        try:
            items = list(adapter.parse(record.data))
        except Exception as exc:
            _dead(out, stats, record, str(exc))
            continue
        _take(out, stats, record, items, by_kind, ctx, spec, since)
    if isinstance(adapter, AutoDetect) and adapter.formats:
        stats["formats"] = dict(adapter.formats)
        stats["format"] = adapter.formats.most_common(1)[0][0]
    out.cpu_seconds = time.process_time() - cpu0
    return out


def _adapter(spec: ScoringSpec) -> Adapter:
    if spec.fmt == "auto":
        return AutoDetect(RunMemory())
    return get_adapter(spec.fmt, **dict(spec.adapter_options))


def _take(
    out: PartitionResult,
    stats: dict[str, Any],
    record: RawRecord,
    items: list[Event | Reject],
    by_kind: dict[str, list[tuple[int, Detector]]],
    ctx: _NoContext,
    spec: ScoringSpec,
    since: float | None,
) -> None:
    for item in items:
        if isinstance(item, Reject):
            _dead(out, stats, record, item.reason, item.where, item.raw)
            continue
        refusal = unusable(item)
        if refusal is not None:
            _dead(out, stats, record, refusal, f"{item.kind} {item.event_id!r}"[:256])
            continue
        stats["events"] += 1
        t = item.time.timestamp()
        before = since is not None and t < since
        if before and item.kind not in spec.stateful_kinds:
            continue  # outside the period and no detector needs it as history
        found: list[tuple[int, Signal]] = []
        if not before:
            for rank, d in by_kind.get(item.kind, ()):
                if not d.takes(item):
                    continue
                try:
                    found.extend((rank, s) for s in d.detect(item, ctx))  # type: ignore[arg-type]
                except Exception as exc:  # a detector bug is reported, the event is still kept
                    out.detector_errors += 1
                    _dead(
                        out,
                        {"dead_letters": 0},
                        RawRecord(f"detector {d.name}", 0, item.event_id.encode()),
                        f"detector {d.name} failed: {exc!r}",
                    )
        payload = encode_event(item)
        n = out.n
        out.n += 1
        out.keys += key_digest(item.platform, item.event_id)
        out.times.append(t)
        out.kinds.append(_KIND_CODE[item.kind])
        # Shipped events are compared whole on the driver; otherwise the digest leaves the time
        # out, as ``same_content`` does (a profile seen again keeps its id, not its time).
        same = payload if spec.ship_all else encode_event(msgspec.structs.replace(item, time=_EPOCH))
        out.digests += hashlib.blake2b(same, digest_size=8).digest()
        if spec.ship_all or found:
            out.blob += payload
        out.offsets.append(len(out.blob))
        if found:
            out.signals[n] = found


def _dead(
    out: PartitionResult,
    stats: dict[str, Any],
    record: RawRecord,
    reason: str,
    where: str = "",
    raw: bytes | None = None,
) -> None:
    data = record.data if raw is None else raw
    stats["dead_letters"] += 1
    out.dead_reasons[reason.split(":", 1)[0][:60]] += 1
    out.dead.append(
        {
            "source": record.source,
            "position": record.position,
            "location": where,
            "reason": reason,
            "raw": data[:_DEAD_RAW_BYTES],
            "raw_size": len(data) if record.error is None else 0,
        }
    )


def epoch(t: datetime | None) -> float | None:
    return None if t is None else t.timestamp()
