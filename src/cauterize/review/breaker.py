"""Circuit breakers on automatic actions: a daily cap per action type.

Past the cap (``[review] daily_caps``, default 200 suspensions a UTC day), automatic actions
are held (status ``held``: the case stays in its queue for a person) and one alert fires per
action type and day. Manual actions are never capped.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.engine import Connection

from cauterize.review.alerts import raise_alert
from cauterize.store.schema_review import review_actions as RA
from cauterize.store.schema_review import review_alerts as AL


def day_start(now: datetime) -> datetime:
    now = now.astimezone(UTC)
    return now.replace(hour=0, minute=0, second=0, microsecond=0)


def used_today(conn: Connection, action: str, now: datetime) -> int:
    start = day_start(now)
    return int(
        conn.execute(
            select(func.count()).where(
                RA.c.source == "auto",
                RA.c.action == action,
                RA.c.status == "applied",
                RA.c.created_at >= start,
                RA.c.created_at < start + timedelta(days=1),
            )
        ).scalar_one()
    )


def allow(conn: Connection, action: str, caps: dict[str, int], now: datetime) -> bool:
    """True if one more automatic ``action`` fits today's cap; else alert (once a day) and False."""
    cap = caps.get(action)
    if cap is None:
        return True
    if used_today(conn, action, now) < cap:
        return True
    start = day_start(now)
    already = conn.execute(select(func.count()).where(AL.c.kind == f"breaker:{action}", AL.c.at >= start)).scalar_one()
    if not already:
        raise_alert(
            conn,
            f"breaker:{action}",
            f"circuit breaker: {cap} automatic {action} actions today; further ones are held for review",
            {"action": action, "cap": cap, "day": start.date().isoformat()},
            now,
        )
    return False
