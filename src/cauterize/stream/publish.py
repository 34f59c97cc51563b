"""Decisions, enforcement and dead letters out to their topics, from the store (an outbox).

A run's effects are published only once the store has committed them, read back from the
store by the run's id, and the run is then marked published. A worker killed between the
store commit and the publication leaves its run unmarked; whichever worker next gets one of
that run's partitions publishes it. So the topics get every decision at least once, and each
message is keyed by the decision's id (platform, event id, account, policy: the store's own
unique key), which a compacted topic or a consumer deduplicates on.

Enforcement carries the decisions the policy takes by itself (``suspend``, with automatic
actions on); the decisions topic carries every decision, reviews and escalations included.
"""

from __future__ import annotations

import base64
from collections.abc import Iterable
from datetime import datetime
from typing import Any

import msgspec
from sqlalchemy import and_, select, update

from cauterize.store import schema as s
from cauterize.store.store import Store
from cauterize.stream.client import Topics

#: Decisions that act on an account without a person (the policy's automatic actions).
ENFORCING = frozenset({"suspend"})


def _default(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, bytes | bytearray | memoryview):
        return base64.b64encode(bytes(value)).decode()
    raise TypeError(f"cannot encode {type(value).__name__}")


_encode = msgspec.json.Encoder(enc_hook=_default).encode


def decision_key(row: dict[str, Any]) -> bytes:
    return f"{row['platform']}:{row['event_id']}:{row['account_id']}:{row['policy']}".encode()


class Publisher:
    def __init__(self, store: Store, producer: Any, topics: Topics) -> None:
        self.store = store
        self.producer = producer
        self.topics = topics
        self.sent = {"decisions": 0, "enforcement": 0, "dead_letters": 0}
        #: Runs below this id were found published (or not ours to publish) at the last scan.
        self._scanned_upto = 0

    def publish_run(self, run_id: int) -> list[dict[str, Any]]:
        """Send one run's decisions and dead letters, wait for the broker, mark the run published.

        Returns the decisions sent (for latency accounting)."""
        d, e, dl = s.decisions, s.events, s.dead_letters
        decisions_q = (
            select(d)
            .select_from(d.join(e, and_(e.c.platform == d.c.platform, e.c.event_id == d.c.event_id)))
            .where(e.c.run_id == run_id)
            .order_by(d.c.id)
        )
        with self.store.engine.connect() as conn:
            decisions = [dict(r._mapping) for r in conn.execute(decisions_q)]
            dead = [dict(r._mapping) for r in conn.execute(select(dl).where(dl.c.run_id == run_id).order_by(dl.c.id))]
        produce = self.producer.produce
        self._send_decisions(decisions)
        for row in dead:
            raw = bytes(row.pop("raw") or b"")
            headers = [
                ("cauterize-reason", str(row["reason"]).encode()[:4096]),
                ("cauterize-source", str(row["source"]).encode()),
                ("cauterize-position", str(row["position"]).encode()),
            ]
            key = f"{row['source']}@{row['position']}".encode()
            self._send(produce, self.topics.dead_letters, key, raw, headers)
            self.sent["dead_letters"] += 1
        left = self.producer.flush(60)
        if left:
            raise RuntimeError(f"{left} message(s) of run {run_id} not acknowledged by the broker")
        with self.store.engine.begin() as conn:
            row = conn.execute(select(s.ingest_runs.c.counts).where(s.ingest_runs.c.id == run_id)).first()
            counts = dict((row[0] if row else None) or {})
            counts["published"] = True
            conn.execute(update(s.ingest_runs).where(s.ingest_runs.c.id == run_id).values(counts=counts))
        return decisions

    def _send_decisions(self, decisions: list[dict[str, Any]]) -> None:
        produce = self.producer.produce
        for row in decisions:
            row.pop("id", None)
            key, value = decision_key(row), _encode(row)
            self._send(produce, self.topics.decisions, key, value)
            self.sent["decisions"] += 1
            if row["action"] in ENFORCING:
                self._send(produce, self.topics.enforcement, key, value)
                self.sent["enforcement"] += 1

    def send_rows(self, decisions: list[dict[str, Any]]) -> None:
        """Send decision rows read from the store (the ordered stage's) and wait for the broker."""
        self._send_decisions(decisions)
        left = self.producer.flush(60)
        if left:
            raise RuntimeError(f"{left} decision message(s) not acknowledged by the broker")

    def _send(self, produce: Any, topic: str, key: bytes, value: bytes, headers: Any = None) -> None:
        while True:
            try:
                produce(topic, value=value, key=key, headers=headers)
                return
            except BufferError:  # the local queue is full: let deliveries drain, then retry
                self.producer.poll(0.1)

    def publish_pending(self, partitions: Iterable[tuple[str, int]]) -> int:
        """Publish the runs of these partitions that some worker committed but never published."""
        names = {f"kafka:{topic}/{p}" for topic, p in partitions}
        r = s.ingest_runs
        with self.store.engine.connect() as conn:
            rows = conn.execute(select(r.c.id, r.c.sources, r.c.counts).where(r.c.id >= self._scanned_upto)).all()
        pending = [
            run_id
            for run_id, sources, counts in rows
            if not (counts or {}).get("published") and names.intersection(sources or ())
        ]
        for run_id in pending:
            self.publish_run(run_id)
        if rows:
            # Runs still going (another worker's) stay in the next scan.
            unfinished = [run_id for run_id, sources, counts in rows if counts is None]
            self._scanned_upto = min(unfinished, default=max(run_id for run_id, _, _ in rows) + 1)
        return len(pending)
