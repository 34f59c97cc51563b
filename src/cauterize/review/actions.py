"""Taking actions on a case: one account, a post, the whole lineage, or a coordinated cluster.

Every action goes through the policy layer's checks (``cauterize.policy.actions.check_action``),
is idempotent (a key per target: the client's ``Idempotency-Key`` or one derived from the case,
its revision, the action and the target, so a double click or a retried request changes
nothing), carries its evidence (the decisions, rules, model versions and signals behind it), is
chained into the audit log, and is queued for every output sink in the same transaction.
``preview`` lists who an action would hit without taking it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import and_, or_, select
from sqlalchemy.engine import Connection, Engine

from cauterize.policy.actions import ENFORCING, REVIEW_ACTIONS, ActionRefused, check_action
from cauterize.review import audit, breaker, casefile, cases, outbox
from cauterize.review.auth import Principal
from cauterize.review.sinks.base import Sink
from cauterize.store import schema as s
from cauterize.store.schema_review import review_actions as RA

SCOPES = ("lineage", "account", "accounts", "case")


class CaseNotFound(LookupError):
    pass


@dataclass
class ActionRequest:
    action: str
    scope: str = "lineage"
    account_ids: list[str] = field(default_factory=list)
    post_id: str | None = None
    reason: str = ""
    idempotency_key: str | None = None


@dataclass
class ActionResult:
    case_id: int
    actions: list[dict[str, Any]]
    created: int
    skipped: list[dict[str, Any]]
    case_status: str


def _network_ids(conn: Connection, platform: str, ids: list[str]) -> set[str]:
    e = s.edges
    rows = conn.execute(
        select(e.c.src, e.c.dst).where(e.c.platform == platform, or_(e.c.src.in_(ids), e.c.dst.in_(ids))).limit(20000)
    )
    out: set[str] = set()
    for src, dst in rows:
        out.update((src, dst))
    return out


def preview(engine: Engine, case_id: int, req: ActionRequest) -> dict[str, Any]:
    """Who the action would hit, and who it would skip (already in that state), without acting."""
    case = cases.get_case(engine, case_id)
    if case is None:
        raise CaseNotFound(case_id)
    if req.action not in REVIEW_ACTIONS:
        raise ActionRefused(f"unknown action {req.action!r}")
    if req.scope not in SCOPES:
        raise ActionRefused(f"unknown scope {req.scope!r}; one of {', '.join(SCOPES)}")
    members = casefile.accounts_of(engine, case_id)
    by_id = {m["account_id"]: m for m in members}
    target_kind = REVIEW_ACTIONS[req.action][0]
    root = case["root_account_id"]
    hit: list[dict[str, Any]] = []
    if target_kind == "case":
        hit = [by_id.get(root, {"platform": case["platform"], "account_id": root})]
    elif target_kind == "post":
        if not req.post_id:
            raise ActionRefused(f"{req.action} needs a post_id")
        with engine.connect() as conn:
            author = conn.execute(
                select(s.posts.c.account_id).where(
                    s.posts.c.platform == case["platform"], s.posts.c.post_id == req.post_id
                )
            ).scalar_one_or_none()
        if author is None or author not in by_id:
            raise ActionRefused(f"post {req.post_id!r} is not by an account of case {case_id}")
        hit = [by_id[author]]
    elif req.scope == "lineage":
        hit = list(members)
    elif req.scope in ("account", "accounts"):
        wanted = list(dict.fromkeys(req.account_ids))
        if not wanted or (req.scope == "account" and len(wanted) != 1):
            raise ActionRefused(f"scope {req.scope} needs {'one account' if req.scope == 'account' else 'accounts'}")
        outside = [x for x in wanted if x not in by_id]
        if outside:
            with engine.connect() as conn:
                near = _network_ids(conn, case["platform"], list(by_id))
            far = [x for x in outside if x not in near]
            if far:
                raise ActionRefused(f"account(s) {', '.join(far[:5])} are neither in case {case_id} nor in its network")
            a = s.accounts
            with engine.connect() as conn:
                rows = conn.execute(
                    select(a.c.platform, a.c.account_id, a.c.handle, a.c.status, a.c.followers_count).where(
                        a.c.platform == case["platform"], a.c.account_id.in_(outside)
                    )
                )
                for r in rows:
                    by_id[r.account_id] = {**dict(r._mapping), "relation": "network"}
        hit = [by_id.get(x, {"platform": case["platform"], "account_id": x, "relation": "network"}) for x in wanted]
    else:
        raise ActionRefused(f"{req.action} cannot use scope {req.scope}")
    skipped = []
    if req.action == "suspend":
        skipped = [m for m in hit if m.get("status") in ("suspended", "deleted")]
        hit = [m for m in hit if m.get("status") not in ("suspended", "deleted")]
    return {
        "case_id": case_id,
        "action": req.action,
        "scope": req.scope,
        "post_id": req.post_id,
        "hit": [_target(m) for m in hit],
        "skipped": [{**_target(m), "why": f"already {m.get('status')}"} for m in skipped],
    }


def _target(m: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "platform": m.get("platform"),
        "account_id": m["account_id"],
        "handle": m.get("handle"),
        "relation": m.get("relation"),
        "status": m.get("status"),
        "followers": m.get("followers_count"),
    }


def _evidence_for(conn: Connection, case_id: int, account_id: str | None) -> dict[str, Any]:
    from cauterize.store.schema_review import review_case_decisions as CD

    d = s.decisions
    q = select(d.c.id, d.c.account_id, d.c.rule, d.c.policy, d.c.policy_version, d.c.evidence, d.c.reason).join(
        CD, CD.c.decision_id == d.c.id
    )
    q = q.where(CD.c.case_id == case_id).order_by(d.c.id)
    rows = [r for r in conn.execute(q) if account_id is None or r.account_id == account_id] or list(conn.execute(q))
    signals, rules, versions = [], set(), set()
    for r in rows:
        rules.add(r.rule)
        for sig in (r.evidence or {}).get("signals", []):
            versions.add(f"{sig.get('detector')}@{sig.get('detector_version')}")
            signals.append(
                {
                    "decision_id": r.id,
                    "label": sig.get("label"),
                    "score": sig.get("score"),
                    "detector": sig.get("detector"),
                    "detector_version": sig.get("detector_version"),
                    "post_id": sig.get("post_id"),
                    "parent_account_id": (sig.get("evidence") or {}).get("parent_account_id"),
                }
            )
    return {
        "decisions": [r.id for r in rows],
        "reasons": sorted({r.reason for r in rows}),
        "rules": sorted(rules),
        "model_versions": sorted(versions),
        "policy_versions": sorted({f"{r.policy}@{r.policy_version}" for r in rows}),
        "signals": signals[:50],
    }


def perform(
    engine: Engine,
    principal: Principal,
    case_id: int,
    req: ActionRequest,
    sinks: Mapping[str, Sink],
    *,
    source: str = "manual",
    status: str = "applied",
    now: datetime | None = None,
    extra_evidence: dict[str, Any] | None = None,
) -> ActionResult:
    now = now or datetime.now(UTC)
    plan = preview(engine, case_id, req)
    check_action(req.action, principal.role, n_accounts=max(len(plan["hit"]), 1), post_id=req.post_id)
    case = cases.get_case(engine, case_id)
    assert case is not None
    base = req.idempotency_key or f"case:{case_id}:r{case['revision']}:{req.action}:{req.post_id or ''}"
    created: list[dict[str, Any]] = []
    existing: list[dict[str, Any]] = []
    with audit._lock, engine.begin() as conn:
        for t in plan["hit"]:
            key = hashlib.sha256(f"{base}|{t['platform']}|{t['account_id']}".encode()).hexdigest()
            prior = conn.execute(select(RA).where(RA.c.idempotency_key == key)).first()
            if prior is not None:
                # A retry must be the same request: answering 200 to a different action under a
                # reused key would tell the client its suspend happened when only a restrict did.
                if (prior.action, prior.case_id, prior.post_id) != (req.action, case_id, req.post_id):
                    raise ActionRefused(
                        f"Idempotency-Key already used for {prior.action!r} on case {prior.case_id}"
                        f"{' post ' + prior.post_id if prior.post_id else ''}; send a new key for a different action",
                        status=409,
                    )
                existing.append(dict(prior._mapping))
                continue
            ev = _evidence_for(conn, case_id, t["account_id"])
            row = {
                "idempotency_key": key,
                "case_id": case_id,
                "action": req.action,
                "platform": t["platform"],
                "account_id": t["account_id"],
                "post_id": req.post_id,
                "source": source,
                "actor": principal.username,
                "reason": req.reason or f"{req.action} ({req.scope})",
                "rule": ",".join(ev["rules"])[:128] or None,
                "model_version": ",".join(ev["model_versions"])[:64] or None,
                "evidence": {**ev, **(extra_evidence or {}), "handle": t.get("handle"), "relation": t.get("relation")},
                "status": status,
                "created_at": now,
            }
            res = conn.execute(RA.insert().values(**row))
            created.append({**row, "id": int(res.inserted_primary_key[0])})  # type: ignore[index]
        new_status = case["status"]
        if created:
            if status == "applied":
                new_status = _status_after(req.action, case["status"])
                values: dict[str, Any] = {"status": new_status}
                if req.action == "escalate":
                    values["priority"] = True
                elif new_status in ("actioned", "dismissed"):
                    values.update(resolution=req.action, resolved_by=principal.username, resolved_at=now)
                cases.set_status(conn, case_id, now, **values)
            entry = audit.append(
                conn,
                principal.username,
                "action" if status == "applied" else f"action_{status}",
                {
                    "action": req.action,
                    "scope": req.scope,
                    "source": source,
                    "status": status,
                    "role": principal.role,
                    "via": principal.via,
                    "reason": req.reason,
                    "post_id": req.post_id,
                    "action_ids": [c["id"] for c in created],
                    "accounts": [c["account_id"] for c in created],
                    "rules": sorted({r for c in created for r in c["evidence"]["rules"]}),
                    "model_versions": sorted({v for c in created for v in c["evidence"]["model_versions"]}),
                    "decisions": sorted({d for c in created for d in c["evidence"]["decisions"]}),
                },
                case_id,
                now,
            )
            if status == "applied" and req.action in ENFORCING:
                for c in created:
                    outbox.enqueue(conn, c["id"], _payload(c, entry), sinks, now)
    if created and status == "applied" and req.action in ENFORCING and sinks:
        outbox.deliver_due(engine, sinks, now=now, action_ids=[c["id"] for c in created])
    return ActionResult(case_id, created + existing, len(created), plan["skipped"], new_status)


def _status_after(action: str, current: str) -> str:
    if action == "dismiss":
        return "dismissed"
    if action == "escalate":
        return "escalated"
    if action in ("reinstate", "restore_post", "unrestrict"):
        return current
    return "actioned"


def _payload(row: dict[str, Any], entry: dict[str, Any]) -> dict[str, Any]:
    return {
        "action_id": row["id"],
        "idempotency_key": row["idempotency_key"],
        "action": row["action"],
        "platform": row["platform"],
        "account_id": row["account_id"],
        "handle": row["evidence"].get("handle"),
        "post_id": row["post_id"],
        "case_id": row["case_id"],
        "actor": row["actor"],
        "source": row["source"],
        "reason": row["reason"],
        "rule": row["rule"],
        "model_version": row["model_version"],
        "evidence": {k: row["evidence"].get(k) for k in ("decisions", "rules", "model_versions", "reasons")},
        "created_at": row["created_at"].isoformat(),
        "audit_seq": entry["seq"],
        "audit_hash": entry["hash"],
    }


def case_actions(engine: Engine, case_id: int) -> list[dict[str, Any]]:
    with engine.connect() as conn:
        rows = conn.execute(select(RA).where(RA.c.case_id == case_id).order_by(RA.c.id))
        return [dict(r._mapping) for r in rows]


def auto_execute(
    engine: Engine,
    case_ids: list[int],
    sinks: Mapping[str, Sink],
    caps: dict[str, int],
    shadow: bool,
    now: datetime | None = None,
) -> list[dict[str, Any]]:
    """Apply the automatic suspensions the policy decided (``auto_actions = true``), through the breaker.

    A decision with action ``suspend`` in a touched case is applied to its account unless the
    day's cap is spent (then held for a person, alert fired) or shadow mode is on (recorded only).
    """
    from cauterize.store.schema_review import review_case_decisions as CD

    now = now or datetime.now(UTC)
    robot = Principal("auto", "reviewer", "policy")
    d = s.decisions
    out = []
    for case_id in case_ids:
        with engine.connect() as conn:
            rows = conn.execute(
                select(d.c.id, d.c.account_id, d.c.rule)
                .join(CD, CD.c.decision_id == d.c.id)
                .where(and_(CD.c.case_id == case_id, d.c.action == "suspend"))
            ).all()
        for r in rows:
            if shadow:
                st = "shadow"
            else:
                with engine.begin() as conn:
                    st = "applied" if breaker.allow(conn, "suspend", caps, now) else "held"
            req = ActionRequest(
                "suspend",
                scope="account",
                account_ids=[r.account_id],
                reason=f"automatic: rule {r.rule}",
                idempotency_key=f"auto:decision:{r.id}",
            )
            try:
                res = perform(engine, robot, case_id, req, sinks, source="auto", status=st, now=now)
            except ActionRefused:
                continue
            out.extend(res.actions)
    return out
