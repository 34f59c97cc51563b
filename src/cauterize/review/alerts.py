"""Alerts for people: a circuit breaker tripped, a sink gave up. Stored, logged, shown in the console."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection, Engine

from cauterize.store.schema_review import review_alerts as AL

log = logging.getLogger("cauterize.review.alerts")


def raise_alert(
    conn: Connection, kind: str, message: str, details: dict[str, Any], now: datetime | None = None
) -> None:
    log.warning("ALERT %s: %s", kind, message)
    conn.execute(AL.insert().values(at=now or datetime.now(UTC), kind=kind, message=message, details=details))


def recent(engine: Engine, limit: int = 50) -> list[dict[str, Any]]:
    with engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(select(AL).order_by(AL.c.id.desc()).limit(limit))]
