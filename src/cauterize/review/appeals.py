"""Appeals: reopen an actioned case for a different reviewer, who upholds or overturns it.

Overturning sends the reversal of every applied action (``reinstate``, ``restore_post``,
``unrestrict``) through the same action path and sinks, and marks the originals ``reverted``.
Each appeal records the rules and model versions behind the appealed actions, which is what
the overturn rates per rule and per model are computed from.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.engine import Engine

from cauterize.policy.actions import REVERSAL, ActionRefused
from cauterize.review import actions, audit, cases
from cauterize.review.auth import Principal
from cauterize.review.sinks.base import Sink
from cauterize.store.schema_review import review_actions as RA
from cauterize.store.schema_review import review_appeals as AP

APPEALABLE = ("actioned", "dismissed", "upheld")


class AppealConflict(ActionRefused):
    pass


def file_appeal(
    engine: Engine, principal: Principal, case_id: int, reason: str, now: datetime | None = None
) -> dict[str, Any]:
    now = now or datetime.now(UTC)
    if not principal.can("reviewer"):
        raise ActionRefused("filing an appeal needs role reviewer", 403)
    case = cases.get_case(engine, case_id)
    if case is None:
        raise actions.CaseNotFound(case_id)
    if case["status"] not in APPEALABLE:
        raise AppealConflict(
            f"case {case_id} is {case['status']}; only {', '.join(APPEALABLE)} cases can be appealed", 409
        )
    applied = [a for a in actions.case_actions(engine, case_id) if a["status"] == "applied" and a["action"] in REVERSAL]
    decided = [a for a in actions.case_actions(engine, case_id) if a["status"] == "applied"]
    original = decided[-1]["actor"] if decided else case.get("resolved_by")
    rules = sorted({r for a in applied for r in (a["rule"] or "").split(",") if r})
    versions = sorted({v for a in applied for v in (a["model_version"] or "").split(",") if v})
    with audit._lock, engine.begin() as conn:
        res = conn.execute(
            AP.insert().values(
                case_id=case_id,
                filed_by=principal.username,
                reason=reason,
                original_reviewer=original,
                status="open",
                created_at=now,
                rules=rules,
                model_versions=versions,
            )
        )
        appeal_id = int(res.inserted_primary_key[0])  # type: ignore[index]
        cases.set_status(conn, case_id, now, status="appealed", revision=case["revision"] + 1)
        audit.append(
            conn,
            principal.username,
            "appeal_filed",
            {"appeal_id": appeal_id, "reason": reason, "original_reviewer": original, "rules": rules},
            case_id,
            now,
        )
    return get_appeal(engine, appeal_id)  # type: ignore[return-value]


def get_appeal(engine: Engine, appeal_id: int) -> dict[str, Any] | None:
    with engine.connect() as conn:
        r = conn.execute(select(AP).where(AP.c.id == appeal_id)).first()
    return dict(r._mapping) if r else None


def case_appeals(engine: Engine, case_id: int) -> list[dict[str, Any]]:
    with engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(select(AP).where(AP.c.case_id == case_id).order_by(AP.c.id))]


def decide_appeal(
    engine: Engine,
    principal: Principal,
    appeal_id: int,
    outcome: str,
    reason: str,
    sinks: Mapping[str, Sink],
    now: datetime | None = None,
) -> dict[str, Any]:
    now = now or datetime.now(UTC)
    if outcome not in ("upheld", "overturned"):
        raise ActionRefused("outcome is upheld or overturned")
    if not principal.can("reviewer"):
        raise ActionRefused("deciding an appeal needs role reviewer", 403)
    appeal = get_appeal(engine, appeal_id)
    if appeal is None:
        raise actions.CaseNotFound(appeal_id)
    if appeal["status"] != "open":
        raise AppealConflict(f"appeal {appeal_id} is already {appeal['status']}", 409)
    if appeal["original_reviewer"] and appeal["original_reviewer"] == principal.username:
        raise AppealConflict("an appeal is decided by a different reviewer than the one who acted", 403)
    case_id = appeal["case_id"]
    reversed_ids: list[int] = []
    if outcome == "overturned":
        for a in actions.case_actions(engine, case_id):
            if a["status"] != "applied" or a["action"] not in REVERSAL:
                continue
            req = actions.ActionRequest(
                REVERSAL[a["action"]],
                scope="account",
                account_ids=[a["account_id"]],
                post_id=a["post_id"],
                reason=f"appeal {appeal_id} overturned: {reason}",
                idempotency_key=f"appeal:{appeal_id}:reverse:{a['id']}",
            )
            res = actions.perform(
                engine,
                principal,
                case_id,
                req,
                sinks,
                now=now,
                extra_evidence={"reverses_action": a["id"], "appeal_id": appeal_id},
            )
            reversed_ids.append(a["id"])
            del res
    with audit._lock, engine.begin() as conn:
        if reversed_ids:
            conn.execute(update(RA).where(RA.c.id.in_(reversed_ids)).values(status="reverted"))
        conn.execute(
            update(AP)
            .where(AP.c.id == appeal_id)
            .values(status=outcome, decided_by=principal.username, decision_reason=reason, decided_at=now)
        )
        if outcome == "overturned" and not reversed_ids:
            # A dismissal overturned: nothing to reverse, the case goes back to the queue.
            cases.set_status(conn, case_id, now, status="open", resolution=None, resolved_by=None, resolved_at=None)
        else:
            cases.set_status(
                conn,
                case_id,
                now,
                status=outcome,
                resolution=f"appeal_{outcome}",
                resolved_by=principal.username,
                resolved_at=now,
            )
        audit.append(
            conn,
            principal.username,
            f"appeal_{outcome}",
            {"appeal_id": appeal_id, "reason": reason, "reversed_actions": reversed_ids, "rules": appeal["rules"]},
            case_id,
            now,
        )
    return get_appeal(engine, appeal_id)  # type: ignore[return-value]
