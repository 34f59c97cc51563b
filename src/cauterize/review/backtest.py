"""Shadow mode and back-tests: how a rule set would have decided, before it acts.

``backtest`` replays the stored signals through candidate threshold rules (the policy's own
``Rule.matches``, first matching rule per signal, as the live policy does) and lists the hits,
marking which accounts the live rules already decided about and which would be new. Nothing is
written. ``shadow_hits`` lists what rules running in shadow mode (``shadow = true`` on a rule)
recorded during ingest.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Engine

from cauterize.detectors.base import Signal
from cauterize.policy.threshold import Rule
from cauterize.store import schema as s


def backtest(
    engine: Engine,
    rules: Sequence[Mapping[str, Any]],
    since: datetime | None = None,
    until: datetime | None = None,
    limit: int = 500,
) -> dict[str, Any]:
    compiled = [Rule.from_config({**r, "shadow": False}) for r in rules]
    sig, d = s.signals, s.decisions
    q = select(sig).order_by(sig.c.event_time, sig.c.id)
    if since:
        q = q.where(sig.c.event_time >= since)
    if until:
        q = q.where(sig.c.event_time < until)
    hits: list[dict[str, Any]] = []
    per_rule: Counter[str] = Counter()
    accounts: dict[str, set[str]] = {}
    scanned = 0
    with engine.connect() as conn:
        decided = {
            (r.platform, r.account_id)
            for r in conn.execute(select(d.c.platform, d.c.account_id).where(~d.c.policy.like("%:shadow")).distinct())
        }
        for row in conn.execution_options(yield_per=5000).execute(q):
            scanned += 1
            signal = Signal(
                detector=row.detector,
                detector_version=row.detector_version,
                label=row.label,
                score=row.score,
                platform=row.platform,
                account_id=row.account_id,
                event_id=row.event_id,
                post_id=row.post_id,
                evidence=row.evidence or {},
            )
            for rule in compiled:
                if rule.matches(signal):
                    per_rule[rule.name] += 1
                    accounts.setdefault(rule.name, set()).add(row.account_id)
                    if len(hits) < limit:
                        hits.append(
                            {
                                "rule": rule.name,
                                "action": rule.action,
                                "platform": row.platform,
                                "account_id": row.account_id,
                                "label": row.label,
                                "score": row.score,
                                "detector": f"{row.detector}@{row.detector_version}",
                                "event_id": row.event_id,
                                "event_time": row.event_time,
                                "already_decided": (row.platform, row.account_id) in decided,
                            }
                        )
                    break
    return {
        "signals_scanned": scanned,
        "hits": hits,
        "truncated": sum(per_rule.values()) > len(hits),
        "per_rule": [
            {
                "rule": r.name,
                "action": r.action,
                "threshold": r.threshold,
                "signals": per_rule[r.name],
                "accounts": len(accounts.get(r.name, ())),
                "new_accounts": len({a for a in accounts.get(r.name, ()) if not any(k[1] == a for k in decided)}),
            }
            for r in compiled
        ],
    }


def shadow_hits(engine: Engine, limit: int = 200) -> dict[str, Any]:
    d = s.decisions
    with engine.connect() as conn:
        rows = [
            dict(r._mapping)
            for r in conn.execute(
                select(d.c.id, d.c.platform, d.c.account_id, d.c.rule, d.c.action, d.c.reason, d.c.event_time)
                .where(d.c.policy.like("%:shadow"))
                .order_by(d.c.id.desc())
                .limit(limit)
            )
        ]
    return {"per_rule": dict(Counter(r["rule"] for r in rows)), "decisions": rows}
