"""A backfill from start to end: plan, score the partitions on the engine, the ordered pass, the sinks.

The ordered pass is the pipeline's per-event step with the stream's buffering taken out: events
are deduplicated by ``(platform, event_id)`` (the first in archive order is kept, a different
event under the same id is dead-lettered as ingest does), put in event-time order (ties in archive
order), the stateful detectors see each event in that order, the signals of all detectors are
put in the pipeline's detector order, and the policy decides each event from them.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from cauterize.backfill import usage
from cauterize.backfill.archive import DEFAULT_PARTITION_BYTES, plan
from cauterize.backfill.context import ArchiveContext
from cauterize.backfill.engines.base import Engine
from cauterize.backfill.score import KIND_CODES, PartitionResult, ScoringSpec, score_partition
from cauterize.backfill.sinks import Sink
from cauterize.backfill.versions import describe
from cauterize.detectors.base import Detector, Signal
from cauterize.detectors.registry import build_detectors
from cauterize.events import decode_event, encode_event
from cauterize.pipeline import same_content
from cauterize.policy.base import Policy

_MIN_PARTITION_BYTES = 1 << 20
#: An event's key digest as numpy sees it: two unsigned 64-bit halves, compared as a pair.
_KEY = np.dtype([("hi", "<u8"), ("lo", "<u8")])
_KIND_CODE = {k: i for i, k in enumerate(KIND_CODES)}


def retro_hunt_config(
    detectors: dict[str, dict[str, Any]], only: Sequence[str] = (), banks: Sequence[Path] = ()
) -> dict[str, dict[str, Any]]:
    """The ``[detectors]`` config with ``--only`` (the rest turned off) and ``--bank`` (known material on) applied."""
    from cauterize.detectors.registry import detector_classes

    classes = detector_classes()
    unknown = set(only) - set(classes)
    if unknown:
        raise ValueError(f"unknown detector(s): {sorted(unknown)}; known: {sorted(classes)}")
    out = {k: dict(v) for k, v in detectors.items()}
    if banks:
        km = out.setdefault("known_material", {})
        km["banks"] = [*km.get("banks", ()), *(str(Path(b).resolve()) for b in banks)]
        km["enabled"] = True
    if only:
        for name in classes:
            if name in only:
                out.setdefault(name, {})["enabled"] = True
            else:
                out[name] = {"enabled": False}
    return out


@dataclass
class Report:
    engine: str
    workers: int
    archives: list[str]
    since: str | None
    partitions: int = 0
    records: int = 0
    events_parsed: int = 0
    events_unique: int = 0
    events_scored: int = 0
    warm_up_events: int = 0
    duplicates: int = 0
    conflicts: int = 0
    dead_letters: int = 0
    dead_letter_reasons: Counter[str] = field(default_factory=Counter)
    detector_errors: int = 0
    signals: Counter[str] = field(default_factory=Counter)
    decisions: Counter[str] = field(default_factory=Counter)
    versions: dict[str, Any] = field(default_factory=dict)
    per_source: dict[str, dict[str, Any]] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)
    cpu_seconds: dict[str, float] = field(default_factory=dict)
    peak_rss_bytes: dict[str, int] = field(default_factory=dict)
    cores: int = 1
    #: What the sink adds (events written to the store, its run id).
    extra: dict[str, Any] = field(default_factory=dict)
    started_at: str = field(default_factory=lambda: datetime.now(UTC).isoformat())

    def as_dict(self) -> dict[str, Any]:
        d = {k: (dict(v) if isinstance(v, Counter) else v) for k, v in self.__dict__.items() if k != "extra"}
        d.update(self.extra)
        wall = self.seconds.get("total", 0.0)
        cpu = self.cpu_seconds.get("driver", 0.0) + self.cpu_seconds.get("workers", 0.0)
        d["events_per_s"] = round(self.events_parsed / wall, 1) if wall else None
        d["events_per_cpu_s"] = round(self.events_parsed / cpu, 1) if cpu else None
        return d


def backfill(
    archives: Sequence[Path],
    spec: ScoringSpec,
    policy: Policy,
    engine: Engine,
    sink_for: Callable[[dict[str, Any]], Sink],
    partition_bytes: int = DEFAULT_PARTITION_BYTES,
) -> Report:
    """Score ``archives`` with the detectors ``spec`` names and ``policy``; results go to the sink."""
    t0 = time.perf_counter()
    cpu0 = usage.cpu_seconds()
    # Built afresh for every run: the stateful detectors' state is this run's (the workers' cached
    # instances are the stateless ones only, which hold no state).
    detectors = build_detectors(spec.detectors)
    versions = describe(detectors)
    versions["policy"] = {"name": policy.name, "version": str(policy.version)}
    sink = sink_for(versions)
    stateful = [(rank, d) for rank, d in enumerate(detectors) if d.history_kinds]
    spec = ScoringSpec(
        detectors=spec.detectors,
        fmt=spec.fmt,
        adapter_options=spec.adapter_options,
        since=spec.since,
        max_record_bytes=spec.max_record_bytes,
        ship_all=bool(stateful) or sink.wants_events,
        stateful_kinds=frozenset().union(*(d.kinds for _, d in stateful)) if stateful else frozenset(),
    )
    since = datetime.fromtimestamp(spec.since, UTC).isoformat() if spec.since is not None else None
    report = Report(engine.name, engine.workers, [str(a) for a in archives], since, versions=versions)
    # Enough pieces that every worker has several (a straggler then costs little), but none so
    # small that a task's overhead shows.
    plain = sum(Path(a).stat().st_size for a in archives)
    partition_bytes = min(partition_bytes, max(_MIN_PARTITION_BYTES, plain // (4 * max(1, engine.workers)) + 1))
    parts = plan(list(archives), partition_bytes)
    report.partitions = len(parts)
    report.seconds["plan"] = time.perf_counter() - t0

    try:
        return _run(archives, spec, policy, engine, sink, detectors, stateful, parts, report, t0, cpu0)
    except BaseException as exc:  # the run is recorded as failed, with why, never left half-written
        sink.abort(f"{type(exc).__name__}: {exc}"[:1000])
        raise


def _run(
    archives: Sequence[Path],
    spec: ScoringSpec,
    policy: Policy,
    engine: Engine,
    sink: Sink,
    detectors: list[Detector],
    stateful: list[tuple[int, Detector]],
    parts: list[Any],
    report: Report,
    t0: float,
    cpu0: float,
) -> Report:
    started_before = engine.running
    # Taken before the engine starts: its workers' (and Spark's JVM's) start-up is part of the cost.
    before = {p: usage.cpu_seconds(p) for p in usage.descendants()}
    with engine:
        report.seconds["engine_start"] = engine.start_seconds
        report.cores = engine.cores()
        t1 = time.perf_counter()
        results: list[PartitionResult | None] = [None] * len(parts)
        task_cpu = 0.0
        for r in engine.map(score_partition, parts, spec):
            results[r.index] = r
            task_cpu += r.cpu_seconds
        report.seconds["score_partitions"] = time.perf_counter() - t1
        after = usage.descendants()
        report.cpu_seconds["workers"] = (
            sum(usage.cpu_seconds(p) - before.get(p, 0.0) for p in after) if after else task_cpu
        )
        report.cpu_seconds["tasks"] = task_cpu
        report.peak_rss_bytes["workers_sum"] = sum(usage.peak_rss(p) for p in after)
    if engine.name == "local":
        report.cpu_seconds["workers"] = 0.0  # the tasks ran in this process: counted as the driver's
    t2 = time.perf_counter()
    _ordered(results, detectors, stateful, policy, spec, sink, report)  # type: ignore[arg-type]
    report.extra.update(sink.finish())
    report.seconds["ordered_pass"] = time.perf_counter() - t2
    # An engine the caller had started still counts: its start is part of this run's cost.
    report.seconds["total"] = time.perf_counter() - t0 + (engine.start_seconds if started_before else 0.0)
    report.cpu_seconds["driver"] = usage.cpu_seconds() - cpu0
    report.peak_rss_bytes["driver"] = usage.peak_rss()
    sink.close(report.as_dict())
    return report


def _ordered(
    results: list[PartitionResult],
    detectors: list[Detector],
    stateful: list[tuple[int, Detector]],
    policy: Policy,
    spec: ScoringSpec,
    sink: Sink,
    report: Report,
) -> None:
    dead: list[dict[str, Any]] = []
    for r in results:
        report.records += r.records
        report.detector_errors += r.detector_errors
        report.dead_letters += len(r.dead)
        report.dead_letter_reasons.update(r.dead_reasons)
        for name, stats in r.per_source.items():
            mine = report.per_source.setdefault(name, {"records": 0, "events": 0, "dead_letters": 0})
            for k in ("records", "events", "dead_letters"):
                mine[k] += stats[k]
            for fmt, n in stats.get("formats", {}).items():
                mine.setdefault("formats", Counter())[fmt] += n
        dead.extend(r.dead)
        r.dead = []
    # Every event of the archive as columns, indexed by its place in archive order.
    sizes = [r.n for r in results]
    bases = np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)
    n = int(bases[-1])
    keys = np.frombuffer(b"".join(bytes(r.keys) for r in results), dtype=_KEY)
    digests = np.frombuffer(b"".join(bytes(r.digests) for r in results), dtype=np.uint64)
    times = np.concatenate([np.frombuffer(r.times, np.float64) for r in results]) if n else np.empty(0)
    kinds = b"".join(bytes(r.kinds) for r in results)
    part_of = np.repeat(np.arange(len(results)), sizes)
    starts = np.concatenate([np.frombuffer(r.offsets, np.int64)[:-1] for r in results]) if n else np.empty(0, np.int64)
    ends = np.concatenate([np.frombuffer(r.offsets, np.int64)[1:] for r in results]) if n else np.empty(0, np.int64)
    blobs = [bytes(r.blob) for r in results]
    signals: dict[int, list[tuple[int, Signal]]] = {}
    for r, base in zip(results, bases.tolist(), strict=False):
        for i, found in r.signals.items():
            signals[base + i] = found
        r.keys, r.digests, r.kinds, r.blob, r.signals = bytearray(), bytearray(), bytearray(), bytearray(), {}
    # Parsed, whether or not the workers kept it (one before --since that nothing needs is dropped there).
    report.events_parsed = sum(st["events"] for st in report.per_source.values())

    def payload(i: int) -> bytes | None:
        s, e = int(starts[i]), int(ends[i])
        return blobs[int(part_of[i])][s:e] if e > s else None

    # The first of each (platform, event_id) in archive order is kept, as ingest keeps the first it reads.
    if n:
        _, first, inverse = np.unique(keys, return_index=True, return_inverse=True)
        keep = np.sort(first)
        dup = np.ones(n, bool)
        dup[first] = False
        dup_idx = np.flatnonzero(dup)
        kept_of = first[inverse.reshape(-1)[dup_idx]]
        differs = digests[dup_idx] != digests[kept_of]
        for i, j in zip(dup_idx[differs].tolist(), kept_of[differs].tolist(), strict=True):
            _conflict(payload(j), payload(i), dead, report)
        del inverse, dup, dup_idx, kept_of
    else:
        keep = np.empty(0, np.int64)
    report.duplicates = n - len(keep)
    report.events_unique = len(keep)
    del keys, digests
    if dead:
        sink.dead(dead)
        dead.clear()
    kept_times = times[keep]
    order = keep[np.argsort(kept_times, kind="stable")]
    # Events before ``since`` that no stateful detector needs were dropped by the workers already.
    report.events_scored = int((kept_times >= spec.since).sum()) if spec.since is not None else len(keep)
    del kept_times, keep
    by_kind: dict[int, list[tuple[int, Detector]]] = {}
    for rank, d in stateful:
        for kind in d.kinds:
            if kind in _KIND_CODE:
                by_kind.setdefault(_KIND_CODE[kind], []).append((rank, d))
    ctx = ArchiveContext()
    since = spec.since
    before_all = (times < since) if since is not None else None
    want_all = sink.wants_events
    decide = policy.decide
    shipped = (ends > starts).tolist()
    for gi in order.tolist():
        sf = by_kind.get(kinds[gi])
        found = signals.pop(gi, None)
        before = before_all is not None and bool(before_all[gi])
        if (sf is None and found is None and (before or not want_all)) or not shipped[gi]:
            continue
        event = decode_event(blobs[int(part_of[gi])][int(starts[gi]) : int(ends[gi])])
        if sf is not None:
            for rank, d in sf:
                if not d.takes(event):
                    continue
                if before:
                    d.warm_up(event, ctx)
                    continue
                try:
                    new = d.detect(event, ctx)
                    if new:
                        found = (found or []) + [(rank, s) for s in new]
                except Exception as exc:
                    report.detector_errors += 1
                    report.dead_letters += 1
                    report.dead_letter_reasons[f"detector {d.name} failed"] += 1
                    sink.dead(
                        [
                            {
                                "source": f"detector {d.name}",
                                "position": 0,
                                "location": "",
                                "reason": f"detector {d.name} failed: {exc!r}",
                                "raw": event.event_id.encode(),
                                "raw_size": len(event.event_id.encode()),
                            }
                        ]
                    )
            ctx.apply(event)
        if before:
            report.warm_up_events += 1
            continue
        if found:
            found.sort(key=lambda x: x[0])  # the pipeline's detector order (stable within one detector)
            sigs = [s for _, s in found]
            for s in sigs:
                report.signals[f"{s.detector}:{s.label}"] += 1
            decisions = decide(event, sigs)
            for dcs in decisions:
                report.decisions[dcs.action] += 1
            sink.add(event, sigs, decisions)
        elif want_all:
            sink.add(event, (), ())


def _conflict(kept: bytes | None, other: bytes | None, dead: list[dict[str, Any]], report: Report) -> None:
    if kept is None or other is None:
        # Not shipped (a retro-hunt into Parquet with no stateful detector): the digests were
        # taken without the time, so they differ only when the content does.
        report.conflicts += 1
        report.dead_letters += 1
        report.dead_letter_reasons["duplicate event id with different content"] += 1
        return
    a, b = decode_event(kept), decode_event(other)
    if same_content(a, b):
        return
    report.conflicts += 1
    report.dead_letters += 1
    report.dead_letter_reasons["duplicate event id with different content"] += 1
    dead.append(
        {
            "source": f"event {b.platform}:{b.event_id}",
            "position": 0,
            "location": b.event_id,
            "reason": "duplicate event id with different content: the first version is kept "
            f"(kept: {encode_event(a)[:300].decode(errors='replace')})",
            "raw": other,
            "raw_size": len(other),
        }
    )
