"""At-least-once delivery of actions to the sinks, with retries and back-off.

Taking an action writes one outbox row per sink in the same transaction as the action, so an
action is never lost between the database and a sink. ``deliver_due`` sends every row whose
time has come; a failure is retried after ``retry_base_seconds * 2**attempts`` (capped at an
hour) and after ``max_attempts`` the row is marked failed and an alert fires.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.engine import Connection, Engine

from cauterize.review.alerts import raise_alert
from cauterize.review.sinks.base import Sink, SinkError
from cauterize.store.schema_review import review_outbox as O

_lock = threading.Lock()


def enqueue(
    conn: Connection, action_id: int, payload: dict[str, Any], sinks: Mapping[str, Sink], now: datetime
) -> None:
    for name in sinks:
        conn.execute(
            O.insert().values(
                action_id=action_id, sink=name, payload=payload, status="pending", attempts=0, next_attempt_at=now
            )
        )


def deliver_due(
    engine: Engine,
    sinks: Mapping[str, Sink],
    max_attempts: int | None = None,
    retry_base_seconds: float | None = None,
    now: datetime | None = None,
    action_ids: list[int] | None = None,
) -> dict[str, int]:
    """Try every pending delivery that is due; returns counts of sent / retrying / failed.

    The retry policy defaults to the one the sink set carries (``[review] max_attempts``,
    ``retry_base_seconds``).
    """
    max_attempts = max_attempts or getattr(sinks, "max_attempts", 8)
    retry_base_seconds = retry_base_seconds or getattr(sinks, "retry_base_seconds", 5.0)
    counts = {"sent": 0, "retrying": 0, "failed": 0}
    now = now or datetime.now(UTC)
    with _lock:
        with engine.connect() as conn:
            q = select(O).where(O.c.status == "pending", O.c.next_attempt_at <= now).order_by(O.c.id).limit(500)
            if action_ids is not None:
                q = q.where(O.c.action_id.in_(action_ids))
            rows = [dict(r._mapping) for r in conn.execute(q)]
        for row in rows:
            sink = sinks.get(row["sink"])
            attempts = row["attempts"] + 1
            try:
                if sink is None:
                    raise SinkError(f"sink {row['sink']!r} is no longer configured")
                sink.send(row["payload"])
            except SinkError as exc:
                failed = attempts >= max_attempts
                delay = min(retry_base_seconds * 2 ** (attempts - 1), 3600.0)
                with engine.begin() as conn:
                    conn.execute(
                        update(O)
                        .where(O.c.id == row["id"])
                        .values(
                            attempts=attempts,
                            last_error=str(exc)[:2000],
                            status="failed" if failed else "pending",
                            next_attempt_at=now + timedelta(seconds=delay),
                        )
                    )
                    if failed:
                        raise_alert(
                            conn,
                            "sink_failed",
                            f"action {row['action_id']} could not be delivered to {row['sink']} after {attempts} attempts",
                            {"action_id": row["action_id"], "sink": row["sink"], "error": str(exc)[:500]},
                            now,
                        )
                counts["failed" if failed else "retrying"] += 1
                continue
            with engine.begin() as conn:
                conn.execute(
                    update(O)
                    .where(O.c.id == row["id"])
                    .values(attempts=attempts, status="sent", sent_at=now, last_error=None)
                )
            counts["sent"] += 1
    return counts


def status(engine: Engine, action_ids: list[int]) -> list[dict[str, Any]]:
    if not action_ids:
        return []
    with engine.connect() as conn:
        rows = conn.execute(
            select(O.c.action_id, O.c.sink, O.c.status, O.c.attempts, O.c.last_error).where(
                O.c.action_id.in_(action_ids)
            )
        )
        return [dict(r._mapping) for r in rows]
