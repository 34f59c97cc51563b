"""Where a backfill's results go: Parquet files, or the store (beside what ``cauterize ingest`` wrote).

Both take events in event-time order with their signals and decisions. Rows have the store's
columns (``store/project.py``) so that a Parquet result and the store's tables read alike; the
Parquet files also carry the run's versions (detectors, models, banks) in their metadata and,
per signal of known material, the version of the bank that matched.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import msgspec

from cauterize.detectors.base import Signal
from cauterize.events import Event
from cauterize.policy.base import Decision


def _now() -> datetime:
    return datetime.now(UTC)


class Sink:
    #: The sink stores events too, so every event must reach it (not only those with signals).
    wants_events: bool = False

    def add(self, event: Event, signals: Sequence[Signal], decisions: Sequence[Decision]) -> None:
        raise NotImplementedError

    def dead(self, rows: list[dict[str, Any]]) -> None:
        raise NotImplementedError

    def finish(self) -> dict[str, Any]:
        """Write what is still buffered; what the run report should say about this sink."""
        return {}

    def close(self, report: dict[str, Any]) -> None:
        raise NotImplementedError

    def abort(self, reason: str) -> None:
        """The run failed: close what is open and record why."""
        self.close({"failed": reason})


_SIGNAL_FIELDS = [
    ("platform", "string"),
    ("account_id", "string"),
    ("event_id", "string"),
    ("post_id", "string"),
    ("detector", "string"),
    ("detector_version", "string"),
    ("label", "string"),
    ("score", "float64"),
    ("evidence", "string"),
    ("bank_version", "string"),
    ("event_time", "timestamp"),
    ("created_at", "timestamp"),
]
_DECISION_FIELDS = [
    ("platform", "string"),
    ("account_id", "string"),
    ("event_id", "string"),
    ("post_id", "string"),
    ("action", "string"),
    ("policy", "string"),
    ("policy_version", "string"),
    ("rule", "string"),
    ("reason", "string"),
    ("evidence", "string"),
    ("event_time", "timestamp"),
    ("decided_at", "timestamp"),
]
_DEAD_FIELDS = [
    ("source", "string"),
    ("position", "int64"),
    ("location", "string"),
    ("reason", "string"),
    ("raw", "binary"),
    ("raw_size", "int64"),
]


def _schema(fields: list[tuple[str, str]], meta: dict[str, str]) -> Any:
    import pyarrow as pa

    types = {"string": pa.string(), "float64": pa.float64(), "int64": pa.int64(), "binary": pa.binary()}
    return pa.schema(
        [pa.field(n, pa.timestamp("us", tz="UTC") if t == "timestamp" else types[t]) for n, t in fields],
        metadata=meta,
    )


class _Table:
    """Rows buffered and written as row groups of one Parquet file."""

    def __init__(self, path: Path, fields: list[tuple[str, str]], meta: dict[str, str], group: int = 100_000):
        import pyarrow.parquet as pq

        self.fields = fields
        self.schema = _schema(fields, meta)
        self.writer = pq.ParquetWriter(path, self.schema, compression="zstd")
        self.rows: list[tuple[Any, ...]] = []
        self.group = group
        self.count = 0

    def add(self, row: tuple[Any, ...]) -> None:
        self.rows.append(row)
        if len(self.rows) >= self.group:
            self.flush()

    def flush(self) -> None:
        import pyarrow as pa

        if not self.rows:
            return
        cols = list(zip(*self.rows, strict=True))
        self.writer.write_table(pa.Table.from_arrays([list(c) for c in cols], schema=self.schema))
        self.count += len(self.rows)
        self.rows.clear()

    def close(self) -> None:
        self.flush()
        self.writer.close()


class ParquetSink(Sink):
    """``signals.parquet``, ``decisions.parquet``, ``dead_letters.parquet`` and ``report.json`` in a folder."""

    def __init__(self, out: Path, versions: dict[str, Any]) -> None:
        out.mkdir(parents=True, exist_ok=True)
        self.out = out
        meta = {"cauterize.versions": json.dumps(versions, sort_keys=True)}
        self._banks = {name: b["version"] for name, b in versions.get("banks", {}).items()}
        self.signals = _Table(out / "signals.parquet", _SIGNAL_FIELDS, meta)
        self.decisions = _Table(out / "decisions.parquet", _DECISION_FIELDS, meta)
        self.dead_letters = _Table(out / "dead_letters.parquet", _DEAD_FIELDS, meta, group=10_000)
        self._created = _now()
        self._enc = msgspec.json.Encoder()

    def add(self, event: Event, signals: Sequence[Signal], decisions: Sequence[Decision]) -> None:
        enc = self._enc.encode
        for s in signals:
            bank = s.evidence.get("bank") if s.detector == "known_material" else None
            self.signals.add(
                (
                    s.platform,
                    s.account_id,
                    s.event_id,
                    s.post_id,
                    s.detector,
                    str(s.detector_version),
                    s.label,
                    float(s.score),
                    enc(dict(s.evidence)).decode(),
                    self._banks.get(bank) if bank else None,
                    event.time,
                    self._created,
                )
            )
        now = _now() if decisions else None
        for d in decisions:
            self.decisions.add(
                (
                    d.platform,
                    d.account_id,
                    d.event_id,
                    d.post_id,
                    d.action,
                    d.policy,
                    d.policy_version,
                    d.rule,
                    d.reason,
                    enc(dict(d.evidence)).decode(),
                    d.event_time,
                    now,
                )
            )

    def dead(self, rows: list[dict[str, Any]]) -> None:
        for r in rows:
            self.dead_letters.add(tuple(r[n] for n, _ in _DEAD_FIELDS))

    def close(self, report: dict[str, Any]) -> None:
        for t in (self.signals, self.decisions, self.dead_letters):
            t.close()
        (self.out / "report.json").write_text(json.dumps(report, indent=2, sort_keys=True, default=str) + "\n")


class StoreSink(Sink):
    """Into the store: the events it lacks (projected as ingest projects them), signals and decisions.

    An event the store already holds is not written again, but its new signals and decisions are
    (a retro-hunt over ingested data); a signal or decision the store already has for the same
    event, account and detector/label (policy) is left as it is (the tables' unique keys).
    """

    wants_events = True

    def __init__(self, store: Any, run_id: int, batch_size: int = 50_000) -> None:
        self.store = store
        self.run_id = run_id
        self.batch_size = batch_size
        self._pending: list[tuple[Event, Sequence[Signal], Sequence[Decision]]] = []
        self.events_written = 0

    def add(self, event: Event, signals: Sequence[Signal], decisions: Sequence[Decision]) -> None:
        self._pending.append((event, signals, decisions))
        if len(self._pending) >= self.batch_size:
            self._flush()

    def _flush(self) -> None:
        if not self._pending:
            return
        known = self.store.known_event_ids([(e.platform, e.event_id) for e, _, _ in self._pending])
        now = _now()
        batch = self.store.new_batch(now, self.run_id)
        for event, signals, decisions in self._pending:
            if (event.platform, event.event_id) not in known:
                batch.add(event)
                self.events_written += 1
            for s in signals:
                batch.add_signal(s, event.time)
            for d in decisions:
                batch.add_decision(d, now)
        self._pending.clear()
        self.store.write(batch)

    def dead(self, rows: list[dict[str, Any]]) -> None:
        now = _now()
        self.store.dead_letter([{**r, "run_id": self.run_id, "received_at": now} for r in rows])

    def finish(self) -> dict[str, Any]:
        self._flush()
        return {"events_written_to_store": self.events_written, "store_run_id": self.run_id}

    def close(self, report: dict[str, Any]) -> None:
        self.store.finish_run(self.run_id, _now(), report)
