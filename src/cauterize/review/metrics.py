"""Overturn rates per rule and per model version: how often people reverse what a rule or model started."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Engine

from cauterize.store.schema_review import review_actions as RA
from cauterize.store.schema_review import review_appeals as AP


def overturn_rates(engine: Engine) -> dict[str, list[dict[str, Any]]]:
    """For each rule and model version: cases actioned, appeals decided, overturned, and the rate."""
    actioned: dict[str, dict[str, set[int]]] = {"rule": defaultdict(set), "model": defaultdict(set)}
    appeals: dict[str, dict[str, list[str]]] = {"rule": defaultdict(list), "model": defaultdict(list)}
    with engine.connect() as conn:
        for r in conn.execute(
            select(RA.c.case_id, RA.c.rule, RA.c.model_version).where(
                RA.c.status.in_(["applied", "reverted"]), RA.c.action.in_(["suspend", "remove_post", "restrict"])
            )
        ):
            for rule in (r.rule or "").split(","):
                if rule:
                    actioned["rule"][rule].add(r.case_id)
            for m in (r.model_version or "").split(","):
                if m:
                    actioned["model"][m].add(r.case_id)
        for a in conn.execute(select(AP.c.status, AP.c.rules, AP.c.model_versions).where(AP.c.status != "open")):
            for rule in a.rules or []:
                appeals["rule"][rule].append(a.status)
            for m in a.model_versions or []:
                appeals["model"][m].append(a.status)
    out: dict[str, list[dict[str, Any]]] = {}
    for kind in ("rule", "model"):
        keys = sorted(set(actioned[kind]) | set(appeals[kind]))
        rows = []
        for k in keys:
            outcomes = appeals[kind][k]
            over = sum(1 for o in outcomes if o == "overturned")
            n_cases = len(actioned[kind][k])
            rows.append(
                {
                    kind: k,
                    "cases_actioned": n_cases,
                    "appeals_decided": len(outcomes),
                    "overturned": over,
                    "overturn_rate": round(over / n_cases, 4) if n_cases else None,
                    "overturn_rate_of_appeals": round(over / len(outcomes), 4) if outcomes else None,
                }
            )
        out[kind] = rows
    return out
